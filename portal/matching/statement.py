"""A sponsor's statement (对账单): what one sponsor organization pledged, confirmed and paid
(received), per project, per session — and the award funding it gives (奖项出资: confirmed pledges
with an award and no session) — with totals; every pledge row, every version, listed below.
Only that sponsor's own pledges (and their receipts), read in three queries however many there are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.models import Organization
from ..applications.models import Application
from ..extensions import db
from ..i18n import N_, Message
from ..judging.models import Award
from .funding import ZERO
from .models import MatchAllocation, Pledge, PledgeKind, PledgeStatus, Receipt


@dataclass
class StatementAmounts:
    pledged: Decimal = ZERO  # live cash: pending + confirmed
    confirmed: Decimal = ZERO
    received: Decimal = ZERO
    match: Decimal = ZERO  # the committee's match funding added to these pledges
    in_kind: Decimal = ZERO  # live in-kind estimated value

    @property
    def outstanding(self) -> Decimal:
        """Confirmed but not yet received (待付)."""
        return max(ZERO, self.confirmed - self.received)

    def add(self, other: "StatementAmounts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class PledgeLine:
    """One pledge row, with what was received for it and the match it was given."""

    pledge: Pledge
    receipts: list[Receipt]
    match: Decimal

    @property
    def received(self) -> Decimal:
        return sum((r.amount for r in self.receipts), ZERO)

    @property
    def amounts(self) -> StatementAmounts:
        p, live = self.pledge, self.pledge.is_live
        cash = p.kind == PledgeKind.CASH
        return StatementAmounts(
            pledged=p.amount if live and cash else ZERO,
            confirmed=p.amount if cash and p.status == PledgeStatus.CONFIRMED else ZERO,
            received=self.received, match=self.match,
            in_kind=p.amount if live and not cash else ZERO,
        )


@dataclass
class ProjectLine:
    """A project this sponsor backs within one session (or one award)."""

    application: Application
    award: Award | None
    pledges: list[PledgeLine] = field(default_factory=list)
    amounts: StatementAmounts = field(default_factory=StatementAmounts)


@dataclass
class StatementGroup:
    """A session, or a call's award funding."""

    title: str
    kind: Message
    status: Message | None
    projects: list[ProjectLine] = field(default_factory=list)
    amounts: StatementAmounts = field(default_factory=StatementAmounts)


@dataclass
class Statement:
    sponsor: Organization
    groups: list[StatementGroup]
    lines: list[PledgeLine]  # every pledge row, newest first
    totals: StatementAmounts

    @property
    def is_empty(self) -> bool:
        return not self.lines


def _pledges(sponsor: Organization) -> list[Pledge]:
    return db.session.scalars(
        sa.select(Pledge).where(Pledge.sponsor_id == sponsor.id)
        .options(joinedload(Pledge.session), joinedload(Pledge.project),
                 joinedload(Pledge.application).joinedload(Application.organization),
                 joinedload(Pledge.application).joinedload(Application.call),
                 joinedload(Pledge.award).joinedload(Award.tier))
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    ).unique().all()


def sponsor_statement(sponsor: Organization) -> Statement:
    pledges = _pledges(sponsor)
    receipts: dict[int, list[Receipt]] = {}
    for receipt in db.session.scalars(
        sa.select(Receipt).join(Pledge, Pledge.id == Receipt.pledge_id).where(Pledge.sponsor_id == sponsor.id)
        .order_by(Receipt.received_on, Receipt.id)
    ):
        receipts.setdefault(receipt.pledge_id, []).append(receipt)
    matched = {pledge_id: Decimal(total or 0) for pledge_id, total in db.session.execute(
        sa.select(MatchAllocation.pledge_id, sa.func.sum(MatchAllocation.amount))
        .where(MatchAllocation.sponsor_id == sponsor.id).group_by(MatchAllocation.pledge_id))}
    lines = [PledgeLine(p, receipts.get(p.id, []), matched.get(p.id, ZERO)) for p in pledges]

    groups: dict[tuple, StatementGroup] = {}
    projects: dict[tuple, ProjectLine] = {}
    totals = StatementAmounts()
    for line in sorted(lines, key=lambda l: (l.pledge.created_at, l.pledge.id)):  # oldest group first
        p = line.pledge
        if p.session is not None:
            key = ("session", p.session_id)
            group = groups.get(key) or StatementGroup(p.session.title, p.session.kind.label, p.session.status.label)
        else:
            key = ("awards", p.application.call_id)
            group = groups.get(key) or StatementGroup(p.application.call.title, N_("奖项出资"), None)
        groups[key] = group
        project_key = (key, p.application_id, p.award_id)
        project = projects.get(project_key)
        if project is None:
            project = projects[project_key] = ProjectLine(p.application, p.award)
            group.projects.append(project)
        amounts = line.amounts
        project.pledges.append(line)
        project.amounts.add(amounts)
        group.amounts.add(amounts)
        totals.add(amounts)
    ordered = sorted(groups, key=lambda key: key[0] == "awards")  # sessions first, each in the order first pledged
    return Statement(sponsor=sponsor, groups=[groups[key] for key in ordered], lines=lines, totals=totals)

