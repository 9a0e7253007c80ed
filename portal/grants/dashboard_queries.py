"""The statements of the grants dashboards (dashboards.py): every grant in scope with all its
figures in one statement — one GROUP BY per table, LEFT JOINed — then the overdue tranches and
reports, the latest evaluations, the categories and the months. Built once per kind of scope (the
conditions are bind parameters), as a statement costs more to build than to run on a small table."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..accounts.models import Organization
from ..judging.models import Award, AwardTier
from ..matching.models import (
    LIVE_PLEDGE_STATUSES,
    MatchAllocation,
    Pledge,
    PledgeKind,
    SessionProject,
)
from ..types import Money
from .models import (
    COMMITTED_STATUSES,
    Disbursement,
    DisbursementReversal,
    DisbursementStatus,
    FundingSource,
    Grant,
    GrantBudgetLine,
    SourceRelease,
    Tranche,
    TrancheStatus,
)
from .report_models import Evaluation, Expense, GrantReport, ReportStatus


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
    sum_of = lambda column: sa.func.sum(column).label("total")
    # Grouped by the grant's id, which the scan of the scope's index already returns in order (no sort).
    per_grant = lambda model, *columns: sa.select(Grant.id.label("grant_id"), *columns).select_from(model)\
        .group_by(Grant.id)
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
                      *(columns[name] for name in ROW_FIELDS))
            .join(Organization, Organization.id == Grant.recipient_id))
    for sub in subs.values():
        stmt = stmt.outerjoin(sub, sub.c.grant_id == Grant.id)
    return stmt.where(scope.grants).order_by(Grant.reference, Grant.id)


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


def statements(scope: Scope, dialect: str):
    key = (scope.key, dialect)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = (_rows_statement(scope), _list_statements(scope, dialect))
    return _STATEMENTS[key]
