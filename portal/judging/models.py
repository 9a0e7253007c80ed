"""Judging: a call's rounds, rubrics (criteria) and award tiers; judges of a call, conflicts, round
entries, assignments, score sheets, the live stage, awards and the public notice (公示) with its
objections and popularity votes.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..accounts.models import Organization, User
from ..applications.models import Application
from ..calls.models import Call
from ..extensions import db
from ..i18n import N_
from ..states import StateEnum
from ..types import Money, UTCDateTime, utcnow


class RoundKind(StateEnum):
    ONLINE = "online"  # 网络评审 (初审 / 复审)
    PITCH = "pitch"  # 决赛路演, scored live


RoundKind.define(labels={RoundKind.ONLINE: N_("网络评审"), RoundKind.PITCH: N_("现场路演")}, transitions={})


class Aggregation(StateEnum):
    MEAN = "mean"
    TRIMMED = "trimmed"  # drop one highest and one lowest sheet when at least trim_min_sheets exist
    ZSCORE = "zscore"  # per-judge z-scores rescaled to the rubric's range


Aggregation.define(
    labels={Aggregation.MEAN: N_("平均分"), Aggregation.TRIMMED: N_("去掉最高分和最低分后的平均分"),
            Aggregation.ZSCORE: N_("按评委标准化（Z 分数）")},
    transitions={},
)


class Advancement(StateEnum):
    TOP_N = "top_n"
    THRESHOLD = "threshold"
    MANUAL = "manual"


Advancement.define(
    labels={Advancement.TOP_N: N_("排名前 N 名晋级"), Advancement.THRESHOLD: N_("达到分数线晋级"), Advancement.MANUAL: N_("人工选择")},
    transitions={},
)


class RoundStatus(StateEnum):
    PLANNED = "planned"  # rubric and judges being set up
    OPEN = "open"  # judges score (until closes_at; the live pitch steps through its order)
    LOCKED = "locked"  # no score changes; results stand and may be advanced


RoundStatus.define(
    labels={RoundStatus.PLANNED: N_("筹备中"), RoundStatus.OPEN: N_("评分中"), RoundStatus.LOCKED: N_("已锁定")},
    transitions={RoundStatus.PLANNED: {RoundStatus.OPEN}, RoundStatus.OPEN: {RoundStatus.LOCKED}},
)


class Round(db.Model):
    """One judging stage of a call (初审, 复审, 决赛路演), in order."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)  # 1 = first round
    name: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[RoundKind] = mapped_column(sa.Enum(RoundKind, native_enum=False, length=20), default=RoundKind.ONLINE)
    aggregation: Mapped[Aggregation] = mapped_column(
        sa.Enum(Aggregation, native_enum=False, length=20), default=Aggregation.MEAN
    )
    trim_min_sheets: Mapped[int] = mapped_column(default=5)  # trimmed mean applies from this many sheets
    judges_per_application: Mapped[int] = mapped_column(default=3)
    blind: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    advancement: Mapped[Advancement] = mapped_column(
        sa.Enum(Advancement, native_enum=False, length=20), default=Advancement.MANUAL
    )
    advancement_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))  # N, or the threshold score
    outlier_sd: Mapped[Decimal] = mapped_column(sa.Numeric(4, 2), default=Decimal("2.00"))
    status: Mapped[RoundStatus] = mapped_column(
        sa.Enum(RoundStatus, native_enum=False, length=20), default=RoundStatus.PLANNED
    )
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pitch_seconds: Mapped[int] = mapped_column(default=480)  # live pitch: time per project on stage
    # A live pitch's day and place (决赛 in a school hall …), apart from its scoring window.
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # The call holds no list of its rounds in calls.models (a call knows nothing of judging): the
    # backref adds call.rounds, in order, from here.
    call: Mapped[Call] = relationship(
        backref=backref("rounds", cascade="all, delete-orphan", order_by="Round.position")
    )
    criteria: Mapped[list["Criterion"]] = relationship(
        cascade="all, delete-orphan", order_by="Criterion.position", back_populates="round"
    )

    __table_args__ = (
        sa.UniqueConstraint("call_id", "position", name="uq_rounds_call_position"),
        sa.CheckConstraint("judges_per_application >= 1", name="judges_per_application_positive"),
        sa.CheckConstraint("trim_min_sheets >= 3", name="trim_min_sheets_at_least_three"),
        sa.CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="closes_after_opening"),
        sa.CheckConstraint("pitch_seconds > 0", name="positive_pitch_seconds"),
    )

    @property
    def tie_criterion(self) -> "Criterion | None":
        """Ties go to the higher mean on this criterion, then the smaller spread, then the reference."""
        return next((c for c in self.criteria if c.breaks_ties), None)

    @property
    def max_total(self) -> Decimal:
        """The highest weighted total a sheet can reach: Σ maximum × weight."""
        return sum((c.max_score * c.weight for c in self.criteria), Decimal("0"))

    def is_scoring_open_at(self, moment: datetime) -> bool:
        if self.status != RoundStatus.OPEN:
            return False
        if self.opens_at is not None and moment < self.opens_at:
            return False
        return self.closes_at is None or moment < self.closes_at

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.call.committee_id


class Criterion(db.Model):
    """One line of a round's rubric (评分项). A sheet's total is Σ score × weight."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(60))
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    max_score: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal("1.00"))
    breaks_ties: Mapped[bool] = mapped_column(default=False)  # at most one per round (services keep it so)

    round: Mapped[Round] = relationship(back_populates="criteria")

    __table_args__ = (
        sa.CheckConstraint("max_score > 0", name="positive_max_score"),
        sa.CheckConstraint("weight > 0", name="positive_weight"),
    )

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.round.call.committee_id


class AwardTier(db.Model):
    """An award of a call (一等奖, 最佳项目奖, 人气奖 …): places and the venture funding each gets."""

    __tablename__ = "award_tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(60))
    places: Mapped[int] = mapped_column(default=1)
    amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))  # 创投资金 per place
    is_popularity: Mapped[bool] = mapped_column(default=False)  # 人气奖: decided by the public vote

    call: Mapped[Call] = relationship(
        backref=backref("award_tiers", cascade="all, delete-orphan", order_by="AwardTier.position")
    )

    __table_args__ = (
        sa.CheckConstraint("places >= 1", name="positive_places"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.call.committee_id


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

    @property
    def judge(self) -> User | None:
        """The account judging: bound and a judge. An account registered under an invited email is
        bound at once, and judges once it has accepted the emailed invitation (is_judge)."""
        return self.user if self.user is not None and self.user.is_judge else None

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.call.committee_id


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

    audit_committee_id = None  # its events concern every committee (portal.audit)


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

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.round.call.committee_id


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

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.round.call.committee_id


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

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.round.call.committee_id


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

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.round.call.committee_id


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

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.call.committee_id


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
    # The period the committee's rules ask for (days); a shorter one carries its reason, shown publicly.
    minimum_days: Mapped[int] = mapped_column(default=5)
    short_period_reason: Mapped[str] = mapped_column(sa.Text, default="")

    call: Mapped[Call] = relationship()

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.call.committee_id


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

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.notice.call.committee_id


class Vote(db.Model):
    """One account's vote in a notice's popularity poll (人气奖): one per account per notice."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("public_notices.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    notice: Mapped[PublicNotice] = relationship()

    __table_args__ = (sa.UniqueConstraint("notice_id", "user_id", name="uq_votes_notice_user"),)

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.notice.call.committee_id
