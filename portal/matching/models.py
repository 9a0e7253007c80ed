"""Matching sessions (对接会 / 常年认领), the projects they show, pledges, match funding, receipts,
bookmarks, naming requests, and needs (领办) with their offers.

Money rows are append-only: a pledge's amount is never edited (a change is a new row that replaces
it), match allocations and receipts are only ever added. Every total is a sum of rows (funding.py).
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization, User
from ..applications.models import Application
from ..calls.models import Call
from ..extensions import db
from ..i18n import N_
from ..judging.models import Award
from ..states import StateEnum
from ..types import Money, UTCDateTime, utcnow

MINIMUM_PLEDGE = Decimal("100.00")


class SessionKind(enum.Enum):
    EVENT = "event"  # 对接会 on a day at a venue
    CATALOGUE = "catalogue"  # 常年认领: a standing catalogue open from–to

    @property
    def label(self) -> str:
        return {"event": N_("对接会"), "catalogue": N_("常年认领")}[self.value]


class SessionStatus(StateEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    SETTLED = "settled"


SessionStatus.define(
    labels={
        SessionStatus.DRAFT: N_("筹备中"),
        SessionStatus.OPEN: N_("认捐中"),
        SessionStatus.CLOSED: N_("已截止"),
        SessionStatus.SETTLED: N_("已结算"),
    },
    transitions={
        SessionStatus.DRAFT: {SessionStatus.OPEN},
        SessionStatus.OPEN: {SessionStatus.CLOSED},
        # Closed early by mistake, or a catalogue extended: open again until it is settled.
        SessionStatus.CLOSED: {SessionStatus.OPEN, SessionStatus.SETTLED},
    },
)


class MatchMode(enum.Enum):
    FIRST_COME = "first_come"  # matched at confirmation, until the pool runs out
    PRO_RATA = "pro_rata"  # matched at settlement: pool ÷ eligible total, never overspent

    @property
    def label(self) -> str:
        return {"first_come": N_("先到先得，配完即止"), "pro_rata": N_("结算时按比例分配")}[self.value]


session_calls = sa.Table(
    "matching_session_calls",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("matching_sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("call_id", sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
)


class MatchingSession(db.Model):
    """An event (对接会) or a standing catalogue (常年认领) where sponsors pledge to shown projects."""

    __tablename__ = "matching_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[SessionKind] = mapped_column(sa.Enum(SessionKind, native_enum=False, length=20))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[SessionStatus] = mapped_column(
        sa.Enum(SessionStatus, native_enum=False, length=20), default=SessionStatus.DRAFT, index=True
    )
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # an event's day and hour
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    open_from: Mapped[date | None] = mapped_column(sa.Date)  # a catalogue's period
    open_until: Mapped[date | None] = mapped_column(sa.Date)
    # The match-funding rule (配捐). A ratio of 0 means no match funding; an empty cap means no cap.
    match_ratio: Mapped[Decimal] = mapped_column(sa.Numeric(6, 3), default=Decimal("0"))
    match_pool: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    match_mode: Mapped[MatchMode] = mapped_column(
        sa.Enum(MatchMode, native_enum=False, length=20), default=MatchMode.FIRST_COME
    )
    match_cap_per_pledge: Mapped[Decimal | None] = mapped_column(Money())
    match_cap_per_sponsor_project: Mapped[Decimal | None] = mapped_column(Money())
    match_cap_per_sponsor: Mapped[Decimal | None] = mapped_column(Money())
    match_cap_per_project: Mapped[Decimal | None] = mapped_column(Money())
    match_minimum_pledge: Mapped[Decimal | None] = mapped_column(Money())
    match_window_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    match_window_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    match_counts_in_kind: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    committee: Mapped[Organization] = relationship()
    calls: Mapped[list[Call]] = relationship(secondary=session_calls, order_by=Call.id)
    projects: Mapped[list["SessionProject"]] = relationship(
        back_populates="session", cascade="all, delete-orphan",
        order_by="(SessionProject.position, SessionProject.id)",
    )

    __table_args__ = (
        sa.CheckConstraint("match_ratio >= 0", name="match_ratio_not_negative"),
        sa.CheckConstraint("match_pool >= 0", name="match_pool_not_negative"),
    )

    @property
    def has_match(self) -> bool:
        return self.match_ratio > 0 and self.match_pool > 0

    @property
    def accepts_pledges(self) -> bool:
        return self.status == SessionStatus.OPEN

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.committee_id


class SessionProject(db.Model):
    """An application shown in a session, with its funding goal and place in the running order."""

    __tablename__ = "session_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("matching_sessions.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    goal: Mapped[Decimal] = mapped_column(Money())
    position: Mapped[int] = mapped_column(default=0)  # running order of the pitches
    show_contact: Mapped[bool] = mapped_column(default=False)  # the NGO's choice
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_reason: Mapped[str] = mapped_column(sa.Text, default="")

    session: Mapped[MatchingSession] = relationship(back_populates="projects")
    application: Mapped[Application] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("session_id", "application_id", name="uq_session_projects_session_app"),
        sa.CheckConstraint("goal >= 0", name="goal_not_negative"),
    )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.session.committee_id


class PledgeKind(enum.Enum):
    CASH = "cash"
    IN_KIND = "in_kind"  # 物资 / 服务 with an estimated value

    @property
    def label(self) -> str:
        return {"cash": N_("资金"), "in_kind": N_("物资/服务")}[self.value]


class PledgeStatus(StateEnum):
    PENDING = "pending"  # promised, awaiting the sponsor's written confirmation
    CONFIRMED = "confirmed"
    LAPSED = "lapsed"  # never confirmed
    WITHDRAWN = "withdrawn"
    REPLACED = "replaced"  # changed: a newer pledge row replaces it


PledgeStatus.define(
    labels={
        PledgeStatus.PENDING: N_("待确认"),
        PledgeStatus.CONFIRMED: N_("已确认"),
        PledgeStatus.LAPSED: N_("已失效"),
        PledgeStatus.WITHDRAWN: N_("已撤回"),
        PledgeStatus.REPLACED: N_("已修改"),
    },
    transitions={
        PledgeStatus.PENDING: {
            PledgeStatus.CONFIRMED, PledgeStatus.LAPSED, PledgeStatus.WITHDRAWN, PledgeStatus.REPLACED,
        },
        # Only award funding, confirmed when recorded, is ever withdrawn once confirmed (a slip of the
        # committee's, corrected before any grant draws on it).
        PledgeStatus.CONFIRMED: {PledgeStatus.WITHDRAWN},
    },
)

# Pledges that count toward the gap: promised and not (yet) withdrawn, lapsed or replaced.
LIVE_PLEDGE_STATUSES = (PledgeStatus.PENDING, PledgeStatus.CONFIRMED)


class Pledge(db.Model):
    """A sponsor's promise to a shown project. Its amount is never edited: a change is a new row that
    replaces this one (replaces_id), so every version stays. Award funding (an award tier paid by
    sponsors) is a confirmed pledge with award_id and no session."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("matching_sessions.id", ondelete="CASCADE"), index=True)
    # Indexed by ix_pledges_project_live (below), which starts with it.
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session_projects.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    award_id: Mapped[int | None] = mapped_column(sa.ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    sponsor_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    kind: Mapped[PledgeKind] = mapped_column(sa.Enum(PledgeKind, native_enum=False, length=20), default=PledgeKind.CASH)
    amount: Mapped[Decimal] = mapped_column(Money())  # cash, or an in-kind pledge's estimated value
    is_claim: Mapped[bool] = mapped_column(default=False)  # 认领: the whole remaining gap
    in_kind_description: Mapped[str] = mapped_column(sa.String(300), default="")
    in_kind_quantity: Mapped[str] = mapped_column(sa.String(60), default="")
    # In-kind value counts toward the gap only once the committee accepts it.
    value_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    value_accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(sa.String(20), default="")  # a budget category
    message: Mapped[str] = mapped_column(sa.Text, default="")  # to the NGO
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pledges.id"), unique=True)
    status: Mapped[PledgeStatus] = mapped_column(
        sa.Enum(PledgeStatus, native_enum=False, length=20), default=PledgeStatus.PENDING, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Recorded by a committee member on the sponsor's behalf (a show of hands, no account).
    on_behalf: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # confirmed / lapsed / withdrawn
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")

    session: Mapped[MatchingSession | None] = relationship()
    project: Mapped[SessionProject | None] = relationship()
    application: Mapped[Application] = relationship()
    award: Mapped[Award | None] = relationship()
    sponsor: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    replaces: Mapped["Pledge | None"] = relationship(remote_side=[id])

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="positive_amount"),
        # Covering: a project's live pledges are summed (funding.PLEDGE_SUMS; the board, once a second)
        # from the index alone, without reading the rows.
        sa.Index("ix_pledges_project_live", "project_id", "status", "kind", "amount", "sponsor_id", "value_accepted_at"),
    )

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PLEDGE_STATUSES

    @property
    def counts_toward_gap(self) -> bool:
        return self.is_live and (self.kind == PledgeKind.CASH or self.value_accepted_at is not None)

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.application.call.committee_id


class MatchLimit(enum.Enum):
    """Why a confirmed pledge got less match than the ratio gives (or none)."""

    POOL = "pool"
    PRO_RATA = "pro_rata"
    CAP_PER_PLEDGE = "cap_per_pledge"
    CAP_SPONSOR_PROJECT = "cap_sponsor_project"
    CAP_SPONSOR = "cap_sponsor"
    CAP_PROJECT = "cap_project"
    GOAL = "goal"
    BELOW_MINIMUM = "below_minimum"
    OUTSIDE_WINDOW = "outside_window"
    IN_KIND = "in_kind"

    @property
    def label(self) -> str:
        return {
            "pool": N_("配捐资金池已用完"),
            "pro_rata": N_("资金池不足，按比例分配"),
            "cap_per_pledge": N_("已达单笔配捐上限"),
            "cap_sponsor_project": N_("已达该企业对本项目的配捐上限"),
            "cap_sponsor": N_("已达该企业的配捐上限"),
            "cap_project": N_("已达本项目的配捐上限"),
            "goal": N_("项目已满额"),
            "below_minimum": N_("低于配捐起点"),
            "outside_window": N_("不在配捐时段内"),
            "in_kind": N_("物资认捐不配捐"),
        }[self.value]


class MatchAllocation(db.Model):
    """Match funding given to one confirmed pledge — its own row, so that it can be audited and
    reported. Written once per pledge (at confirmation, or at settlement when pro-rated); a pledge
    matched less than the ratio gives says why (limited_by)."""

    __tablename__ = "match_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("matching_sessions.id", ondelete="CASCADE"), index=True)
    # Indexed by ix_match_allocations_project_amount (below): a project's match summed from the index.
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("session_projects.id", ondelete="CASCADE"))
    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id", ondelete="CASCADE"), unique=True)
    sponsor_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    limited_by: Mapped[MatchLimit | None] = mapped_column(sa.Enum(MatchLimit, native_enum=False, length=30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    session: Mapped[MatchingSession] = relationship()
    pledge: Mapped[Pledge] = relationship(backref="match_allocations")

    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
                      sa.Index("ix_match_allocations_project_amount", "project_id", "amount"))

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.session.committee_id


class ReceiptPayee(enum.Enum):
    COMMITTEE_FUND = "committee_fund"
    NGO = "ngo"

    @property
    def label(self) -> str:
        return {"committee_fund": N_("汇入主办方资金账户"), "ngo": N_("直接汇给公益组织")}[self.value]


class Receipt(db.Model):
    """Money received for a confirmed pledge (到账); partial receipts add up."""

    __tablename__ = "pledge_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    received_on: Mapped[date] = mapped_column(sa.Date)
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    payee: Mapped[ReceiptPayee] = mapped_column(sa.Enum(ReceiptPayee, native_enum=False, length=20))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    pledge: Mapped[Pledge] = relationship(backref="receipts")

    __table_args__ = (sa.CheckConstraint("amount > 0", name="positive_amount"),)

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.pledge.audit_committee_id


class Bookmark(db.Model):
    """A sponsor's user keeps a shown project to come back to."""

    __tablename__ = "project_bookmarks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("session_projects.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "project_id", name="uq_project_bookmarks_user_project"),)

    audit_committee_id = None  # a private list, not audited


class NamingStatus(StateEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"


NamingStatus.define(
    labels={NamingStatus.REQUESTED: N_("待审批"), NamingStatus.APPROVED: N_("已同意"), NamingStatus.DECLINED: N_("未同意")},
    transitions={NamingStatus.REQUESTED: {NamingStatus.APPROVED, NamingStatus.DECLINED}},
)


class NamingRequest(db.Model):
    """A sponsor funding a project in full asks to name it (冠名); the committee decides."""

    __tablename__ = "naming_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("session_projects.id", ondelete="CASCADE"), index=True)
    sponsor_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))  # e.g. 平湖农商银行·银龄食堂
    status: Mapped[NamingStatus] = mapped_column(
        sa.Enum(NamingStatus, native_enum=False, length=20), default=NamingStatus.REQUESTED
    )
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    project: Mapped[SessionProject] = relationship()
    sponsor: Mapped[Organization] = relationship()

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.project.session.committee_id


# Needs (领办) and their offers live beside: one table family per module.
from .need_models import Need, NeedOffer, NeedStatus, OfferStatus  # noqa: E402,F401
