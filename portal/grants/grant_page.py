"""The grant page's content: the agreement, its sources with what each has paid, the budget, the
tranches with their gates and figures, the payments with the forms their next step needs. A POST
that was refused renders the page again with its form (errors on the fields) in place of a blank one."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import gettext as _

from ..accounts.permissions import acting_user
from ..i18n import N_, translate
from . import disbursements, ledger, services, tranches
from .forms import ApproveForm, PaidForm, PrepareForm, ReasonForm
from .models import DisbursementStatus, Grant, GrantStatus, TrancheStatus
from .permissions import can_manage_grant


def prepare_form(tranche, formdata=None) -> PrepareForm:
    form = PrepareForm(formdata=formdata, prefix=f"t{tranche.id}")
    form.source_id.choices = [(str(s.id), s.label or (s.funder.name if s.funder else _("创投资金")))
                              for s in tranche.sources if s.withdrawn_at is None]
    if formdata is None:
        form.pay_on.data = date.today().isoformat()
    return form


REASON_LABELS = {"changes": N_("退回修改的原因"), "decline": N_("拒绝的原因"), "failed": N_("付款失败的原因"),
                 "reverse": N_("冲正的原因")}


def action_forms(disbursement, formdata=None, failed: str | None = None) -> dict:
    """The forms of a payment's next steps; the one named `failed` bound to what was sent. The
    approval asks for an override reason only when the tranche's gate is not met."""
    prefix = f"d{disbursement.id}"

    def make(name, cls):
        form = cls(formdata=formdata if failed == name else None, prefix=f"{prefix}{name}")
        if name in REASON_LABELS:
            form.reason.label.text = translate(REASON_LABELS[name])
        return form

    forms = {"approve": make("approve", ApproveForm), "paid": make("paid", PaidForm),
             **{name: make(name, ReasonForm) for name in REASON_LABELS}}
    if disbursement.status == DisbursementStatus.PREPARED and tranches.gate_met(disbursement.tranche):
        del forms["approve"].override_reason  # nothing to override
    return forms


def render_grant(grant: Grant, *, tranche_form: tuple | None = None, disbursement_forms: tuple | None = None,
                 status: int = 200):
    user = acting_user()
    manager = can_manage_grant(user, grant)
    rows = disbursements.disbursements_of(grant)
    forms, tranche_forms = {}, {}
    if manager:
        for tranche in grant.tranches:
            tranche_forms[tranche.id] = (tranche_form[1] if tranche_form and tranche_form[0] == tranche.id
                                         else prepare_form(tranche))
        for d in rows:
            forms[d.id] = (disbursement_forms[1] if disbursement_forms and disbursement_forms[0] == d.id
                           else action_forms(d))
    blockers = {d.id: translate(disbursements.approval_blocker(user, d)) if disbursements.approval_blocker(user, d) else ""
                for d in rows if d.status == DisbursementStatus.PREPARED}
    page = render_template(
        "grants/grant.html", grant=grant, manager=manager, figures=ledger.grant_figures(grant),
        sources=ledger.source_figures(grant), tranche_rows=tranches.tranche_figures(grant), disbursements=rows,
        forms=forms, tranche_forms=tranche_forms, approval_blockers=blockers,
        signing_blockers=services.signing_blockers(grant) if grant.is_editable else [],
        completion_blockers=services.completion_blockers(grant) if grant.status == GrantStatus.ACTIVE else [],
        needs_second_member=manager and disbursements.needs_second_member(grant),
        spent=ledger.spent_by_category(grant), DisbursementStatus=DisbursementStatus, TrancheStatus=TrancheStatus,
        GrantStatus=GrantStatus)
    return page, status
