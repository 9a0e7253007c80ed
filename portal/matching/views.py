"""The matching blueprint. Its routes live in one module per part, each registering on `bp`:

- session_views: the committee's sessions — set-up, the lifecycle, projects, goals, running order
- pledge_views: a session's pledges for the committee — confirm, lapse, accept in-kind value, money
  received, pledges recorded on a sponsor's behalf, naming decisions; the funders of a call's awards
- sponsor_views: the catalogue, a project's profile, pledging and claiming, bookmarks
- ngo_views: an NGO's shown projects and the pledges to them
- board_views: the venue board (大屏) and its JSON state; the public page of a settled session
- report_views: the session report (page, PDF, Excel) and a sponsor's statement (page, Excel)
- need_views: needs posted by departments and the NGOs' offers (领办)
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("matching", __name__, url_prefix="/matching")

from . import (  # noqa: E402,F401 - route modules register on bp
    board_views,
    need_views,
    ngo_views,
    pledge_views,
    report_views,
    session_views,
    sponsor_views,
)
