"""Applications blueprint: the NGO's applications and the committee's screening."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..accounts.permissions import access

bp = Blueprint("applications", __name__)


@bp.route("/applications/")
@access("ngo")
def mine():
    return render_template("accounts/placeholder.html", title="我的申报")


# Screening routes live in their own module on this same blueprint (imported for its side effect).
from . import screening_views  # noqa: E402,F401
