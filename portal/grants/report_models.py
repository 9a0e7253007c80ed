"""What follows a signed grant: scheduled reports (中期 / 结项 / 进度) with their activities, photos and
expenses (receipts), the evaluations of a report, the mentors (孵化导师) and their check-ins.

Expenses are money rows and append-only like the rest: a wrong expense is taken back by an opposite
row (reverses_id), never edited or deleted.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..i18n import N_
from ..states import StateEnum
from ..types import Money, UTCDateTime, utcnow


class ReportKind(enum.Enum):
    PROGRESS = "progress"  # 进度报告 (recurring)
    MIDTERM = "midterm"  # 中期报告: its evaluation opens the mid-term gate
    FINAL = "final"  # 结项报告: its evaluation opens the final gate and completes the grant

    @property
    def label(self) -> str:
        return {"progress": N_("进度报告"), "midterm": N_("中期报告"), "final": N_("结项报告")}[self.value]


class ScheduleKind(enum.Enum):
    """How a report's due date was set: one of a recurring series, one date, or tied to a milestone."""

    RECURRING = "recurring"
    ONE_OFF = "one_off"
    MILESTONE = "milestone"

    @property
    def label(self) -> str:
        return {"recurring": N_("定期"), "one_off": N_("单次"), "milestone": N_("里程碑")}[self.value]


class ReportStatus(StateEnum):
    SCHEDULED = "scheduled"  # due; overdue once its date passed (derived, never stored)
    SUBMITTED = "submitted"
    EVALUATED = "evaluated"


ReportStatus.define(
    labels={ReportStatus.SCHEDULED: N_("待提交"), ReportStatus.SUBMITTED: N_("已提交，待评估"),
            ReportStatus.EVALUATED: N_("已评估")},
    transitions={
        ReportStatus.SCHEDULED: {ReportStatus.SUBMITTED},
        ReportStatus.SUBMITTED: {ReportStatus.EVALUATED, ReportStatus.SCHEDULED},  # returned to the NGO
        ReportStatus.EVALUATED: {ReportStatus.SUBMITTED},  # rectified (整改) and filed again
    },
)


class GrantReport(db.Model):
    """A report the NGO owes on a date: the schedule's entry, then the report filed."""

    __tablename__ = "grant_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReportKind] = mapped_column(sa.Enum(ReportKind, native_enum=False, length=20))
    title: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date] = mapped_column(sa.Date, index=True)
    schedule: Mapped[ScheduleKind] = mapped_column(sa.Enum(ScheduleKind, native_enum=False, length=20),
                                                   default=ScheduleKind.ONE_OFF)
    milestone: Mapped[str] = mapped_column(sa.String(200), default="")  # what the date is tied to
    status: Mapped[ReportStatus] = mapped_column(
        sa.Enum(ReportStatus, native_enum=False, length=20), default=ReportStatus.SCHEDULED, index=True)
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    beneficiaries_reached: Mapped[int | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Reminders already sent (due in 7 days, overdue), so that cron runs send each once.
    reminded_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    grant = relationship("Grant", backref=sa.orm.backref("reports", order_by="(GrantReport.due_on, GrantReport.id)"))
    activities: Mapped[list["ReportActivity"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="(ReportActivity.held_on, ReportActivity.id)")
    files: Mapped[list["ReportFile"]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                     order_by="ReportFile.id")

    @property
    def audit_committee_id(self) -> int | None:
        return self.grant.committee_id

    def is_overdue(self, today: date) -> bool:
        return self.status == ReportStatus.SCHEDULED and self.due_on < today


class ReportActivity(db.Model):
    """An activity a report tells of: when, where, how many took part."""

    __tablename__ = "grant_report_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_reports.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    participants: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(sa.Text, default="")

    report: Mapped[GrantReport] = relationship(back_populates="activities")


class ReportFile(db.Model):
    """A photo of an activity (or another file) attached to a report, in the storage interface."""

    __tablename__ = "grant_report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_reports.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grant_report_activities.id", ondelete="SET NULL"))
    storage_key: Mapped[str] = mapped_column(sa.String(200))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[GrantReport] = relationship(back_populates="files")


class Expense(db.Model):
    """Money spent from a grant on a budget category, with its receipt (票据). Append-only: a wrong
    expense is cancelled by a new row of the opposite amount that reverses it."""

    __tablename__ = "grant_expenses"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grant_reports.id", ondelete="SET NULL"), index=True)
    category: Mapped[str] = mapped_column(sa.String(20))
    item: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[Decimal] = mapped_column(Money())  # negative only on a reversing row
    spent_on: Mapped[date] = mapped_column(sa.Date)
    receipt_key: Mapped[str | None] = mapped_column(sa.String(200))
    receipt_name: Mapped[str] = mapped_column(sa.String(200), default="")
    receipt_type: Mapped[str] = mapped_column(sa.String(100), default="")
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grant_expenses.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why reversed
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    grant = relationship("Grant")
    report: Mapped[GrantReport | None] = relationship()

    __table_args__ = (sa.CheckConstraint("amount <> 0", name="amount_not_zero"),
                      sa.Index("ix_grant_expenses_grant_category", "grant_id", "category", "amount"))

    @property
    def audit_committee_id(self) -> int | None:
        return self.grant.committee_id


class EvaluationConclusion(enum.Enum):
    PASSED = "passed"  # opens the next tranche's gate
    RECTIFY = "rectify"  # 整改 by a date, then evaluated again
    FAILED = "failed"  # later tranches stopped

    @property
    def label(self) -> str:
        return {"passed": N_("通过"), "rectify": N_("限期整改"), "failed": N_("不通过")}[self.value]


class Evaluation(db.Model):
    """The committee's (or an invited evaluator's) assessment of a report: a score out of 100 over
    the grant's weighted dimensions, against its pass mark, and a conclusion."""

    __tablename__ = "grant_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_reports.id", ondelete="CASCADE"), index=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    evaluator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    total: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    pass_mark: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    conclusion: Mapped[EvaluationConclusion] = mapped_column(
        sa.Enum(EvaluationConclusion, native_enum=False, length=20))
    rectify_by: Mapped[date | None] = mapped_column(sa.Date)
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    # The rectification deadline's reminder, sent once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[GrantReport] = relationship(backref=sa.orm.backref("evaluations", order_by="Evaluation.id"))
    grant = relationship("Grant")
    evaluator: Mapped[User] = relationship()
    scores: Mapped[list["EvaluationScore"]] = relationship(back_populates="evaluation", cascade="all, delete-orphan",
                                                           order_by="EvaluationScore.id")

    __table_args__ = (sa.CheckConstraint("total >= 0 AND total <= 100", name="total_in_range"),)

    @property
    def audit_committee_id(self) -> int | None:
        return self.grant.committee_id


class EvaluationScore(db.Model):
    """One dimension's score (0–100) of an evaluation; the total weighs them."""

    __tablename__ = "grant_evaluation_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_evaluations.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(60))
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    score: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))

    evaluation: Mapped[Evaluation] = relationship(back_populates="scores")

    __table_args__ = (sa.CheckConstraint("score >= 0 AND score <= 100", name="score_in_range"),)


class GrantMentor(db.Model):
    """A mentor (孵化导师) assigned to a funded project. Invited by email like a judge: user_id is
    filled once that email has an account."""

    __tablename__ = "grant_mentors"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    grant = relationship("Grant", backref=sa.orm.backref("mentors", order_by="GrantMentor.id"))
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    __table_args__ = (sa.UniqueConstraint("grant_id", "email", name="uq_grant_mentors_grant_email"),)

    @property
    def audit_committee_id(self) -> int | None:
        return self.grant.committee_id


class CheckInForm(enum.Enum):
    VISIT = "visit"
    CALL = "call"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {"visit": N_("实地走访"), "call": N_("电话"), "online": N_("线上")}[self.value]


class CheckIn(db.Model):
    """A mentor's contact with a project: when, how, what was found, what comes next."""

    __tablename__ = "grant_check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("grant_mentors.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(sa.Date)
    form: Mapped[CheckInForm] = mapped_column(sa.Enum(CheckInForm, native_enum=False, length=20))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    next_steps: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    grant = relationship("Grant")
    mentor: Mapped[GrantMentor] = relationship()

    @property
    def audit_committee_id(self) -> int | None:
        return self.grant.committee_id
