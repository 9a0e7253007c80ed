"""Property tests (hypothesis): random sequences of disbursements (approved, paid, failed, declined),
reversals, expenses and their reversals, and a termination, against a grant of two sponsor sources
in three tranches. After every step, summed here from the raw rows:

- every ledger balance equals its rows (the running balances end where the sums do);
- nothing is held beyond a tranche, the grant, or a source's share;
- the tranches add up exactly to the grant;
- a terminated grant returns exactly the undisbursed amount to each source.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.errors import DomainError
from portal.extensions import db
from portal.grants import disbursements as pay
from portal.grants import expenses, ledger, services
from portal.grants.models import (
    Disbursement,
    DisbursementReversal,
    DisbursementStatus,
    GrantStatus,
    SourceRelease,
)
from portal.grants.report_models import Expense

from .helpers import PDF, funded_project, signed_grant

D = Decimal
HELD = (DisbursementStatus.APPROVED, DisbursementStatus.PAID, DisbursementStatus.FAILED)

# Amounts near the limits (a tranche is 12,500, 7,500 or 5,000; the sources 15,000 and 10,000) and any other.
amounts = st.one_of(st.sampled_from([D("2500"), D("5000"), D("7500"), D("10000"), D("10000.01"), D("12500")]),
                    st.decimals(min_value=D("0.01"), max_value=D("16000"), places=2))
steps = st.lists(st.one_of(
    *[st.tuples(st.just("pay"), st.integers(0, 2), st.integers(0, 1), amounts,
                st.sampled_from(["paid", "failed", "failed_then_paid", "approved", "declined"]))] * 3,
    st.tuples(st.just("reverse"), st.integers(0, 50)),
    st.tuples(st.just("expense"), st.sampled_from(["活动费", "管理费"]), amounts),
    st.tuples(st.just("unspend"), st.integers(0, 50)),
    st.tuples(st.just("terminate")),
), min_size=1, max_size=12)


def _sum(column, *where) -> Decimal:
    return D(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(*where))).quantize(D("0.01"))


def _net(where, statuses) -> Decimal:
    """Disbursements in `statuses` less the reversals of those among them, from the rows."""
    ids = sa.select(Disbursement.id).where(where, Disbursement.status.in_(statuses))
    return (_sum(Disbursement.amount, Disbursement.id.in_(ids))
            - _sum(DisbursementReversal.amount, DisbursementReversal.disbursement_id.in_(ids)))


def _check(grant) -> None:
    db.session.expire_all()
    total = _sum(ledger.FundingSource.amount, ledger.FundingSource.grant_id == grant.id,
                 ledger.FundingSource.withdrawn_at.is_(None))
    assert sum(t.amount for t in grant.tranches) == total == ledger.grant_amount(grant)
    paid = _net(Disbursement.grant_id == grant.id, (DisbursementStatus.PAID,))
    spent = _sum(Expense.amount, Expense.grant_id == grant.id)
    released = _sum(SourceRelease.amount, SourceRelease.grant_id == grant.id)
    book = ledger.ledger(grant)
    assert book.undisbursed == total - paid - released == ledger.grant_figures(grant).undisbursed
    assert book.held_by_ngo == paid - spent == ledger.grant_figures(grant).held_by_ngo
    assert _net(Disbursement.grant_id == grant.id, HELD) + released <= total
    for tranche in grant.tranches:
        assert 0 <= _net(Disbursement.tranche_id == tranche.id, HELD) <= tranche.amount
    for source in grant.sources:
        source_released = _sum(SourceRelease.amount, SourceRelease.source_id == source.id)
        held = _net(Disbursement.source_id == source.id, HELD)
        assert 0 <= held and held + source_released <= source.amount
        assert sum(e.commitment - e.paid for e in ledger.ledger(grant, source).entries) == \
            source.amount - _net(Disbursement.source_id == source.id, (DisbursementStatus.PAID,)) - source_released
        if grant.status == GrantStatus.TERMINATED:
            source_paid = _net(Disbursement.source_id == source.id, (DisbursementStatus.PAID,))
            assert source_released == source.amount - source_paid


def _pay(world, grant, tranche_index, source_index, amount, outcome) -> None:
    tranche = grant.tranches[tranche_index]
    source = tranche.sources[source_index % len(tranche.sources)]
    d = pay.prepare(world.maker, tranche, {"source_id": str(source.id), "amount": str(amount),
                                           "pay_on": date.today().isoformat()})
    if outcome == "declined":
        pay.decline(world.checker, d, "不符合要求")
        return
    pay.approve(world.checker, d, override_reason="测试特批")
    if outcome in ("failed", "failed_then_paid"):
        pay.mark_failed(world.maker, d, "银行退回")
    if outcome in ("paid", "failed_then_paid"):
        pay.mark_paid(world.maker, d, "NS-TEST")


def _step(world, grant, step) -> None:
    kind = step[0]
    if kind == "pay":
        _pay(world, grant, *step[1:])
    elif kind == "reverse":
        paid = db.session.scalars(sa.select(Disbursement).where(
            Disbursement.grant_id == grant.id, Disbursement.status == DisbursementStatus.PAID)
            .order_by(Disbursement.id)).all()
        if paid:
            pay.reverse(world.maker, paid[step[1] % len(paid)], "冲正测试")
    elif kind == "expense":  # filed by the NGO on the mid-term report, with its receipt
        report = min(grant.reports, key=lambda r: r.due_on)
        expenses.record_expense(world.ngo_user, report, {"category": step[1], "item": "测试支出", "amount": str(step[2]),
                                                         "spent_on": date.today().isoformat(),
                                                         "receipt": ("票据.pdf", PDF)})
    elif kind == "unspend":
        open_rows = db.session.scalars(sa.select(Expense).where(
            Expense.grant_id == grant.id, Expense.amount > 0,
            ~sa.exists().where(sa.orm.aliased(Expense).reverses_id == Expense.id)).order_by(Expense.id)).all()
        if open_rows:
            expenses.reverse_expense(world.ngo_user, open_rows[step[1] % len(open_rows)], "录入错误")
    elif kind == "terminate":
        services.terminate_grant(world.maker, grant, "测试终止")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(sequence=steps)
def test_ledgers_and_limits_hold_over_random_sequences(app, sequence):
    world, grant = signed_grant(funded_project())
    for step in sequence:
        try:
            _step(world, grant, step)
        except DomainError:
            db.session.rollback()  # refused (a limit, a state): nothing changed, the invariants still hold
        _check(grant)
