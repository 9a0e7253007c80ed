"""The report schedule and the NGO's reports: scheduling (recurring, once, on a milestone), filing with
activities and photos, all-or-nothing saving, submission, and what is overdue."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.applications.models import Activity
from portal.audit import AuditEvent
from portal.errors import DomainError, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.grants import reports
from portal.grants.report_models import Expense, GrantReport, ReportFile, ReportKind, ReportStatus, ScheduleKind

from ..factories import make_member
from .helpers import signed_grant

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.4\n% receipt\n"
DAY = (date.today() - timedelta(days=5)).isoformat()  # activities and expenses are in the past


def _actions(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def _report(grant, kind=ReportKind.MIDTERM) -> GrantReport:
    return next(r for r in grant.reports if r.kind == kind)


def test_signing_schedules_a_midterm_and_a_final_report(app):
    _world, grant = signed_grant()
    assert [(r.kind, r.due_on, r.status) for r in grant.reports] == [
        (ReportKind.MIDTERM, date(2027, 7, 31), ReportStatus.SCHEDULED),
        (ReportKind.FINAL, date(2027, 12, 31), ReportStatus.SCHEDULED)]


def test_a_recurring_schedule_makes_one_report_per_date_between_start_and_end(app):
    world, grant = signed_grant()
    made = reports.schedule_reports(world.maker, grant, {"kind": "progress", "schedule": "recurring", "every_months": "3"})
    assert [r.due_on for r in made] == [date(2027, 6, 1), date(2027, 9, 1), date(2027, 12, 1)]
    assert [r.title for r in made] == ["进度报告（1）", "进度报告（2）", "进度报告（3）"]
    assert all(r.schedule == ScheduleKind.RECURRING and r.kind == ReportKind.PROGRESS for r in made)
    assert _actions("grant.reports_scheduled")[0].data["report_ids"] == [r.id for r in made]
    within = reports.schedule_reports(world.maker, grant, {"kind": "progress", "schedule": "recurring", "every_months": "2",
                                                           "due_on": "2027-04-15", "until": "2027-08-20"})
    assert [r.due_on for r in within] == [date(2027, 6, 15), date(2027, 8, 15)]
    with pytest.raises(ValidationFailed) as refused:
        reports.schedule_reports(world.maker, grant, {"kind": "progress", "schedule": "recurring", "every_months": "0"})
    assert "every_months" in refused.value.errors


def test_one_off_and_milestone_reports_and_the_applications_milestones(app):
    world, grant = signed_grant()
    db.session.add(Activity(application=grant.application, position=1, name="助餐点建成", starts_on=date(2027, 3, 1),
                            ends_on=date(2027, 5, 20), milestone="第一个助餐点开餐"))
    db.session.commit()
    assert ("第一个助餐点开餐", date(2027, 5, 20)) in reports.milestone_options(grant)
    [tied] = reports.schedule_reports(world.maker, grant, {"kind": "progress", "schedule": "milestone", "due_on": "2027-05-20",
                                                            "milestone": "第一个助餐点开餐"})
    assert (tied.schedule, tied.milestone, tied.title) == (ScheduleKind.MILESTONE, "第一个助餐点开餐", "进度报告")
    with pytest.raises(ValidationFailed) as refused:
        reports.schedule_reports(world.maker, grant, {"kind": "progress", "schedule": "milestone", "due_on": "2027-05-20"})
    assert "milestone" in refused.value.errors
    [once] = reports.schedule_reports(world.maker, grant, {"kind": "progress", "schedule": "one_off", "due_on": "2027-10-01",
                                                            "title": "国庆活动报告"})
    assert (once.title, once.due_on) == ("国庆活动报告", date(2027, 10, 1))
    with pytest.raises(ValidationFailed):
        reports.schedule_reports(world.maker, grant, {"kind": "yearly", "schedule": "one_off", "due_on": "2027-13-01"})


def test_only_the_committee_schedules_edits_and_removes(app):
    world, grant = signed_grant()
    report = _report(grant)
    for someone in (world.ngo_user, world.sponsors[0].user, make_member()):
        with pytest.raises(PermissionDenied):
            reports.schedule_reports(someone, grant, {"kind": "progress", "schedule": "one_off", "due_on": "2027-10-01"})
        with pytest.raises(PermissionDenied):
            reports.remove_scheduled(someone, report)
    reports.update_schedule(world.maker, report, {"kind": "midterm", "title": "中期报告（调整）", "due_on": "2027-08-15",
                                                  "milestone": "执行期过半"})
    assert (report.title, report.due_on) == ("中期报告（调整）", date(2027, 8, 15))
    assert _actions("grant.report_rescheduled")[0].data["before"]["due_on"] == "2027-07-31"
    reports.save_report(world.ngo_user, report, {"narrative": "已开始"})
    with pytest.raises(DomainError):
        reports.remove_scheduled(world.maker, report)  # the NGO started writing it
    final = _report(grant, ReportKind.FINAL)
    reports.remove_scheduled(world.maker, final)
    assert db.session.get(GrantReport, final.id) is None and _actions("grant.report_removed")


def _activity(**extra):
    return {"held_on": DAY, "place": "社区活动室", "participants": "25", "description": "老人健康讲座", **extra}


def test_the_ngo_saves_a_draft_with_activities_and_photos_then_submits(app):
    world, grant = signed_grant()
    report = _report(grant)
    with pytest.raises(PermissionDenied):
        reports.save_report(world.maker, report, {"narrative": "x"})
    with pytest.raises(PermissionDenied):
        reports.save_report(world.sponsors[0].user, report, {"narrative": "x"})
    reports.save_report(world.ngo_user, report, {"narrative": "已开展 12 次活动。", "activities": [
        _activity(photos=[("讲座.png", PNG), ("合影.jpg", JPEG)])]})
    [activity] = report.activities
    assert (activity.place, activity.participants) == ("社区活动室", 25)
    assert sorted((f.filename, f.content_type, f.activity_id) for f in report.files) == [
        ("合影.jpg", "jpeg", activity.id), ("讲座.png", "png", activity.id)]
    assert report.status == ReportStatus.SCHEDULED
    # Saving again keeps the activity (by its id), changes it, and adds another.
    reports.save_report(world.ngo_user, report, {"narrative": "已开展 13 次活动。", "beneficiaries_reached": "80",
                                                 "activities": [_activity(id=str(activity.id), participants="30"),
                                                                _activity(held_on=(date.today() - timedelta(days=1)).isoformat(), place="老年食堂")]})
    assert [(a.id == activity.id, a.participants) for a in report.activities] == [(True, 30), (False, 25)]
    assert len(report.files) == 2
    reports.submit_report(world.ngo_user, report)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by_id == world.ngo_user.id
    assert _actions("grant.report_submitted")[0].data["kind"] == "midterm"
    with pytest.raises(DomainError):
        reports.save_report(world.ngo_user, report, {"narrative": "改一下"})


def test_a_photo_must_be_a_jpeg_or_png_and_a_refused_save_stores_nothing(app):
    world, grant = signed_grant()
    report = _report(grant)
    future = (date.today() + timedelta(days=3)).isoformat()
    with pytest.raises(ValidationFailed) as refused:
        reports.save_report(world.ngo_user, report, {"narrative": "进展", "activities": [
            _activity(photos=[("扫描.pdf", PDF)]), _activity(held_on=future, participants="-1")],
            "expenses": [{"category": "活动费", "item": "场地", "amount": "100", "spent_on": DAY,
                          "receipt": ("发票.pdf", PDF)}]})
    assert set(refused.value.errors) == {"activities-0-photos", "activities-1-held_on", "activities-1-participants"}
    db.session.rollback()
    assert report.narrative == "" and not report.activities
    assert db.session.scalar(sa.select(sa.func.count(Expense.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ReportFile.id))) == 0


def test_submitting_needs_a_narrative_and_the_beneficiaries(app):
    world, grant = signed_grant()
    report = _report(grant)
    with pytest.raises(ValidationFailed) as refused:
        reports.save_report(world.ngo_user, report, {"narrative": "  "}, submit=True)
    assert set(refused.value.errors) == {"narrative", "beneficiaries_reached"}
    db.session.rollback()
    assert report.status == ReportStatus.SCHEDULED
    reports.save_report(world.ngo_user, report, {"narrative": "进展", "beneficiaries_reached": "0"}, submit=True)
    assert report.status == ReportStatus.SUBMITTED


def test_a_report_unfiled_after_its_date_is_overdue(app):
    world, grant = signed_grant()
    midterm, final = _report(grant), _report(grant, ReportKind.FINAL)
    after_midterm = date(2027, 8, 1)
    assert midterm.is_overdue(after_midterm) and not final.is_overdue(after_midterm)
    assert reports.overdue_reports([grant.id], today=after_midterm) == [midterm]
    assert reports.overdue_reports(sa.select(GrantReport.grant_id), today=date(2028, 1, 1)) == [midterm, final]
    assert reports.overdue_reports([grant.id + 1], today=after_midterm) == []
    assert reports.overdue_reports([grant.id], today=date(2027, 7, 31)) == []  # due today is not late
    reports.save_report(world.ngo_user, midterm, {"narrative": "进展", "beneficiaries_reached": "10"}, submit=True)
    assert not midterm.is_overdue(after_midterm)
    assert reports.overdue_reports(today=after_midterm) == []
