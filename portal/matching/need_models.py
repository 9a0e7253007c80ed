"""Needs (服务需求 / 领办): a department or community posts a service it wants; NGOs offer to take it
on; the poster accepts one offer, which becomes a commissioned project."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization
from ..extensions import db
from ..i18n import N_
from ..states import StateEnum
from ..types import Money, UTCDateTime, utcnow

if TYPE_CHECKING:  # models.py imports this module; the session class is resolved by name
    from .models import MatchingSession


class NeedStatus(StateEnum):
    DRAFT = "draft"
    OPEN = "open"  # taking offers
    AWARDED = "awarded"  # one offer accepted: a commissioned project
    CANCELLED = "cancelled"


NeedStatus.define(
    labels={
        NeedStatus.DRAFT: N_("草稿"),
        NeedStatus.OPEN: N_("征集中"),
        NeedStatus.AWARDED: N_("已领办"),
        NeedStatus.CANCELLED: N_("已取消"),
    },
    transitions={
        NeedStatus.DRAFT: {NeedStatus.OPEN, NeedStatus.CANCELLED},
        NeedStatus.OPEN: {NeedStatus.AWARDED, NeedStatus.CANCELLED},
    },
)


class Need(db.Model):
    """A service a department or community wants an NGO to take on (领办), posted in a session."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("matching_sessions.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    service: Mapped[str] = mapped_column(sa.Text, default="")  # the service wanted
    target_group: Mapped[str] = mapped_column(sa.String(300), default="")
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)
    budget: Mapped[Decimal] = mapped_column(Money())
    offers_due: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[NeedStatus] = mapped_column(
        sa.Enum(NeedStatus, native_enum=False, length=20), default=NeedStatus.DRAFT, index=True
    )
    posted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    on_behalf: Mapped[bool] = mapped_column(default=False)  # posted by the committee for the department
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")

    session: Mapped["MatchingSession"] = relationship()
    department: Mapped[Organization] = relationship()
    offers: Mapped[list["NeedOffer"]] = relationship(back_populates="need", order_by="NeedOffer.id")

    __table_args__ = (sa.CheckConstraint("budget > 0", name="positive_budget"),)

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.session.committee_id


class OfferStatus(StateEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # the commissioned project (领办项目)
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OfferStatus.define(
    labels={
        OfferStatus.SUBMITTED: N_("已提交"),
        OfferStatus.ACCEPTED: N_("已选定"),
        OfferStatus.DECLINED: N_("未选中"),
        OfferStatus.WITHDRAWN: N_("已撤回"),
    },
    transitions={OfferStatus.SUBMITTED: {OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.WITHDRAWN}},
)


class NeedOffer(db.Model):
    """An NGO's offer to take a need on: a short plan, its team and a price within the budget."""

    __tablename__ = "need_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    ngo_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    plan: Mapped[str] = mapped_column(sa.Text)
    team: Mapped[str] = mapped_column(sa.Text, default="")
    price: Mapped[Decimal] = mapped_column(Money())
    status: Mapped[OfferStatus] = mapped_column(
        sa.Enum(OfferStatus, native_enum=False, length=20), default=OfferStatus.SUBMITTED
    )
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    need: Mapped[Need] = relationship(back_populates="offers")
    ngo: Mapped[Organization] = relationship()

    __table_args__ = (sa.CheckConstraint("price > 0", name="positive_price"),)

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.need.session.committee_id
