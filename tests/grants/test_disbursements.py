"""Maker-checker disbursements, called on the services directly: a different member approves, gates
hold unless overridden with a reason, limits hold, paid rows are reversed and never edited."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.audit import AuditEvent
from portal.errors import DomainError, InvalidTransition, PermissionDenied
from portal.extensions import db
from portal.grants import disbursements as pay
from portal.grants import ledger, services
from portal.grants.models import DisbursementStatus, GrantStatus, TrancheStatus

from ..factories import make_member
from .helpers import funded_project, signed_grant

D = Decimal
TODAY = date.today().isoformat()


def _prepare(world, tranche, amount, source=None, maker=None):
    source = source or tranche.sources[0]
    return pay.prepare(maker or world.maker, tranche, {"source_id": str(source.id), "amount": str(amount),
                                                       "method": "bank_transfer", "pay_on": TODAY})


def test_the_maker_can_never_approve_what_they_prepared(app):
    world, grant = signed_grant()
    first = grant.tranches[0]
    d = _prepare(world, first, "7500")
    with pytest.raises(PermissionDenied):
        pay.approve(world.maker, d)
    assert d.status == DisbursementStatus.PREPARED
    assert pay.approval_blocker(world.maker, d) is not None
    assert pay.approval_blocker(world.checker, d) is None
    pay.approve(world.checker, d)
    assert d.status == DisbursementStatus.APPROVED and d.decided_by_id == world.checker.id
    assert d.payee_account == grant.payee_account  # copied from the agreement


def test_a_committee_of_one_is_told_a_second_member_is_needed(app):
    world = funded_project()
    world.committee.memberships = [m for m in world.committee.memberships if m.user_id == world.maker.id]
    db.session.commit()
    world, grant = signed_grant(world)
    d = _prepare(world, grant.tranches[0], "100")
    assert pay.needs_second_member(grant)
    assert "第二位成员" in pay.approval_blocker(world.maker, d)


def test_outsiders_and_the_ngo_cannot_prepare_or_approve(app):
    world, grant = signed_grant()
    with pytest.raises(PermissionDenied):
        _prepare(world, grant.tranches[0], "100", maker=world.ngo_user)
    d = _prepare(world, grant.tranches[0], "100")
    for someone in (world.ngo_user, world.sponsors[0].user, make_member()):
        with pytest.raises(PermissionDenied):
            pay.approve(someone, d)


def test_a_gate_not_met_needs_a_written_override(app):
    world, grant = signed_grant()
    midterm = grant.tranches[1]
    d = _prepare(world, midterm, "1000")
    with pytest.raises(DomainError) as refused:
        pay.approve(world.checker, d)
    assert refused.value.field == "override_reason"
    db.session.rollback()
    assert d.status == DisbursementStatus.PREPARED
    pay.approve(world.checker, d, override_reason="项目方急需采购物资，经主任办公会同意提前拨付")
    assert d.status == DisbursementStatus.APPROVED and "提前拨付" in d.gate_override_reason
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "disbursement.approved"))
    assert event.data["gate_override_reason"]


def test_nothing_is_paid_beyond_the_tranche_or_the_source(app):
    world, grant = signed_grant()
    first = grant.tranches[0]  # 12,500 of 25,000; the sources are 15,000 and 10,000
    small_source = next(s for s in grant.sources if s.amount == D("10000.00"))
    with pytest.raises(DomainError):
        _prepare(world, first, "12500.01")
    db.session.rollback()
    with pytest.raises(DomainError):
        _prepare(world, first, "10000.01", source=small_source)
    db.session.rollback()
    a = _prepare(world, first, "8000")
    b = _prepare(world, first, "8000")  # prepared is not yet held: both may be prepared
    pay.approve(world.checker, a)
    with pytest.raises(DomainError):
        pay.approve(world.checker, b)  # 16,000 > 12,500
    db.session.rollback()
    assert ledger.committed_of_tranche(first) == D("8000.00")


def test_paid_failed_retried_and_reversed(app):
    world, grant = signed_grant()
    first = grant.tranches[0]
    d = _prepare(world, first, "12500")
    pay.approve(world.checker, d)
    pay.mark_failed(world.maker, d, "账号有误，银行退回")
    assert d.status == DisbursementStatus.FAILED
    assert ledger.committed_of_tranche(first) == D("12500.00")  # still held while awaiting the retry
    with pytest.raises(DomainError):
        pay.mark_paid(world.maker, d, "")
    pay.mark_paid(world.maker, d, "NS2027030100001")
    assert d.status == DisbursementStatus.PAID and first.status == TrancheStatus.PAID
    assert grant.status == GrantStatus.ACTIVE
    assert ledger.paid_of_grant(grant) == D("12500.00")
    with pytest.raises(InvalidTransition):
        pay.mark_paid(world.maker, d, "again")
    db.session.rollback()
    reversal = pay.reverse(world.maker, d, "重复付款，已退回")
    assert reversal.amount == D("12500.00") and d.amount == D("12500.00") and d.status == DisbursementStatus.PAID
    assert ledger.paid_of_grant(grant) == D("0.00") and first.status == TrancheStatus.PLANNED
    with pytest.raises(DomainError):
        pay.reverse(world.maker, d, "again")


def test_changes_requested_then_a_corrected_row_replaces_it(app):
    world, grant = signed_grant()
    d = _prepare(world, grant.tranches[0], "12000")
    with pytest.raises(DomainError):
        pay.request_changes(world.checker, d, "")
    db.session.rollback()
    pay.request_changes(world.checker, d, "金额应为首期全额")
    corrected = pay.revise(world.maker, d, {"source_id": str(d.source_id), "amount": "12500", "pay_on": TODAY})
    assert d.status == DisbursementStatus.REPLACED and corrected.replaces_id == d.id and d.amount == D("12000.00")
    pay.decline(world.checker, corrected, "本月资金未到位")
    assert corrected.status == DisbursementStatus.DECLINED
    assert ledger.committed_of_grant(grant) == D("0.00")


def test_no_payment_while_suspended_or_before_signing(app):
    world = funded_project()
    grant = services.draft_grant(world.maker, world.application)
    with pytest.raises(DomainError):
        _prepare(world, grant.tranches[0], "100")
    db.session.rollback()
    world, grant = signed_grant()
    d = _prepare(world, grant.tranches[0], "100")
    services.suspend_grant(world.maker, grant, "待核实")
    with pytest.raises(DomainError):
        pay.approve(world.checker, d)


def test_termination_declines_open_payments_and_releases_exactly_the_undisbursed(app):
    world, grant = signed_grant()
    first = grant.tranches[0]
    big = next(s for s in grant.sources if s.amount == D("15000.00"))
    d = _prepare(world, first, "9000", source=big)
    pay.approve(world.checker, d)
    pay.mark_paid(world.maker, d, "NS1")
    open_one = _prepare(world, first, "1000", source=big)
    pay.approve(world.checker, open_one)
    releases = {r.source_id: r.amount for r in services.terminate_grant(world.maker, grant, "机构注销")}
    assert open_one.status == DisbursementStatus.DECLINED
    assert releases == {s.id: s.amount - (D("9000.00") if s.id == big.id else 0) for s in grant.sources}
    figures = ledger.grant_figures(grant)
    assert figures.undisbursed == D("0.00") and figures.paid == D("9000.00")
    with pytest.raises(DomainError):
        pay.reverse(world.maker, d, "晚了")
