"""Disbursements, maker-checker: prepare a payment of a tranche, approve it (with a written override
when its gate is not met), send it back, decline it, correct it, mark it paid or failed, reverse it.
A refused step shows the grant page again with the message on the field of the form that was sent."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user
from ..actions import run, show
from ..form_errors import attach_error
from . import disbursements as pay
from .grant_page import action_forms, prepare_form, render_grant
from .lookups import managed_disbursement_or_404, managed_tranche_or_404
from .views import bp


def _answer(outcome, grant, done: str, *, tranche_form=None, disbursement_forms=None, form=None):
    """Back to the grant's payments when the step was taken; else the page again, the message on the
    form's field (or flashed), 400."""
    if outcome:
        flash(done, "success")
        return redirect(url_for("grants.grant_page", grant_id=grant.id, _anchor="payments"))
    if form is None or not attach_error(form, outcome.error):
        show(outcome)
    return render_grant(grant, tranche_form=tranche_form, disbursement_forms=disbursement_forms, status=400)


@bp.route("/tranches/<int:tranche_id>/disbursements", methods=["POST"])
@access("committee")
def prepare(tranche_id: int):
    tranche = managed_tranche_or_404(tranche_id)
    form = prepare_form(tranche, formdata=request.form)
    outcome = run(lambda: pay.prepare(acting_user(), tranche, form.values()))
    return _answer(outcome, tranche.grant, _("已提交拨付申请，请另一位组委会成员审核。"), tranche_form=(tranche.id, form),
                   form=form)


def _field(form, name: str) -> str:
    """A field's text; "" for a field the form leaves out (no override asked when the gate is met)."""
    field = getattr(form, name, None)
    return (field.data or "") if field is not None else ""


# step → (the form it reads, the service, what to say when done)
STEPS = {
    "approve": ("approve", lambda actor, d, f: pay.approve(actor, d, _field(f, "override_reason")), lambda: _("已批准。")),
    "changes": ("changes", lambda actor, d, f: pay.request_changes(actor, d, f.reason.data or ""), lambda: _("已退回修改。")),
    "decline": ("decline", lambda actor, d, f: pay.decline(actor, d, f.reason.data or ""), lambda: _("已拒绝。")),
    "paid": ("paid", lambda actor, d, f: pay.mark_paid(actor, d, f.bank_reference.data or ""), lambda: _("已登记付款。")),
    "failed": ("failed", lambda actor, d, f: pay.mark_failed(actor, d, f.reason.data or ""), lambda: _("已登记付款失败。")),
    "reverse": ("reverse", lambda actor, d, f: pay.reverse(actor, d, f.reason.data or ""), lambda: _("已冲正。")),
}


@bp.route("/disbursements/<int:disbursement_id>/<any(approve, changes, decline, paid, failed, reverse):step>",
          methods=["POST"])
@access("committee")
def disbursement_step(disbursement_id: int, step: str):
    disbursement = managed_disbursement_or_404(disbursement_id)
    form_name, action, done = STEPS[step]
    forms = action_forms(disbursement, formdata=request.form, failed=form_name)
    form = forms[form_name]
    outcome = run(lambda: action(acting_user(), disbursement, form))
    return _answer(outcome, disbursement.grant, done(), disbursement_forms=(disbursement.id, forms), form=form)


@bp.route("/disbursements/<int:disbursement_id>/revise", methods=["POST"])
@access("committee")
def revise(disbursement_id: int):
    disbursement = managed_disbursement_or_404(disbursement_id)
    form = prepare_form(disbursement.tranche, formdata=request.form)
    outcome = run(lambda: pay.revise(acting_user(), disbursement, form.values()))
    return _answer(outcome, disbursement.grant, _("已重新提交，请另一位组委会成员审核。"),
                   tranche_form=(disbursement.tranche_id, form), form=form)
