"""The matching routes' access rules: one file per route module, merged here.
World keys: tests/matching/world.py. Roles: tests/access_common.py (company and other_company are
two sponsors; department posts needs)."""
from __future__ import annotations

from . import rules_sessions
from .rules_board import BOARD_RULES

MATCHING_ACCESS = {**rules_sessions.RULES, **BOARD_RULES}
