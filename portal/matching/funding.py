"""The figures of shown projects, each a sum of rows, in a fixed number of queries however many
projects there are: goal, awarded 创投资金, cash pledged, in kind, match, the gap.

    gap = goal − awarded − live cash pledges − accepted in-kind value − match allocated

A live pledge is pending or confirmed (withdrawn, lapsed and replaced ones count for nothing).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from ..extensions import db
from ..judging.models import Award, AwardTier
from .models import (
    LIVE_PLEDGE_STATUSES,
    MatchAllocation,
    MatchingSession,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Receipt,
    SessionProject,
)

ZERO = Decimal("0.00")


@dataclass
class ProjectFigures:
    project_id: int
    goal: Decimal = ZERO
    awarded: Decimal = ZERO
    cash_pending: Decimal = ZERO
    cash_confirmed: Decimal = ZERO
    in_kind_accepted: Decimal = ZERO  # live in-kind value the committee accepted: counts toward the gap
    in_kind_total: Decimal = ZERO  # all live in-kind value, shown apart from cash
    match: Decimal = ZERO
    received: Decimal = ZERO
    sponsor_ids: set[int] = field(default_factory=set)  # sponsors with a live pledge
    confirmed_sponsor_ids: set[int] = field(default_factory=set)

    @property
    def cash_pledged(self) -> Decimal:
        return self.cash_pending + self.cash_confirmed

    @property
    def raised(self) -> Decimal:
        """What counts against the goal besides the award: cash, accepted in-kind value, match."""
        return self.cash_pledged + self.in_kind_accepted + self.match

    @property
    def gap(self) -> Decimal:
        return max(ZERO, self.goal - self.awarded - self.raised)

    @property
    def is_full(self) -> bool:
        return self.goal > 0 and self.gap == 0

    def share(self, amount: Decimal) -> float:
        """Part of the goal, 0–100, for a progress bar (display only)."""
        if self.goal <= 0:
            return 0.0
        return float(min(Decimal(100), amount * 100 / self.goal))


_IDS = sa.bindparam("ids", expanding=True)
_CASH, _CONFIRMED = Pledge.kind == PledgeKind.CASH, Pledge.status == PledgeStatus.CONFIRMED
_IN_KIND = Pledge.kind != PledgeKind.CASH


def sum_where(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, Pledge.amount))), 0)


def ids_where(condition=None):
    """The sponsor ids of a project's (matching) pledges as one text, "3,8,3" (repeats kept)."""
    sponsor = sa.cast(Pledge.sponsor_id, sa.String)
    return sa.func.aggregate_strings(sponsor if condition is None else sa.case((condition, sponsor)), ",")


# Built once: a statement's construction costs more than its execution on a small table.
_AWARDED = (
    sa.select(Award.application_id, sa.func.sum(AwardTier.amount))
    .join(AwardTier, AwardTier.id == Award.tier_id)
    .where(Award.application_id.in_(_IDS))
    .group_by(Award.application_id)
)
# One pass over the live pledges, one row per project: the four sums and the sponsors behind it.
PLEDGE_SUMS = (
    ("cash_pending", sum_where(_CASH & ~_CONFIRMED)),
    ("cash_confirmed", sum_where(_CASH & _CONFIRMED)),
    ("in_kind_accepted", sum_where(_IN_KIND & Pledge.value_accepted_at.is_not(None))),
    ("in_kind_total", sum_where(_IN_KIND)),
    ("sponsor_ids", ids_where()),
    ("confirmed_sponsor_ids", ids_where(_CONFIRMED)),
)
_PLEDGES = (
    sa.select(Pledge.project_id, *(column for _, column in PLEDGE_SUMS))
    .where(Pledge.project_id.in_(_IDS), Pledge.status.in_(LIVE_PLEDGE_STATUSES))
    .group_by(Pledge.project_id)
)
_MATCH = (
    sa.select(MatchAllocation.project_id, sa.func.sum(MatchAllocation.amount))
    .where(MatchAllocation.project_id.in_(_IDS))
    .group_by(MatchAllocation.project_id)
)
_RECEIVED = (
    sa.select(Pledge.project_id, sa.func.sum(Receipt.amount))
    .join(Pledge, Pledge.id == Receipt.pledge_id)
    .where(Pledge.project_id.in_(_IDS))
    .group_by(Pledge.project_id)
)


def id_set(text: str | None) -> set[int]:
    return {int(i) for i in text.split(",")} if text else set()


def money_of(value) -> Decimal:
    """A sum as the database returns it (Decimal on PostgreSQL; int or float on SQLite) in yuan."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        value = repr(value)  # the float's shortest form, not its binary expansion
    return Decimal(value).quantize(ZERO)  # always to the 分: "1500.00" from SQLite's 1500 as from PostgreSQL


def set_pledge_sums(figure: ProjectFigures, pending, cash, accepted, in_kind, sponsors, confirmed) -> None:
    """A project's figures from one row of PLEDGE_SUMS."""
    figure.cash_pending, figure.cash_confirmed = money_of(pending), money_of(cash)
    figure.in_kind_accepted, figure.in_kind_total = money_of(accepted), money_of(in_kind)
    figure.sponsor_ids, figure.confirmed_sponsor_ids = id_set(sponsors), id_set(confirmed)


def awarded_amounts(application_ids) -> dict[int, Decimal]:
    """创投资金 awarded to each application: the sum of its awards' tier amounts."""
    ids = list(application_ids)
    if not ids:
        return {}
    return {app_id: Decimal(total or 0) for app_id, total in db.session.execute(_AWARDED, {"ids": ids})}


def project_figures(projects: list[SessionProject], *, received: bool = True) -> dict[int, ProjectFigures]:
    """Figures of each project, in four queries whatever their number (three without `received`):
    the awards, one pass over the live pledges (grouped by project, so one row per project comes
    back), the match allocations, the receipts. `projects` need only an id, a goal and an
    application_id."""
    figures = {p.id: ProjectFigures(project_id=p.id, goal=p.goal) for p in projects}
    if not figures:
        return figures
    ids = {"ids": list(figures)}
    awarded = awarded_amounts(p.application_id for p in projects)
    for project in projects:
        figures[project.id].awarded = awarded.get(project.application_id, ZERO)
    connection = db.session.connection()  # Core statements: the ORM layer adds nothing to them
    for project_id, *sums in connection.execute(_PLEDGES, ids):
        set_pledge_sums(figures[project_id], *sums)
    for project_id, total in connection.execute(_MATCH, ids):
        figures[project_id].match = money_of(total)
    if received:
        for project_id, total in connection.execute(_RECEIVED, ids):
            figures[project_id].received = money_of(total)
    return figures


def figures_of(project: SessionProject) -> ProjectFigures:
    return project_figures([project])[project.id]


_MATCH_USED = sa.select(sa.func.coalesce(sa.func.sum(MatchAllocation.amount), 0)).where(
    MatchAllocation.session_id == sa.bindparam("session_id"))


def match_used(session: MatchingSession) -> Decimal:
    """Match funding allocated so far in the session."""
    return Decimal(db.session.scalar(_MATCH_USED, {"session_id": session.id}))


def match_left(session: MatchingSession) -> Decimal:
    return max(ZERO, session.match_pool - match_used(session))


def received_by_pledge(pledge_ids) -> dict[int, Decimal]:
    ids = list(pledge_ids)
    if not ids:
        return {}
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for pledge_id, total in db.session.execute(
        sa.select(Receipt.pledge_id, sa.func.sum(Receipt.amount)).where(Receipt.pledge_id.in_(ids)).group_by(Receipt.pledge_id)
    ):
        totals[pledge_id] = Decimal(total or 0)
    return totals
