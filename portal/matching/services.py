"""Sessions and the projects they show: creating and editing a session (its calls and its match
rule), its lifecycle (draft → open → closed → settled), choosing the projects, their goals and
running order, withdrawing one with a reason. Each change one audited service call."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Mapping

import sqlalchemy as sa

from ..accounts.models import Organization, OrgKind, User
from ..accounts.permissions import is_member
from ..applications.models import Application, ApplicationStatus
from ..audit import record
from ..calls.models import Call
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..judging.models import Award
from ..locks import lock_row
from ..parsing import (
    FieldErrors,
    clean_text,
    is_blank,
    parse_choice,
    parse_decimal,
    parse_flag,
    parse_moment,
)
from ..types import format_money, utcnow
from .funding import figures_of
from .match import allocate_at_settlement
from .models import (
    MatchingSession,
    MatchMode,
    Pledge,
    PledgeStatus,
    SessionKind,
    SessionProject,
    SessionStatus,
)
from .permissions import can_manage_session, is_project_owner

MAX_MONEY = Decimal("99999999.99")
SESSION_DEFAULTS = {
    "title": "", "kind": SessionKind.EVENT.value, "description": "", "held_at": None, "venue": "",
    "open_from": None, "open_until": None, "call_ids": [], "match_ratio": "0", "match_pool": "0",
    "match_mode": MatchMode.FIRST_COME.value, "match_cap_per_pledge": "", "match_cap_per_sponsor_project": "",
    "match_cap_per_sponsor": "", "match_cap_per_project": "", "match_minimum_pledge": "",
    "match_window_from": None, "match_window_until": None, "match_counts_in_kind": False,
}
OPTIONAL_CAPS = ("match_cap_per_pledge", "match_cap_per_sponsor_project", "match_cap_per_sponsor",
                 "match_cap_per_project", "match_minimum_pledge")


def _check_manager(actor: User | None, session: MatchingSession) -> None:
    if not can_manage_session(actor, session):
        raise PermissionDenied(N_("只有本场对接会的主办方可以操作。"))


def _committee_calls(committee_id: int, call_ids, errors: FieldErrors) -> list[Call]:
    ids = {int(i) for i in call_ids if str(i).isdigit() and int(i) < 2**31}
    calls = db.session.scalars(sa.select(Call).where(Call.id.in_(ids), Call.committee_id == committee_id)).all() if ids else []
    if not calls:
        errors.add("call_ids", N_("请至少选择一个项目征集。"))
    return sorted(calls, key=lambda c: c.id)


def _validate(values: Mapping, committee_id: int) -> dict:
    errors, v = FieldErrors(), dict(values)
    v["title"] = clean_text(v["title"])
    if not v["title"]:
        errors.add("title", N_("请填写名称。"))
    elif len(v["title"]) > 200:
        errors.add("title", N_("最多 200 个字。"))
    v["description"] = clean_text(v["description"])
    if len(v["description"]) > 5000:
        errors.add("description", N_("最多 5000 个字。"))
    v["venue"] = clean_text(v["venue"])
    if len(v["venue"]) > 200:
        errors.add("venue", N_("最多 200 个字。"))
    v["kind"] = parse_choice(SessionKind, v["kind"], errors, "kind")
    v["match_mode"] = parse_choice(MatchMode, v["match_mode"], errors, "match_mode")
    v["held_at"] = parse_moment(v["held_at"], errors, "held_at")
    for field in ("open_from", "open_until"):
        if v[field] is not None and not isinstance(v[field], date):
            errors.add(field, N_("请选择有效的日期。"))
            v[field] = None
    if v["kind"] == SessionKind.EVENT and v["held_at"] is None and "held_at" not in errors:
        errors.add("held_at", N_("请填写对接会的时间。"))
    if v["kind"] == SessionKind.CATALOGUE:
        if v["open_from"] is None and "open_from" not in errors:
            errors.add("open_from", N_("请填写开始日期。"))
        if v["open_until"] is None and "open_until" not in errors:
            errors.add("open_until", N_("请填写结束日期。"))
        if v["open_from"] and v["open_until"] and v["open_until"] < v["open_from"]:
            errors.add("open_until", N_("结束日期不能早于开始日期。"))
    v["match_ratio"] = parse_decimal(v["match_ratio"], errors, "match_ratio", Decimal("0"), Decimal("10"))
    v["match_pool"] = parse_decimal(v["match_pool"], errors, "match_pool", Decimal("0"), MAX_MONEY)
    for field in OPTIONAL_CAPS:
        v[field] = None if is_blank(v[field]) else parse_decimal(v[field], errors, field, Decimal("0"), MAX_MONEY)
    v["match_window_from"] = parse_moment(v["match_window_from"], errors, "match_window_from")
    v["match_window_until"] = parse_moment(v["match_window_until"], errors, "match_window_until")
    if v["match_window_from"] and v["match_window_until"] and v["match_window_until"] <= v["match_window_from"]:
        errors.add("match_window_until", N_("配捐时段的结束时间必须晚于开始时间。"))
    v["match_counts_in_kind"] = parse_flag(v["match_counts_in_kind"])
    v["calls"] = _committee_calls(committee_id, v.pop("call_ids") or [], errors)
    errors.raise_if_any()
    return v


def _values_of(session: MatchingSession) -> dict:
    values = {field: getattr(session, field) for field in SESSION_DEFAULTS if field != "call_ids"}
    values["call_ids"] = [c.id for c in session.calls]
    return values


def create_session(actor: User, committee: Organization, data: Mapping) -> MatchingSession:
    if committee.kind != OrgKind.COMMITTEE or not is_member(actor, committee):
        raise PermissionDenied(N_("只有主办方可以创建对接会。"))
    values = _validate({**SESSION_DEFAULTS, **data}, committee.id)
    session = MatchingSession(committee_id=committee.id, created_by_id=actor.id, status=SessionStatus.DRAFT, **values)
    db.session.add(session)
    record(actor, "matching_session.created", session, f"创建{session.kind.label}“{session.title}”",
           {"calls": [c.id for c in session.calls], "kind": session.kind.value})
    db.session.commit()
    return session


def update_session(actor: User, session: MatchingSession, data: Mapping) -> MatchingSession:
    _check_manager(actor, session)
    if session.status == SessionStatus.SETTLED:
        raise DomainError(N_("已结算的对接会不能再修改。"))
    old = _values_of(session)
    values = _validate({**old, **data}, session.committee_id)
    if session.status != SessionStatus.DRAFT:
        for field in ("match_ratio", "match_mode", *OPTIONAL_CAPS, "match_window_from", "match_window_until",
                      "match_counts_in_kind"):
            if values[field] != old[field]:
                raise DomainError(N_("对接会开始后不能再修改配捐规则。"), field=field)
        if values["match_pool"] < old["match_pool"]:
            raise DomainError(N_("对接会开始后配捐资金池只能增加。"), field="match_pool")
    changes = {k: [str(old[k]), str(v)] for k, v in values.items() if k != "calls" and old.get(k) != v}
    for field, value in values.items():
        setattr(session, field, value)
    record(actor, "matching_session.updated", session, f"修改对接会“{session.title}”", changes)
    db.session.commit()
    return session


def _transition(actor: User, session: MatchingSession, target: SessionStatus, action: str, summary: str,
                data: dict | None = None) -> MatchingSession:
    session.status.check_transition(target)
    session.status = target
    record(actor, action, session, summary, data)
    db.session.commit()
    return session


def open_session(actor: User, session: MatchingSession) -> MatchingSession:
    _check_manager(actor, session)
    lock_row(session)
    if session.status == SessionStatus.DRAFT and not any(not p.is_withdrawn for p in session.projects):
        raise DomainError(N_("请先选择要展示的项目。"))
    if session.status == SessionStatus.DRAFT:
        session.opened_at = utcnow()
    return _transition(actor, session, SessionStatus.OPEN, "matching_session.opened", f"开放认捐：“{session.title}”")


def close_session(actor: User, session: MatchingSession) -> MatchingSession:
    _check_manager(actor, session)
    lock_row(session)
    session.closed_at = utcnow()
    return _transition(actor, session, SessionStatus.CLOSED, "matching_session.closed", f"截止认捐：“{session.title}”")


def pending_pledge_count(session: MatchingSession) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Pledge)
        .where(Pledge.session_id == session.id, Pledge.status == PledgeStatus.PENDING)
    )


def settle_session(actor: User, session: MatchingSession) -> MatchingSession:
    """Every pledge confirmed or lapsed; pro-rata match computed; the report is final."""
    _check_manager(actor, session)
    lock_row(session)
    if session.status != SessionStatus.CLOSED:
        session.status.check_transition(SessionStatus.SETTLED)
    pending = pending_pledge_count(session)
    if pending:
        raise DomainError(N_("还有 %(count)s 笔认捐待确认：请逐笔确认或标为失效后再结算。", count=pending))
    allocations = allocate_at_settlement(session)
    session.settled_at = utcnow()
    return _transition(actor, session, SessionStatus.SETTLED, "matching_session.settled", f"结算对接会“{session.title}”",
                       {"pro_rata_allocations": len(allocations), "match": str(sum((a.amount for a in allocations), Decimal(0)))})


# --- the projects shown --------------------------------------------------------------------------

SHOWABLE_STATUSES = (ApplicationStatus.ELIGIBLE,)


def candidate_applications(session: MatchingSession) -> list[Application]:
    """Eligible (screened) or awarded applications of the session's calls, not yet shown."""
    call_ids = [c.id for c in session.calls]
    if not call_ids:
        return []
    shown = sa.select(SessionProject.application_id).where(SessionProject.session_id == session.id)
    awarded = sa.select(Award.application_id)
    return db.session.scalars(
        sa.select(Application)
        .where(Application.call_id.in_(call_ids), Application.id.not_in(shown))
        .where(sa.or_(Application.status.in_(SHOWABLE_STATUSES), Application.id.in_(awarded)))
        .order_by(Application.call_id, Application.sequence, Application.id)
    ).all()


def add_projects(actor: User, session: MatchingSession, application_ids) -> list[SessionProject]:
    """Show the chosen applications, each with its requested amount as the goal, at the end of the order."""
    _check_manager(actor, session)
    if session.status == SessionStatus.SETTLED:
        raise DomainError(N_("已结算的对接会不能再添加项目。"))
    wanted = {int(i) for i in application_ids if str(i).isdigit() and int(i) < 2**31}
    chosen = [a for a in candidate_applications(session) if a.id in wanted]
    if not chosen:
        raise DomainError(N_("请选择要展示的项目。"), field="application_ids")
    position = max((p.position for p in session.projects), default=0)
    added = []
    for offset, application in enumerate(chosen, start=1):
        project = SessionProject(session=session, application=application, goal=application.requested_amount,
                                 position=position + offset)
        db.session.add(project)
        added.append(project)
    db.session.flush()
    for project in added:
        record(actor, "session_project.added", project, f"“{session.title}”展示项目“{project.application.title}”",
               {"goal": str(project.goal), "application_id": project.application_id})
    db.session.commit()
    return added


def set_goal(actor: User, project: SessionProject, goal) -> SessionProject:
    """The funding goal: never below what is already awarded, pledged and matched."""
    _check_manager(actor, project.session)
    errors = FieldErrors()
    value = parse_decimal(goal, errors, "goal", Decimal("0"), MAX_MONEY)
    errors.raise_if_any()
    lock_row(project)
    if project.session.status == SessionStatus.SETTLED:
        raise DomainError(N_("已结算的对接会不能再修改。"))
    figures = figures_of(project)
    committed = figures.awarded + figures.raised
    if value < committed:
        raise DomainError(N_("目标不能低于已获奖励、认捐与配捐之和（%(amount)s）。", amount=format_money(committed)), field="goal")
    old = project.goal
    project.goal = value
    record(actor, "session_project.goal_set", project, f"“{project.application.title}”筹款目标 ¥{old:,.2f} → ¥{value:,.2f}",
           {"old": str(old), "new": str(value)})
    db.session.commit()
    return project


def move_project(actor: User, project: SessionProject, direction: str) -> SessionProject:
    """One step up or down the running order."""
    session = project.session
    _check_manager(actor, session)
    ordered = sorted(session.projects, key=lambda p: (p.position, p.id))
    index = ordered.index(project)
    other_index = index + {"up": -1, "down": 1}.get(direction, 0)
    if other_index == index or not 0 <= other_index < len(ordered):
        raise DomainError(N_("已经是第一个。") if direction == "up" else N_("已经是最后一个。"))
    for position, item in enumerate(ordered, start=1):
        item.position = position
    other = ordered[other_index]
    project.position, other.position = other.position, project.position
    record(actor, "session_project.moved", project, f"调整“{project.application.title}”的路演顺序",
           {"position": project.position})
    db.session.commit()
    return project


def withdraw_project(actor: User, project: SessionProject, reason: str) -> SessionProject:
    """Out of the session, with a reason; its pending pledges lapse with it."""
    _check_manager(actor, project.session)
    reason = clean_text(reason)
    if not reason:
        raise DomainError(N_("请填写退出原因。"), field="reason")
    if len(reason) > 500:
        raise DomainError(N_("最多 500 个字。"), field="reason")
    lock_row(project)
    if project.is_withdrawn:
        raise DomainError(N_("该项目已退出本场对接。"))
    if project.session.status == SessionStatus.SETTLED:
        raise DomainError(N_("已结算的对接会不能再修改。"))
    confirmed = db.session.scalar(
        sa.select(sa.func.count()).select_from(Pledge)
        .where(Pledge.project_id == project.id, Pledge.status == PledgeStatus.CONFIRMED)
    )
    if confirmed:
        raise DomainError(N_("该项目已有确认的认捐，不能退出。"))
    now = utcnow()
    for pledge in db.session.scalars(
        sa.select(Pledge).where(Pledge.project_id == project.id, Pledge.status == PledgeStatus.PENDING)
    ):
        pledge.status, pledge.decided_at, pledge.decided_by_id = PledgeStatus.LAPSED, now, actor.id
        pledge.decision_note = reason
    project.withdrawn_at, project.withdrawn_by_id, project.withdrawn_reason = now, actor.id, reason
    record(actor, "session_project.withdrawn", project, f"“{project.application.title}”退出“{project.session.title}”",
           {"reason": reason})
    db.session.commit()
    return project


def set_contact_shown(actor: User, project: SessionProject, shown: bool) -> SessionProject:
    """The NGO decides whether sponsors see its contact person."""
    if not is_project_owner(actor, project):
        raise PermissionDenied(N_("只有项目所属组织可以设置。"))
    project.show_contact = bool(shown)
    record(actor, "session_project.contact_shown" if shown else "session_project.contact_hidden", project,
           f"“{project.application.title}”{'公开' if shown else '隐藏'}联系人")
    db.session.commit()
    return project
