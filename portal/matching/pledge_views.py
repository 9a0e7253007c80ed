"""The committee's side of pledges: a session's pledges with their decisions (confirm, lapse, accept
an in-kind value, money received), pledges recorded on a sponsor's behalf, naming requests, and the
funders of a call's awards."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.models import COMPANY_FORMS, Organization, OrgKind
from ..accounts.organizations import record_sponsor
from ..accounts.permissions import access, acting_user, require
from ..actions import attempt, perform
from ..calls.models import Call
from ..calls.permissions import can_manage_call
from ..errors import DomainError
from ..extensions import db
from ..i18n import N_
from ..types import format_money
from . import award_funding, naming, pledges, queries, receipts
from .forms import FunderForm, OnBehalfForm, ReceiptForm
from .funding import received_by_pledge
from .lookups import (
    managed_naming_or_404,
    managed_session_or_404,
    session_pledge_or_404,
)
from .models import MatchingSession, NamingRequest, Pledge, PledgeStatus
from .views import bp


def _pledges_url(session: MatchingSession) -> str:
    return url_for("matching.session_pledges", session_id=session.id)


def _sponsor_choices() -> list[tuple[str, str]]:
    sponsors = db.session.scalars(
        sa.select(Organization).where(Organization.kind == OrgKind.COMPANY).order_by(Organization.name)).all()
    return [("", _("（选择已登记的爱心企业）"))] + [(str(o.id), o.name) for o in sponsors]


def _form_choices(form) -> None:
    form.sponsor_id.choices = _sponsor_choices()
    form.legal_form.choices = [(f, _(f)) for f in COMPANY_FORMS]


def _on_behalf_form(session: MatchingSession) -> OnBehalfForm:
    form = OnBehalfForm()
    _form_choices(form)
    form.project_id.choices = [(str(p.id), p.application.title) for p in session.projects if not p.is_withdrawn]
    return form


def _pledges_page(session: MatchingSession, form: OnBehalfForm, status: int = 200):
    rows = queries.session_pledges(session)
    requests = db.session.scalars(
        sa.select(NamingRequest).where(NamingRequest.project.has(session_id=session.id)).order_by(NamingRequest.id.desc())
    ).all()
    return render_template(
        "matching/session_pledges.html", session=session, rows=rows, received=received_by_pledge(p.id for p in rows),
        form=form, receipt_form=ReceiptForm(), naming_requests=requests, Status=PledgeStatus,
    ), status


@bp.route("/sessions/<int:session_id>/pledges")
@access("committee")
def session_pledges(session_id: int):
    session = managed_session_or_404(session_id)
    return _pledges_page(session, _on_behalf_form(session))


@bp.route("/sessions/<int:session_id>/pledges/on-behalf", methods=["POST"])
@access("committee")
def pledge_on_behalf(session_id: int):
    session = managed_session_or_404(session_id)
    form = _on_behalf_form(session)
    form.validate_on_submit()

    def record():
        project = next((p for p in session.projects if str(p.id) == form.project_id.data and not p.is_withdrawn), None)
        if project is None:
            raise DomainError(N_("请从列表中选择。"), field="project_id")
        sponsor = db.session.get(Organization, int(form.sponsor_id.data)) if (form.sponsor_id.data or "").isdigit() \
            and int(form.sponsor_id.data) < 2**31 else None
        if sponsor is None or sponsor.kind != OrgKind.COMPANY:
            sponsor = record_sponsor(acting_user(), form.sponsor_name.data, form.legal_form.data)
        return pledges.record_on_behalf(acting_user(), project, sponsor, form.values())

    if attempt(record, form=form):
        flash(_("已代为登记。"), "success")
        return redirect(_pledges_url(session))
    return _pledges_page(session, form, 400)


DECISIONS = {
    "confirm": (lambda user, pledge, note: pledges.confirm_pledge(user, pledge, note), lambda _p: _("已确认。")),
    "lapse": (lambda user, pledge, note: pledges.lapse_pledge(user, pledge, note), lambda _p: _("已标为失效。")),
    "accept-value": (lambda user, pledge, note: pledges.accept_in_kind_value(user, pledge), lambda _p: _("物资价值已核定，计入筹款。")),
}


@bp.route("/pledges/<int:pledge_id>/decide/<decision>", methods=["POST"])
@access("committee")
def pledge_decide(pledge_id: int, decision: str):
    pledge = session_pledge_or_404(pledge_id)
    if decision not in DECISIONS:
        abort(404)
    action, done = DECISIONS[decision]
    note = request.form.get("note", "")
    return perform(lambda: action(acting_user(), pledge, note), done=done, then=_pledges_url(pledge.session))


@bp.route("/pledges/<int:pledge_id>/receipts", methods=["POST"])
@access("committee")
def pledge_receipt(pledge_id: int):
    pledge = session_pledge_or_404(pledge_id)
    form = ReceiptForm()
    form.validate_on_submit()
    return perform(lambda: receipts.record_receipt(acting_user(), pledge, form.values()),
                   done=lambda r: _("已登记到账 %(amount)s。", amount=format_money(r.amount)), then=_pledges_url(pledge.session))


@bp.route("/naming/<int:request_id>/decide/<decision>", methods=["POST"])
@access("committee")
def naming_decide(request_id: int, decision: str):
    naming_request = managed_naming_or_404(request_id)
    approve = decision == "approve"
    if decision not in ("approve", "decline"):
        abort(404)
    return perform(lambda: naming.decide_naming(acting_user(), naming_request, approve, request.form.get("reason", "")),
                   done=lambda _r: _("已同意冠名。") if approve else _("已答复不同意。"),
                   then=_pledges_url(naming_request.project.session))


# --- award funders -------------------------------------------------------------------------------

def _managed_call_or_404(call_id: int) -> Call:
    call = db.get_or_404(Call, call_id)
    require(can_manage_call(acting_user(), call))
    return call


def _funders_url(call: Call) -> str:
    return url_for("matching.award_funders", call_id=call.id)


def _funder_form(call: Call) -> FunderForm:
    form = FunderForm()
    _form_choices(form)
    form.tier_id.choices = [(str(t.id), f"{t.name}（{format_money(t.amount)}）") for t in call.award_tiers]
    return form


def _funders_page(call: Call, form: FunderForm, status: int = 200):
    return render_template("matching/award_funders.html", call=call, form=form,
                           pledges=award_funding.award_pledges(call), tiers=list(call.award_tiers)), status


@bp.route("/calls/<int:call_id>/award-funders")
@access("committee")
def award_funders(call_id: int):
    call = _managed_call_or_404(call_id)
    return _funders_page(call, _funder_form(call))


@bp.route("/calls/<int:call_id>/award-funders/add", methods=["POST"])
@access("committee")
def award_funder_add(call_id: int):
    call = _managed_call_or_404(call_id)
    form = _funder_form(call)
    form.validate_on_submit()

    def add():
        tier = next((t for t in call.award_tiers if str(t.id) == form.tier_id.data), None)
        if tier is None:
            raise DomainError(N_("请从列表中选择。"), field="tier_id")
        return award_funding.add_funder(acting_user(), tier, form.values())

    outcome = attempt(add, form=form)
    if outcome:
        flash(_("已登记 %(n)s 个获奖项目的出资。", n=len(outcome.value)), "success")
        return redirect(_funders_url(call))
    return _funders_page(call, form, 400)


@bp.route("/award-funding/<int:pledge_id>/remove", methods=["POST"])
@access("committee")
def award_funder_remove(pledge_id: int):
    pledge = db.get_or_404(Pledge, pledge_id)
    if pledge.award is None:
        abort(404)
    require(can_manage_call(acting_user(), pledge.award.call))
    return perform(lambda: award_funding.remove_funder(acting_user(), pledge, request.form.get("reason", "")),
                   done=_("已撤销该出资。"), then=_funders_url(pledge.award.call))
