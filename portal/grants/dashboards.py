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
from ..judging.models import Award, AwardTier
from ..matching.models import LIVE_PLEDGE_STATUSES, MatchAllocation, Pledge, PledgeKind, SessionProject
from .models import (
    COMMITTED_STATUSES,
    Disbursement,
    DisbursementReversal,
    DisbursementStatus,
    FundingSource,
    Grant,
    GrantBudgetLine,
    GrantStatus,
    SourceKind,
    SourceRelease,
    Tranche,
    TrancheStatus,
)
from .report_models import Evaluation, EvaluationConclusion, Expense, GrantReport, ReportStatus

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

    def add(self, other: "Amounts") -> None:
        for name in AMOUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


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


@dataclass
class Scope:
    """Which grants, which of their sources, pledges and match count."""

    grants: sa.ColumnElement  # a condition on Grant
    sources: sa.ColumnElement | None = None  # a condition on FundingSource (a funder's), None: all
    pledges: sa.ColumnElement | None = None  # a further condition on Pledge
    match: sa.ColumnElement | None = None  # a further condition on MatchAllocation
    awards: bool = True


def _and(*conditions):
    return sa.and_(*(c for c in conditions if c is not None))


def _month(column):
    """'YYYY-MM' of a naive-UTC timestamp, in China time (UTC+8, no daylight saving)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(column + sa.text("interval '8 hours'"), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column, "+8 hours")


def _sum(condition, value):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def _disbursement_stmt(scope: Scope):
    net = Disbursement.amount - sa.func.coalesce(DisbursementReversal.amount, 0)
    stmt = (sa.select(Disbursement.grant_id, _sum(Disbursement.status.in_(COMMITTED_STATUSES), net),
                      _sum(Disbursement.status == DisbursementStatus.PAID, net))
            .select_from(Disbursement).join(Grant, Grant.id == Disbursement.grant_id)
            .outerjoin(DisbursementReversal, DisbursementReversal.disbursement_id == Disbursement.id)
            .where(scope.grants, Disbursement.status.in_(COMMITTED_STATUSES)).group_by(Disbursement.grant_id))
    if scope.sources is not None:
        stmt = stmt.join(FundingSource, FundingSource.id == Disbursement.source_id).where(scope.sources)
    return stmt


def _per_grant(model, amount, scope: Scope, *conditions, by_source: bool = False):
    stmt = (sa.select(model.grant_id, sa.func.sum(amount)).join(Grant, Grant.id == model.grant_id)
            .where(scope.grants, *conditions).group_by(model.grant_id))
    if by_source and scope.sources is not None:
        stmt = stmt.join(FundingSource, FundingSource.id == model.source_id).where(scope.sources)
    return stmt


def _by_application(amount, joined, scope: Scope, *conditions):
    """A per-grant sum of rows tied to the grant's application (awards, pledges, match)."""
    stmt = sa.select(Grant.id, sa.func.sum(amount)).select_from(Grant)
    for target, on in joined:
        stmt = stmt.join(target, on)
    return stmt.where(scope.grants, *(c for c in conditions if c is not None)).group_by(Grant.id)


def _amount_statements(scope: Scope) -> list[tuple[str, sa.Select]]:
    live = FundingSource.withdrawn_at.is_(None)
    statements = [
        ("amount", _per_grant(FundingSource, FundingSource.amount, scope, live, *(
            [scope.sources] if scope.sources is not None else []))),
        ("released", _per_grant(SourceRelease, SourceRelease.amount, scope, by_source=True)),
        ("pledged", _by_application(Pledge.amount, [(Pledge, Pledge.application_id == Grant.application_id)], scope,
                                    Pledge.kind == PledgeKind.CASH, Pledge.status.in_(LIVE_PLEDGE_STATUSES), scope.pledges)),
        ("matched", _by_application(MatchAllocation.amount, [
            (SessionProject, SessionProject.application_id == Grant.application_id),
            (MatchAllocation, MatchAllocation.project_id == SessionProject.id)], scope, scope.match)),
    ]
    if scope.awards:
        statements.append(("awarded", _by_application(AwardTier.amount, [
            (Award, Award.application_id == Grant.application_id), (AwardTier, AwardTier.id == Award.tier_id)], scope)))
    return statements


def _grant_rows(scope: Scope) -> dict[int, GrantRow]:
    stmt = (sa.select(Grant.id, Grant.reference, Grant.title, Organization.name, Grant.status)
            .join(Organization, Organization.id == Grant.recipient_id).where(scope.grants)
            .order_by(Grant.reference, Grant.id))
    if scope.sources is not None:  # a funder's grants: those with one of its live sources
        stmt = stmt.where(sa.exists().where(FundingSource.grant_id == Grant.id, FundingSource.withdrawn_at.is_(None),
                                            scope.sources))
    return {row[0]: GrantRow(*row) for row in db.session.execute(stmt)}


def _overdue(scope: Scope, today: date, rows: dict[int, GrantRow]):
    tranches = [OverdueTranche(*r) for r in db.session.execute(
        sa.select(Tranche.grant_id, Grant.reference, Tranche.label, Tranche.due_on, Tranche.amount)
        .join(Grant, Grant.id == Tranche.grant_id)
        .where(scope.grants, Tranche.status == TrancheStatus.PLANNED, Tranche.due_on < today)
        .order_by(Tranche.due_on, Tranche.id))]
    reports = [OverdueReport(*r) for r in db.session.execute(
        sa.select(GrantReport.grant_id, Grant.reference, GrantReport.title, GrantReport.due_on)
        .join(Grant, Grant.id == GrantReport.grant_id)
        .where(scope.grants, GrantReport.status == ReportStatus.SCHEDULED, GrantReport.due_on < today)
        .order_by(GrantReport.due_on, GrantReport.id))]
    tranches = [t for t in tranches if t.grant_id in rows]
    reports = [r for r in reports if r.grant_id in rows]
    for t in tranches:
        rows[t.grant_id].overdue_tranches += 1
    for r in reports:
        rows[r.grant_id].overdue_reports += 1
    return tranches, reports


def _evaluations(scope: Scope, rows: dict[int, GrantRow]) -> list[EvaluationRow]:
    latest = sa.select(sa.func.max(Evaluation.id)).group_by(Evaluation.report_id).scalar_subquery()
    result = []
    for grant_id, reference, report, total, conclusion in db.session.execute(
            sa.select(Evaluation.grant_id, Grant.reference, GrantReport.title, Evaluation.total, Evaluation.conclusion)
            .join(Grant, Grant.id == Evaluation.grant_id).join(GrantReport, GrantReport.id == Evaluation.report_id)
            .where(scope.grants, Evaluation.id.in_(latest)).order_by(Evaluation.id)):
        if grant_id in rows:
            result.append(EvaluationRow(grant_id, reference, report, total, conclusion))
            rows[grant_id].conclusion = conclusion  # ordered by id: the last one wins
    return result


def _categories(scope: Scope, rows: dict[int, GrantRow]) -> list[CategoryRow]:
    found: dict[str, CategoryRow] = {}
    for model, attr in ((GrantBudgetLine, "budget"), (Expense, "spent")):
        for grant_id, category, total in db.session.execute(
                sa.select(model.grant_id, model.category, sa.func.sum(model.amount)).join(Grant, Grant.id == model.grant_id)
                .where(scope.grants).group_by(model.grant_id, model.category)):
            grant = rows.get(grant_id)
            if grant is not None:
                row, total = found.setdefault(category, CategoryRow(category)), money(total)
                setattr(row, attr, getattr(row, attr) + total)
                if attr == "spent":  # a grant's spent: the sum of its categories' (one pass over expenses)
                    grant.amounts.spent += total
    return sorted(found.values(), key=lambda row: (-row.budget, row.category))


def _months(scope: Scope, rows: dict[int, GrantRow]) -> list[MonthRow]:
    paid_month = _month(sa.func.coalesce(Disbursement.paid_at, Disbursement.prepared_at))
    paid = (sa.select(Disbursement.grant_id, paid_month.label("month"), sa.literal(0).label("side"),
                      sa.func.sum(Disbursement.amount).label("total"))
            .join(Grant, Grant.id == Disbursement.grant_id)
            .where(scope.grants, Disbursement.status == DisbursementStatus.PAID)
            .group_by(Disbursement.grant_id, paid_month))
    reversal_month = _month(DisbursementReversal.created_at)
    reversed_ = (sa.select(Disbursement.grant_id, reversal_month, sa.literal(1), sa.func.sum(DisbursementReversal.amount))
                 .join(Disbursement, Disbursement.id == DisbursementReversal.disbursement_id)
                 .join(Grant, Grant.id == Disbursement.grant_id)
                 .where(scope.grants, Disbursement.status == DisbursementStatus.PAID)
                 .group_by(Disbursement.grant_id, reversal_month))
    if scope.sources is not None:
        paid = paid.join(FundingSource, FundingSource.id == Disbursement.source_id).where(scope.sources)
        reversed_ = reversed_.join(FundingSource, FundingSource.id == Disbursement.source_id).where(scope.sources)
    months: dict[str, MonthRow] = {}
    for grant_id, month, side, total in db.session.execute(sa.union_all(paid, reversed_)):
        if grant_id in rows:
            row = months.setdefault(month, MonthRow(month))
            if side:
                row.reversed += money(total)
            else:
                row.paid += money(total)
    return [months[m] for m in sorted(months)]


def dashboard(title: str, scope: Scope, today: date | None = None, *, funder_view: bool = False) -> Dashboard:
    """The dashboard of the grants in `scope`: 13 queries, however many grants."""
    today = today or date.today()
    rows = _grant_rows(scope)
    connection = db.session.connection()
    for name, stmt in _amount_statements(scope):
        for grant_id, total in connection.execute(stmt):
            row = rows.get(grant_id)
            if row is not None:
                setattr(row.amounts, name, money(total))
    for grant_id, committed, disbursed in connection.execute(_disbursement_stmt(scope)):
        row = rows.get(grant_id)
        if row is not None:
            row.amounts.committed, row.amounts.disbursed = money(committed), money(disbursed)
    categories = _categories(scope, rows)
    totals = Amounts()
    for row in rows.values():
        totals.add(row.amounts)
    tranches, reports = _overdue(scope, today, rows)
    return Dashboard(title, list(rows.values()), totals, tranches, reports, _evaluations(scope, rows),
                     categories, _months(scope, rows), today, funder_view)


# --- the scopes ------------------------------------------------------------------------------------

def call_dashboard(call, today: date | None = None) -> Dashboard:
    return dashboard(call.title, Scope(Grant.call_id == call.id), today)


def session_dashboard(session, today: date | None = None) -> Dashboard:
    """The session's grants; pledged and matched are the session's pledges and match only."""
    return dashboard(session.title, Scope(Grant.session_id == session.id, pledges=Pledge.session_id == session.id,
                                          match=MatchAllocation.session_id == session.id), today)


def funder_dashboard(funder: Organization, committee_ids=None, today: date | None = None) -> Dashboard:
    """A sponsor's grants (of the given committees only, when given): its sources, its pledges, the
    match its pledges drew."""
    grants = _and(Grant.committee_id.in_(list(committee_ids)) if committee_ids is not None else None,
                  Grant.id.in_(sa.select(FundingSource.grant_id).where(FundingSource.funder_id == funder.id)))
    return dashboard(funder.name, Scope(grants, sources=FundingSource.funder_id == funder.id,
                                        pledges=Pledge.sponsor_id == funder.id,
                                        match=MatchAllocation.sponsor_id == funder.id, awards=False),
                     today, funder_view=True)


FUND_KINDS = (SourceKind.COMMITTEE_FUND, SourceKind.MATCH)


def fund_dashboard(committee: Organization, today: date | None = None) -> Dashboard:
    """The committee's own fund: its 创投资金 and match sources (no funder organization)."""
    fund = sa.and_(FundingSource.funder_id.is_(None), FundingSource.kind.in_(FUND_KINDS))
    grants = sa.and_(Grant.committee_id == committee.id,
                     Grant.id.in_(sa.select(FundingSource.grant_id).where(fund)))
    return dashboard(committee.name, Scope(grants, sources=fund, pledges=sa.false()), today, funder_view=True)
