"""Access rules for the judging routes of sheet_views (merged into tests/test_access.py)."""
from __future__ import annotations

from ..access_common import EVERYONE, SIGNED_IN, Rule  # noqa: F401

ENTRY = {"round_id": "round1", "application_id": "judged_app"}

RULES: dict[str, Rule] = {
    "judging.judge_home": Rule({"judge", "other_judge"}),
    # Both are judges of the call: other_judge sees their own (other) assignments in round 1.
    "judging.judge_round": Rule({"judge", "other_judge"}, params={"round_id": "round1"}),
    # Only the assigned judge; other_judge gets 404.
    "judging.score_sheet": Rule({"judge"}, params=ENTRY),
    "judging.entry_attachment": Rule({"judge", "committee"}, params={**ENTRY, "attachment_id": "judged_attachment"}),
    "judging.entry_pdf": Rule({"judge", "committee"}, params=ENTRY, ok=(200, 503)),
}
