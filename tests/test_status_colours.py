"""Every state a page shows as a badge (templates/macros/tables.html status_badge) has its colour
in portal.css: a state without one is white text on white, i.e. invisible."""
from __future__ import annotations

import re
from pathlib import Path

import portal.accounts.models  # noqa: F401 - every lifecycle is defined with its models
import portal.applications.models  # noqa: F401
import portal.calls.models  # noqa: F401
import portal.judging.models  # noqa: F401
import portal.matching.models  # noqa: F401
import portal.grants.models  # noqa: F401
from portal.calls.models import OrganizerRole
from portal.judging.models import Advancement, Aggregation, RoundKind
from portal.states import StateEnum

CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "portal.css"
# Kinds and rules that share the StateEnum machinery for their labels but are never shown as badges.
NOT_BADGES = {OrganizerRole, RoundKind, Aggregation, Advancement}


def test_every_state_has_a_badge_colour():
    defined = set(re.findall(r"\.status-([a-z_]+)", CSS.read_text()))
    missing = {
        cls.__name__: sorted(member.value for member in cls if member.value not in defined)
        for cls in StateEnum.__subclasses__() if cls not in NOT_BADGES
    }
    assert not {name: values for name, values in missing.items() if values}
