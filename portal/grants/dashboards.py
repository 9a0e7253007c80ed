"""Dashboards of grants — per call, per matching session, per funder (a sponsor organization, or the
committee's own fund) — each read in a fixed number of queries whatever the number of grants: one
GROUP BY per table over the grants in scope, never a query per grant.

Every figure is the sum ledger.py computes for one grant (its definitions, summed in SQL):

- awarded: the tier amounts of the project's awards (as matching's funding.awarded_amounts);
  pledged: live cash pledges to it (pending + confirmed; of the session, or of the sponsor, when
  the dashboard is theirs); matched: its match allocations (配捐)
- amount: the grant's live funding sources (协议金额, the money committed to it)
- committed: disbursements approved, paid or failed-awaiting-retry, less reversals
- disbursed: disbursements paid, less reversals; released: what a termination returned
- spent: expenses (a reversing row is negative); remaining = amount − disbursed − released

A funder's dashboard counts only the funder's sources (amount, committed, disbursed, released);
expenses belong to no source, so its `spent` is the whole project's.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ..accounts.models import Organization
from ..extensions import db
from ..matching.models import (
    MatchAllocation,
    Pledge,
)
from .dashboard_queries import ROW_FIELDS, Scope, _and, statements
from .models import (
    FundingSource,
    Grant,
    GrantStatus,
    SourceKind,
)
from .report_models import (
    EvaluationConclusion,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
OVER_BUDGET = Decimal("1.10")  # a category more than 10 % over its budget is flagged


def money(value) -> Decimal:
    """A sum as the database returns it (Decimal, int, float or None) in yuan, to the 分."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT)


AMOUNT_FIELDS = ("awarded", "pledged", "matched", "amount", "committed", "disbursed", "released", "spent")


@dataclass(slots=True)
class Amounts:
    awarded: Decimal = ZERO
    pledged: Decimal = ZERO
    matched: Decimal = ZERO
    amount: Decimal = ZERO  # the grant's live sources
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    released: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        """Still to be paid: ledger.GrantFigures.undisbursed."""
        return self.amount - self.disbursed - self.released

    @property
    def held_by_ngo(self) -> Decimal:
        return self.disbursed - self.spent


@dataclass(slots=True)
class GrantRow:
    grant_id: int
    reference: str
    title: str
    recipient: str
    status: GrantStatus
    amounts: Amounts = field(default_factory=Amounts)
    overdue_tranches: int = 0
    overdue_reports: int = 0
    conclusion: EvaluationConclusion | None = None  # of its latest evaluation


@dataclass
class OverdueTranche:
    grant_id: int
    reference: str
    label: str
    due_on: date
    amount: Decimal


@dataclass
class OverdueReport:
    grant_id: int
    reference: str
    title: str
    due_on: date


@dataclass
class EvaluationRow:
    grant_id: int
    reference: str
    report: str
    total: Decimal
    conclusion: EvaluationConclusion


@dataclass
class CategoryRow:
    category: str
    budget: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def over_budget(self) -> bool:
        return self.spent > self.budget * OVER_BUDGET


@dataclass
class MonthRow:
    month: str  # 2026-05, in China time
    paid: Decimal = ZERO
    reversed: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.paid - self.reversed


@dataclass
class Dashboard:
    title: str
    rows: list[GrantRow]
    totals: Amounts
    overdue_tranches: list[OverdueTranche]
    overdue_reports: list[OverdueReport]
    evaluations: list[EvaluationRow]  # the latest evaluation of each evaluated report
    categories: list[CategoryRow]
    months: list[MonthRow]
    today: date
    funder_view: bool = False  # amounts are the funder's sources'; spent is the projects'

    @property
    def conclusions(self) -> list[tuple[EvaluationConclusion, int]]:
        counts = Counter(row.conclusion for row in self.evaluations)
        return [(conclusion, counts[conclusion]) for conclusion in EvaluationConclusion]

    @property
    def grants(self) -> int:
        return len(self.rows)


def _categories(rows) -> list[CategoryRow]:
    found: dict[str, CategoryRow] = {}
    for category, side, total in rows:
        setattr(found.setdefault(category, CategoryRow(category)), "spent" if side else "budget", money(total))
    return sorted(found.values(), key=lambda row: (-row.budget, row.category))


def _months(rows) -> list[MonthRow]:
    months: dict[str, MonthRow] = {}
    for month, side, total in rows:
        row = months.setdefault(month, MonthRow(month))
        if side:
            row.reversed += money(total)
        else:
            row.paid += money(total)
    return [months[m] for m in sorted(months)]


def _cents(value) -> Decimal:
    """A sum of Money columns: already a Decimal to the 分 (SQLAlchemy's Numeric(14, 2)), or None."""
    return value if value.__class__ is Decimal else money(value)


def _grant_rows(result) -> tuple[list[GrantRow], Amounts]:
    """The rows, and their totals summed column by column (the same Decimals, added once each)."""
    rows, columns = [], [[] for _ in ROW_FIELDS]
    for r in result:
        amounts = Amounts(*map(_cents, r[5:13]))
        rows.append(GrantRow(r[0], r[1], r[2], r[3], r[4], amounts))
        for column, value in zip(columns, (amounts.awarded, amounts.pledged, amounts.matched, amounts.amount,
                                           amounts.committed, amounts.disbursed, amounts.released, amounts.spent)):
            column.append(value)
    return rows, Amounts(*(sum(column, ZERO) for column in columns))


def dashboard(title: str, scope: Scope, today: date | None = None, *, funder_view: bool = False) -> Dashboard:
    """The dashboard of the grants in `scope`: 7 queries, however many grants — every grant with all
    its figures in one, then the lists (overdue tranches and reports, evaluations), the categories
    and the months."""
    today = today or date.today()
    connection = db.session.connection()
    rows_stmt, lists = statements(scope, connection.dialect.name)
    params = {**scope.params, "today": today}
    rows, totals = _grant_rows(connection.execute(rows_stmt, params))
    found = {name: connection.execute(stmt, params).all() for name, stmt in lists.items()}
    tranches = [OverdueTranche(*r) for r in found["tranches"]]
    reports = [OverdueReport(*r) for r in found["reports"]]
    evaluations = [EvaluationRow(*r) for r in found["evaluations"]]
    _flag(rows, tranches, reports, evaluations)
    return Dashboard(title, rows, totals, tranches, reports, evaluations, _categories(found["categories"]),
                     _months(found["months"]), today, funder_view)


def _flag(rows: list[GrantRow], tranches, reports, evaluations) -> None:
    """Each grant's overdue counts and latest conclusion, from the lists (no query of their own)."""
    by_id = {row.grant_id: row for row in rows}
    for t in tranches:
        by_id[t.grant_id].overdue_tranches += 1
    for r in reports:
        by_id[r.grant_id].overdue_reports += 1
    for e in evaluations:  # ordered by id: the grant's latest evaluation comes last
        by_id[e.grant_id].conclusion = e.conclusion


# --- the scopes ------------------------------------------------------------------------------------

SCOPE_ID = sa.bindparam("scope_id")


def call_dashboard(call, today: date | None = None) -> Dashboard:
    return dashboard(call.title, Scope("call", Grant.call_id == SCOPE_ID, {"scope_id": call.id}), today)


def session_dashboard(session, today: date | None = None) -> Dashboard:
    """The session's grants; pledged and matched are the session's pledges and match only."""
    return dashboard(session.title, Scope("session", Grant.session_id == SCOPE_ID, {"scope_id": session.id},
                                          pledges=Pledge.session_id == SCOPE_ID, match=MatchAllocation.session_id == SCOPE_ID),
                     today)


def _funded_by(sources):
    """Grants with one of these sources live."""
    return Grant.id.in_(sa.select(FundingSource.grant_id).where(sources, FundingSource.withdrawn_at.is_(None)))


def funder_dashboard(funder: Organization, committee_ids=None, today: date | None = None) -> Dashboard:
    """A sponsor's grants (of the given committees only, when given): its sources, its pledges, the
    match its pledges drew."""
    params = {"scope_id": funder.id}
    committees = None
    if committee_ids is not None:
        committees, params["committee_ids"] = Grant.committee_id.in_(sa.bindparam("committee_ids", expanding=True)), \
            sorted(committee_ids)
    sources = FundingSource.funder_id == SCOPE_ID
    scope = Scope("funder" if committees is None else "funder-of-committees", _and(committees, _funded_by(sources)),
                  params, sources=sources, pledges=Pledge.sponsor_id == SCOPE_ID, match=MatchAllocation.sponsor_id == SCOPE_ID,
                  awards=False)
    return dashboard(funder.name, scope, today, funder_view=True)


FUND_KINDS = (SourceKind.COMMITTEE_FUND, SourceKind.MATCH)


def fund_dashboard(committee: Organization, today: date | None = None) -> Dashboard:
    """The committee's own fund: its 创投资金 and match sources (no funder organization)."""
    fund = sa.and_(FundingSource.funder_id.is_(None), FundingSource.kind.in_(FUND_KINDS))
    scope = Scope("fund", sa.and_(Grant.committee_id == SCOPE_ID, _funded_by(fund)), {"scope_id": committee.id},
                  sources=fund, pledges=sa.false())
    return dashboard(committee.name, scope, today, funder_view=True)
