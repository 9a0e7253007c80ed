"""Access rules of grant_views and disbursement_views."""
from __future__ import annotations

from ..access_common import Rule

# Who sees a grant: its committee, the recipient NGO, the sponsor whose source funds it, its mentor.
VIEWERS = {"committee", "ngo", "company", "judge"}

CORE_RULES = {
    "grants.grant_page": Rule(VIEWERS, params={"grant_id": "grant"}),
}
