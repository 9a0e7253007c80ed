"""Applications blueprint: the NGO's applications and the committee's screening."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..accounts.permissions import access

bp = Blueprint("applications", __name__)


@bp.route("/applications/")
@access("ngo")
def mine():
    return render_template("accounts/placeholder.html", title="我的申报")


@bp.route("/committee/screening")
@access("committee")
def screening_queue():
    return render_template("accounts/placeholder.html", title="资格审查")
