"""Access rules of giving360_views: only the committee's members download its 360Giving data."""
from __future__ import annotations

from ..access_common import Rule

GIVING360_RULES = {
    "grants.giving360_call": Rule({"committee"}, params={"call_id": "notice_call", "fmt": "literal:json"}),
    "grants.giving360_committee": Rule({"committee"}, params={"org_id": "committee_org", "fmt": "literal:csv"}),
}
