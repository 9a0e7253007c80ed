"""The report schedule of a grant and the reports the NGO files on it (中期报告 / 结项报告 / 进度报告).

The committee schedules reports: recurring (every N months between two dates, one report per
date), once on a date, or on a date tied to a milestone (e.g. one of the application's activities'
milestones). Signing adds a mid-term and a final report (services._default_reports).

The NGO fills a report — narrative, beneficiaries reached, the activities held with their photos,
the expenses with their receipts (expenses.py) — saves it as a draft and submits it. A report
evaluated "rectify" (整改) may be changed and submitted again. A report still unfiled after its due
date is overdue: derived from its date, never stored (overdue_reports() serves the dashboards).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..applications.attachments import clean_filename
from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..locks import lock_row
from ..parsing import FieldErrors, clean_text, parse_choice, parse_day, parse_integer, row_value
from ..storage import check_upload, storage
from ..types import utcnow
from . import expenses as expense_rows
from .models import Grant, GrantStatus
from .permissions import can_file_report, can_manage_grant
from .report_models import (
    EvaluationConclusion,
    Expense,
    GrantReport,
    ReportActivity,
    ReportFile,
    ReportKind,
    ReportStatus,
    ScheduleKind,
)
from .tranches import _add_months

PHOTO_TYPES = {"jpeg", "png"}
MAX_SCHEDULED = 60  # reports a recurring schedule may create at once
MAX_ACTIVITIES = 30
MAX_PHOTOS = 60  # per report
NARRATIVE_MAX = 20000
SCHEDULING_CLOSED = (GrantStatus.COMPLETED, GrantStatus.TERMINATED)
FILING_OPEN = (GrantStatus.SIGNED, GrantStatus.ACTIVE, GrantStatus.SUSPENDED)


def _require_manager(actor: User | None, grant: Grant) -> None:
    if not can_manage_grant(actor, grant):
        raise PermissionDenied(N_("只有主办方组委会成员可以安排报告。"))


def _require_filer(actor: User | None, grant: Grant) -> None:
    if not can_file_report(actor, grant):
        raise PermissionDenied(N_("只有受资助的机构可以填写报告。"))


# --- the schedule ------------------------------------------------------------------------------------

def milestone_options(grant: Grant) -> list[tuple[str, date]]:
    """The milestones of the application's activities with the date each ends on (or starts on)."""
    if grant.application is None:
        return []
    options = []
    for activity in grant.application.activities:
        day = activity.ends_on or activity.starts_on
        name = clean_text(activity.milestone) or clean_text(activity.name)
        if day is not None and name:
            options.append((name[:200], day))
    return options


def _parse_schedule(grant: Grant, data: dict) -> tuple[ReportKind, ScheduleKind, str, list[date], str]:
    errors = FieldErrors()
    kind = parse_choice(ReportKind, data.get("kind"), errors, "kind")
    schedule = parse_choice(ScheduleKind, data.get("schedule"), errors, "schedule")
    title = clean_text(data.get("title"))
    if len(title) > 180:
        errors.add("title", N_("不能超过 %(n)s 个字。", n=180))
    milestone = clean_text(data.get("milestone"))
    if len(milestone) > 200:
        errors.add("milestone", N_("不能超过 %(n)s 个字。", n=200))
    days: list[date] = []
    if schedule == ScheduleKind.RECURRING:
        months = parse_integer(data.get("every_months"), errors, "every_months", 1, 24)
        first = parse_day(row_value(data, "due_on") or grant.starts_on, errors, "due_on")
        last = parse_day(row_value(data, "until") or grant.ends_on, errors, "until")
        if months and first and last:
            if last < first:
                errors.add("until", N_("结束日期须晚于开始日期。"))
            day, step = first, 0
            while day <= last and len(days) <= MAX_SCHEDULED:
                if step:
                    days.append(day)
                step += 1
                day = _add_months(first, months * step)
            if not days:
                errors.add("every_months", N_("在这段时间内排不出报告日期。"))
            elif len(days) > MAX_SCHEDULED:
                errors.add("every_months", N_("一次最多安排 %(n)s 份报告。", n=MAX_SCHEDULED))
    elif schedule is not None:
        day = parse_day(data.get("due_on"), errors, "due_on")
        days = [day] if day else []
        if schedule == ScheduleKind.MILESTONE and not milestone:
            errors.add("milestone", N_("请填写该日期对应的里程碑。"))
    errors.raise_if_any()
    return kind, schedule, title, days, milestone


def schedule_reports(actor: User, grant: Grant, data: dict) -> list[GrantReport]:
    """Add scheduled reports: kind, schedule (recurring: every_months from due_on — the grant's start
    by default — until `until`, the grant's end by default, one report per date after the start;
    one_off / milestone: due_on, and for a milestone its name), an optional title."""
    _require_manager(actor, grant)
    if grant.status in SCHEDULING_CLOSED:
        raise DomainError(N_("协议已结束，不能再安排报告。"))
    kind, schedule, title, days, milestone = _parse_schedule(grant, data)
    base = title or kind.label
    reports = []
    for number, day in enumerate(days, start=1):
        name = f"{base}（{number}）" if len(days) > 1 else base
        report = GrantReport(grant=grant, kind=kind, title=name[:200], due_on=day, schedule=schedule,
                             milestone=milestone[:200])
        db.session.add(report)
        reports.append(report)
    db.session.flush()
    record(actor, "grant.reports_scheduled", grant, f"安排报告：{grant.title} {base} {len(reports)} 份",
           {"kind": kind.value, "schedule": schedule.value, "due_on": [r.due_on for r in reports],
            "milestone": milestone, "report_ids": [r.id for r in reports]})
    db.session.commit()
    return reports


def update_schedule(actor: User, report: GrantReport, data: dict) -> GrantReport:
    """Change a report not yet filed: its kind, title, due date and milestone."""
    grant = report.grant
    _require_manager(actor, grant)
    lock_row(report, "status")
    if report.status != ReportStatus.SCHEDULED or grant.status in SCHEDULING_CLOSED:
        raise DomainError(N_("报告已提交，不能再修改安排。"))
    errors = FieldErrors()
    kind = parse_choice(ReportKind, data.get("kind"), errors, "kind")
    title = clean_text(data.get("title"))
    if not title:
        errors.add("title", N_("请填写报告名称。"))
    elif len(title) > 200:
        errors.add("title", N_("不能超过 %(n)s 个字。", n=200))
    due_on = parse_day(data.get("due_on"), errors, "due_on")
    milestone = clean_text(data.get("milestone"))
    if len(milestone) > 200:
        errors.add("milestone", N_("不能超过 %(n)s 个字。", n=200))
    if report.schedule == ScheduleKind.MILESTONE and not milestone:
        errors.add("milestone", N_("请填写该日期对应的里程碑。"))
    errors.raise_if_any()
    before = {"kind": report.kind.value, "title": report.title, "due_on": report.due_on, "milestone": report.milestone}
    report.kind, report.title, report.due_on, report.milestone = kind, title, due_on, milestone
    record(actor, "grant.report_rescheduled", report, f"修改报告安排：{grant.title} {title}",
           {"before": before, "kind": kind.value, "title": title, "due_on": due_on, "milestone": milestone})
    db.session.commit()
    return report


def remove_scheduled(actor: User, report: GrantReport) -> None:
    """Take a report off the schedule: only one not filed, with nothing written in it yet."""
    grant = report.grant
    _require_manager(actor, grant)
    lock_row(report, "status")
    has_expenses = db.session.scalar(sa.select(Expense.id).where(Expense.report_id == report.id).limit(1))
    if report.status != ReportStatus.SCHEDULED or report.activities or report.files or has_expenses \
            or clean_text(report.narrative):
        raise DomainError(N_("机构已开始填写这份报告，不能删除。"))
    record(actor, "grant.report_removed", report, f"取消报告安排：{grant.title} {report.title}",
           {"kind": report.kind.value, "due_on": report.due_on, "title": report.title})
    db.session.delete(report)
    db.session.commit()


# --- filing --------------------------------------------------------------------------------------------

def latest_conclusion(report: GrantReport) -> EvaluationConclusion | None:
    evaluations = report.evaluations
    return evaluations[-1].conclusion if evaluations else None


def is_open_for_filing(report: GrantReport) -> bool:
    """Not yet submitted, or evaluated "rectify" and so to be changed and submitted again."""
    if report.grant.status not in FILING_OPEN:
        return False
    return report.status == ReportStatus.SCHEDULED or (
        report.status == ReportStatus.EVALUATED and latest_conclusion(report) == EvaluationConclusion.RECTIFY)


def can_edit_report(user: User | None, report: GrantReport) -> bool:
    return can_file_report(user, report.grant) and is_open_for_filing(report)


def _require_open(actor: User | None, report: GrantReport) -> None:
    _require_filer(actor, report.grant)
    if report.grant.status not in FILING_OPEN:
        raise DomainError(N_("资助协议处于“%(status)s”状态，不能再填报报告。", status=report.grant.status.label))
    if not is_open_for_filing(report):
        raise DomainError(N_("这份报告处于“%(status)s”状态，不能修改。", status=report.status.label))


def _photos(uploads, errors: FieldErrors, field: str) -> list[tuple[str, bytes, str]]:
    photos = []
    for filename, data in uploads or []:
        try:
            kind = check_upload(data, PHOTO_TYPES)
        except DomainError:
            errors.add(field, N_("照片只接受 JPEG 或 PNG 图片（按文件内容检查），每张不超过 10 MB。"))
            continue
        photos.append((clean_filename(filename), data, kind))
    return photos


def _parse_activities(report: GrantReport, rows: list[dict], errors: FieldErrors) -> list[dict]:
    """Rows of held_on, place, participants, description, and id (an activity already saved) and photos
    ([(filename, bytes)])."""
    known = {a.id: a for a in report.activities}
    parsed = []
    if len(rows) > MAX_ACTIVITIES:
        errors.add("activities", N_("最多 %(n)s 项活动。", n=MAX_ACTIVITIES))
    for i, row in enumerate(rows[:MAX_ACTIVITIES]):
        key = f"activities-{i}"
        raw_id = clean_text(row.get("id"))
        activity = known.get(int(raw_id)) if raw_id.isdigit() and len(raw_id) < 10 else None
        held_on = parse_day(row.get("held_on"), errors, f"{key}-held_on")
        if held_on and held_on > date.today():
            errors.add(f"{key}-held_on", N_("活动日期不能晚于今天。"))
        place = clean_text(row.get("place"))
        if len(place) > 200:
            errors.add(f"{key}-place", N_("不能超过 %(n)s 个字。", n=200))
        participants = parse_integer(row_value(row, "participants", "0"), errors, f"{key}-participants", 0, 1000000)
        description = clean_text(row.get("description"))
        if len(description) > 5000:
            errors.add(f"{key}-description", N_("不能超过 %(n)s 个字。", n=5000))
        parsed.append({"activity": activity, "held_on": held_on, "place": place, "participants": participants,
                       "description": description, "photos": _photos(row.get("photos"), errors, f"{key}-photos")})
    return parsed


def _apply_activities(actor: User, report: GrantReport, parsed: list[dict]) -> int:
    kept = {p["activity"].id for p in parsed if p["activity"] is not None}
    for activity in list(report.activities):
        if activity.id not in kept:  # its photos stay with the report
            for photo in report.files:
                if photo.activity_id == activity.id:
                    photo.activity_id = None
            report.activities.remove(activity)
    photos = 0
    for p in parsed:
        activity = p["activity"] or ReportActivity(report=report)
        activity.held_on, activity.place, activity.participants, activity.description = (
            p["held_on"], p["place"], p["participants"], p["description"])
        if activity.id is None:
            db.session.add(activity)
            db.session.flush()
        for filename, data, kind in p["photos"]:
            key = storage().save(data, suffix="." + kind)
            db.session.add(ReportFile(report=report, activity_id=activity.id, storage_key=key, filename=filename,
                                      content_type=kind, size=len(data), uploaded_by_id=actor.id))
            photos += 1
    return photos


def submission_blockers(narrative: str, beneficiaries_reached: int | None) -> dict[str, list[str]]:
    """What a report needs before it is submitted."""
    errors = FieldErrors()
    if not clean_text(narrative):
        errors.add("narrative", N_("提交前请填写项目进展情况。"))
    if beneficiaries_reached is None:
        errors.add("beneficiaries_reached", N_("提交前请填写受益人数。"))
    return errors


def save_report(actor: User, report: GrantReport, data: dict, submit: bool = False) -> GrantReport:
    """The NGO's draft of the report, and with submit=True its submission — all or nothing: narrative,
    beneficiaries_reached, activities (rows, see _parse_activities) and new expenses (rows of
    category, item, amount, spent_on, receipt=(filename, bytes)), each recorded once (append-only)."""
    _require_open(actor, report)
    lock_row(report, "status")
    _require_open(actor, report)
    errors = FieldErrors()
    narrative = clean_text(data.get("narrative"))
    if len(narrative) > NARRATIVE_MAX:
        errors.add("narrative", N_("不能超过 %(n)s 个字。", n=NARRATIVE_MAX))
    reached = None
    if row_value(data, "beneficiaries_reached") is not None:
        reached = parse_integer(data.get("beneficiaries_reached"), errors, "beneficiaries_reached", 0, 10000000)
    activities = _parse_activities(report, list(data.get("activities") or []), errors)
    photo_count = len(report.files) + sum(len(p["photos"]) for p in activities)
    if photo_count > MAX_PHOTOS:
        errors.add("activities", N_("每份报告最多 %(n)s 张照片。", n=MAX_PHOTOS))
    new_expenses = expense_rows.parse_rows(report.grant, list(data.get("expenses") or []), errors)
    if submit:
        for field, messages in submission_blockers(narrative, reached).items():
            for message in messages:
                errors.add(field, message)
    errors.raise_if_any()
    report.narrative, report.beneficiaries_reached = narrative, reached
    photos = _apply_activities(actor, report, activities)
    added = [expense_rows.add_expense(actor, report, row) for row in new_expenses]
    record(actor, "grant.report_saved", report, f"保存报告草稿：{report.grant.title} {report.title}",
           {"activities": len(report.activities), "photos_added": photos, "expense_ids": [e.id for e in added]})
    if submit:
        _submit(actor, report)
    db.session.commit()
    return report


def _submit(actor: User, report: GrantReport) -> None:
    again = report.status == ReportStatus.EVALUATED
    report.status.check_transition(ReportStatus.SUBMITTED)
    report.status, report.submitted_at, report.submitted_by_id = ReportStatus.SUBMITTED, utcnow(), actor.id
    record(actor, "grant.report_submitted", report,
           f"{'整改后重新提交' if again else '提交'}报告：{report.grant.title} {report.title}",
           {"kind": report.kind.value, "due_on": report.due_on, "late": report.due_on < date.today(),
            "resubmitted": again, "beneficiaries_reached": report.beneficiaries_reached})


def submit_report(actor: User, report: GrantReport) -> GrantReport:
    """SCHEDULED → SUBMITTED, or EVALUATED ("rectify") → SUBMITTED: the report as saved."""
    _require_open(actor, report)
    lock_row(report, "status")
    _require_open(actor, report)
    FieldErrors(submission_blockers(report.narrative, report.beneficiaries_reached)).raise_if_any()
    _submit(actor, report)
    db.session.commit()
    return report


def remove_photo(actor: User, photo: ReportFile) -> None:
    report = photo.report
    _require_open(actor, report)
    record(actor, "grant.report_photo_removed", report, f"删除报告照片 {photo.filename}", {"filename": photo.filename})
    key = photo.storage_key
    report.files.remove(photo)
    db.session.commit()
    storage().delete(key)


# --- what dashboards read ----------------------------------------------------------------------------------

def overdue_reports(grant_ids=None, today: date | None = None) -> list[GrantReport]:
    """Reports still unfiled after their due date, of grants still running (signed, active or
    suspended) — of the grants `grant_ids` (ids, or a select of them) when given — oldest first,
    their grants loaded."""
    today = today or date.today()
    query = (sa.select(GrantReport).join(Grant, Grant.id == GrantReport.grant_id)
             .where(GrantReport.status == ReportStatus.SCHEDULED, GrantReport.due_on < today,
                    Grant.status.in_(FILING_OPEN))
             .options(selectinload(GrantReport.grant)).order_by(GrantReport.due_on, GrantReport.id))
    if grant_ids is not None:
        query = query.where(GrantReport.grant_id.in_(grant_ids if isinstance(grant_ids, sa.Select) else list(grant_ids)))
    return list(db.session.scalars(query))


def reports_of(grant: Grant) -> list[GrantReport]:
    return list(db.session.scalars(
        sa.select(GrantReport).where(GrantReport.grant_id == grant.id)
        .options(selectinload(GrantReport.evaluations)).order_by(GrantReport.due_on, GrantReport.id)))
