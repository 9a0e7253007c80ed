"""Match funding (配捐): how much the committee adds to a confirmed pledge under a session's rule.

The arithmetic is pure (MatchRule, Candidate, Usage → amount and the reason it is less than the
ratio gives); allocate_on_confirmation and allocate_at_settlement apply it to the database, writing
one MatchAllocation row per confirmed pledge. First come first served: each pledge is matched when
it is confirmed, in that order, until the pool runs out. Pro rata: at settlement each pledge's
eligible match is scaled by pool ÷ eligible total (rounded down to the 分), so the pool is never
overspent. Every cap holds in both; the session row is locked while matching, so concurrent
confirmations are matched one after another.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

import sqlalchemy as sa

from ..extensions import db
from ..types import CENT
from .funding import figures_of, project_figures
from .models import (
    MatchAllocation,
    MatchingSession,
    MatchLimit,
    MatchMode,
    Pledge,
    PledgeKind,
    PledgeStatus,
)

ZERO = Decimal("0.00")


def floor_cent(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class MatchRule:
    ratio: Decimal
    pool: Decimal
    mode: MatchMode = MatchMode.FIRST_COME
    cap_per_pledge: Decimal | None = None
    cap_sponsor_project: Decimal | None = None
    cap_sponsor: Decimal | None = None
    cap_project: Decimal | None = None
    minimum: Decimal | None = None
    window_from: datetime | None = None
    window_until: datetime | None = None
    counts_in_kind: bool = False

    @classmethod
    def of(cls, session: MatchingSession) -> "MatchRule":
        return cls(
            ratio=session.match_ratio, pool=session.match_pool, mode=session.match_mode,
            cap_per_pledge=session.match_cap_per_pledge, cap_sponsor_project=session.match_cap_per_sponsor_project,
            cap_sponsor=session.match_cap_per_sponsor, cap_project=session.match_cap_per_project,
            minimum=session.match_minimum_pledge, window_from=session.match_window_from,
            window_until=session.match_window_until, counts_in_kind=session.match_counts_in_kind,
        )

    @property
    def active(self) -> bool:
        return self.ratio > 0


@dataclass(frozen=True)
class Candidate:
    """A confirmed pledge, as the rule sees it."""

    pledge_id: int
    sponsor_id: int
    project_id: int
    amount: Decimal
    pledged_at: datetime
    in_kind: bool = False
    value_accepted: bool = False

    @classmethod
    def of(cls, pledge: Pledge) -> "Candidate":
        return cls(
            pledge_id=pledge.id, sponsor_id=pledge.sponsor_id, project_id=pledge.project_id, amount=pledge.amount,
            pledged_at=pledge.created_at, in_kind=pledge.kind == PledgeKind.IN_KIND,
            value_accepted=pledge.value_accepted_at is not None,
        )


@dataclass
class Usage:
    """Match given so far: in all, per project, per sponsor, per sponsor and project."""

    total: Decimal = ZERO
    by_project: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_sponsor: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_sponsor_project: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))

    def add(self, sponsor_id: int, project_id: int, amount: Decimal) -> None:
        self.total += amount
        self.by_project[project_id] += amount
        self.by_sponsor[sponsor_id] += amount
        self.by_sponsor_project[(sponsor_id, project_id)] += amount


def eligible_match(rule: MatchRule, pledge: Candidate, usage: Usage, room: Decimal | None) -> tuple[Decimal, MatchLimit | None]:
    """The match the ratio gives `pledge`, within every cap but the pool. `room` is what the project
    can still take before its goal, match aside (None: no limit)."""
    if pledge.in_kind and not (rule.counts_in_kind and pledge.value_accepted):
        return ZERO, MatchLimit.IN_KIND
    if (rule.window_from and pledge.pledged_at < rule.window_from) or (
        rule.window_until and pledge.pledged_at > rule.window_until
    ):
        return ZERO, MatchLimit.OUTSIDE_WINDOW
    if rule.minimum is not None and pledge.amount < rule.minimum:
        return ZERO, MatchLimit.BELOW_MINIMUM
    value, limit = floor_cent(pledge.amount * rule.ratio), None
    key = (pledge.sponsor_id, pledge.project_id)
    for cap, used, reason in (
        (rule.cap_per_pledge, ZERO, MatchLimit.CAP_PER_PLEDGE),
        (rule.cap_sponsor_project, usage.by_sponsor_project[key], MatchLimit.CAP_SPONSOR_PROJECT),
        (rule.cap_sponsor, usage.by_sponsor[pledge.sponsor_id], MatchLimit.CAP_SPONSOR),
        (rule.cap_project, usage.by_project[pledge.project_id], MatchLimit.CAP_PROJECT),
        (room, usage.by_project[pledge.project_id], MatchLimit.GOAL),
    ):
        if cap is not None and value > max(ZERO, cap - used):
            value, limit = max(ZERO, cap - used), reason
    return value, limit


def first_come(rule: MatchRule, pledge: Candidate, usage: Usage, room: Decimal | None) -> tuple[Decimal, MatchLimit | None]:
    """Match for a pledge confirmed now: its eligible match, as far as the pool still goes."""
    value, limit = eligible_match(rule, pledge, usage, room)
    left = max(ZERO, rule.pool - usage.total)
    if value > left:
        value, limit = left, MatchLimit.POOL
    return value, limit


def pro_rata(rule: MatchRule, pledges: list[Candidate], rooms: dict[int, Decimal | None]) -> list[tuple[Candidate, Decimal, MatchLimit | None]]:
    """Match for all confirmed pledges at once (in confirmation order): eligible amounts, scaled down
    by pool ÷ their total when the pool does not cover them."""
    usage, eligible = Usage(), []
    for pledge in pledges:
        value, limit = eligible_match(rule, pledge, usage, rooms.get(pledge.project_id))
        usage.add(pledge.sponsor_id, pledge.project_id, value)
        eligible.append((pledge, value, limit))
    if usage.total <= rule.pool:
        return eligible
    return [
        (pledge, floor_cent(value * rule.pool / usage.total), limit if value == 0 else MatchLimit.PRO_RATA)
        for pledge, value, limit in eligible
    ]


# --- applied to the database -------------------------------------------------------------------

def usage_of(session: MatchingSession) -> Usage:
    usage = Usage()
    for sponsor_id, project_id, total in db.session.execute(
        sa.select(MatchAllocation.sponsor_id, MatchAllocation.project_id, sa.func.sum(MatchAllocation.amount))
        .where(MatchAllocation.session_id == session.id)
        .group_by(MatchAllocation.sponsor_id, MatchAllocation.project_id)
    ):
        usage.add(sponsor_id, project_id, Decimal(total or 0))
    return usage


def room_before_match(project_figures) -> Decimal:
    """What a project can still take before its goal, its match aside."""
    f = project_figures
    return max(ZERO, f.goal - f.awarded - f.cash_pledged - f.in_kind_accepted)


def allocate_on_confirmation(session: MatchingSession, pledge: Pledge) -> MatchAllocation | None:
    """First come first served: match the pledge just confirmed. The caller holds the session's lock."""
    rule = MatchRule.of(session)
    if not rule.active or rule.mode != MatchMode.FIRST_COME or pledge.project is None:
        return None
    room = room_before_match(figures_of(pledge.project))
    amount, limit = first_come(rule, Candidate.of(pledge), usage_of(session), room)
    allocation = MatchAllocation(
        session_id=session.id, project_id=pledge.project_id, pledge_id=pledge.id, sponsor_id=pledge.sponsor_id,
        amount=amount, limited_by=limit,
    )
    db.session.add(allocation)
    return allocation


def allocate_at_settlement(session: MatchingSession) -> list[MatchAllocation]:
    """Pro rata: match every confirmed pledge of the session at once. The caller holds the lock."""
    rule = MatchRule.of(session)
    if not rule.active or rule.mode != MatchMode.PRO_RATA:
        return []
    pledges = db.session.scalars(
        sa.select(Pledge)
        .where(Pledge.session_id == session.id, Pledge.status == PledgeStatus.CONFIRMED, Pledge.project_id.is_not(None))
        .where(~sa.exists().where(MatchAllocation.pledge_id == Pledge.id))
        .order_by(Pledge.decided_at, Pledge.id)
    ).all()
    figures = project_figures(session.projects)
    rooms = {project_id: room_before_match(f) for project_id, f in figures.items()}
    allocations = [
        MatchAllocation(
            session_id=session.id, project_id=c.project_id, pledge_id=c.pledge_id, sponsor_id=c.sponsor_id,
            amount=amount, limited_by=limit,
        )
        for c, amount, limit in pro_rata(rule, [Candidate.of(p) for p in pledges], rooms)
    ]
    db.session.add_all(allocations)
    return allocations
