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
from ..types import Money
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
    """Which grants, which of their sources, pledges and match count. The conditions use bind
    parameters (`params`), so that each kind of scope builds its statements once (`key`)."""

    key: str
    grants: sa.ColumnElement  # a condition on Grant
    params: dict
    sources: sa.ColumnElement | None = None  # a condition on FundingSource (a funder's), None: all
    pledges: sa.ColumnElement | None = None  # a further condition on Pledge
    match: sa.ColumnElement | None = None  # a further condition on MatchAllocation
    awards: bool = True


TODAY = sa.bindparam("today", type_=sa.Date)


def _and(*conditions):
    return sa.and_(*(c for c in conditions if c is not None))


def _month(column, dialect: str):
    """'YYYY-MM' of a naive-UTC timestamp, in China time (UTC+8, no daylight saving)."""
    if dialect == "postgresql":
        return sa.func.to_char(column + sa.text("interval '8 hours'"), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column, "+8 hours")


def _scoped(stmt, model, scope: Scope, by_source: bool = False):
    stmt = stmt.join(Grant, Grant.id == model.grant_id).where(scope.grants)
    if by_source and scope.sources is not None:
        stmt = stmt.join(FundingSource, FundingSource.id == model.source_id).where(scope.sources)
    return stmt


def _by_application(amount, joined, scope: Scope, *conditions):
    """A per-grant sum of rows tied to the grant's application (awards, pledges, match)."""
    stmt = sa.select(Grant.id.label("grant_id"), sa.func.sum(amount).label("total")).select_from(Grant)
    for target, on in joined:
        stmt = stmt.join(target, on)
    return stmt.where(scope.grants, *(c for c in conditions if c is not None)).group_by(Grant.id)


def _aggregates(scope: Scope) -> dict[str, sa.Subquery]:
    """One GROUP BY per table over the grants in scope, each a subquery of (grant_id, sums)."""
    sum_of = lambda column: sa.func.sum(column).label("total")  # noqa: E731
    # Grouped by the grant's id, which the scan of the scope's index already returns in order (no sort).
    per_grant = lambda model, *columns: sa.select(Grant.id.label("grant_id"), *columns).select_from(model)\
        .group_by(Grant.id)  # noqa: E731
    net = Disbursement.amount - sa.func.coalesce(DisbursementReversal.amount, 0)
    disbursed = sa.func.sum(sa.case((Disbursement.status == DisbursementStatus.PAID, net))).label("paid")
    subqueries = {
        "amount": _scoped(per_grant(FundingSource, sum_of(FundingSource.amount))
                          .where(FundingSource.withdrawn_at.is_(None), *_present(scope.sources)), FundingSource, scope),
        "released": _scoped(per_grant(SourceRelease, sum_of(SourceRelease.amount)), SourceRelease, scope, True),
        "spent": _scoped(per_grant(Expense, sum_of(Expense.amount)), Expense, scope),
        "committed": _scoped(per_grant(Disbursement, sum_of(net), disbursed)
                             .outerjoin(DisbursementReversal, DisbursementReversal.disbursement_id == Disbursement.id)
                             .where(Disbursement.status.in_(COMMITTED_STATUSES)), Disbursement, scope, True),
        "pledged": _by_application(Pledge.amount, [(Pledge, Pledge.application_id == Grant.application_id)], scope,
                                   Pledge.kind == PledgeKind.CASH, Pledge.status.in_(LIVE_PLEDGE_STATUSES), scope.pledges),
        "matched": _by_application(MatchAllocation.amount, [
            (SessionProject, SessionProject.application_id == Grant.application_id),
            (MatchAllocation, MatchAllocation.project_id == SessionProject.id)], scope, scope.match),
        "overdue_tranches": _scoped(per_grant(Tranche, sa.func.count().label("total"))
                                    .where(Tranche.status == TrancheStatus.PLANNED, Tranche.due_on < TODAY), Tranche, scope),
        "overdue_reports": _scoped(per_grant(GrantReport, sa.func.count().label("total")).where(
            GrantReport.status == ReportStatus.SCHEDULED, GrantReport.due_on < TODAY), GrantReport, scope),
        "latest": _scoped(per_grant(Evaluation, sa.func.max(Evaluation.id).label("total")), Evaluation, scope),
    }
    if scope.awards:
        subqueries["awarded"] = _by_application(AwardTier.amount, [
            (Award, Award.application_id == Grant.application_id), (AwardTier, AwardTier.id == Award.tier_id)], scope)
    return {name: stmt.subquery(name) for name, stmt in subqueries.items()}


def _present(condition):
    return [] if condition is None else [condition]


ROW_FIELDS = ("awarded", "pledged", "matched", "amount", "committed", "paid", "released", "spent")


def _rows_statement(scope: Scope):
    """Every grant in scope with all its figures: one statement, the aggregates LEFT JOINed."""
    subs = _aggregates(scope)
    zero = sa.cast(sa.null(), Money())
    columns = {"awarded": subs["awarded"].c.total if "awarded" in subs else zero, "pledged": subs["pledged"].c.total,
               "matched": subs["matched"].c.total, "amount": subs["amount"].c.total,
               "committed": subs["committed"].c.total, "paid": subs["committed"].c.paid,
               "released": subs["released"].c.total, "spent": subs["spent"].c.total}
    stmt = (sa.select(Grant.id, Grant.reference, Grant.title, Organization.name, Grant.status,
                      *(columns[name] for name in ROW_FIELDS), subs["overdue_tranches"].c.total,
                      subs["overdue_reports"].c.total, Evaluation.conclusion)
            .join(Organization, Organization.id == Grant.recipient_id))
    for sub in subs.values():
        stmt = stmt.outerjoin(sub, sub.c.grant_id == Grant.id)
    return (stmt.outerjoin(Evaluation, Evaluation.id == subs["latest"].c.total).where(scope.grants)
            .order_by(Grant.reference, Grant.id))


def _list_statements(scope: Scope, dialect: str) -> dict:
    latest = sa.select(sa.func.max(Evaluation.id)).group_by(Evaluation.report_id).scalar_subquery()
    statements = {
        "tranches": sa.select(Tranche.grant_id, Grant.reference, Tranche.label, Tranche.due_on, Tranche.amount)
        .join(Grant, Grant.id == Tranche.grant_id)
        .where(scope.grants, Tranche.status == TrancheStatus.PLANNED, Tranche.due_on < TODAY)
        .order_by(Tranche.due_on, Tranche.id),
        "reports": sa.select(GrantReport.grant_id, Grant.reference, GrantReport.title, GrantReport.due_on)
        .join(Grant, Grant.id == GrantReport.grant_id)
        .where(scope.grants, GrantReport.status == ReportStatus.SCHEDULED, GrantReport.due_on < TODAY)
        .order_by(GrantReport.due_on, GrantReport.id),
        "evaluations": sa.select(Evaluation.grant_id, Grant.reference, GrantReport.title, Evaluation.total,
                                 Evaluation.conclusion)
        .join(Grant, Grant.id == Evaluation.grant_id).join(GrantReport, GrantReport.id == Evaluation.report_id)
        .where(scope.grants, Evaluation.id.in_(latest)).order_by(Evaluation.id),
        "categories": sa.union_all(*(
            sa.select(model.category, sa.literal(side), sa.func.sum(model.amount)).join(Grant, Grant.id == model.grant_id)
            .where(scope.grants).group_by(model.category) for side, model in enumerate((GrantBudgetLine, Expense)))),
    }
    paid_month = _month(sa.func.coalesce(Disbursement.paid_at, Disbursement.prepared_at), dialect)
    reversal_month = _month(DisbursementReversal.created_at, dialect)
    paid = _scoped(sa.select(paid_month, sa.literal(0), sa.func.sum(Disbursement.amount))
                   .where(Disbursement.status == DisbursementStatus.PAID).group_by(paid_month), Disbursement, scope, True)
    reversed_ = _scoped(sa.select(reversal_month, sa.literal(1), sa.func.sum(DisbursementReversal.amount))
                        .select_from(DisbursementReversal)
                        .join(Disbursement, Disbursement.id == DisbursementReversal.disbursement_id)
                        .where(Disbursement.status == DisbursementStatus.PAID).group_by(reversal_month),
                        Disbursement, scope, True)
    statements["months"] = sa.union_all(paid, reversed_)
    return statements


_STATEMENTS: dict[tuple[str, str], tuple] = {}  # statements, not results: built once per kind of scope


def _statements(scope: Scope, dialect: str):
    key = (scope.key, dialect)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = (_rows_statement(scope), _list_statements(scope, dialect))
    return _STATEMENTS[key]


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
        rows.append(GrantRow(r[0], r[1], r[2], r[3], r[4], amounts, r[13] or 0, r[14] or 0, r[15]))
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
    rows_stmt, lists = _statements(scope, connection.dialect.name)
    params = {**scope.params, "today": today}
    rows, totals = _grant_rows(connection.execute(rows_stmt, params))
    found = {name: connection.execute(stmt, params).all() for name, stmt in lists.items()}
    return Dashboard(title, rows, totals, [OverdueTranche(*r) for r in found["tranches"]],
                     [OverdueReport(*r) for r in found["reports"]], [EvaluationRow(*r) for r in found["evaluations"]],
                     _categories(found["categories"]), _months(found["months"]), today, funder_view)


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
