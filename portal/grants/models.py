"""Grants (资助协议 / 立项): one per project, funded from its sources, paid out in tranches.

Money rows are append-only: a funding source's commitment, a disbursement and its reversal, a
release of what a terminated grant leaves undisbursed are written once and never edited. A
disbursement sent back for changes is replaced by a new row (replaces_id), as a pledge is. Every
total — the grant's amount, what a tranche or a source has paid — is a sum of rows (ledger.py).

Reports, expenses, evaluations and mentoring are in report_models.py.
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
from ..matching.models import MatchingSession
from ..matching.need_models import NeedOffer
from ..states import StateEnum
from ..types import Money, UTCDateTime, utcnow


class GrantStatus(StateEnum):
    DRAFTED = "drafted"
    SIGNED = "signed"
    ACTIVE = "active"
    COMPLETED = "completed"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


GrantStatus.define(
    labels={
        GrantStatus.DRAFTED: N_("待签约"),
        GrantStatus.SIGNED: N_("已签约"),
        GrantStatus.ACTIVE: N_("执行中"),
        GrantStatus.COMPLETED: N_("已结项"),
        GrantStatus.SUSPENDED: N_("已暂停"),
        GrantStatus.TERMINATED: N_("已终止"),
    },
    transitions={
        GrantStatus.DRAFTED: {GrantStatus.SIGNED, GrantStatus.TERMINATED},
        GrantStatus.SIGNED: {GrantStatus.ACTIVE, GrantStatus.SUSPENDED, GrantStatus.TERMINATED},
        GrantStatus.ACTIVE: {GrantStatus.COMPLETED, GrantStatus.SUSPENDED, GrantStatus.TERMINATED},
        GrantStatus.SUSPENDED: {GrantStatus.ACTIVE, GrantStatus.TERMINATED},
    },
)

# A grant whose terms may still change (budget, tranches, sources): before it is signed.
EDITABLE_STATUSES = (GrantStatus.DRAFTED,)
# Grants money may be paid to.
PAYABLE_STATUSES = (GrantStatus.SIGNED, GrantStatus.ACTIVE)


class SourceKind(enum.Enum):
    COMMITTEE_FUND = "committee_fund"  # 创投资金 from the committee's fund
    SPONSOR = "sponsor"  # a sponsor's confirmed pledges (at a session, or paying an award)
    MATCH = "match"  # match funding (配捐) allocated at a session
    OTHER = "other"  # a commissioned project's budget, or any funder entered by hand

    @property
    def label(self) -> str:
        return {"committee_fund": N_("创投资金"), "sponsor": N_("爱心企业认捐"), "match": N_("配捐资金"),
                "other": N_("其他资金")}[self.value]


class GrantSettings(db.Model):
    """A call's rules for its grants: the tranche split and gates, the evaluation's dimensions,
    weights and pass mark. Grants copy them when drafted and may adjust them before signing."""

    __tablename__ = "grant_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    # [{"label": "首期", "share": "50", "gate": "on_signing", "months": 0}, …]: shares in percent
    tranche_plan: Mapped[list] = mapped_column(sa.JSON, default=list)
    # [{"key": "execution", "label": "项目执行", "weight": "30"}, …]: weights in percent, adding to 100
    evaluation_dimensions: Mapped[list] = mapped_column(sa.JSON, default=list)
    pass_mark: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("60"))

    call: Mapped[Call] = relationship()

    @property
    def audit_committee_id(self) -> int | None:
        return self.call.committee_id


class Grant(db.Model):
    """The agreement that funds one project: an awarded or matched application, or a need taken on."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    need_offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("need_offers.id"), unique=True)
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("calls.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("matching_sessions.id"), index=True)
    award_id: Mapped[int | None] = mapped_column(sa.ForeignKey("awards.id"))
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)  # 协议编号, e.g. PH2026-G003
    title: Mapped[str] = mapped_column(sa.String(200))
    terms: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    self_funding: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))  # the NGO's own commitment
    # The payee account as the agreement states it; a disbursement copies it.
    payee_name: Mapped[str] = mapped_column(sa.String(200), default="")
    payee_bank: Mapped[str] = mapped_column(sa.String(200), default="")
    payee_account: Mapped[str] = mapped_column(sa.String(40), default="")
    admin_cap_pct: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("100"))
    pass_mark: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("60"))
    evaluation_dimensions: Mapped[list] = mapped_column(sa.JSON, default=list)
    signed_scan_key: Mapped[str | None] = mapped_column(sa.String(200))
    signed_scan_name: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[GrantStatus] = mapped_column(
        sa.Enum(GrantStatus, native_enum=False, length=20), default=GrantStatus.DRAFTED, index=True
    )
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")  # why suspended or terminated
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # suspended or terminated

    committee: Mapped[Organization] = relationship(foreign_keys=[committee_id])
    recipient: Mapped[Organization] = relationship(foreign_keys=[recipient_id])
    application: Mapped[Application | None] = relationship()
    need_offer: Mapped[NeedOffer | None] = relationship()
    call: Mapped[Call | None] = relationship()
    session: Mapped[MatchingSession | None] = relationship()
    award: Mapped[Award | None] = relationship()
    sources: Mapped[list["FundingSource"]] = relationship(back_populates="grant", order_by="FundingSource.id")
    budget_lines: Mapped[list["GrantBudgetLine"]] = relationship(
        back_populates="grant", order_by="(GrantBudgetLine.position, GrantBudgetLine.id)", cascade="all, delete-orphan")
    tranches: Mapped[list["Tranche"]] = relationship(
        back_populates="grant", order_by="(Tranche.position, Tranche.id)", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("application_id IS NOT NULL OR need_offer_id IS NOT NULL", name="has_project"),
        sa.CheckConstraint("self_funding >= 0", name="self_funding_not_negative"),
    )

    @property
    def audit_committee_id(self) -> int | None:
        return self.committee_id

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class FundingSource(db.Model):
    """One funder's share of a grant (资金来源). Its amount is the commitment when the grant was
    drafted; what it has paid and what a termination released are sums of other rows."""

    __tablename__ = "grant_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SourceKind] = mapped_column(sa.Enum(SourceKind, native_enum=False, length=20))
    funder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)  # None: the committee
    label: Mapped[str] = mapped_column(sa.String(200), default="")  # a funder without an organization
    amount: Mapped[Decimal] = mapped_column(Money())
    # The rows it was drawn from, kept so that the commitment can be traced to the 分.
    pledge_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A source replaced before signing (sources re-drawn) is kept, marked, and no longer counts.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    grant: Mapped[Grant] = relationship(back_populates="sources")
    funder: Mapped[Organization | None] = relationship()

    __table_args__ = (sa.CheckConstraint("amount > 0", name="positive_amount"),)

    @property
    def audit_committee_id(self) -> int | None:
        return self.grant.committee_id


class GrantBudgetLine(db.Model):
    """The agreed budget by category (from the application; edited before signing)."""

    __tablename__ = "grant_budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[Decimal] = mapped_column(Money())
    is_admin: Mapped[bool] = mapped_column(default=False)  # 管理费: counted against the call's cap

    grant: Mapped[Grant] = relationship(back_populates="budget_lines")

    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
                      sa.UniqueConstraint("grant_id", "category", name="uq_grant_budget_lines_category"))


class TrancheGate(enum.Enum):
    ON_SIGNING = "on_signing"  # payable once the agreement is signed
    MIDTERM_PASSED = "midterm_passed"  # once a mid-term evaluation passed
    FINAL_PASSED = "final_passed"  # once the final evaluation passed
    NONE = "none"

    @property
    def label(self) -> str:
        return {"on_signing": N_("签约后拨付"), "midterm_passed": N_("中期评估通过后拨付"),
                "final_passed": N_("结项评估通过后拨付"), "none": N_("无前置条件")}[self.value]


class TrancheStatus(StateEnum):
    PLANNED = "planned"
    PAID = "paid"  # paid in full
    STOPPED = "stopped"  # a failed evaluation or a termination: never paid (further)


TrancheStatus.define(
    labels={TrancheStatus.PLANNED: N_("待拨付"), TrancheStatus.PAID: N_("已拨付"), TrancheStatus.STOPPED: N_("已停拨")},
    transitions={
        TrancheStatus.PLANNED: {TrancheStatus.PAID, TrancheStatus.STOPPED},
        TrancheStatus.PAID: {TrancheStatus.PLANNED},  # a payment of it reversed
    },
)

tranche_sources = sa.Table(
    "tranche_sources",
    db.metadata,
    sa.Column("tranche_id", sa.ForeignKey("tranches.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("source_id", sa.ForeignKey("grant_sources.id", ondelete="CASCADE"), primary_key=True),
)


class Tranche(db.Model):
    """A scheduled part of a grant (首期 / 中期 / 尾款), released on its gate."""

    __tablename__ = "tranches"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(40))
    amount: Mapped[Decimal] = mapped_column(Money())
    share: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))  # percent, when set by share
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    gate: Mapped[TrancheGate] = mapped_column(sa.Enum(TrancheGate, native_enum=False, length=20),
                                              default=TrancheGate.ON_SIGNING)
    status: Mapped[TrancheStatus] = mapped_column(
        sa.Enum(TrancheStatus, native_enum=False, length=20), default=TrancheStatus.PLANNED)
    stop_reason: Mapped[str] = mapped_column(sa.Text, default="")  # a failed evaluation, a termination

    grant: Mapped[Grant] = relationship(back_populates="tranches")
    sources: Mapped[list[FundingSource]] = relationship(secondary=tranche_sources, order_by=FundingSource.id)

    __table_args__ = (sa.CheckConstraint("amount > 0", name="positive_amount"),)

    @property
    def audit_committee_id(self) -> int | None:
        return self.grant.committee_id


class DisbursementStatus(StateEnum):
    PREPARED = "prepared"  # by a committee member (the maker)
    CHANGES_REQUESTED = "changes_requested"  # sent back by the checker; the maker prepares a new row
    DECLINED = "declined"
    APPROVED = "approved"  # by a different member (the checker)
    PAID = "paid"
    FAILED = "failed"  # the bank refused it; may be paid on a retry, or declined
    REPLACED = "replaced"  # superseded by the corrected row the maker prepared


DisbursementStatus.define(
    labels={
        DisbursementStatus.PREPARED: N_("待审核"),
        DisbursementStatus.CHANGES_REQUESTED: N_("退回修改"),
        DisbursementStatus.DECLINED: N_("已拒绝"),
        DisbursementStatus.APPROVED: N_("已批准，待付款"),
        DisbursementStatus.PAID: N_("已付款"),
        DisbursementStatus.FAILED: N_("付款失败"),
        DisbursementStatus.REPLACED: N_("已重新提交"),
    },
    transitions={
        DisbursementStatus.PREPARED: {DisbursementStatus.APPROVED, DisbursementStatus.CHANGES_REQUESTED,
                                      DisbursementStatus.DECLINED},
        DisbursementStatus.CHANGES_REQUESTED: {DisbursementStatus.REPLACED, DisbursementStatus.DECLINED},
        # Declined once approved only when its grant is terminated before it was paid.
        DisbursementStatus.APPROVED: {DisbursementStatus.PAID, DisbursementStatus.FAILED, DisbursementStatus.DECLINED},
        DisbursementStatus.FAILED: {DisbursementStatus.PAID, DisbursementStatus.DECLINED},
    },
)

# What a disbursement holds of its tranche, grant and source: approved and not (yet) declined.
COMMITTED_STATUSES = (DisbursementStatus.APPROVED, DisbursementStatus.PAID, DisbursementStatus.FAILED)


class PaymentMethod(enum.Enum):
    BANK_TRANSFER = "bank_transfer"
    CHEQUE = "cheque"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"bank_transfer": N_("银行转账"), "cheque": N_("支票"), "other": N_("其他")}[self.value]


class Disbursement(db.Model):
    """A payment of (part of) a tranche from one source, prepared by one committee member and
    approved by another (maker-checker). Never edited: a correction is a new row (replaces_id), a
    mistake after payment a DisbursementReversal."""

    __tablename__ = "disbursements"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    tranche_id: Mapped[int] = mapped_column(sa.ForeignKey("tranches.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_sources.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    method: Mapped[PaymentMethod] = mapped_column(sa.Enum(PaymentMethod, native_enum=False, length=20),
                                                  default=PaymentMethod.BANK_TRANSFER)
    pay_on: Mapped[date] = mapped_column(sa.Date)
    payee_name: Mapped[str] = mapped_column(sa.String(200), default="")
    payee_bank: Mapped[str] = mapped_column(sa.String(200), default="")
    payee_account: Mapped[str] = mapped_column(sa.String(40), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[DisbursementStatus] = mapped_column(
        sa.Enum(DisbursementStatus, native_enum=False, length=20), default=DisbursementStatus.PREPARED, index=True)
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("disbursements.id"), unique=True)
    prepared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # the checker
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")  # why sent back or declined
    # Approved although the tranche's gate was not met: the approver's written reason.
    gate_override_reason: Mapped[str] = mapped_column(sa.Text, default="")
    bank_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    failure_reason: Mapped[str] = mapped_column(sa.Text, default="")

    grant: Mapped[Grant] = relationship()
    tranche: Mapped[Tranche] = relationship()
    source: Mapped[FundingSource] = relationship()
    prepared_by: Mapped[User] = relationship(foreign_keys=[prepared_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    reversal: Mapped["DisbursementReversal | None"] = relationship(back_populates="disbursement", uselist=False)

    __table_args__ = (sa.CheckConstraint("amount > 0", name="positive_amount"),)

    @property
    def audit_committee_id(self) -> int | None:
        return self.grant.committee_id


class DisbursementReversal(db.Model):
    """The opposite entry of a paid disbursement made by mistake (冲正): the disbursement stays as it
    was; this row takes its amount back, with who, when and why."""

    __tablename__ = "disbursement_reversals"

    id: Mapped[int] = mapped_column(primary_key=True)
    disbursement_id: Mapped[int] = mapped_column(sa.ForeignKey("disbursements.id", ondelete="CASCADE"), unique=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(sa.Text)
    reversed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    disbursement: Mapped[Disbursement] = relationship(back_populates="reversal")

    __table_args__ = (sa.CheckConstraint("amount > 0", name="positive_amount"),)

    @property
    def audit_committee_id(self) -> int | None:
        return self.disbursement.grant.committee_id


class SourceRelease(db.Model):
    """What a terminated grant leaves undisbursed of one source, returned to it (its remaining
    commitment released)."""

    __tablename__ = "grant_source_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_sources.id", ondelete="CASCADE"), unique=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    source: Mapped[FundingSource] = relationship()

    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)


from . import report_models  # noqa: E402,F401 - the rest of the domain's tables
