"""Every figure of a grant is a sum of its rows, computed here and nowhere else.

- A grant's amount: its live funding sources.
- Committed (what a limit holds): disbursements approved, paid or failed-awaiting-retry, less their
  reversals. Paid: disbursements paid, less their reversals.
- Released: what a termination returned to a source. Spent: expenses (reversing rows are negative).

The per-project ledger lists commitments, payments, reversals, releases and expenses in order with
running balances: what is still to be paid (commitment − paid − released) and what the NGO holds
(paid − spent).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from ..extensions import db
from .models import (
    COMMITTED_STATUSES,
    Disbursement,
    DisbursementReversal,
    DisbursementStatus,
    FundingSource,
    Grant,
    SourceRelease,
    Tranche,
)
from .report_models import Expense

ZERO = Decimal("0.00")


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _net(condition, statuses) -> Decimal:
    """Disbursements matching `condition` in `statuses`, less the reversals of those among them."""
    amount = sa.func.coalesce(sa.func.sum(Disbursement.amount - sa.func.coalesce(DisbursementReversal.amount, 0)), 0)
    return _money(db.session.scalar(
        sa.select(amount).select_from(Disbursement)
        .outerjoin(DisbursementReversal, DisbursementReversal.disbursement_id == Disbursement.id)
        .where(condition, Disbursement.status.in_(statuses))
    ))


def grant_amount(grant: Grant) -> Decimal:
    return _money(db.session.scalar(
        sa.select(sa.func.sum(FundingSource.amount))
        .where(FundingSource.grant_id == grant.id, FundingSource.withdrawn_at.is_(None))))


def committed_of_tranche(tranche: Tranche) -> Decimal:
    return _net(Disbursement.tranche_id == tranche.id, COMMITTED_STATUSES)


def committed_of_source(source: FundingSource) -> Decimal:
    return _net(Disbursement.source_id == source.id, COMMITTED_STATUSES)


def committed_of_grant(grant: Grant) -> Decimal:
    return _net(Disbursement.grant_id == grant.id, COMMITTED_STATUSES)


def paid_of_tranche(tranche: Tranche) -> Decimal:
    return _net(Disbursement.tranche_id == tranche.id, (DisbursementStatus.PAID,))


def paid_of_source(source: FundingSource) -> Decimal:
    return _net(Disbursement.source_id == source.id, (DisbursementStatus.PAID,))


def paid_of_grant(grant: Grant) -> Decimal:
    return _net(Disbursement.grant_id == grant.id, (DisbursementStatus.PAID,))


def released_of_source(source: FundingSource) -> Decimal:
    return _money(db.session.scalar(sa.select(sa.func.sum(SourceRelease.amount)).where(SourceRelease.source_id == source.id)))


def spent_by_category(grant: Grant) -> dict[str, Decimal]:
    rows = db.session.execute(
        sa.select(Expense.category, sa.func.sum(Expense.amount)).where(Expense.grant_id == grant.id)
        .group_by(Expense.category))
    return {category: _money(total) for category, total in rows}


def spent_of_grant(grant: Grant) -> Decimal:
    return _money(db.session.scalar(sa.select(sa.func.sum(Expense.amount)).where(Expense.grant_id == grant.id)))


def live_sources(grant: Grant) -> list[FundingSource]:
    return [source for source in grant.sources if source.withdrawn_at is None]


@dataclass
class SourceFigures:
    source: FundingSource
    committed: Decimal  # held by approved payments, net of reversals
    paid: Decimal
    released: Decimal

    @property
    def amount(self) -> Decimal:
        return self.source.amount

    @property
    def remaining(self) -> Decimal:
        """Still to be paid from this source (0 once a termination released the rest)."""
        return self.amount - self.paid - self.released

    @property
    def room(self) -> Decimal:
        """What another approval may still take from it."""
        return self.amount - self.committed - self.released


def source_figures(grant: Grant) -> list[SourceFigures]:
    return [SourceFigures(source, committed_of_source(source), paid_of_source(source), released_of_source(source))
            for source in live_sources(grant)]


@dataclass
class GrantFigures:
    amount: Decimal
    committed: Decimal
    paid: Decimal
    released: Decimal
    spent: Decimal

    @property
    def undisbursed(self) -> Decimal:
        return self.amount - self.paid - self.released

    @property
    def held_by_ngo(self) -> Decimal:
        return self.paid - self.spent


def grant_figures(grant: Grant) -> GrantFigures:
    released = _money(db.session.scalar(sa.select(sa.func.sum(SourceRelease.amount)).where(SourceRelease.grant_id == grant.id)))
    return GrantFigures(grant_amount(grant), committed_of_grant(grant), paid_of_grant(grant), released,
                        spent_of_grant(grant))


@dataclass
class LedgerEntry:
    at: datetime
    kind: str  # commitment / payment / reversal / release / expense
    text: str
    source_id: int | None
    commitment: Decimal = ZERO  # + when committed, − when released
    paid: Decimal = ZERO  # + paid, − reversed
    spent: Decimal = ZERO
    undisbursed: Decimal = ZERO  # running balances after this entry
    held_by_ngo: Decimal = ZERO
    row_id: int = 0


@dataclass
class Ledger:
    entries: list[LedgerEntry] = field(default_factory=list)

    @property
    def undisbursed(self) -> Decimal:
        return self.entries[-1].undisbursed if self.entries else ZERO

    @property
    def held_by_ngo(self) -> Decimal:
        return self.entries[-1].held_by_ngo if self.entries else ZERO


def ledger(grant: Grant, source: FundingSource | None = None) -> Ledger:
    """The grant's ledger in time order (of one source, when given; expenses belong to no source and
    are left out of a source's ledger)."""
    sources = [s for s in live_sources(grant) if source is None or s.id == source.id]
    source_ids = {s.id for s in sources}
    entries = [LedgerEntry(s.created_at, "commitment", s.label or (s.funder.name if s.funder else ""), s.id,
                           commitment=s.amount, row_id=s.id) for s in sources]
    paid = db.session.scalars(sa.select(Disbursement).where(
        Disbursement.grant_id == grant.id, Disbursement.status == DisbursementStatus.PAID)).all()
    for d in paid:
        if d.source_id not in source_ids:
            continue
        entries.append(LedgerEntry(d.paid_at or d.prepared_at, "payment", d.tranche.label, d.source_id, paid=d.amount,
                                   row_id=d.id))
        if d.reversal is not None:
            entries.append(LedgerEntry(d.reversal.created_at, "reversal", d.reversal.reason, d.source_id,
                                       paid=-d.reversal.amount, row_id=d.reversal.id))
    releases = db.session.scalars(sa.select(SourceRelease).where(SourceRelease.grant_id == grant.id)).all()
    entries += [LedgerEntry(r.created_at, "release", "", r.source_id, commitment=-r.amount, row_id=r.id)
                for r in releases if r.source_id in source_ids]
    if source is None:
        expenses = db.session.scalars(sa.select(Expense).where(Expense.grant_id == grant.id)).all()
        entries += [LedgerEntry(e.created_at, "expense", f"{e.category} · {e.item}", None, spent=e.amount, row_id=e.id)
                    for e in expenses]
    order = {"commitment": 0, "payment": 1, "reversal": 2, "release": 3, "expense": 4}
    entries.sort(key=lambda e: (e.at, order[e.kind], e.row_id))
    undisbursed = held = ZERO
    for entry in entries:
        undisbursed += entry.commitment - entry.paid
        held += entry.paid - entry.spent
        entry.undisbursed, entry.held_by_ngo = undisbursed, held
    return Ledger(entries)
