"""The matching routes' access rules: one file per route module, merged here.
World keys: tests/matching/world.py. Roles: tests/access_common.py (company and other_company are
two sponsors; department posts needs)."""
from __future__ import annotations

from ..access_common import Rule
from .rules_board import BOARD_RULES

NGO_RULES = {
    "matching.my_pledges_received": Rule({"ngo", "other_ngo"}),
}

MATCHING_ACCESS = {**NGO_RULES, **BOARD_RULES}
