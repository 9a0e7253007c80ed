"""Access rules for the routes of award_views, the public results page (public/notice_views) and
email confirmation (accounts/email_confirmation) (merged into tests/test_access.py)."""
from __future__ import annotations

from ..access_common import EVERYONE, SIGNED_IN, Rule  # noqa: F401

RULES: dict[str, Rule] = {
    # committee: awards, publishing, objections, finalizing
    "judging.awards": Rule({"committee"}, params={"call_id": "judging_call"}),
    "judging.publish": Rule({"committee"}, method="POST", params={"call_id": "judging_call"}, ok=(200, 302, 400)),
    "judging.objections": Rule({"committee"}, params={"call_id": "notice_call"}),
    "judging.answer_objection": Rule({"committee"}, method="POST", params={"objection_id": "objection"},
                                     ok=(200, 302, 400)),
    "judging.withdraw_notice": Rule({"committee"}, method="POST", params={"call_id": "notice_call"}),
    "judging.finalize": Rule({"committee"}, method="POST", params={"call_id": "notice_call"}),
    # NGOs: their own results only
    "judging.my_results": Rule({"ngo", "other_ngo"}),
    # the public results page (公示)
    "public.results": Rule(EVERYONE, params={"call_id": "notice_call"}),
    "public.lodge_objection": Rule(EVERYONE, method="POST", params={"call_id": "notice_call"}, ok=(200, 302, 400)),
    "public.vote": Rule(SIGNED_IN, method="POST", params={"call_id": "notice_call"}),
    "public.vote_counts": Rule(EVERYONE, params={"call_id": "notice_call"}),
    # email confirmation (a signed-in user asks for a link; the link works without signing in)
    "accounts.confirm_email": Rule(EVERYONE, params={"token": "literal:bad"}, ok=(410,)),
    "accounts.send_confirmation": Rule(SIGNED_IN, method="POST"),
}
