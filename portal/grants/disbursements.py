"""Disbursements (拨付), maker-checker: one committee member prepares a payment of a tranche from one
of its sources; a different member approves it (or sends it back, or declines it); it is then paid
with the bank's reference, or fails and may be retried. The same person never prepares and
approves one payment — refused here, whatever the page shows.

Approval is where the money limits hold: under the grant's row lock, what the tranche, the source
and the grant already hold (approved, paid or failed-awaiting-retry, less reversals) plus this
payment never exceed them. A gate not met (e.g. the mid-term evaluation not passed) refuses the
approval unless the approver writes why it is overridden. A paid disbursement is never edited: a
mistake is taken back by a reversal with a reason."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from ..accounts.models import User
from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..locks import lock_row
from ..parsing import FieldErrors, clean_text, parse_choice, parse_day, parse_decimal
from ..types import format_yuan, utcnow
from . import ledger, services, tranches
from .models import (
    PAYABLE_STATUSES,
    Disbursement,
    DisbursementReversal,
    DisbursementStatus,
    FundingSource,
    Grant,
    GrantStatus,
    PaymentMethod,
    Tranche,
    TrancheStatus,
)
from .permissions import can_manage_grant

NOTE_MAX = 2000


def _require_member(actor: User | None, grant: Grant) -> None:
    if not can_manage_grant(actor, grant):
        raise PermissionDenied(N_("只有主办方组委会成员可以办理拨付。"))


def _require_payable(grant: Grant) -> None:
    if grant.status not in PAYABLE_STATUSES:
        raise DomainError(N_("协议处于“%(status)s”状态，不能拨付。", status=grant.status.label))


def approvers(grant: Grant) -> list[User]:
    """The committee's members who could check a payment (all of them; the maker is excluded per payment)."""
    return [m.user for m in grant.committee.memberships if m.user.active]


def needs_second_member(grant: Grant) -> bool:
    """A committee of one cannot approve its own payments: the page says a second member is needed."""
    return len(approvers(grant)) < 2


def _limits_left(tranche: Tranche, source: FundingSource) -> tuple[Decimal, Decimal, Decimal]:
    grant = tranche.grant
    release = ledger.released_of_source(source)
    return (tranche.amount - ledger.committed_of_tranche(tranche),
            source.amount - ledger.committed_of_source(source) - release,
            ledger.grant_amount(grant) - ledger.committed_of_grant(grant) - sum(
                (ledger.released_of_source(s) for s in ledger.live_sources(grant)), Decimal("0")))


def _check_limits(tranche: Tranche, source: FundingSource, amount: Decimal) -> None:
    tranche_left, source_left, grant_left = _limits_left(tranche, source)
    if amount > tranche_left:
        raise DomainError(N_("超出本期可拨金额：%(label)s还可拨 %(left)s。", label=tranche.label,
                             left=format_yuan(max(tranche_left, Decimal("0")))), field="amount")
    if amount > source_left:
        raise DomainError(N_("超出该资金来源的额度：还可拨 %(left)s。", left=format_yuan(max(source_left, Decimal("0")))),
                          field="amount")
    if amount > grant_left:
        raise DomainError(N_("超出资助总额：还可拨 %(left)s。", left=format_yuan(max(grant_left, Decimal("0")))),
                          field="amount")


def _parse(tranche: Tranche, data: dict) -> tuple[FundingSource, Decimal, PaymentMethod, object, str]:
    errors = FieldErrors()
    sources = {s.id: s for s in tranche.sources if s.withdrawn_at is None}
    source_id = clean_text(data.get("source_id"))
    source = sources.get(int(source_id)) if source_id.isdigit() and len(source_id) < 10 else None
    if source is None and len(sources) == 1 and not source_id:
        source = next(iter(sources.values()))
    if source is None:
        errors.add("source_id", N_("请选择资金来源。"))
    amount = parse_decimal(data.get("amount"), errors, "amount", Decimal("0"), tranche.amount, low_open=True)
    method = parse_choice(PaymentMethod, data.get("method") or PaymentMethod.BANK_TRANSFER.value, errors, "method")
    pay_on = parse_day(data.get("pay_on"), errors, "pay_on")
    note = clean_text(data.get("note"))
    if len(note) > NOTE_MAX:
        errors.add("note", N_("不能超过 %(n)s 个字。", n=NOTE_MAX))
    errors.raise_if_any()
    return source, amount, method, pay_on, note


def prepare(actor: User, tranche: Tranche, data: dict, replaces: Disbursement | None = None) -> Disbursement:
    """The maker's step: a payment of (part of) the tranche from one of its sources, to the payee
    account on the agreement."""
    grant = tranche.grant
    _require_member(actor, grant)
    _require_payable(grant)
    if tranche.status != TrancheStatus.PLANNED:
        raise DomainError(N_("本期处于“%(status)s”状态，不能再拨付。", status=tranche.status.label))
    source, amount, method, pay_on, note = _parse(tranche, data)
    _check_limits(tranche, source, amount)  # early word; approval checks again under the lock
    disbursement = Disbursement(grant=grant, tranche=tranche, source=source, amount=amount, method=method, pay_on=pay_on,
                                payee_name=grant.payee_name, payee_bank=grant.payee_bank,
                                payee_account=grant.payee_account, note=note, prepared_by_id=actor.id,
                                replaces_id=replaces.id if replaces else None)
    db.session.add(disbursement)
    if replaces is not None:
        replaces.status.check_transition(DisbursementStatus.REPLACED)
        replaces.status = DisbursementStatus.REPLACED
    record(actor, "disbursement.prepared", disbursement,
           f"提交拨付申请：{grant.title} {tranche.label} {format_yuan(amount)}",
           {"tranche_id": tranche.id, "source_id": source.id, "amount": amount, "method": method.value,
            "pay_on": pay_on, "replaces_id": replaces.id if replaces else None})
    db.session.commit()
    return disbursement


def revise(actor: User, disbursement: Disbursement, data: dict) -> Disbursement:
    """The maker answers a request for changes with a corrected payment (a new row replacing it)."""
    _require_member(actor, disbursement.grant)
    if disbursement.status != DisbursementStatus.CHANGES_REQUESTED:
        raise DomainError(N_("只有退回修改的拨付可以重新提交。"))
    return prepare(actor, disbursement.tranche, data, replaces=disbursement)


def _require_checker(actor: User, disbursement: Disbursement) -> None:
    _require_member(actor, disbursement.grant)
    if disbursement.prepared_by_id == actor.id:
        raise PermissionDenied(N_("拨付须由另一位组委会成员审核：提交人不能审核自己提交的拨付。"))


def approval_blocker(actor: User | None, disbursement: Disbursement) -> str | None:
    """Why `actor` cannot approve it (for the page), or None."""
    if actor is None or not can_manage_grant(actor, disbursement.grant):
        return N_("只有主办方组委会成员可以办理拨付。")
    if disbursement.prepared_by_id == actor.id:
        if needs_second_member(disbursement.grant):
            return N_("组委会目前只有您一位成员：请先邀请第二位成员，由其审核这笔拨付。")
        return N_("拨付须由另一位组委会成员审核。")
    return None


def approve(actor: User, disbursement: Disbursement, override_reason: str = "") -> Disbursement:
    """The checker's step. The tranche's gate must be met, or overridden with a written reason."""
    _require_checker(actor, disbursement)
    grant, tranche = disbursement.grant, disbursement.tranche
    lock_row(grant, "status", key_share=True)
    db.session.refresh(disbursement)
    db.session.refresh(tranche)
    _require_payable(grant)
    disbursement.status.check_transition(DisbursementStatus.APPROVED)
    if tranche.status != TrancheStatus.PLANNED:
        raise DomainError(N_("本期处于“%(status)s”状态，不能再拨付。", status=tranche.status.label))
    override_reason = clean_text(override_reason)[:NOTE_MAX]
    if not tranches.gate_met(tranche) and not override_reason:
        raise DomainError(N_("本期的拨付条件“%(gate)s”尚未满足；如确需拨付，请写明理由。", gate=tranche.gate.label),
                          field="override_reason")
    if tranches.gate_met(tranche):
        override_reason = ""
    _check_limits(tranche, disbursement.source, disbursement.amount)
    disbursement.status, disbursement.decided_by_id, disbursement.decided_at = (
        DisbursementStatus.APPROVED, actor.id, utcnow())
    disbursement.gate_override_reason = override_reason
    record(actor, "disbursement.approved", disbursement,
           f"批准拨付：{grant.title} {tranche.label} {format_yuan(disbursement.amount)}"
           + ("（未满足拨付条件，特批）" if override_reason else ""),
           {"amount": disbursement.amount, "prepared_by_id": disbursement.prepared_by_id,
            "gate": tranche.gate.value, "gate_override_reason": override_reason})
    db.session.commit()
    return disbursement


def _decide(actor: User, disbursement: Disbursement, target: DisbursementStatus, reason: str, action: str, summary: str):
    _require_checker(actor, disbursement)
    reason = clean_text(reason)
    if not reason:
        raise DomainError(N_("请填写原因。"), field="reason")
    lock_row(disbursement, "status")
    disbursement.status.check_transition(target)
    disbursement.status, disbursement.decided_by_id, disbursement.decided_at, disbursement.decision_note = (
        target, actor.id, utcnow(), reason[:NOTE_MAX])
    record(actor, action, disbursement, summary, {"reason": disbursement.decision_note})
    db.session.commit()
    return disbursement


def request_changes(actor: User, disbursement: Disbursement, reason: str) -> Disbursement:
    return _decide(actor, disbursement, DisbursementStatus.CHANGES_REQUESTED, reason, "disbursement.changes_requested",
                   f"拨付退回修改：{disbursement.grant.title} {format_yuan(disbursement.amount)}")


def decline(actor: User, disbursement: Disbursement, reason: str) -> Disbursement:
    return _decide(actor, disbursement, DisbursementStatus.DECLINED, reason, "disbursement.declined",
                   f"拒绝拨付：{disbursement.grant.title} {format_yuan(disbursement.amount)}")


def _settle_tranche(actor: User | None, tranche: Tranche) -> None:
    """A tranche is paid once its paid disbursements (less reversals) reach its amount, and planned again
    when a reversal takes it below."""
    paid = ledger.paid_of_tranche(tranche)
    if tranche.status == TrancheStatus.PLANNED and paid >= tranche.amount:
        tranche.status = TrancheStatus.PAID
        record(actor, "tranche.paid", tranche, f"{tranche.grant.title} {tranche.label}已拨付完毕 {format_yuan(paid)}",
               {"paid": paid})
    elif tranche.status == TrancheStatus.PAID and paid < tranche.amount:
        tranche.status = TrancheStatus.PLANNED
        record(actor, "tranche.reopened", tranche, f"{tranche.grant.title} {tranche.label}因冲正重新待拨付",
               {"paid": paid})


def mark_paid(actor: User, disbursement: Disbursement, bank_reference: str) -> Disbursement:
    """The bank has paid it (also on a retry after a failure)."""
    grant = disbursement.grant
    _require_member(actor, grant)
    bank_reference = clean_text(bank_reference)
    if not bank_reference:
        raise DomainError(N_("请填写银行流水号。"), field="bank_reference")
    if len(bank_reference) > 100:
        raise DomainError(N_("不能超过 %(n)s 个字。", n=100), field="bank_reference")
    lock_row(grant, "status", key_share=True)
    db.session.refresh(disbursement)
    disbursement.status.check_transition(DisbursementStatus.PAID)
    retry = disbursement.status == DisbursementStatus.FAILED
    disbursement.status, disbursement.bank_reference = DisbursementStatus.PAID, bank_reference
    disbursement.paid_at, disbursement.paid_by_id = utcnow(), actor.id
    record(actor, "disbursement.paid", disbursement,
           f"已付款：{grant.title} {disbursement.tranche.label} {format_yuan(disbursement.amount)}",
           {"amount": disbursement.amount, "bank_reference": bank_reference, "retry": retry,
            "source_id": disbursement.source_id})
    db.session.flush()
    _settle_tranche(actor, disbursement.tranche)
    services.activate(actor, grant)
    from . import notifications

    notifications.tranche_paid(disbursement)
    db.session.commit()
    return disbursement


def mark_failed(actor: User, disbursement: Disbursement, reason: str) -> Disbursement:
    _require_member(actor, disbursement.grant)
    reason = clean_text(reason)
    if not reason:
        raise DomainError(N_("请填写失败原因。"), field="reason")
    lock_row(disbursement, "status")
    disbursement.status.check_transition(DisbursementStatus.FAILED)
    disbursement.status, disbursement.failure_reason = DisbursementStatus.FAILED, reason[:NOTE_MAX]
    record(actor, "disbursement.failed", disbursement, f"付款失败：{disbursement.grant.title} {format_yuan(disbursement.amount)}",
           {"reason": disbursement.failure_reason})
    db.session.commit()
    return disbursement


def reverse(actor: User, disbursement: Disbursement, reason: str) -> DisbursementReversal:
    """Take a paid disbursement back by an opposite entry (冲正); the disbursement stays as it was."""
    grant = disbursement.grant
    _require_member(actor, grant)
    reason = clean_text(reason)
    if not reason:
        raise DomainError(N_("请填写冲正原因。"), field="reason")
    lock_row(grant, "status", key_share=True)
    db.session.refresh(disbursement)
    if disbursement.status != DisbursementStatus.PAID:
        raise DomainError(N_("只有已付款的拨付可以冲正。"))
    if grant.status not in PAYABLE_STATUSES + (GrantStatus.SUSPENDED,):
        # A terminated grant's undisbursed money went back to its sources at that moment.
        raise DomainError(N_("协议处于“%(status)s”状态，不能再冲正。", status=grant.status.label))
    if db.session.scalar(sa.select(DisbursementReversal.id).where(
            DisbursementReversal.disbursement_id == disbursement.id)) is not None:
        raise DomainError(N_("这笔拨付已经冲正过了。"))
    reversal = DisbursementReversal(disbursement_id=disbursement.id, grant_id=grant.id, amount=disbursement.amount,
                                    reason=reason[:NOTE_MAX], reversed_by_id=actor.id)
    db.session.add(reversal)
    record(actor, "disbursement.reversed", disbursement,
           f"冲正拨付：{grant.title} {disbursement.tranche.label} {format_yuan(disbursement.amount)}",
           {"amount": disbursement.amount, "reason": reversal.reason})
    db.session.flush()
    db.session.expire(disbursement, ["reversal"])
    _settle_tranche(actor, disbursement.tranche)
    db.session.commit()
    return reversal


def disbursements_of(grant: Grant) -> list[Disbursement]:
    return db.session.scalars(sa.select(Disbursement).where(Disbursement.grant_id == grant.id)
                              .order_by(Disbursement.id)).all()
