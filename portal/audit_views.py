"""The committee's global audit log, with filters and CSV export."""
from __future__ import annotations

from flask import Blueprint, render_template

from .accounts.permissions import access

bp = Blueprint("audit", __name__, url_prefix="/committee/audit")


@bp.route("/")
@access("committee")
def log():
    return render_template("accounts/placeholder.html", title="操作日志")
