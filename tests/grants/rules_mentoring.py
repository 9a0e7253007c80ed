"""Access rules of mentor_views. In the world the "judge" role is the grant's mentor."""
from __future__ import annotations

from ..access_common import SIGNED_IN, Rule
from .rules_core import VIEWERS

MENTORING_RULES = {
    "grants.mentors": Rule({"committee"}, params={"grant_id": "grant"}),
    "grants.mentor_remove": Rule({"committee"}, method="POST", params={"mentor_id": "mentor"}),
    "grants.mentor_projects": Rule(SIGNED_IN),
    "grants.check_ins": Rule(VIEWERS, params={"grant_id": "grant"}),
    "grants.timeline_page": Rule(VIEWERS, params={"grant_id": "grant"}),
}
