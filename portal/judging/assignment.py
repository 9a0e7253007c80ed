"""Assignment (分配): which judge scores which application in a round — automatic, by hand, and
reminders to judges who have not finished.

plan_assignment() is pure and deterministic; auto_assign() feeds it from the database and writes
its pairs. A started score sheet is never dropped silently: unassign() asks for confirmation and
keeps the sheet's content in the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..accounts.notifications import notify_users
from .permissions import can_manage_judging
from ..applications.models import Application
from ..audit import record
from .models import Assignment, CallJudge, Round, RoundEntry, RoundStatus, ScoreSheet, SheetStatus
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..links import absolute_url
from ..types import to_local, utcnow
from .judges import NeedsConfirmation, sheet_record
from .services import conflicted_org_ids, is_conflicted, lock_row

REMIND_WITHIN = timedelta(hours=48)  # cron reminds in rounds closing within this
REMIND_AGAIN_AFTER = timedelta(hours=20)


# --- the plan (pure) -----------------------------------------------------------------------------

@dataclass
class Plan:
    pairs: list[tuple[int, int]] = field(default_factory=list)  # NEW (application_id, judge_id), sorted
    unassigned: list[tuple[int, str]] = field(default_factory=list)  # (application_id, reason), by id


def plan_assignment(applications, judges, per_app: int, conflicts, existing) -> Plan:
    """Give every application `per_app` judges, never a conflicted one, keeping loads balanced.

    applications: [(application_id, organization_id)]; judges: [judge_id];
    conflicts: {judge_id: {organization_id}}; existing: {application_id: {judge_id}} (kept, counted).
    Applications with the fewest eligible judges go first; each takes the least-loaded eligible
    judges (ties: the smaller judge id). Everything is sorted first, so the input's order — and
    dict or set iteration — never changes the result.
    """
    apps = sorted(dict(applications).items())
    judge_ids = sorted(set(judges))
    existing = {app_id: set(judge_set) for app_id, judge_set in existing.items()}
    load = {judge_id: 0 for judge_id in judge_ids}
    for app_id, _org in apps:
        for judge_id in existing.get(app_id, ()):
            if judge_id in load:
                load[judge_id] += 1

    def allowed(judge_id: int, org_id) -> bool:
        return org_id not in conflicts.get(judge_id, ())

    queue = []
    for app_id, org_id in apps:
        have = existing.get(app_id, set())
        eligible = [j for j in judge_ids if j not in have and allowed(j, org_id)]
        queue.append((len(eligible), app_id, org_id, have, eligible))
    queue.sort(key=lambda item: (item[0], item[1]))

    pairs: list[tuple[int, int]] = []
    unassigned: list[tuple[int, str]] = []
    for _count, app_id, org_id, have, eligible in queue:
        need = per_app - len(have)
        if need <= 0:
            continue
        chosen = sorted(eligible, key=lambda j: (load[j], j))[:need]
        for judge_id in chosen:
            load[judge_id] += 1
            pairs.append((app_id, judge_id))
        if len(chosen) < need:
            available = len(have) + len(eligible)
            if any(not allowed(j, org_id) for j in judge_ids):
                reason = N_("可分配评委不足：需要 %(need)s 位，回避后仅有 %(available)s 位", need=per_app, available=available)
            else:
                reason = N_("可分配评委不足：需要 %(need)s 位，本征集仅有 %(available)s 位评委", need=per_app,
                            available=available)
            unassigned.append((app_id, reason))
    return Plan(pairs=sorted(pairs), unassigned=sorted(unassigned))


# --- services --------------------------------------------------------------------------------------

def _require_committee(actor: User, round_: Round) -> None:
    if not can_manage_judging(actor, round_.call):
        raise PermissionDenied(N_("只有主办该征集的组委会成员才能分配评委。"))


def _require_not_locked(round_: Round) -> None:
    if round_.status == RoundStatus.LOCKED:
        raise DomainError(N_("本轮已锁定，分配不能再修改。"))


def round_judge_ids(round_: Round) -> list[int]:
    """The call's judges that have an account, by id."""
    return sorted(db.session.scalars(
        sa.select(CallJudge.user_id).join(User, User.id == CallJudge.user_id)
        .where(CallJudge.call_id == round_.call_id, User.is_judge.is_(True), User.active.is_(True))
    ))


def round_link(round_: Round) -> str:
    """The judge's page of the round (absolute: it goes into mail)."""
    return absolute_url("judging.judge_round", round_id=round_.id)


def _notify_new_work(round_: Round, counts: dict[int, int]) -> None:
    if not counts:
        return
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(list(counts))))}
    for judge_id, count in sorted(counts.items()):
        notify_users([users[judge_id]], f"新的评审任务：{round_.call.title} · {round_.name}",
                     f"您在“{round_.name}”中新分配了 {count} 个项目。{_deadline_text(round_)}", round_link(round_))


def auto_assign(actor: User, round_: Round) -> Plan:
    """Fill every entry of the round up to judges_per_application; returns the plan, whose
    `unassigned` lists the applications still short of judges and why."""
    _require_committee(actor, round_)
    lock_row(round_, "status")
    _require_not_locked(round_)
    applications = [tuple(row) for row in db.session.execute(
        sa.select(RoundEntry.application_id, Application.organization_id)
        .join(Application, Application.id == RoundEntry.application_id)
        .where(RoundEntry.round_id == round_.id)
    )]
    judge_ids = round_judge_ids(round_)
    existing: dict[int, set[int]] = {}
    for app_id, judge_id in db.session.execute(
        sa.select(Assignment.application_id, Assignment.judge_id).where(Assignment.round_id == round_.id)
    ):
        existing.setdefault(app_id, set()).add(judge_id)
    plan = plan_assignment(applications, judge_ids, round_.judges_per_application,
                           conflicted_org_ids(judge_ids), existing)
    counts: dict[int, int] = {}
    for app_id, judge_id in plan.pairs:
        db.session.add(Assignment(round_id=round_.id, application_id=app_id, judge_id=judge_id, assigned_by_id=actor.id))
        counts[judge_id] = counts.get(judge_id, 0) + 1
    record(actor, "assignment.auto", round_, f"自动分配“{round_.name}”：新增 {len(plan.pairs)} 条，"
           f"{len(plan.unassigned)} 个项目评委不足",
           {"created": len(plan.pairs), "unassigned": [list(item) for item in plan.unassigned],
            "entries": len(applications), "judges": len(judge_ids), "per_app": round_.judges_per_application})
    _notify_new_work(round_, counts)
    db.session.commit()
    return plan


def assign(actor: User, round_: Round, application: Application, judge: User) -> Assignment:
    """Assign one judge to one application by hand."""
    _require_committee(actor, round_)
    lock_row(round_, "status")
    _require_not_locked(round_)
    if db.session.scalar(sa.select(RoundEntry.id).where(
        RoundEntry.round_id == round_.id, RoundEntry.application_id == application.id)) is None:
        raise DomainError(N_("该项目不在本轮评审中。"), field="application_id")
    if judge.id not in round_judge_ids(round_):
        raise DomainError(N_("请选择本征集的评委。"), field="judge_id")
    if is_conflicted(judge, application.organization_id):
        raise DomainError(N_("%(name)s 与申报组织存在回避关系，不能分配。", name=judge.display_name), field="judge_id")
    if db.session.scalar(sa.select(Assignment.id).where(
        Assignment.round_id == round_.id, Assignment.application_id == application.id,
        Assignment.judge_id == judge.id)) is not None:
        raise DomainError(N_("%(name)s 已分配到这个项目。", name=judge.display_name), field="judge_id")
    assignment = Assignment(round_id=round_.id, application_id=application.id, judge_id=judge.id, assigned_by_id=actor.id)
    db.session.add(assignment)
    label = application.reference or application.title
    record(actor, "assignment.added", assignment, f"将 {label} 分配给 {judge.display_name}（{round_.name}）",
           {"round_id": round_.id, "application_id": application.id, "judge_id": judge.id})
    _notify_new_work(round_, {judge.id: 1})
    db.session.commit()
    return assignment


def sheet_of(assignment: Assignment) -> ScoreSheet | None:
    return db.session.scalar(
        sa.select(ScoreSheet).where(
            ScoreSheet.round_id == assignment.round_id, ScoreSheet.application_id == assignment.application_id,
            ScoreSheet.judge_id == assignment.judge_id,
        ).options(joinedload(ScoreSheet.scores))
    )


def unassign(actor: User, assignment: Assignment, confirmed: bool) -> None:
    """Remove an assignment. A started sheet is refused unless `confirmed`; then the sheet is
    deleted too (it leaves the result) and its scores, status and comment go into the audit log."""
    round_ = assignment.round
    _require_committee(actor, round_)
    _require_not_locked(round_)
    sheet = sheet_of(assignment)
    if sheet is not None and not confirmed:
        name = assignment.judge.display_name
        if sheet.status == SheetStatus.SUBMITTED:
            message = N_("%(name)s 已提交该项目的评分表，取消分配将删除这份评分（操作日志中保留），请确认。", name=name)
        else:
            message = N_("%(name)s 已开始填写该项目的评分表，取消分配将删除这份评分（操作日志中保留），请确认。", name=name)
        raise NeedsConfirmation(message, [sheet])
    label = assignment.application.reference or assignment.application.title
    data = {"round_id": round_.id, "application_id": assignment.application_id, "judge_id": assignment.judge_id,
            "sheet": sheet_record(sheet) if sheet is not None else None}
    record(actor, "assignment.removed", assignment,
           f"取消 {assignment.judge.display_name} 对 {label} 的分配（{round_.name}）" + ("，并删除其评分表" if sheet else ""),
           data)
    if sheet is not None:
        db.session.delete(sheet)
    db.session.delete(assignment)
    db.session.commit()


# --- the committee's page ------------------------------------------------------------------------

@dataclass
class EntryRow:
    entry: RoundEntry
    assigned: list[tuple[Assignment, SheetStatus | None]]  # with the sheet's status, None = not started
    addable: list[User]  # call judges neither assigned nor conflicted
    conflicted: list[User]  # assigned judges now conflicted with the applicant
    missing: int  # judges short of judges_per_application


@dataclass
class RoundOverview:
    round: Round
    rows: list[EntryRow]
    loads: list[tuple[User, int, int]]  # (judge, assigned, submitted)

def round_overview(round_: Round) -> RoundOverview:
    """Everything the assignment page shows, in a fixed number of queries."""
    entries = list(db.session.scalars(
        sa.select(RoundEntry).where(RoundEntry.round_id == round_.id)
        .options(joinedload(RoundEntry.application).joinedload(Application.organization))
        .order_by(RoundEntry.position, RoundEntry.id)
    ))
    judge_ids = round_judge_ids(round_)
    judges = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(judge_ids or [-1])))}
    assignments = list(db.session.scalars(
        sa.select(Assignment).where(Assignment.round_id == round_.id)
        .options(joinedload(Assignment.judge)).order_by(Assignment.id)
    ))
    statuses = {(s.application_id, s.judge_id): s.status for s in db.session.execute(
        sa.select(ScoreSheet.application_id, ScoreSheet.judge_id, ScoreSheet.status).where(ScoreSheet.round_id == round_.id)
    )}
    conflicts = conflicted_org_ids(sorted(set(judge_ids) | {a.judge_id for a in assignments}))
    by_app: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_app.setdefault(assignment.application_id, []).append(assignment)
    ordered_judges = sorted(judges.values(), key=lambda u: (u.name, u.id))
    rows = []
    for entry in entries:
        app = entry.application
        mine = by_app.get(app.id, [])
        taken = {a.judge_id for a in mine}
        rows.append(EntryRow(
            entry=entry,
            assigned=[(a, statuses.get((app.id, a.judge_id))) for a in mine],
            addable=[u for u in ordered_judges if u.id not in taken and app.organization_id not in conflicts.get(u.id, ())],
            conflicted=[a.judge for a in mine if app.organization_id in conflicts.get(a.judge_id, ())],
            missing=max(0, round_.judges_per_application - len(mine)),
        ))
    assigned_count: dict[int, int] = {}
    submitted_count: dict[int, int] = {}
    for assignment in assignments:
        assigned_count[assignment.judge_id] = assigned_count.get(assignment.judge_id, 0) + 1
        if statuses.get((assignment.application_id, assignment.judge_id)) == SheetStatus.SUBMITTED:
            submitted_count[assignment.judge_id] = submitted_count.get(assignment.judge_id, 0) + 1
    loads = [(u, assigned_count.get(u.id, 0), submitted_count.get(u.id, 0)) for u in ordered_judges]
    return RoundOverview(round=round_, rows=rows, loads=loads)


# --- reminders -----------------------------------------------------------------------------------

def _deadline_text(round_: Round) -> str:
    if round_.closes_at is None:
        return ""
    return f"评分截止时间：{to_local(round_.closes_at):%Y-%m-%d %H:%M}（北京时间）。"


def _remind(actor: User | None, round_: Round, not_since: datetime | None = None) -> int:
    """Mail the judges with unsubmitted sheets; `not_since` skips a judge all of whose unfinished
    assignments were reminded after that moment."""
    unfinished = list(db.session.scalars(
        sa.select(Assignment)
        .outerjoin(ScoreSheet, sa.and_(
            ScoreSheet.round_id == Assignment.round_id, ScoreSheet.application_id == Assignment.application_id,
            ScoreSheet.judge_id == Assignment.judge_id,
        ))
        .where(Assignment.round_id == round_.id,
               sa.or_(ScoreSheet.id.is_(None), ScoreSheet.status != SheetStatus.SUBMITTED))
        .options(joinedload(Assignment.judge)).order_by(Assignment.judge_id, Assignment.id)
    ))
    by_judge: dict[int, list[Assignment]] = {}
    for assignment in unfinished:
        by_judge.setdefault(assignment.judge_id, []).append(assignment)
    if not_since is not None:
        by_judge = {judge_id: items for judge_id, items in by_judge.items()
                    if any(a.reminded_at is None or a.reminded_at <= not_since for a in items)}
        if not by_judge:
            return 0
    now = utcnow()
    for items in by_judge.values():
        judge = items[0].judge
        notify_users([judge], f"评分提醒：{round_.call.title} · {round_.name}",
                     f"{judge.display_name}，您好！您在“{round_.name}”中还有 {len(items)} 个项目未提交评分。"
                     f"{_deadline_text(round_)}", round_link(round_))
        for assignment in items:
            assignment.reminded_at = now
    record(actor, "assignment.reminded", round_, f"提醒“{round_.name}”未完成评分的 {len(by_judge)} 位评委",
           {"judges": sorted(by_judge), "assignments": sum(len(items) for items in by_judge.values())})
    db.session.commit()
    return len(by_judge)


def remind_unfinished(actor: User, round_: Round) -> int:
    """Mail each judge with unsubmitted sheets in the round once; returns how many were mailed."""
    _require_committee(actor, round_)
    if round_.status != RoundStatus.OPEN:
        raise DomainError(N_("只能提醒评分中的轮次。"))
    return _remind(actor, round_)


def remind_due_rounds(now: datetime | None = None) -> list[tuple[Round, int]]:
    """For cron: remind in every OPEN round that closes within 48 hours. A judge whose unfinished
    assignments were all reminded in the last 20 hours is skipped, so an hourly cron mails a judge
    about once a day. Returns [(round, judges mailed)]."""
    now = now or utcnow()
    rounds = list(db.session.scalars(
        sa.select(Round).where(Round.status == RoundStatus.OPEN, Round.closes_at.is_not(None),
                               Round.closes_at > now, Round.closes_at <= now + REMIND_WITHIN).order_by(Round.id)
    ))
    return [(round_, _remind(None, round_, not_since=now - REMIND_AGAIN_AFTER)) for round_ in rounds]
