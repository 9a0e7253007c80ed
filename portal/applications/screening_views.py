"""Screening views (资格审查): the committee's queue and decisions, on the applications blueprint."""
from __future__ import annotations

from flask import render_template

from ..accounts.permissions import access
from .views import bp


@bp.route("/committee/screening")
@access("committee")
def screening_queue():
    return render_template("accounts/placeholder.html", title="资格审查")
