"""The judging blueprint. Its routes live in one module per part, each registering on `bp`:

- round_views: 评审设置 — rounds, rubrics, award tiers, starting judging, opening a round (committee)
- judge_views: judges of a call, conflicts, assignment, reminders (committee; judges declare conflicts)
- sheet_views: the judge's list and score sheets, the blind application view
- live_views: the live pitch — the committee's stage screen, judges' phone sheet, JSON state
- results_views: ranking, flags, what-if, statistics, advancing, locking, Excel export
- award_views: awards, the public notice, objections, finalizing (committee side)
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("judging", __name__, url_prefix="/judging")

from . import (  # noqa: E402,F401 - route modules register on bp
    award_views,
    judge_views,
    live_views,
    results_views,
    round_views,
    sheet_views,
)
