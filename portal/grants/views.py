"""The grants blueprint. Its routes live in one module per part, each registering on `bp`:

- grant_views: the committee's grants of a call, drafting, the agreement page, sign / suspend /
  resume / terminate / complete; the NGO's, the sponsor's and the mentor's lists
- disbursement_views: prepare, approve, send back, decline, paid, failed, reversed
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("grants", __name__, url_prefix="/grants")

from . import (  # noqa: E402,F401 - route modules register on bp
    dashboard_views,
    disbursement_views,
    giving360_views,
    grant_views,
    mentor_views,
    report_views,
)
