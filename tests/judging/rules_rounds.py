"""Access rules for the judging routes of rounds_views (merged into tests/test_access.py)."""
from __future__ import annotations

from ..access_common import EVERYONE, SIGNED_IN, Rule  # noqa: F401

RULES: dict[str, Rule] = {
}
