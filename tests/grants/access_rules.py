"""The grants routes' access rules: one file per route module, merged here.
World keys: tests/grants/world.py. Roles: tests/access_common.py ("company" funds the grant,
"judge" mentors it, "ngo" receives it)."""
from __future__ import annotations

from .rules_core import CORE_RULES
from .rules_dashboards import DASHBOARDS_RULES
from .rules_giving360 import GIVING360_RULES
from .rules_mentoring import MENTORING_RULES
from .rules_reports import REPORTS_RULES

GRANTS_ACCESS = {**CORE_RULES, **REPORTS_RULES, **MENTORING_RULES, **DASHBOARDS_RULES, **GIVING360_RULES}
