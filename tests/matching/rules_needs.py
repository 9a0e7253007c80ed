"""Access rules of the needs (领办) routes (portal/matching/need_views.py). The world's need is open in
the open session, posted by "department"; NGO A ("ngo") has offered to take it on; "other_ngo" is a
verified NGO that has not. A department sees the offers to its own needs only, an NGO its own offers
only; sponsors and judges see neither."""
from __future__ import annotations

from ..access_common import Rule

NEED = {"need_id": "need"}
OFFER = {"offer_id": "offer"}
MANAGERS = {"department", "committee"}  # the need's department and the session's committee
NGOS = {"ngo", "other_ngo"}
REFUSED_ON_FORM = (200, 302, 400)  # the form again with its fields marked, or a flashed refusal

NEED_RULES = {
    "matching.needs_open": Rule(NGOS),
    "matching.my_needs": Rule({"department"}),
    "matching.need_new": Rule({"department"}),
    "matching.session_needs": Rule({"committee"}, params={"session_id": "matching_session"}),
    "matching.need_new_on_behalf": Rule({"committee"}, params={"session_id": "matching_session"}),
    "matching.need_detail": Rule(MANAGERS | NGOS, params=NEED),
    "matching.need_edit": Rule(MANAGERS, params=NEED),  # it has an offer: sent back to its page
    "matching.need_publish": Rule(MANAGERS, method="POST", params=NEED),  # already open: a flashed refusal
    "matching.need_cancel": Rule(MANAGERS, method="POST", params=NEED, ok=REFUSED_ON_FORM),  # no reason given
    "matching.need_offers": Rule(MANAGERS, params=NEED),
    "matching.offer_submit": Rule(NGOS, method="POST", params=NEED, ok=REFUSED_ON_FORM),
    "matching.offer_withdraw": Rule({"ngo"}, method="POST", params=OFFER),
    "matching.offer_accept": Rule(MANAGERS, method="POST", params=OFFER),
}
