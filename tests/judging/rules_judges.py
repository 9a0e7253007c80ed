"""Access rules for the judging routes of judge_views (merged into tests/test_access.py)."""
from __future__ import annotations

from ..access_common import EVERYONE, SIGNED_IN, Rule  # noqa: F401

JUDGES = {"judge", "other_judge"}

RULES: dict[str, Rule] = {
    # committee: a call's judges and a round's assignment
    "judging.call_judges": Rule({"committee"}, params={"call_id": "judging_call"}),
    "judging.judge_invite": Rule({"committee"}, method="POST", params={"call_id": "judging_call"}, ok=(302, 400)),
    "judging.judge_remove": Rule({"committee"}, method="POST", params={"call_id": "judging_call"}),
    "judging.round_assignment": Rule({"committee"}, params={"round_id": "round1"}),
    "judging.assignment_auto": Rule({"committee"}, method="POST", params={"round_id": "round1"}),
    "judging.assignment_add": Rule({"committee"}, method="POST", params={"round_id": "round1"}),
    # the judge's sheet on this assignment is started: the answer is the confirmation page (200)
    "judging.assignment_remove": Rule({"committee"}, method="POST", params={"assignment_id": "assignment"}),
    "judging.assignment_remind": Rule({"committee"}, method="POST", params={"round_id": "round1"}),
    # judges: conflicts
    "judging.my_conflicts": Rule(JUDGES),
    "judging.conflict_declare": Rule(JUDGES, method="POST", ok=(302, 400)),
    "judging.conflict_withdraw": Rule(JUDGES, method="POST"),
}
