"""Access rules for the judging set-up routes: calls.round_views (评审设置) and judging.round_views
(merged into tests/test_access.py). The committee owns every call of the world."""
from __future__ import annotations

from ..access_common import EVERYONE, SIGNED_IN, Rule  # noqa: F401

COMMITTEE = {"committee"}

RULES: dict[str, Rule] = {
    "calls.judging_setup": Rule(COMMITTEE, params={"call_id": "judging_call"}),
    "calls.round_new": Rule(COMMITTEE, params={"call_id": "call"}),
    "calls.round_edit": Rule(COMMITTEE, params={"round_id": "round2"}),
    "calls.round_delete": Rule(COMMITTEE, method="POST", params={"round_id": "round2"}),
    "calls.round_move": Rule(COMMITTEE, method="POST", params={"round_id": "round2", "direction": "literal:up"}),
    "calls.rubric": Rule(COMMITTEE, params={"round_id": "round2"}),
    "calls.rubric_copy": Rule(COMMITTEE, method="POST", params={"round_id": "round2"}),
    "calls.award_tiers": Rule(COMMITTEE, params={"call_id": "judging_call"}),
    "judging.start_judging": Rule(COMMITTEE, method="POST", params={"call_id": "judging_call"}),
    "judging.open_round": Rule(COMMITTEE, method="POST", params={"round_id": "round2"}),
}
