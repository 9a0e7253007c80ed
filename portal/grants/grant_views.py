"""Grant pages: the agreement and its lifecycle."""
from __future__ import annotations

from flask import render_template

from ..accounts.permissions import access
from .lookups import visible_grant_or_404
from .views import bp


@bp.route("/<int:grant_id>")
@access("user")
def grant_page(grant_id: int):
    grant = visible_grant_or_404(grant_id)
    return render_template("grants/grant.html", grant=grant)
