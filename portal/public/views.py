"""Pages anyone may read."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from ..accounts.permissions import access

bp = Blueprint("public", __name__)


@bp.route("/")
@access("public")
def home():
    return render_template("accounts/placeholder.html", title="益创 · 公益创投平台")


@bp.route("/calls/")
@access("public")
def calls():
    return render_template("accounts/placeholder.html", title="项目征集")


@bp.route("/language/<lang>")
@access("public")
def set_language(lang: str):
    if lang in ("zh_CN", "en"):
        session["lang"] = lang
    target = request.args.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("public.home")
    return redirect(target)
