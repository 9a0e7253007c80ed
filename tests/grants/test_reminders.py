"""`flask grants-remind`: a report due within 7 days (the NGO and the mentors), overdue (and the
committee), a rectification deadline (the NGO and the mentors) — each sent once, by mail after commit
with an absolute link to the grant, and as an in-app notification; nothing for a filed report."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.accounts.models import Notification
from portal.audit import AuditEvent
from portal.extensions import db
from portal.grants.models import GrantStatus
from portal.grants.reminders import send_reminders
from portal.grants.report_models import (
    Evaluation,
    EvaluationConclusion,
    GrantMentor,
    GrantReport,
    ReportKind,
    ReportStatus,
)
from portal.types import utcnow

from ..factories import make_user
from .helpers import signed_grant

D = Decimal


@pytest.fixture
def setting(app):
    world, grant = signed_grant()
    mentor = make_user(email="mentor@example.cn", name="孵化导师")
    db.session.add(GrantMentor(grant=grant, user_id=mentor.id, email=mentor.email, name=mentor.name,
                               invited_by_id=world.maker.id))
    # A mentor invited by mail who has no account yet, and one removed: neither is told.
    db.session.add(GrantMentor(grant=grant, email="invited@example.cn", name="未注册导师", invited_by_id=world.maker.id))
    removed = make_user(email="removed@example.cn", name="已移除导师")
    db.session.add(GrantMentor(grant=grant, user_id=removed.id, email=removed.email, invited_by_id=world.maker.id,
                               removed_at=utcnow()))
    db.session.commit()
    world.mentor = mentor
    midterm = next(r for r in grant.reports if r.kind == ReportKind.MIDTERM)
    return world, grant, midterm


def _mail(outbox) -> dict[str, list[dict]]:
    by_address: dict[str, list[dict]] = {}
    for message in outbox:
        for address in message["to"]:
            by_address.setdefault(address, []).append(message)
    return by_address


def _grant_link(app, grant) -> str:
    return f"{app.config['PORTAL_URL']}/grants/{grant.id}"


def test_due_in_seven_days_tells_the_ngo_and_the_mentors_once(app, setting, outbox):
    world, grant, midterm = setting
    today = midterm.due_on - timedelta(days=7)
    assert send_reminders(today - timedelta(days=1)).due == 0  # eight days before: not yet
    assert outbox == []
    sent = send_reminders(today)
    assert (sent.due, sent.overdue, sent.rectify) == (1, 0, 0)
    mail = _mail(outbox)
    assert set(mail) == {world.ngo_user.email, world.mentor.email}
    for (message,) in mail.values():
        assert "中期报告" in message["subject"] and "7 天后" in message["subject"]
        assert _grant_link(app, grant) in message["body"]
        assert midterm.due_on.isoformat() in message["body"]
    notes = db.session.scalars(sa.select(Notification).where(Notification.user_id == world.mentor.id)).all()
    assert [n.link for n in notes] == [_grant_link(app, grant)]
    db.session.expire_all()
    assert db.session.get(GrantReport, midterm.id).reminded_due_at is not None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "grant_report.reminded_due",
                                                         AuditEvent.entity_id == midterm.id)) is not None

    outbox.clear()
    assert send_reminders(today).due == 0
    assert send_reminders(today + timedelta(days=3)).due == 0  # still within 7 days: already told
    assert outbox == []


def test_overdue_tells_the_committee_too_once(app, setting, outbox):
    world, grant, midterm = setting
    today = midterm.due_on + timedelta(days=3)
    sent = send_reminders(today)
    assert (sent.due, sent.overdue, sent.rectify) == (0, 1, 0)
    mail = _mail(outbox)
    assert set(mail) == {world.ngo_user.email, world.mentor.email, world.maker.email, world.checker.email}
    assert all(len(messages) == 1 for messages in mail.values())
    message = mail[world.maker.email][0]
    assert "逾期 3 天" in message["subject"] and _grant_link(app, grant) in message["body"]
    assert "invited@example.cn" not in mail and "removed@example.cn" not in mail
    outbox.clear()
    assert send_reminders(today).overdue == 0
    assert send_reminders(today + timedelta(days=10)).overdue == 0
    assert outbox == []


def test_a_filed_report_is_not_reminded(app, setting, outbox):
    world, grant, midterm = setting
    midterm.status, midterm.submitted_at, midterm.submitted_by_id = ReportStatus.SUBMITTED, utcnow(), world.ngo_user.id
    db.session.commit()
    sent = send_reminders(midterm.due_on - timedelta(days=2))
    assert (sent.due, sent.overdue) == (0, 0)
    assert send_reminders(midterm.due_on + timedelta(days=5)).overdue == 0
    assert outbox == []


def test_grants_that_owe_nothing_are_not_reminded(app, setting, outbox):
    world, grant, midterm = setting
    grant.status = GrantStatus.TERMINATED
    db.session.commit()
    sent = send_reminders(midterm.due_on + timedelta(days=1))
    assert (sent.due, sent.overdue, sent.rectify) == (0, 0, 0)
    assert outbox == []


def _evaluate(world, grant, report, conclusion, rectify_by=None) -> Evaluation:
    report.status, report.submitted_at = ReportStatus.EVALUATED, utcnow()
    evaluation = Evaluation(report=report, grant=grant, evaluator_id=world.checker.id, total=D("55"), pass_mark=D("60"),
                            conclusion=conclusion, rectify_by=rectify_by, comments="财务凭证不全，请补充票据。")
    db.session.add(evaluation)
    db.session.commit()
    return evaluation


def test_rectification_deadline_within_three_days_once(app, setting, outbox):
    world, grant, midterm = setting
    today = midterm.due_on + timedelta(days=20)
    evaluation = _evaluate(world, grant, midterm, EvaluationConclusion.RECTIFY, today + timedelta(days=5))
    assert send_reminders(today).rectify == 0  # five days left: not yet
    sent = send_reminders(today + timedelta(days=2))
    assert (sent.due, sent.overdue, sent.rectify) == (0, 0, 1)
    mail = _mail(outbox)
    assert set(mail) == {world.ngo_user.email, world.mentor.email}
    message = mail[world.ngo_user.email][0]
    assert "整改" in message["subject"] and "还有 3 天" in message["subject"]
    assert evaluation.rectify_by.isoformat() in message["body"] and "财务凭证不全" in message["body"]
    assert _grant_link(app, grant) in message["body"]
    outbox.clear()
    assert send_reminders(today + timedelta(days=8)).rectify == 0
    assert outbox == []


def test_a_passed_deadline_is_reminded_but_not_once_filed_again_or_evaluated_again(app, setting, outbox):
    world, grant, midterm = setting
    today = midterm.due_on + timedelta(days=30)
    _evaluate(world, grant, midterm, EvaluationConclusion.RECTIFY, today - timedelta(days=2))
    midterm.status = ReportStatus.SUBMITTED  # filed again after rectifying
    db.session.commit()
    assert send_reminders(today).rectify == 0
    # Evaluated again: the new evaluation passed; the old one asks for nothing any more.
    _evaluate(world, grant, midterm, EvaluationConclusion.PASSED)
    assert send_reminders(today).rectify == 0
    assert outbox == []

    final = next(r for r in grant.reports if r.kind == ReportKind.FINAL)
    _evaluate(world, grant, final, EvaluationConclusion.RECTIFY, today - timedelta(days=1))
    sent = send_reminders(today)
    assert sent.rectify == 1 and "已过期 1 天" in outbox[0]["subject"]


def test_the_cron_command(app, setting, outbox):
    world, grant, midterm = setting
    runner = app.test_cli_runner()
    day = (midterm.due_on + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["grants-remind", "--today", day])
    assert result.exit_code == 0, result.output
    assert "0 report(s) due within 7 days, 1 overdue, 0 rectification" in result.output
    assert {world.ngo_user.email, world.mentor.email, world.maker.email} <= set(_mail(outbox))
    count = len(outbox)
    again = runner.invoke(args=["grants-remind", "--today", day])
    assert again.exit_code == 0 and "0 report(s) due within 7 days, 0 overdue, 0 rectification" in again.output
    assert len(outbox) == count
    bad = runner.invoke(args=["grants-remind", "--today", "2027-13-45"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    # Without --today it reminds for today in Shanghai (the demo-like dates here are far ahead: nothing).
    assert runner.invoke(args=["grants-remind"]).exit_code == 0
