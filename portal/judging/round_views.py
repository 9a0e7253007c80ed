"""round_views (see judging.views)."""
from __future__ import annotations

from .views import bp  # noqa: F401
