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


class OrganizerRole(StateEnum):
    """How a body takes part in a call, in the order certificates and notices list them."""

    GUIDE = "guide"  # 指导单位
    HOST = "host"  # 主办单位; several hosts make a 联合主办
    ORGANIZER = "organizer"  # 承办单位, who runs it
    CO_ORGANIZER = "co_organizer"  # 协办单位
    SUPPORTER = "supporter"  # 支持单位


OrganizerRole.define(
    labels={OrganizerRole.GUIDE: N_("指导单位"), OrganizerRole.HOST: N_("主办单位"), OrganizerRole.ORGANIZER: N_("承办单位"),
            OrganizerRole.CO_ORGANIZER: N_("协办单位"), OrganizerRole.SUPPORTER: N_("支持单位")},
    transitions={},
)


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    audit_committee_id = None  # its events concern every committee (portal.audit)


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
    organizers: Mapped[list["CallOrganizer"]] = relationship(
        cascade="all, delete-orphan", order_by="CallOrganizer.position", back_populates="call"
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

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.committee_id


class CallOrganizer(db.Model):
    """One body named as organising a call (联合主办, 承办, 协办 …), in the order it is listed.
    A call without any is organised by its committee alone (calls.organizers.organizers_of)."""

    __tablename__ = "call_organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[OrganizerRole] = mapped_column(sa.Enum(OrganizerRole, native_enum=False, length=20),
                                                default=OrganizerRole.HOST)

    call: Mapped[Call] = relationship(back_populates="organizers")

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.call.committee_id
