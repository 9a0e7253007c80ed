"""The session report (对接会总结): projects shown and funded, sponsors, money pledged, confirmed,
received and matched, in kind, per service category, per project and per sponsor, and the needs
taken on (领办) — every figure a sum of rows, read in a fixed number of queries whatever the size
of the session. The page, the PDF and the Excel export all show this one SessionReport.

- shown: the session's projects not withdrawn; funded: with at least one confirmed pledge
- pledged: live cash (pending + confirmed); confirmed: confirmed cash; received: receipts (到账)
- matched: match allocations (配捐); in kind: live in-kind estimated value, and the part accepted
- lapsed and withdrawn cash pledges are noted apart; replaced ones (earlier versions) count nowhere
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from ..accounts.models import Organization
from ..applications.models import Application
from ..extensions import db
from ..i18n import N_, Message, joined
from ..types import format_yuan
from .funding import ZERO, ProjectFigures, awarded_amounts
from .models import (
    MatchAllocation,
    MatchingSession,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Receipt,
    SessionProject,
    SessionStatus,
)
from .need_models import Need, NeedOffer, NeedStatus, OfferStatus

UNCATEGORIZED = N_("未分类")


@dataclass
class Amounts:
    """The money columns of a row of the report; rows add up into their totals."""

    goal: Decimal = ZERO
    awarded: Decimal = ZERO
    pledged: Decimal = ZERO  # live cash: pending + confirmed
    confirmed: Decimal = ZERO
    received: Decimal = ZERO
    match: Decimal = ZERO
    in_kind: Decimal = ZERO  # live in-kind estimated value
    in_kind_accepted: Decimal = ZERO
    gap: Decimal = ZERO

    def add(self, other: "Amounts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @classmethod
    def of(cls, figures: ProjectFigures) -> "Amounts":
        return cls(goal=figures.goal, awarded=figures.awarded, pledged=figures.cash_pledged,
                   confirmed=figures.cash_confirmed, received=figures.received, match=figures.match,
                   in_kind=figures.in_kind_total, in_kind_accepted=figures.in_kind_accepted, gap=figures.gap)


@dataclass
class ProjectRow:
    project: SessionProject
    category: str
    amounts: Amounts
    backers: list[str]  # sponsors with a live pledge, by name
    funded: bool  # at least one confirmed pledge

    @property
    def application(self) -> Application:
        return self.project.application


@dataclass
class CategoryRow:
    name: str
    projects: int = 0
    funded: int = 0
    amounts: Amounts = field(default_factory=Amounts)


@dataclass
class SponsorRow:
    sponsor: Organization
    projects: set[int] = field(default_factory=set)  # with a live pledge of this sponsor
    confirmed_projects: set[int] = field(default_factory=set)
    pledged: Decimal = ZERO
    confirmed: Decimal = ZERO
    received: Decimal = ZERO
    match: Decimal = ZERO
    in_kind: Decimal = ZERO


@dataclass
class NeedRow:
    title: str
    department: str
    ngo_id: int
    ngo: str
    amount: Decimal


@dataclass
class NeedsTaken:
    """Needs (领办) of the session taken on: awarded, each with its accepted offer's price."""

    rows: list[NeedRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def organizations(self) -> int:
        return len({row.ngo_id for row in self.rows})

    @property
    def amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)


@dataclass
class Figure:
    """One headline figure, as the page, the PDF and the workbook show it."""

    label: Message
    value: Decimal | int
    is_money: bool


@dataclass
class SessionReport:
    session: MatchingSession
    projects: list[ProjectRow]
    withdrawn_projects: int
    categories: list[CategoryRow]
    sponsors: list[SponsorRow]
    totals: Amounts
    sponsors_confirmed: int
    sponsors_live: int
    pending: Decimal
    lapsed: Decimal
    lapsed_count: int
    withdrawn: Decimal
    withdrawn_count: int
    needs: NeedsTaken

    @property
    def provisional(self) -> bool:
        """Figures of a session not yet settled may still change (暂定)."""
        return self.session.status != SessionStatus.SETTLED

    @property
    def projects_shown(self) -> int:
        return len(self.projects)

    @property
    def projects_funded(self) -> int:
        return sum(1 for row in self.projects if row.funded)

    @property
    def summary(self) -> Message:
        """The committee's own sentence: 展示 12 个项目，其中 8 个获得 11 家爱心企业认捐，认捐总额 ¥236,500，配捐 ¥80,000。"""
        t = self.totals
        if self.projects_funded:
            parts = [N_("展示 %(shown)s 个项目，其中 %(funded)s 个获得 %(sponsors)s 家爱心企业认捐，认捐总额 %(pledged)s，配捐 %(matched)s",
                        shown=self.projects_shown, funded=self.projects_funded, sponsors=self.sponsors_confirmed,
                        pledged=format_yuan(t.pledged), matched=format_yuan(t.match))]
        else:
            parts = [N_("展示 %(shown)s 个项目，尚无确认的认捐", shown=self.projects_shown)]
        if t.received:
            parts.append(N_("已到账 %(received)s", received=format_yuan(t.received)))
        if t.in_kind:
            parts.append(N_("另有物资和服务估值 %(value)s", value=format_yuan(t.in_kind)))
        if self.needs.count:
            parts.append(N_("%(needs)s 项服务需求由 %(ngos)s 家社会组织领办，金额 %(amount)s", needs=self.needs.count,
                            ngos=self.needs.organizations, amount=format_yuan(self.needs.amount)))
        return N_("%(summary)s。", summary=joined(N_("；"), parts))

    @property
    def figures(self) -> list[Figure]:
        t, needs = self.totals, self.needs
        rows = [
            Figure(N_("展示项目"), self.projects_shown, False),
            Figure(N_("获得确认认捐的项目"), self.projects_funded, False),
            Figure(N_("确认认捐的爱心企业"), self.sponsors_confirmed, False),
            Figure(N_("有认捐的爱心企业（含待确认）"), self.sponsors_live, False),
            Figure(N_("认捐总额（待确认与已确认）"), t.pledged, True),
            Figure(N_("其中待确认"), self.pending, True),
            Figure(N_("已确认认捐"), t.confirmed, True),
            Figure(N_("已到账"), t.received, True),
            Figure(N_("配捐"), t.match, True),
            Figure(N_("物资和服务估值"), t.in_kind, True),
            Figure(N_("其中核定计入缺口"), t.in_kind_accepted, True),
            Figure(N_("已失效的资金认捐"), self.lapsed, True),
            Figure(N_("已撤回的资金认捐"), self.withdrawn, True),
            Figure(N_("领办的服务需求"), needs.count, False),
            Figure(N_("领办的社会组织"), needs.organizations, False),
            Figure(N_("领办金额"), needs.amount, True),
        ]
        if self.session.has_match:
            rows.insert(9, Figure(N_("配捐资金池"), self.session.match_pool, True))
        return rows


def _projects(session: MatchingSession) -> list[SessionProject]:
    return db.session.scalars(
        sa.select(SessionProject).where(SessionProject.session_id == session.id)
        .options(joinedload(SessionProject.application).joinedload(Application.organization),
                 joinedload(SessionProject.application).joinedload(Application.category))
        .order_by(SessionProject.position, SessionProject.id)
    ).unique().all()


@dataclass
class _PledgeFacts:
    """The session's pledge rows summed by project and sponsor (three grouped queries)."""

    figures: dict[int, ProjectFigures]
    sponsors: dict[int, SponsorRow] = field(default_factory=dict)
    lapsed: Decimal = ZERO
    lapsed_count: int = 0
    withdrawn: Decimal = ZERO
    withdrawn_count: int = 0


def _sponsor_row(facts: _PledgeFacts, sponsor_id: int) -> SponsorRow:
    row = facts.sponsors.get(sponsor_id)
    if row is None:
        row = facts.sponsors[sponsor_id] = SponsorRow(sponsor=None)
    return row


def _pledge_facts(session: MatchingSession, figures: dict[int, ProjectFigures]) -> _PledgeFacts:
    facts = _PledgeFacts(figures=figures)
    accepted = Pledge.value_accepted_at.is_not(None)
    rows = db.session.execute(
        sa.select(Pledge.project_id, Pledge.sponsor_id, Pledge.kind, Pledge.status, accepted,
                  sa.func.sum(Pledge.amount), sa.func.count(Pledge.id))
        .where(Pledge.session_id == session.id, Pledge.project_id.is_not(None))
        .group_by(Pledge.project_id, Pledge.sponsor_id, Pledge.kind, Pledge.status, accepted)
    )
    for project_id, sponsor_id, kind, status, is_accepted, total, count in rows:
        total, cash = Decimal(total or 0), kind == PledgeKind.CASH
        if status == PledgeStatus.LAPSED and cash:
            facts.lapsed += total
            facts.lapsed_count += count
        elif status == PledgeStatus.WITHDRAWN and cash:
            facts.withdrawn += total
            facts.withdrawn_count += count
        figure = figures.get(project_id)
        if figure is None or status not in (PledgeStatus.PENDING, PledgeStatus.CONFIRMED):
            continue  # a withdrawn project, or a pledge that no longer counts
        sponsor = _sponsor_row(facts, sponsor_id)
        figure.sponsor_ids.add(sponsor_id)
        sponsor.projects.add(project_id)
        confirmed = status == PledgeStatus.CONFIRMED
        if confirmed:
            figure.confirmed_sponsor_ids.add(sponsor_id)
            sponsor.confirmed_projects.add(project_id)
        if cash:
            sponsor.pledged += total
            if confirmed:
                figure.cash_confirmed += total
                sponsor.confirmed += total
            else:
                figure.cash_pending += total
        else:
            figure.in_kind_total += total
            sponsor.in_kind += total
            if is_accepted:
                figure.in_kind_accepted += total
    for project_id, sponsor_id, total in db.session.execute(
        sa.select(MatchAllocation.project_id, MatchAllocation.sponsor_id, sa.func.sum(MatchAllocation.amount))
        .where(MatchAllocation.session_id == session.id)
        .group_by(MatchAllocation.project_id, MatchAllocation.sponsor_id)
    ):
        if project_id in figures:
            figures[project_id].match += Decimal(total or 0)
            _sponsor_row(facts, sponsor_id).match += Decimal(total or 0)
    for project_id, sponsor_id, total in db.session.execute(
        sa.select(Pledge.project_id, Pledge.sponsor_id, sa.func.sum(Receipt.amount))
        .join(Pledge, Pledge.id == Receipt.pledge_id)
        .where(Pledge.session_id == session.id)
        .group_by(Pledge.project_id, Pledge.sponsor_id)
    ):
        if project_id in figures:
            figures[project_id].received += Decimal(total or 0)
            _sponsor_row(facts, sponsor_id).received += Decimal(total or 0)
    return facts


def _needs_taken_on(session: MatchingSession) -> NeedsTaken:
    """Needs of the session taken on (awarded), each with its accepted offer's price. To be replaced
    by portal.matching.needs.needs_summary once that module is on main."""
    department, ngo = aliased(Organization), aliased(Organization)
    rows = db.session.execute(
        sa.select(Need.title, department.name, ngo.id, ngo.name, NeedOffer.price)
        .join(NeedOffer, sa.and_(NeedOffer.need_id == Need.id, NeedOffer.status == OfferStatus.ACCEPTED))
        .join(department, department.id == Need.department_id)
        .join(ngo, ngo.id == NeedOffer.ngo_id)
        .where(Need.session_id == session.id, Need.status == NeedStatus.AWARDED)
        .order_by(Need.decided_at, Need.id)
    )
    return NeedsTaken([NeedRow(title, dept, ngo_id, name, Decimal(price)) for title, dept, ngo_id, name, price in rows])


def session_report(session: MatchingSession) -> SessionReport:
    """The report of `session`, in seven queries however many projects, pledges and sponsors."""
    projects = _projects(session)
    shown = [p for p in projects if not p.is_withdrawn]
    figures = {p.id: ProjectFigures(project_id=p.id, goal=p.goal) for p in shown}
    awarded = awarded_amounts(p.application_id for p in shown)
    for project in shown:
        figures[project.id].awarded = awarded.get(project.application_id, ZERO)
    facts = _pledge_facts(session, figures)
    sponsors = {org.id: org for org in db.session.scalars(
        sa.select(Organization).where(Organization.id.in_(list(facts.sponsors))))} if facts.sponsors else {}
    for sponsor_id, row in facts.sponsors.items():
        row.sponsor = sponsors[sponsor_id]
    live_sponsors = [row for row in facts.sponsors.values() if row.projects]

    totals, categories, rows = Amounts(), {}, []
    for project in shown:
        figure, category = figures[project.id], project.application.category
        amounts = Amounts.of(figure)
        backers = sorted((sponsors[i].name for i in figure.sponsor_ids))
        row = ProjectRow(project, category.name if category else UNCATEGORIZED, amounts, backers,
                         funded=bool(figure.confirmed_sponsor_ids))
        rows.append(row)
        totals.add(amounts)
        group = categories.setdefault(row.category, CategoryRow(row.category))
        group.projects += 1
        group.funded += row.funded
        group.amounts.add(amounts)
    ordered = sorted(categories.values(), key=lambda c: (c.name == UNCATEGORIZED, -c.amounts.pledged, c.name))
    return SessionReport(
        session=session, projects=rows, withdrawn_projects=len(projects) - len(shown), categories=ordered,
        sponsors=sorted(live_sponsors, key=lambda s: (-s.confirmed, -s.pledged, -s.in_kind, s.sponsor.name)),
        totals=totals, sponsors_confirmed=sum(1 for s in live_sponsors if s.confirmed_projects),
        sponsors_live=len(live_sponsors), pending=sum((f.cash_pending for f in figures.values()), ZERO),
        lapsed=facts.lapsed, lapsed_count=facts.lapsed_count, withdrawn=facts.withdrawn,
        withdrawn_count=facts.withdrawn_count, needs=_needs_taken_on(session),
    )

