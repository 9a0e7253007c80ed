"""Access rules of the committee's session, pledge and award-funder routes and the sponsors' and
NGOs' pages (session_views, pledge_views, sponsor_views, ngo_views)."""
from __future__ import annotations

from ..access_common import SIGNED_IN, Rule

COMMITTEE = {"committee"}
SPONSORS = {"company", "other_company"}
OPEN_SESSION = {"session_id": "matching_session"}
PROJECT = {"project_id": "shown_project"}

RULES = {
    "matching.sessions": Rule(COMMITTEE),
    "matching.session_new": Rule(COMMITTEE),
    "matching.session_edit": Rule(COMMITTEE, params=OPEN_SESSION),
    "matching.session_manage": Rule(COMMITTEE, params=OPEN_SESSION),
    "matching.session_transition": Rule(COMMITTEE, method="POST", params={**OPEN_SESSION, "target": "literal:close"}),
    "matching.projects_add": Rule(COMMITTEE, method="POST", params=OPEN_SESSION),
    "matching.project_goal": Rule(COMMITTEE, method="POST", params=PROJECT),
    "matching.project_move": Rule(COMMITTEE, method="POST", params={**PROJECT, "direction": "literal:down"}),
    "matching.project_withdraw": Rule(COMMITTEE, method="POST", params=PROJECT),
    "matching.session_pledges": Rule(COMMITTEE, params=OPEN_SESSION),
    "matching.pledge_on_behalf": Rule(COMMITTEE, method="POST", params=OPEN_SESSION, ok=(302, 400)),
    "matching.pledge_decide": Rule(COMMITTEE, method="POST", params={"pledge_id": "pledge", "decision": "literal:confirm"}),
    "matching.pledge_receipt": Rule(COMMITTEE, method="POST", params={"pledge_id": "confirmed_pledge"}),
    "matching.naming_decide": Rule(COMMITTEE, method="POST", params={"request_id": "naming", "decision": "literal:approve"}),
    "matching.award_funders": Rule(COMMITTEE, params={"call_id": "notice_call"}),
    "matching.award_funder_add": Rule(COMMITTEE, method="POST", params={"call_id": "notice_call"}, ok=(302, 400)),
    "matching.award_funder_remove": Rule(COMMITTEE, method="POST", params={"pledge_id": "award_pledge"}),
    "matching.home": Rule(SIGNED_IN),
    "matching.catalogue": Rule(SPONSORS | COMMITTEE, params=OPEN_SESSION),
    "matching.project": Rule(SPONSORS | COMMITTEE | {"ngo"}, params=PROJECT),
    "matching.pledge": Rule(SPONSORS, method="POST", params=PROJECT, ok=(302, 400)),
    "matching.claim": Rule(SPONSORS, method="POST", params=PROJECT),
    "matching.pledge_in_kind": Rule(SPONSORS, method="POST", params=PROJECT, ok=(302, 400)),
    "matching.bookmark": Rule(SPONSORS, method="POST", params=PROJECT),
    "matching.naming_request": Rule(SPONSORS, method="POST", params=PROJECT, ok=(302, 400)),
    "matching.my_pledges": Rule(SPONSORS),
    "matching.pledge_change": Rule({"company"}, method="POST", params={"pledge_id": "pledge"}),
    "matching.pledge_withdraw": Rule({"company"}, method="POST", params={"pledge_id": "pledge"}),
    "matching.my_pledges_received": Rule({"ngo", "other_ngo"}),
    "matching.project_contact": Rule({"ngo"}, method="POST", params=PROJECT),
}
