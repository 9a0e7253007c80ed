"""Judging: judges of a call, conflicts, round entries, assignments, score sheets, the live stage,
awards and the public notice (公示) with its objections and popularity votes.

Rounds, criteria and award tiers are a call's definitions and live in calls.models.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization, User
from ..applications.models import Application
from ..calls.models import AwardTier, Call, Criterion, Round
from ..extensions import db
from ..i18n import N_
from ..states import StateEnum
from ..types import UTCDateTime, utcnow


class CallJudge(db.Model):
    """A judge invited to a call. Invited by email: user_id is filled once that email has an account."""

    __tablename__ = "call_judges"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call: Mapped[Call] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    __table_args__ = (sa.UniqueConstraint("call_id", "email", name="uq_call_judges_call_email"),)


class Conflict(db.Model):
    """A judge's declared conflict of interest (回避) with an organization; applies to every call.

    Membership of an applicant organization is a conflict too, found from memberships, not stored.
    """

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    judge: Mapped[User] = relationship()
    organization: Mapped[Organization] = relationship()

    __table_args__ = (sa.UniqueConstraint("judge_id", "organization_id", name="uq_conflicts_judge_org"),)


class RoundEntry(db.Model):
    """An application taking part in a round; `position` is the running order of a live pitch."""

    __tablename__ = "round_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    advanced: Mapped[bool] = mapped_column(default=False)  # selected for the next round

    round: Mapped[Round] = relationship()
    application: Mapped[Application] = relationship()

    __table_args__ = (sa.UniqueConstraint("round_id", "application_id", name="uq_round_entries_round_app"),)


class Assignment(db.Model):
    """One judge × one application in one round (分配)."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[Round] = relationship()
    application: Mapped[Application] = relationship()
    judge: Mapped[User] = relationship(foreign_keys=[judge_id])

    __table_args__ = (
        sa.UniqueConstraint("round_id", "application_id", "judge_id", name="uq_assignments_round_app_judge"),
    )


class SheetStatus(StateEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


SheetStatus.define(
    labels={SheetStatus.DRAFT: N_("草稿"), SheetStatus.SUBMITTED: N_("已提交")},
    # A submitted sheet may be revised (and resubmitted) until the round closes.
    transitions={SheetStatus.DRAFT: {SheetStatus.SUBMITTED}, SheetStatus.SUBMITTED: {SheetStatus.DRAFT}},
)


class ScoreSheet(db.Model):
    """One judge's scores for one application in one round (评分表). Its total is derived from Score rows."""

    __tablename__ = "score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[SheetStatus] = mapped_column(
        sa.Enum(SheetStatus, native_enum=False, length=20), default=SheetStatus.DRAFT, index=True
    )
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship()
    application: Mapped[Application] = relationship()
    judge: Mapped[User] = relationship()
    scores: Mapped[list["Score"]] = relationship(cascade="all, delete-orphan", back_populates="sheet")

    __table_args__ = (
        sa.UniqueConstraint("judge_id", "application_id", "round_id", name="uq_score_sheets_judge_app_round"),
        sa.Index("ix_score_sheets_round_status", "round_id", "status"),
    )


class Score(db.Model):
    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("score_sheets.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("sheet_id", "criterion_id", name="uq_scores_sheet_criterion"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )


class LiveStage(db.Model):
    """The live pitch's shared state: which entry is on stage and since when (read by every screen)."""

    __tablename__ = "live_stages"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("round_entries.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the pitch timer
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship()
    entry: Mapped[RoundEntry | None] = relationship()


class Award(db.Model):
    """An application given an award tier. Final once the call's results are finalized."""

    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    tier_id: Mapped[int] = mapped_column(sa.ForeignKey("award_tiers.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int | None] = mapped_column()  # the final-round rank it was given from
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call: Mapped[Call] = relationship()
    tier: Mapped[AwardTier] = relationship()
    application: Mapped[Application] = relationship()

    __table_args__ = (sa.UniqueConstraint("tier_id", "application_id", name="uq_awards_tier_app"),)


class PublicNotice(db.Model):
    """The public notice (公示) of a call's results: a period in which anyone may object."""

    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(sa.Text, default="")
    vote_enabled: Mapped[bool] = mapped_column(default=False)  # 人气奖 by public vote
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalized_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    call: Mapped[Call] = relationship()

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)


class ObjectionStatus(StateEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


ObjectionStatus.define(
    labels={ObjectionStatus.PENDING: N_("待答复"), ObjectionStatus.UPHELD: N_("异议成立"),
            ObjectionStatus.DISMISSED: N_("异议不成立")},
    transitions={ObjectionStatus.PENDING: {ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED}},
)


class Objection(db.Model):
    """An objection (异议) lodged during the public notice, by anyone, about an awarded project."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("public_notices.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(100))
    contact: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ObjectionStatus] = mapped_column(
        sa.Enum(ObjectionStatus, native_enum=False, length=20), default=ObjectionStatus.PENDING, index=True
    )
    reply: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    notice: Mapped[PublicNotice] = relationship()
    application: Mapped[Application | None] = relationship()


class Vote(db.Model):
    """One account's vote in a notice's popularity poll (人气奖): one per account per notice."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("public_notices.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.UniqueConstraint("notice_id", "user_id", name="uq_votes_notice_user"),)
