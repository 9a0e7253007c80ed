"""Calls blueprint: the committee's management of project calls."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..accounts.permissions import access

bp = Blueprint("calls", __name__, url_prefix="/committee/calls")


@bp.route("/")
@access("committee")
def manage():
    return render_template("accounts/placeholder.html", title="征集管理")
