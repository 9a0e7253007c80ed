"""Applications (项目申报书): sections, repeatable rows, attachments, versions, screening messages."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization, User
from ..calls.models import Call, Category
from ..extensions import db
from ..i18n import N_
from ..states import StateEnum
from ..types import Money, UTCDateTime, utcnow


class ApplicationStatus(StateEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"


ApplicationStatus.define(
    labels={
        ApplicationStatus.DRAFT: N_("草稿"),
        ApplicationStatus.SUBMITTED: N_("已提交，待审查"),
        ApplicationStatus.RETURNED: N_("退回修改"),
        ApplicationStatus.ELIGIBLE: N_("资格审查通过"),
        ApplicationStatus.INELIGIBLE: N_("资格审查未通过"),
        ApplicationStatus.WITHDRAWN: N_("已撤回"),
    },
    transitions={
        ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
        ApplicationStatus.SUBMITTED: {
            ApplicationStatus.ELIGIBLE,
            ApplicationStatus.INELIGIBLE,
            ApplicationStatus.RETURNED,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.RETURNED: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
    },
)

BUDGET_CATEGORIES = [N_("人员费"), N_("活动费"), N_("物资费"), N_("宣传费"), N_("管理费"), N_("其他")]
ADMIN_BUDGET_CATEGORY = "管理费"


class Application(db.Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        sa.Enum(ApplicationStatus, native_enum=False, length=20), default=ApplicationStatus.DRAFT, index=True
    )
    sequence: Mapped[int | None] = mapped_column()  # per call, given at first submission
    reference: Mapped[str | None] = mapped_column(sa.String(40), unique=True)  # call code + sequence
    # basics
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"))
    service_area: Mapped[str] = mapped_column(sa.String(300), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    # need and beneficiaries
    target_group: Mapped[str] = mapped_column(sa.String(300), default="")
    beneficiaries_count: Mapped[int | None] = mapped_column()
    need_analysis: Mapped[str] = mapped_column(sa.Text, default="")
    # plan
    goals: Mapped[str] = mapped_column(sa.Text, default="")
    # declaration
    declaration_accepted: Mapped[bool] = mapped_column(default=False)
    screening_note: Mapped[str | None] = mapped_column(sa.Text)  # the committee's latest reason
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    call: Mapped[Call] = relationship()
    organization: Mapped[Organization] = relationship()
    category: Mapped[Category | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    activities: Mapped[list["Activity"]] = relationship(
        cascade="all, delete-orphan", order_by="Activity.position", back_populates="application"
    )
    team_members: Mapped[list["TeamMember"]] = relationship(
        cascade="all, delete-orphan", order_by="TeamMember.position", back_populates="application"
    )
    budget_lines: Mapped[list["BudgetLine"]] = relationship(
        cascade="all, delete-orphan", order_by="BudgetLine.position", back_populates="application"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        cascade="all, delete-orphan", order_by="Attachment.id", back_populates="application"
    )
    versions: Mapped[list["ApplicationVersion"]] = relationship(
        cascade="all, delete-orphan", order_by="ApplicationVersion.number", back_populates="application"
    )
    messages: Mapped[list["ApplicationMessage"]] = relationship(
        cascade="all, delete-orphan", order_by="ApplicationMessage.id", back_populates="application"
    )

    __table_args__ = (
        sa.UniqueConstraint("call_id", "sequence", name="uq_applications_call_sequence"),
        sa.CheckConstraint("beneficiaries_count IS NULL OR beneficiaries_count >= 0", name="beneficiaries_not_negative"),
    )

    # Totals are derived from the budget lines, never stored.
    @property
    def budget_total(self) -> Decimal:
        return sum((line.amount for line in self.budget_lines), Decimal("0.00"))

    @property
    def self_funded_total(self) -> Decimal:
        return sum((line.self_funded for line in self.budget_lines), Decimal("0.00"))

    @property
    def requested_amount(self) -> Decimal:
        return self.budget_total - self.self_funded_total

    @property
    def admin_total(self) -> Decimal:
        return sum(
            (line.amount for line in self.budget_lines if line.category == ADMIN_BUDGET_CATEGORY), Decimal("0.00")
        )

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.call.committee_id


class Activity(db.Model):
    __tablename__ = "application_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    milestone: Mapped[str] = mapped_column(sa.String(300), default="")

    application: Mapped[Application] = relationship(back_populates="activities")

    __table_args__ = (sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),)


class TeamMember(db.Model):
    __tablename__ = "application_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(100), default="")
    qualification: Mapped[str] = mapped_column(sa.String(300), default="")

    application: Mapped[Application] = relationship(back_populates="team_members")


class BudgetLine(db.Model):
    __tablename__ = "application_budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(sa.String(20))
    item: Mapped[str] = mapped_column(sa.String(200))
    unit_price: Mapped[Decimal] = mapped_column(Money())
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    # amount = unit_price × quantity, rounded to the fen; kept so SQL can sum it, and checked below.
    amount: Mapped[Decimal] = mapped_column(Money())
    self_funded: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))

    application: Mapped[Application] = relationship(back_populates="budget_lines")

    __table_args__ = (
        sa.CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        sa.CheckConstraint("quantity > 0", name="positive_quantity"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("self_funded >= 0 AND self_funded <= amount", name="self_funded_within_amount"),
    )


class Attachment(db.Model):
    __tablename__ = "application_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(sa.String(200))
    filename: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(10))  # pdf / jpeg / png / docx / xlsx, by content
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="attachments")

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.application.call.committee_id


class ApplicationVersion(db.Model):
    """A frozen snapshot taken at every submission; the committee compares versions."""

    __tablename__ = "application_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="versions")

    __table_args__ = (sa.UniqueConstraint("application_id", "number", name="uq_application_versions_app_number"),)

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.application.call.committee_id


class ApplicationMessage(db.Model):
    """A message between the committee and the NGO about one application (reasons, receipts)."""

    __tablename__ = "application_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(sa.String(200), default="系统")
    kind: Mapped[str] = mapped_column(sa.String(30))  # receipt / returned / eligible / ineligible / note
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="messages")

    @property
    def audit_committee_id(self) -> int | None:
        """The committee whose members read this record's audit events (portal.audit)."""
        return self.application.call.committee_id
