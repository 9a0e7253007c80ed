"""Project calls (项目征集) and the managed list of categories (服务领域)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization
from ..extensions import db
from ..i18n import N_
from ..states import StateEnum
from ..types import Money, UTCDateTime, utcnow


class CallStatus(StateEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    JUDGING = "judging"
    NOTICE = "notice"  # results published, under public notice (公示)
    FINAL = "final"


CallStatus.define(
    labels={
        CallStatus.DRAFT: N_("草稿"),
        CallStatus.PUBLISHED: N_("征集中"),
        CallStatus.CLOSED: N_("已截止"),
        CallStatus.JUDGING: N_("评审中"),
        CallStatus.NOTICE: N_("结果公示中"),
        CallStatus.FINAL: N_("结果已确定"),
    },
    transitions={
        CallStatus.DRAFT: {CallStatus.PUBLISHED},
        CallStatus.PUBLISHED: {CallStatus.CLOSED},
        CallStatus.CLOSED: {CallStatus.JUDGING},
        # An upheld objection may send the results back to the judges.
        CallStatus.JUDGING: {CallStatus.NOTICE},
        CallStatus.NOTICE: {CallStatus.FINAL, CallStatus.JUDGING},
    },
)


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


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


call_categories = sa.Table(
    "call_categories",
    db.Model.metadata,
    sa.Column("call_id", sa.ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class Call(db.Model):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)  # prefix of reference numbers
    description: Mapped[str] = mapped_column(sa.Text, default="")
    funding_min: Mapped[Decimal] = mapped_column(Money())
    funding_max: Mapped[Decimal] = mapped_column(Money())
    total_pool: Mapped[Decimal] = mapped_column(Money())
    # Shares in percent of the total budget, e.g. 20.00 means 20 %.
    min_self_funding_pct: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("0"))
    admin_cost_cap_pct: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("100"))
    # Eligible regions as "省/市/区" prefixes; empty means anywhere.
    eligible_regions: Mapped[list] = mapped_column(sa.JSON, default=list)
    verified_only: Mapped[bool] = mapped_column(default=True)
    max_applications_per_org: Mapped[int] = mapped_column(default=1)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    contact: Mapped[str] = mapped_column(sa.String(300), default="")
    guidelines_key: Mapped[str | None] = mapped_column(sa.String(200))
    guidelines_filename: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[CallStatus] = mapped_column(
        sa.Enum(CallStatus, native_enum=False, length=20), default=CallStatus.DRAFT, index=True
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    committee: Mapped[Organization] = relationship()
    categories: Mapped[list[Category]] = relationship(secondary=call_categories, order_by=Category.position)
    rounds: Mapped[list["Round"]] = relationship(
        cascade="all, delete-orphan", order_by="Round.position", back_populates="call"
    )
    award_tiers: Mapped[list["AwardTier"]] = relationship(
        cascade="all, delete-orphan", order_by="AwardTier.position", back_populates="call"
    )

    __table_args__ = (
        sa.CheckConstraint("funding_min >= 0 AND funding_max >= funding_min", name="funding_range"),
        sa.CheckConstraint("total_pool >= 0", name="positive_pool"),
        sa.CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        sa.CheckConstraint("max_applications_per_org >= 1", name="max_applications_positive"),
        # The public list: WHERE status = … ORDER BY closes_at, id reads the index in order.
        sa.Index("ix_calls_status_closes_at", "status", "closes_at", "id"),
    )

    def is_open_at(self, moment: datetime) -> bool:
        return self.status == CallStatus.PUBLISHED and self.opens_at <= moment < self.closes_at


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call: Mapped[Call] = relationship(back_populates="rounds")
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

    call: Mapped[Call] = relationship(back_populates="award_tiers")

    __table_args__ = (
        sa.CheckConstraint("places >= 1", name="positive_places"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )
