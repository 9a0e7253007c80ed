"""The roles and the Rule record of the access test (tests/test_access.py)."""
from __future__ import annotations

from dataclasses import dataclass, field

# "judge" is assigned to the judging world's application; "other_judge" judges the same call but not it.
# "company" and "other_company" are two sponsors; "department" posts needs (领办).
ROLES = ("anonymous", "ngo", "other_ngo", "company", "other_company", "department", "judge", "other_judge", "committee")
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}


@dataclass
class Rule:
    allowed: set[str]
    method: str = "GET"
    params: dict = field(default_factory=dict)  # URL parameter → world key
    ok: tuple = (200, 302)  # what an allowed role may get
