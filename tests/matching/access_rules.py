"""The matching routes' access rules: one file per route module, merged here.
World keys: tests/matching/world.py. Roles: tests/access_common.py (company and other_company are
two sponsors; department posts needs)."""
from __future__ import annotations

from . import rules_sessions
from .rules_board import BOARD_RULES
from .rules_needs import NEED_RULES
from .rules_report import REPORT_RULES

MATCHING_ACCESS = {**rules_sessions.RULES, **REPORT_RULES, **NEED_RULES, **BOARD_RULES}
