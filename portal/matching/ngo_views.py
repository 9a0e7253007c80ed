"""An NGO's side of matching: the sessions its projects are shown in and the pledges to them."""
from __future__ import annotations

from flask import render_template

from ..accounts.permissions import access, acting_user
from . import queries
from .views import bp


@bp.route("/received")
@access("ngo")
def my_pledges_received():
    user = acting_user()
    return render_template("matching/ngo_pledges.html", rows=queries.pledges_to_my_projects(user))
