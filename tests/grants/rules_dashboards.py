"""Access rules of dashboard_views: dashboards, ledgers, a sponsor's view and their Excel exports."""
from __future__ import annotations

from ..access_common import Rule
from .rules_core import VIEWERS

# A funder's pages: its members, and the committee whose grant it funds.
FUNDER = {"company", "committee"}

DASHBOARDS_RULES = {
    "grants.call_dashboard_page": Rule({"committee"}, params={"call_id": "notice_call"}),
    "grants.call_dashboard_xlsx": Rule({"committee"}, params={"call_id": "notice_call"}),
    "grants.session_dashboard_page": Rule({"committee"}, params={"session_id": "settled_session"}),
    "grants.session_dashboard_xlsx": Rule({"committee"}, params={"session_id": "settled_session"}),
    "grants.funder_dashboard_page": Rule(FUNDER, params={"org_id": "sponsor_org"}),
    "grants.funder_dashboard_xlsx": Rule(FUNDER, params={"org_id": "sponsor_org"}),
    "grants.sponsor_money": Rule(FUNDER, params={"org_id": "sponsor_org"}),
    "grants.fund_dashboard_page": Rule({"committee"}, params={"committee_id": "committee_org"}),
    "grants.fund_dashboard_xlsx": Rule({"committee"}, params={"committee_id": "committee_org"}),
    "grants.ledger_page": Rule(VIEWERS, params={"grant_id": "grant"}),
    "grants.ledger_xlsx": Rule(VIEWERS, params={"grant_id": "grant"}),
}
