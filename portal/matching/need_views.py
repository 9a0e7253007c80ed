"""need_views (see matching.views): needs (服务需求) posted by departments — or by a session's committee
on a department's behalf — and the NGOs' offers to take them on (领办): the NGOs' list of open needs
and their offers, a department's needs, a session's needs, a need's page, the side-by-side comparison
of its offers and the acceptance of one."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.models import OrgKind
from ..accounts.permissions import access, acting_user, organizations, require
from ..actions import attempt, perform
from ..extensions import db
from ..request_args import MAX_INT, int_arg
from ..types import utcnow
from . import need_queries as queries
from . import needs as service
from .models import MatchingSession, SessionStatus
from .need_forms import CancelNeedForm, NeedForm, OfferForm
from .need_models import Need, NeedOffer, NeedStatus, OfferStatus
from .permissions import (
    can_manage_need,
    can_manage_session,
    can_view_need,
    department_organizations,
    ngo_organizations,
)
from .views import bp


def _id(value) -> int | None:
    """An id chosen in a select, or None for anything that is not one."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_INT else None


def _publishing() -> bool:
    return request.form.get("action") == "publish"


def _need_or_404(need_id: int) -> Need:
    return db.get_or_404(Need, need_id)


# --- lists -----------------------------------------------------------------------------------------

@bp.route("/needs")
@access("ngo")
def needs_open():
    """An NGO's page: the needs it may offer to take on (verified NGOs only) and its own offers."""
    user = acting_user()
    verified = bool(ngo_organizations(user))
    session_id = int_arg("session")
    return render_template(
        "matching/needs/open.html", verified=verified, needs=queries.open_needs(session_id) if verified else [],
        sessions=queries.sessions_with_open_needs() if verified else [], session_id=session_id,
        offers=queries.ngo_offers(user))


@bp.route("/needs/mine")
@access("department")
def my_needs():
    user = acting_user()
    return render_template("matching/needs/mine.html", rows=queries.department_needs(user),
                           departments=organizations(user, OrgKind.DEPARTMENT),
                           can_post=bool(department_organizations(user)))


@bp.route("/sessions/<int:session_id>/needs")
@access("committee")
def session_needs(session_id: int):
    session = db.get_or_404(MatchingSession, session_id)
    require(can_manage_session(acting_user(), session))
    return render_template("matching/needs/session.html", session=session, rows=queries.session_needs(session),
                           can_post=session.status == SessionStatus.OPEN)


# --- posting and editing ---------------------------------------------------------------------------

def _render_need_form(form, title, session=None, need=None, status=200, blocked=None):
    return render_template("matching/needs/form.html", form=form, title=title, session=session, need=need,
                           blocked=blocked), status


@bp.route("/needs/new", methods=["GET", "POST"])
@access("department")
def need_new():
    """A department's member posts a need in one of the open sessions."""
    user = acting_user()
    departments, sessions = department_organizations(user), queries.open_sessions()
    form = NeedForm()
    form.department_id.choices = [(str(d.id), d.name) for d in departments]
    form.session_id.choices = [(str(s.id), s.title) for s in sessions]
    blocked = (_("您的需求方组织通过主办方认证后才能发布需求。") if not departments
               else _("目前没有进行中的对接会，暂时不能发布需求。") if not sessions else None)
    if blocked:
        return _render_need_form(form, _("发布服务需求"), blocked=blocked)
    if request.method == "POST" and form.validate_on_submit():
        session = db.session.get(MatchingSession, _id(form.session_id.data)) if _id(form.session_id.data) else None
        department = next((d for d in departments if d.id == _id(form.department_id.data)), None)
        outcome = attempt(lambda: service.post_need(user, session, department, form.values(), publish=_publishing()),
                          form=form)
        if outcome:
            flash(_("需求已发布，公益组织现在可以报价。") if _publishing() else _("需求已保存为草稿。"), "success")
            return redirect(url_for("matching.need_detail", need_id=outcome.value.id))
    return _render_need_form(form, _("发布服务需求"), status=400 if form.errors else 200)


@bp.route("/sessions/<int:session_id>/needs/new", methods=["GET", "POST"])
@access("committee")
def need_new_on_behalf(session_id: int):
    """The session's committee posts a need on a verified department's behalf."""
    user = acting_user()
    session = db.get_or_404(MatchingSession, session_id)
    require(can_manage_session(user, session))
    departments = queries.verified_departments()
    form = NeedForm()
    del form.session_id
    form.department_id.choices = [(str(d.id), d.name) for d in departments]
    blocked = (_("还没有通过认证的需求方。") if not departments
               else _("只能在进行中的对接会发布需求。") if session.status != SessionStatus.OPEN else None)
    if blocked:
        return _render_need_form(form, _("代需求方发布服务需求"), session=session, blocked=blocked)
    if request.method == "POST" and form.validate_on_submit():
        department = next((d for d in departments if d.id == _id(form.department_id.data)), None)
        outcome = attempt(lambda: service.post_need(user, session, department, form.values(), publish=_publishing()),
                          form=form)
        if outcome:
            flash(_("需求已代为发布。") if _publishing() else _("需求已保存为草稿。"), "success")
            return redirect(url_for("matching.need_detail", need_id=outcome.value.id))
    return _render_need_form(form, _("代需求方发布服务需求"), session=session, status=400 if form.errors else 200)


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@access("org_member")
def need_edit(need_id: int):
    need = _need_or_404(need_id)
    user = acting_user()
    require(can_manage_need(user, need))
    if not service.editable(need):
        flash(_("已有组织报价或需求已结束，不能再修改。"), "warning")
        return redirect(url_for("matching.need_detail", need_id=need.id))
    form = NeedForm().for_editing()
    if request.method == "GET":
        form.load(need)
    elif form.validate_on_submit():
        outcome = attempt(lambda: service.update_need(user, need, form.values()), form=form)
        if outcome:
            flash(_("需求已保存。"), "success")
            return redirect(url_for("matching.need_detail", need_id=need.id))
    return _render_need_form(form, _("修改服务需求"), session=need.session, need=need,
                             status=400 if form.errors else 200)


@bp.route("/needs/<int:need_id>/publish", methods=["POST"])
@access("org_member")
def need_publish(need_id: int):
    need = _need_or_404(need_id)
    return perform(lambda: service.publish_need(acting_user(), need), done=_("需求已发布，公益组织现在可以报价。"),
                   then=url_for("matching.need_detail", need_id=need.id))


@bp.route("/needs/<int:need_id>/cancel", methods=["POST"])
@access("org_member")
def need_cancel(need_id: int):
    need = _need_or_404(need_id)
    user = acting_user()
    require(can_manage_need(user, need))
    form = CancelNeedForm()
    if not form.validate_on_submit():
        flash(_("表单已过期，请刷新页面后重新提交。"), "error")
        return redirect(url_for("matching.need_detail", need_id=need.id))
    outcome = attempt(lambda: service.cancel_need(user, need, form.reason.data), form=form)
    if outcome:
        flash(_("需求已取消。"), "success")
        return redirect(url_for("matching.need_detail", need_id=need.id))
    if outcome.on_form:
        return _render_detail(need, cancel_form=form, status=400)
    return redirect(url_for("matching.need_detail", need_id=need.id))


# --- a need, its offers ----------------------------------------------------------------------------

def _render_detail(need: Need, offer_form=None, cancel_form=None, status=200):
    """The need's page: for its managers the actions (edit, publish, cancel, compare offers); for an
    NGO its own offers and, while the need takes offers and it has none standing, the offer form."""
    user = acting_user()
    manage = can_manage_need(user, need)
    mine = queries.my_offers(user, need)
    taking = need.status == NeedStatus.OPEN and need.offers_due > utcnow()
    may_offer = taking and bool(ngo_organizations(user)) and not any(o.status == OfferStatus.SUBMITTED for o in mine)
    if may_offer and offer_form is None:
        offer_form = OfferForm(formdata=None)
    return render_template(
        "matching/needs/detail.html", need=need, manage=manage, mine=mine, taking=taking,
        offer_form=offer_form if may_offer else None, ngos=ngo_organizations(user),
        cancel_form=cancel_form or CancelNeedForm(formdata=None),
        editable=manage and service.editable(need), offer_count=service.live_offer_count(need) if manage else 0,
    ), status


@bp.route("/needs/<int:need_id>")
@access("org_member")
def need_detail(need_id: int):
    need = _need_or_404(need_id)
    require(can_view_need(acting_user(), need))
    return _render_detail(need)


@bp.route("/needs/<int:need_id>/offers")
@access("org_member")
def need_offers(need_id: int):
    """The poster's side-by-side comparison of the offers: one column per offer."""
    need = _need_or_404(need_id)
    require(can_manage_need(acting_user(), need))
    return render_template("matching/needs/compare.html", need=need, offers=queries.offers_of(need))


@bp.route("/needs/<int:need_id>/offer", methods=["POST"])
@access("ngo")
def offer_submit(need_id: int):
    need = _need_or_404(need_id)
    user = acting_user()
    require(can_view_need(user, need))
    form = OfferForm()
    ngos = ngo_organizations(user)
    ngo = next((org for org in ngos if org.id == _id(request.form.get("ngo_id"))), ngos[0] if ngos else None)
    if form.validate_on_submit():
        outcome = attempt(lambda: service.submit_offer(user, need, ngo, {
            "plan": form.plan.data, "team": form.team.data, "price": form.price.data}), form=form)
        if outcome:
            flash(_("报价已提交，需求方选定后会通知您。"), "success")
            return redirect(url_for("matching.need_detail", need_id=need.id))
        if not outcome.on_form:
            return redirect(url_for("matching.need_detail", need_id=need.id))
    return _render_detail(need, offer_form=form, status=400)


@bp.route("/offers/<int:offer_id>/withdraw", methods=["POST"])
@access("ngo")
def offer_withdraw(offer_id: int):
    offer = db.get_or_404(NeedOffer, offer_id)
    return perform(lambda: service.withdraw_offer(acting_user(), offer), done=_("报价已撤回。"),
                   then=url_for("matching.need_detail", need_id=offer.need_id))


@bp.route("/offers/<int:offer_id>/accept", methods=["POST"])
@access("org_member")
def offer_accept(offer_id: int):
    offer = db.get_or_404(NeedOffer, offer_id)
    return perform(lambda: service.accept_offer(acting_user(), offer),
                   done=lambda accepted: _("已选定“%(name)s”领办，并已通知各报价组织。", name=accepted.ngo.name),
                   then=url_for("matching.need_offers", need_id=offer.need_id))
