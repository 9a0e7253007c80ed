"""Access rules of report_views: reports, expenses, evaluations."""
from __future__ import annotations

from ..access_common import Rule
from .rules_core import VIEWERS

FORM = (200, 302, 400)  # a form shown again with its errors is an answer too

REPORTS_RULES = {
    "grants.reports": Rule(VIEWERS, params={"grant_id": "grant"}),
    "grants.report_schedule": Rule({"committee"}, method="POST", params={"grant_id": "grant"}, ok=FORM),
    "grants.report_reschedule": Rule({"committee"}, params={"report_id": "final_report"}),
    "grants.report_remove": Rule({"committee"}, method="POST", params={"report_id": "final_report"}),
    "grants.report_page": Rule(VIEWERS, params={"report_id": "midterm_report"}),
    "grants.report_file": Rule({"ngo"}, params={"report_id": "final_report"}),
    "grants.report_photo_delete": Rule({"ngo"}, method="POST",
                                       params={"report_id": "midterm_report", "file_id": "report_photo"}),
    "grants.report_photo": Rule(VIEWERS, params={"report_id": "midterm_report", "file_id": "report_photo"}),
    "grants.expense_receipt": Rule(VIEWERS, params={"expense_id": "expense"}),
    "grants.expense_reverse": Rule({"ngo", "committee"}, method="POST", params={"expense_id": "expense"}),
    # The world's mid-term report is evaluated already: the committee is sent back to it.
    "grants.report_evaluate": Rule({"committee"}, params={"report_id": "midterm_report"}),
}
