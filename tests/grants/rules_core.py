"""Access rules of grant_views and disbursement_views."""
from __future__ import annotations

from ..access_common import SIGNED_IN, Rule

COMMITTEE = {"committee"}
# Who sees a grant: its committee, the recipient NGO, the sponsor whose source funds it, its mentor.
VIEWERS = {"committee", "ngo", "company", "judge"}
GRANT = {"grant_id": "grant"}
DRAFTED = {"grant_id": "drafted_grant"}
PREPARED = {"disbursement_id": "prepared_disbursement"}

CORE_RULES = {
    "grants.index": Rule(SIGNED_IN),
    "grants.call_grants": Rule(COMMITTEE, params={"call_id": "call"}),
    "grants.draft": Rule(COMMITTEE, method="POST", params={"call_id": "call", "application_id": "submitted_app"}),
    "grants.draft_commissioned": Rule(COMMITTEE, method="POST", params={"offer_id": "offer"}),
    "grants.grant_page": Rule(VIEWERS, params=GRANT),
    "grants.scan": Rule(VIEWERS, params=GRANT),
    "grants.edit": Rule(COMMITTEE, params=DRAFTED),
    "grants.budget": Rule(COMMITTEE, method="POST", params=DRAFTED, ok=(302, 400)),
    "grants.tranche_plan": Rule(COMMITTEE, method="POST", params=DRAFTED, ok=(302, 400)),
    "grants.scan_upload": Rule(COMMITTEE, method="POST", params=DRAFTED),
    "grants.transition": Rule(COMMITTEE, method="POST", params={**DRAFTED, "target": "literal:sign"}),
    "grants.prepare": Rule(COMMITTEE, method="POST", params={"tranche_id": "last_tranche"}, ok=(302, 400)),
    "grants.disbursement_step": Rule(COMMITTEE, method="POST", params={**PREPARED, "step": "literal:changes"},
                                     ok=(302, 400)),
    "grants.revise": Rule(COMMITTEE, method="POST", params=PREPARED, ok=(302, 400)),
}
