"""Access rules of the session report (the session's committee) and a sponsor's statement (its
sponsors' members: "company" and "other_company" each read their own)."""
from __future__ import annotations

from ..access_common import Rule

SESSION = {"session_id": "matching_session"}

REPORT_RULES = {
    "matching.session_report_page": Rule({"committee"}, params=SESSION),
    "matching.session_report_pdf": Rule({"committee"}, params=SESSION),
    "matching.session_report_xlsx": Rule({"committee"}, params=SESSION),
    "matching.statement": Rule({"company", "other_company"}),
    "matching.statement_xlsx": Rule({"company", "other_company"}),
}
