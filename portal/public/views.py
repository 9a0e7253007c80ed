"""Pages anyone may read: the home page and the project calls."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from .. import page_cache
from ..accounts.permissions import access
from ..calls import services as call_services
from ..calls.models import Call, CallStatus
from ..calls.organizers import organizers_by_role
from ..downloads import stored_file_response
from ..extensions import db
from ..judging.rounds import announced_pitches
from ..links import safe_next
from ..matching import results as matching_results
from ..request_args import int_arg, page_arg
from ..types import utcnow

bp = Blueprint("public", __name__)


def time_left(call: Call, now) -> str:
    if call.status != CallStatus.PUBLISHED or call.closes_at <= now:
        return _("已截止")
    if call.opens_at > now:
        return _("尚未开始")
    seconds = int((call.closes_at - now).total_seconds())
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    if days:
        return _("剩余 %(days)s 天 %(hours)s 小时", days=days, hours=hours)
    return _("剩余 %(hours)s 小时 %(minutes)s 分", hours=hours, minutes=minutes)


def apply_url(call: Call) -> str | None:
    try:
        return url_for("applications.start", call_id=call.id)
    except BuildError:
        return None


@bp.route("/")
@access("public")
def home():
    call_services.close_due_calls()
    page = call_services.public_calls(call_services.CallFilters(status="open"), page=1, per_page=6)
    return render_template("public/home.html", calls=page.items, now=utcnow(), time_left=time_left,
                           sessions=matching_results.settled_sessions(limit=3))


@bp.route("/calls/")
@access("public")
def calls():
    key = page_cache.cache_key()
    cached = page_cache.get(key) if key else None
    if cached is not None:
        return Response(cached, mimetype="text/html")
    response = make_response(_render_call_list())
    if key and response.status_code == 200:
        page_cache.put(key, response.get_data())
    return response


def _render_call_list():
    call_services.close_due_calls()
    status = request.args.get("status", "open")
    filters = call_services.CallFilters(
        status=status if status in ("open", "closed", "notice", "all") else "open",
        category_id=int_arg("category"),
        region=(request.args.get("region") or "").strip()[:40],
        q=(request.args.get("q") or "").strip()[:100],
    )
    page = call_services.public_calls(filters, page=page_arg())
    args = {"status": filters.status, "category": filters.category_id or "", "region": filters.region, "q": filters.q}
    return render_template(
        "public/calls.html", page=page, filters=filters, args=args,
        categories=call_services.active_categories(), now=utcnow(), time_left=time_left,
    )


@bp.route("/calls/<int:call_id>")
@access("public")
def call_detail(call_id: int):
    call_services.close_due_calls()
    call = db.get_or_404(Call, call_id)
    if call.status == CallStatus.DRAFT:
        abort(404)
    now = utcnow()
    return render_template(
        "public/call_detail.html", call=call, now=now, time_left=time_left(call, now),
        accepting=call_services.is_accepting_applications(call, now), apply_url=apply_url(call),
        organizers=organizers_by_role(call), pitches=announced_pitches(call),
    )


@bp.route("/calls/<int:call_id>/guidelines")
@access("public")
def call_guidelines(call_id: int):
    call = db.get_or_404(Call, call_id)
    if call.status == CallStatus.DRAFT or not call.guidelines_key:
        abort(404)
    kind = call.guidelines_key.rsplit(".", 1)[-1]
    return stored_file_response(call.guidelines_key, kind, call.guidelines_filename or "guidelines", private=False)


@bp.route("/language/<lang>")
@access("public")
def set_language(lang: str):
    if lang in ("zh_CN", "en"):
        session["lang"] = lang
    return redirect(safe_next(url_for("public.home")))


# the results page (公示) and the settled matching sessions register on bp
from . import notice_views, session_views  # noqa: E402,F401
