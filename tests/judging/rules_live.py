"""Access rules for the judging routes of live_views (merged into tests/test_access.py)."""
from __future__ import annotations

from ..access_common import EVERYONE, SIGNED_IN, Rule  # noqa: F401

LIVE = {"round_id": "live_round"}

RULES: dict[str, Rule] = {
    # The committee's stage screen and its controls (a refused step answers with a message, 302).
    "judging.live_stage": Rule({"committee"}, params=LIVE),
    "judging.live_control": Rule({"committee"}, method="POST", params={**LIVE, "action": "literal:next"}),
    "judging.live_start": Rule({"committee"}, method="POST", params=LIVE),
    # The phone sheet: judges assigned in the round only ("other_judge" judges the call, not this round).
    "judging.live_judge": Rule({"judge"}, params=LIVE),
    "judging.live_sheet": Rule({"judge"}, method="POST", params={**LIVE, "application_id": "live_app"}, ok=(200, 400)),
    # The polled state: the committee and the round's judges, each seeing their own view.
    "judging.live_state": Rule({"committee", "judge"}, params=LIVE),
}
