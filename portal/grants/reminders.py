"""Reminders for cron (`flask grants-remind`): a report due within 7 days (the NGO and the grant's
mentors), a report overdue (the NGO, the mentors and the committee), a rectification deadline (整改:
the latest evaluation of a report concluded "rectify" and its date is within 3 days or passed, and
the report has not been filed again — the NGO and the mentors).

Each reminder is sent once: the row is claimed by setting its reminded_* column with an UPDATE …
WHERE it is still empty, so that two cron runs at the same moment (two app servers) never both send
it. One commit at the end; the mail leaves after it (portal.mail), with absolute links."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..accounts.notifications import notify_users
from ..audit import record
from ..extensions import db
from ..links import absolute_url
from ..types import local_today, utcnow
from .models import Grant, GrantStatus
from .report_models import Evaluation, EvaluationConclusion, GrantReport, ReportStatus

DUE_WITHIN = timedelta(days=7)
RECTIFY_WITHIN = timedelta(days=3)
# Grants that still owe reports: not drafted, not completed, not terminated.
REMINDED_STATUSES = (GrantStatus.SIGNED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED)


@dataclass
class Sent:
    due: int = 0
    overdue: int = 0
    rectify: int = 0

    def __str__(self) -> str:
        return (f"grants-remind: {self.due} report(s) due within 7 days, {self.overdue} overdue, "
                f"{self.rectify} rectification deadline(s) — reminders sent")


def _members(org) -> list[User]:
    return [membership.user for membership in org.memberships]


def mentor_users(grant: Grant) -> list[User]:
    """The grant's mentors who have an account and are still assigned."""
    return [m.user for m in grant.mentors if m.user is not None and m.removed_at is None]


def _claim(model, row_id: int, column: str) -> bool:
    """Set the row's reminder column if it is still empty; True when this run got it."""
    column_attr = getattr(model, column)
    result = db.session.execute(sa.update(model).where(model.id == row_id, column_attr.is_(None))
                                .values({column: utcnow()}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _tell(grant: Grant, users: list[User], title: str, body: str) -> None:
    notify_users(users, title, body, absolute_url("grants.grant_page", grant_id=grant.id))


def _reports(*where) -> list[GrantReport]:
    return list(db.session.scalars(
        sa.select(GrantReport).join(Grant, Grant.id == GrantReport.grant_id)
        .where(Grant.status.in_(REMINDED_STATUSES), GrantReport.status == ReportStatus.SCHEDULED, *where)
        .order_by(GrantReport.due_on, GrantReport.id)))


def remind_due(today: date) -> int:
    """Reports due from today to 7 days on, not yet reminded."""
    sent = 0
    for report in _reports(GrantReport.due_on >= today, GrantReport.due_on <= today + DUE_WITHIN,
                           GrantReport.reminded_due_at.is_(None)):
        if not _claim(GrantReport, report.id, "reminded_due_at"):
            continue
        grant, days = report.grant, (report.due_on - today).days
        when = "今天" if days == 0 else f"{days} 天后"
        _tell(grant, _members(grant.recipient) + mentor_users(grant), f"报告提醒：“{grant.title}”{report.title}{when}到期",
              f"资助协议 {grant.reference}“{grant.title}”的{report.title}应于 {report.due_on:%Y-%m-%d} 前提交"
              f"（{when}到期），请及时在平台上填报。")
        record(None, "grant_report.reminded_due", report, f"提醒提交{report.title}：{grant.title}",
               {"due_on": report.due_on, "days": days})
        sent += 1
    return sent


def remind_overdue(today: date) -> int:
    """Reports past their due date and not filed, not yet reminded as overdue."""
    sent = 0
    for report in _reports(GrantReport.due_on < today, GrantReport.reminded_overdue_at.is_(None)):
        if not _claim(GrantReport, report.id, "reminded_overdue_at"):
            continue
        grant, days = report.grant, (today - report.due_on).days
        _tell(grant, _members(grant.recipient) + mentor_users(grant) + _members(grant.committee),
              f"报告逾期：“{grant.title}”{report.title}已逾期 {days} 天",
              f"资助协议 {grant.reference}“{grant.title}”（{grant.recipient.name}）的{report.title}应于 "
              f"{report.due_on:%Y-%m-%d} 前提交，至今未提交，已逾期 {days} 天。请尽快填报；逾期报告会在各方看板上标出。")
        record(None, "grant_report.reminded_overdue", report, f"{report.title}逾期提醒：{grant.title}",
               {"due_on": report.due_on, "days_overdue": days})
        sent += 1
    return sent


def remind_rectify(today: date) -> int:
    """A report's latest evaluation asks for rectification by a date within 3 days or passed, and the
    report has not been filed again (it is still as evaluated)."""
    later = aliased(Evaluation)
    superseded = sa.exists().where(later.report_id == Evaluation.report_id, later.id > Evaluation.id)
    evaluations = list(db.session.scalars(
        sa.select(Evaluation).join(GrantReport, GrantReport.id == Evaluation.report_id)
        .join(Grant, Grant.id == Evaluation.grant_id)
        .where(Grant.status.in_(REMINDED_STATUSES), Evaluation.conclusion == EvaluationConclusion.RECTIFY,
               Evaluation.rectify_by.is_not(None), Evaluation.rectify_by <= today + RECTIFY_WITHIN,
               Evaluation.reminded_at.is_(None), ~superseded,
               GrantReport.status == ReportStatus.EVALUATED)
        .order_by(Evaluation.rectify_by, Evaluation.id)))
    sent = 0
    for evaluation in evaluations:
        if not _claim(Evaluation, evaluation.id, "reminded_at"):
            continue
        grant, report, days = evaluation.grant, evaluation.report, (evaluation.rectify_by - today).days
        when = f"已过期 {-days} 天" if days < 0 else ("今天到期" if days == 0 else f"还有 {days} 天")
        _tell(grant, _members(grant.recipient) + mentor_users(grant), f"整改提醒：“{grant.title}”{report.title}{when}",
              f"资助协议 {grant.reference}“{grant.title}”的{report.title}评估结论为限期整改，整改期限 "
              f"{evaluation.rectify_by:%Y-%m-%d}（{when}）。请按评估意见整改后重新提交报告。"
              + (f"\n\n评估意见：{evaluation.comments}" if evaluation.comments else ""))
        record(None, "grant_evaluation.reminded_rectify", evaluation, f"整改期限提醒：{grant.title} {report.title}",
               {"rectify_by": evaluation.rectify_by, "days": days})
        sent += 1
    return sent


def send_reminders(today: date | None = None) -> Sent:
    """Every reminder due today (Asia/Shanghai), each sent once; one commit."""
    today = today or local_today()
    sent = Sent(due=remind_due(today), overdue=remind_overdue(today), rectify=remind_rectify(today))
    db.session.commit()
    return sent


@click.command("grants-remind")
@click.option("--today", default=None, help="The day to remind for (YYYY-MM-DD, Asia/Shanghai); default today.")
@with_appcontext
def grants_remind_command(today: str | None) -> None:
    """Remind NGOs, mentors and the committee of reports due, overdue and rectification deadlines (run daily from cron)."""
    day = None
    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError as exc:
            raise click.BadParameter("YYYY-MM-DD", param_hint="--today") from exc
    click.echo(str(send_reminders(day)))
