"""Access rules for the judging routes of results_views (merged into tests/test_access.py)."""
from __future__ import annotations

from ..access_common import EVERYONE, SIGNED_IN, Rule  # noqa: F401

COMMITTEE = {"committee"}
ROUND1 = {"round_id": "round1"}

RULES: dict[str, Rule] = {
    "judging.results": Rule(COMMITTEE, params=ROUND1),
    # without ?without= the what-if page sends the user back to the ranking
    "judging.results_what_if": Rule(COMMITTEE, params=ROUND1),
    "judging.results_export": Rule(COMMITTEE, params=ROUND1),
    "judging.awards_export": Rule(COMMITTEE, params={"call_id": "notice_call"}),
    "judging.results_lock": Rule(COMMITTEE, method="POST", params=ROUND1),
    # round1 is still open: advancing is refused with a message (302)
    "judging.results_advance": Rule(COMMITTEE, method="POST", params=ROUND1),
}
