"""Races on PostgreSQL, with real parallel connections (tests/matching/test_concurrency.py's
in_parallel): twenty approvals at once against one tranche never take it past its amount, nor a
source past its share; twenty reversals of one payment take it back once. SQLite serializes writers
on its own, so these run only on PostgreSQL."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from portal.accounts.models import User
from portal.errors import DomainError
from portal.extensions import db
from portal.grants import disbursements as pay
from portal.grants import ledger
from portal.grants.models import Disbursement, DisbursementReversal, DisbursementStatus, FundingSource, Tranche

from ..matching.test_concurrency import N, get, in_parallel, pg  # noqa: F401 - pg is a fixture
from .helpers import signed_grant

D = Decimal


def _prepared(world, tranche, source, amount, n=N) -> list[int]:
    return [pay.prepare(world.maker, tranche, {"source_id": str(source.id), "amount": amount,
                                               "pay_on": date.today().isoformat()}).id for _ in range(n)]


def _outcome_kinds(outcomes):
    unexpected = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, DomainError)]
    assert not unexpected, unexpected  # never a database error, a deadlock or a timeout
    return [o for o in outcomes if not isinstance(o, Exception)], [o for o in outcomes if isinstance(o, DomainError)]


def _committed_rows(tranche_id: int) -> Decimal:
    """Summed here from the rows, not through portal.grants.ledger."""
    return D(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Disbursement.amount), 0)).where(
        Disbursement.tranche_id == tranche_id,
        Disbursement.status.in_([DisbursementStatus.APPROVED, DisbursementStatus.PAID, DisbursementStatus.FAILED]))))


def test_twenty_approvals_at_once_never_exceed_the_tranche(pg):
    world, grant = signed_grant()
    first = grant.tranches[0]  # 12,500
    big = next(s for s in grant.sources if s.amount == D("15000.00"))
    ids = _prepared(world, first, big, "1000")
    checker_id, tranche_id = world.checker.id, first.id

    def prepare(i):
        return get(User, checker_id), get(Disbursement, ids[i])

    approved, refused = _outcome_kinds(in_parallel(pg, prepare, lambda i, a: pay.approve(a[0], a[1]).id))
    assert len(approved) == 12 and len(refused) == N - 12
    assert all("本期" in str(r.message) for r in refused)
    assert _committed_rows(tranche_id) == D("12000.00") <= get(Tranche, tranche_id).amount


def test_twenty_approvals_at_once_never_exceed_a_source(pg):
    world, grant = signed_grant()
    first = grant.tranches[0]  # 12,500, paid from a source of 10,000
    small = next(s for s in grant.sources if s.amount == D("10000.00"))
    ids = _prepared(world, first, small, "700")
    checker_id, source_id = world.checker.id, small.id

    def prepare(i):
        return get(User, checker_id), get(Disbursement, ids[i])

    approved, refused = _outcome_kinds(in_parallel(pg, prepare, lambda i, a: pay.approve(a[0], a[1]).id))
    assert len(approved) == 14  # 14 × 700 = 9,800; a fifteenth would make 10,500
    assert ledger.committed_of_source(get(FundingSource, source_id)) == D("9800.00")


def test_twenty_reversals_of_one_payment_take_it_back_once(pg):
    world, grant = signed_grant()
    first = grant.tranches[0]
    d = pay.prepare(world.maker, first, {"source_id": str(first.sources[0].id), "amount": "5000",
                                         "pay_on": date.today().isoformat()})
    pay.approve(world.checker, d)
    pay.mark_paid(world.maker, d, "NS1")
    maker_id, disbursement_id = world.maker.id, d.id

    def prepare(i):
        return get(User, maker_id), get(Disbursement, disbursement_id)

    done, refused = _outcome_kinds(in_parallel(pg, prepare, lambda i, a: pay.reverse(a[0], a[1], "重复").id))
    assert len(done) == 1 and len(refused) == N - 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisbursementReversal)) == 1
