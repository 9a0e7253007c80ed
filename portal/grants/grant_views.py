"""Grant pages: the grants a user has a part in, a call's grants and the projects awaiting one,
drafting, the agreement (terms, budget, tranches, the signed scan) and its lifecycle."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.models import OrgKind
from ..accounts.permissions import access, acting_user, org_ids, require
from ..actions import attempt, perform, run, show
from ..applications.models import BUDGET_CATEGORIES, Application
from ..calls.models import Call
from ..calls.permissions import can_manage_call
from ..downloads import stored_file_response
from ..extensions import db
from ..matching.need_models import NeedOffer, OfferStatus
from ..parsing import parse_rows
from . import ledger, services, tranches
from .forms import AgreementForm, ScanForm
from .grant_page import render_grant
from .lookups import managed_grant_or_404, visible_grant_or_404
from .models import FundingSource, Grant, TrancheGate
from .views import bp

# target → (service taking (actor, grant[, reason]), whether it asks for a reason, what to say when done)
TRANSITIONS = {
    "sign": (services.sign_grant, False, lambda: _("协议已签订。")),
    "suspend": (services.suspend_grant, True, lambda: _("已暂停资助。")),
    "resume": (services.resume_grant, False, lambda: _("已恢复资助。")),
    "terminate": (services.terminate_grant, True, lambda: _("已终止资助，未拨付的资金已退回各资金来源。")),
    "complete": (services.complete_grant, False, lambda: _("项目已结项。")),
}


def _grant_url(grant: Grant, anchor: str | None = None) -> str:
    return url_for("grants.grant_page", grant_id=grant.id, _anchor=anchor)


def _my_grants(user) -> dict[str, list[Grant]]:
    mine = org_ids(user)
    funded = sa.select(FundingSource.grant_id).where(FundingSource.funder_id.in_(mine), FundingSource.withdrawn_at.is_(None))
    query = sa.select(Grant).order_by(Grant.id.desc())
    return {
        "committee": db.session.scalars(query.where(Grant.committee_id.in_(mine))).all(),
        "recipient": db.session.scalars(query.where(Grant.recipient_id.in_(mine))).all(),
        "funder": db.session.scalars(query.where(Grant.id.in_(funded), Grant.committee_id.not_in(mine))).all(),
    }


@bp.route("/")
@access("user")
def index():
    user = acting_user()
    groups = _my_grants(user)
    calls = db.session.scalars(sa.select(Call).where(Call.committee_id.in_(org_ids(user))).order_by(Call.id.desc())).all()
    offers = db.session.scalars(
        sa.select(NeedOffer).where(NeedOffer.status == OfferStatus.ACCEPTED,
                                   ~sa.exists().where(Grant.need_offer_id == NeedOffer.id))
        .order_by(NeedOffer.id)).all()
    offers = [o for o in offers if o.need.session.committee_id in org_ids(user)]
    amounts = {g.id: ledger.grant_figures(g) for rows in groups.values() for g in rows}
    orgs = [m.organization for m in user.memberships]
    return render_template("grants/index.html", groups=groups, calls=calls, offers=offers, amounts=amounts,
                           committees=[o for o in orgs if o.kind == OrgKind.COMMITTEE],
                           companies=[o for o in orgs if o.kind == OrgKind.COMPANY])


@bp.route("/calls/<int:call_id>")
@access("committee")
def call_grants(call_id: int):
    call = db.session.get(Call, call_id) or abort(404)
    require(can_manage_call(acting_user(), call))
    grants = services.grants_of_call(call)
    return render_template("grants/call_grants.html", call=call, grants=grants, candidates=services.candidates(call),
                           funding={a.id: services.funding_of(a) for a in services.candidates(call)},
                           amounts={g.id: ledger.grant_figures(g) for g in grants})


@bp.route("/calls/<int:call_id>/applications/<int:application_id>/draft", methods=["POST"])
@access("committee")
def draft(call_id: int, application_id: int):
    application = db.session.get(Application, application_id)
    if application is None or application.call_id != call_id:
        abort(404)
    outcome = attempt(lambda: services.draft_grant(acting_user(), application))
    if outcome:
        flash(_("已起草资助协议，请核对条款、预算和拨付计划后签订。"), "success")
        return redirect(url_for("grants.edit", grant_id=outcome.value.id))
    return redirect(url_for("grants.call_grants", call_id=call_id))


@bp.route("/offers/<int:offer_id>/draft", methods=["POST"])
@access("committee")
def draft_commissioned(offer_id: int):
    offer = db.session.get(NeedOffer, offer_id) or abort(404)
    outcome = attempt(lambda: services.draft_commissioned_grant(acting_user(), offer))
    if outcome:
        flash(_("已起草资助协议，请核对条款、预算和拨付计划后签订。"), "success")
        return redirect(url_for("grants.edit", grant_id=outcome.value.id))
    return redirect(url_for("grants.index"))


@bp.route("/<int:grant_id>")
@access("user")
def grant_page(grant_id: int):
    return render_grant(visible_grant_or_404(grant_id))


def _edit_page(grant: Grant, form: AgreementForm, *, errors: dict | None = None, budget_rows=None, tranche_rows=None,
               status: int = 200):
    budget_rows = budget_rows if budget_rows is not None else [
        {"category": line.category, "amount": f"{line.amount:f}"} for line in grant.budget_lines]
    tranche_rows = tranche_rows if tranche_rows is not None else [
        {"label": t.label, "share": f"{t.share.normalize():f}" if t.share is not None else "",
         "amount": "" if t.share is not None else f"{t.amount:f}", "due_on": t.due_on.isoformat() if t.due_on else "",
         "gate": t.gate.value, **{f"source_{source.id}": True for source in t.sources}} for t in grant.tranches]
    return render_template(
        "grants/edit.html", grant=grant, form=form, scan_form=ScanForm(), errors=errors or {}, budget_rows=budget_rows,
        tranche_rows=tranche_rows, categories=[(c, _(c)) for c in BUDGET_CATEGORIES],
        gates=[(g.value, _(g.label)) for g in TrancheGate], amount=ledger.grant_amount(grant),
        sources=ledger.live_sources(grant),
        blockers=services.signing_blockers(grant)), status


@bp.route("/<int:grant_id>/edit", methods=["GET", "POST"])
@access("committee")
def edit(grant_id: int):
    grant = managed_grant_or_404(grant_id)
    if not grant.is_editable:
        flash(_("协议签订后不能再修改。"), "warning")
        return redirect(_grant_url(grant))
    form = AgreementForm(obj=None if request.method == "POST" else grant)
    if request.method == "GET":
        form.starts_on.data = grant.starts_on.isoformat() if grant.starts_on else ""
        form.ends_on.data = grant.ends_on.isoformat() if grant.ends_on else ""
        form.self_funding.data = f"{grant.self_funding:f}"
    if form.validate_on_submit():
        if attempt(lambda: services.update_agreement(acting_user(), grant, form.values()), form=form):
            flash(_("已保存。"), "success")
            return redirect(url_for("grants.edit", grant_id=grant.id))
    return _edit_page(grant, form, status=400 if request.method == "POST" else 200)


def _rows_saved(grant: Grant, action, rows: list[dict], key: str):
    outcome = run(lambda: action(acting_user(), grant, rows))
    if outcome:
        flash(_("已保存。"), "success")
        return redirect(url_for("grants.edit", grant_id=grant.id, _anchor=key))
    errors = dict(outcome.field_errors)
    if outcome.error.field and not errors:
        errors[outcome.error.field] = [outcome.error.message]  # beside the rows it is about
    else:
        show(outcome, rows=True)  # 403, or the message flashed
    kept = {"budget_rows": rows} if key == "budget" else {"tranche_rows": rows}
    return _edit_page(grant, AgreementForm(obj=grant), errors=errors, status=400, **kept)


@bp.route("/<int:grant_id>/budget", methods=["POST"])
@access("committee")
def budget(grant_id: int):
    grant = managed_grant_or_404(grant_id)
    rows = parse_rows(request.form, "budget", ("category", "amount"))
    return _rows_saved(grant, services.set_budget, rows, "budget")


@bp.route("/<int:grant_id>/tranches", methods=["POST"])
@access("committee")
def tranche_plan(grant_id: int):
    grant = managed_grant_or_404(grant_id)
    flags = tuple(f"source_{s.id}" for s in ledger.live_sources(grant))
    rows = parse_rows(request.form, "tranches", ("label", "share", "amount", "due_on", "gate"), flags)
    for row in rows:  # the sources ticked for the tranche (none ticked: every source)
        row["source_ids"] = [flag.removeprefix("source_") for flag in flags if row.get(flag)]
    return _rows_saved(grant, tranches.set_tranches, rows, "tranches")


@bp.route("/<int:grant_id>/scan", methods=["POST"])
@access("committee")
def scan_upload(grant_id: int):
    grant = managed_grant_or_404(grant_id)
    upload = request.files.get("scan")
    data = upload.read() if upload else b""
    name = (upload.filename if upload else "") or "协议"
    return perform(lambda: services.upload_signed_scan(acting_user(), grant, name, data), done=_("已上传。"),
                   then=url_for("grants.edit", grant_id=grant.id, _anchor="scan"))


@bp.route("/<int:grant_id>/scan")
@access("user")
def scan(grant_id: int):
    grant = visible_grant_or_404(grant_id)
    if not grant.signed_scan_key:
        abort(404)
    kind = grant.signed_scan_key.rsplit(".", 1)[-1]
    return stored_file_response(grant.signed_scan_key, kind, grant.signed_scan_name or f"{grant.reference}.{kind}")


@bp.route("/<int:grant_id>/<any(sign, suspend, resume, terminate, complete):target>", methods=["POST"])
@access("committee")
def transition(grant_id: int, target: str):
    grant = managed_grant_or_404(grant_id)
    action, with_reason, done = TRANSITIONS[target]
    reason = request.form.get("reason", "")
    return perform(lambda: action(acting_user(), grant, reason) if with_reason else action(acting_user(), grant),
                   done=lambda _value: done(), then=_grant_url(grant))
