"""Access rules for the judging set-up routes (judging.round_views: 评审设置, starting judging, opening a round)
(merged into tests/test_access.py). The committee owns every call of the world."""
from __future__ import annotations

from ..access_common import EVERYONE, SIGNED_IN, Rule  # noqa: F401

COMMITTEE = {"committee"}

RULES: dict[str, Rule] = {
    "judging.setup": Rule(COMMITTEE, params={"call_id": "judging_call"}),
    "judging.round_new": Rule(COMMITTEE, params={"call_id": "call"}),
    "judging.round_edit": Rule(COMMITTEE, params={"round_id": "round2"}),
    "judging.round_delete": Rule(COMMITTEE, method="POST", params={"round_id": "round2"}),
    "judging.round_move": Rule(COMMITTEE, method="POST", params={"round_id": "round2", "direction": "literal:up"}),
    "judging.rubric": Rule(COMMITTEE, params={"round_id": "round2"}),
    "judging.rubric_copy": Rule(COMMITTEE, method="POST", params={"round_id": "round2"}),
    "judging.award_tiers": Rule(COMMITTEE, params={"call_id": "judging_call"}),
    "judging.start_judging": Rule(COMMITTEE, method="POST", params={"call_id": "judging_call"}),
    "judging.open_round": Rule(COMMITTEE, method="POST", params={"round_id": "round2"}),
}
