"""Live pitch (决赛路演): the committee steps a PITCH round's running order on the stage screen,
judges score the project on stage from their phones, and once every judge assigned to a project
has submitted, its result (the round's aggregation, trimmed by default) appears.

Every screen polls stage_state() about once a second, so it reads a fixed number of queries
whatever the number of judges or projects, and nothing lives in process memory (several gunicorn
workers or machines serve the same stage).
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..applications.models import Application
from ..audit import record
from .models import Aggregation, Assignment, LiveStage, Round, RoundEntry, RoundKind, RoundStatus, Score, ScoreSheet, SheetStatus
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..types import utcnow
from . import aggregation
from .scoring import sheet_totals_query
from .permissions import can_manage_judging

NOT_STARTED = N_("未开始")  # a sheet's state before it exists


def _status_label(key: str) -> str:
    """A sheet state ("none", or a SheetStatus value) as the stage screen and phones show it."""
    label = NOT_STARTED if key == "none" else SheetStatus(key).label
    return gettext(label)


# --- the committee's controls --------------------------------------------------------------------

def _check_control(actor: User, round_: Round) -> None:
    if not can_manage_judging(actor, round_.call):
        raise PermissionDenied(N_("只有本次征集的管理人员可以控制路演。"))
    if round_.kind != RoundKind.PITCH:
        raise DomainError(N_("这一轮不是现场路演。"))
    if round_.status != RoundStatus.OPEN:
        raise DomainError(N_("本轮不在评分中，不能切换路演项目。"))


def running_order(round_: Round) -> list[RoundEntry]:
    return list(db.session.scalars(
        sa.select(RoundEntry)
        .options(joinedload(RoundEntry.application).joinedload(Application.organization))
        .where(RoundEntry.round_id == round_.id)
        .order_by(RoundEntry.position, RoundEntry.id)
    ))


def _locked_stage(round_: Round) -> LiveStage:
    query = sa.select(LiveStage).where(LiveStage.round_id == round_.id).with_for_update()
    stage = db.session.scalar(query)
    if stage is None:  # the first step: two committee members may press at once
        try:
            with db.session.begin_nested():
                db.session.add(LiveStage(round_id=round_.id))
        except IntegrityError:
            pass
        stage = db.session.scalar(query)
    return stage


def _put_on_stage(actor: User, round_: Round, stage: LiveStage, entry: RoundEntry, number: int) -> LiveStage:
    stage.entry_id = entry.id
    stage.started_at = utcnow()
    stage.updated_at = stage.started_at
    application = entry.application
    record(actor, "live.stage", ("rounds", round_.id), f"路演上台：第 {number} 个 {application.reference or ''} {application.title}".strip(),
           {"round_id": round_.id, "entry_id": entry.id, "application_id": application.id, "number": number})
    db.session.commit()
    return stage


def start_stage(actor: User, round_: Round, entry: RoundEntry | None) -> LiveStage:
    """Put one entry of the running order on stage and start its timer (None: nothing was chosen)."""
    _check_control(actor, round_)
    if entry is None or entry.round_id != round_.id:
        raise DomainError(N_("请从路演顺序中选择项目。"))
    order = running_order(round_)
    number = next(i for i, e in enumerate(order, 1) if e.id == entry.id)
    return _put_on_stage(actor, round_, _locked_stage(round_), entry, number)


def _step(actor: User, round_: Round, delta: int) -> LiveStage:
    _check_control(actor, round_)
    order = running_order(round_)
    if not order:
        raise DomainError(N_("本轮还没有路演项目。"))
    stage = _locked_stage(round_)
    ids = [entry.id for entry in order]
    if stage.entry_id not in ids:
        index = 0 if delta > 0 else len(order) - 1
    else:
        index = ids.index(stage.entry_id) + delta
        if index >= len(order):
            raise DomainError(N_("已经是最后一个项目了。"))
        if index < 0:
            raise DomainError(N_("已经是第一个项目了。"))
    return _put_on_stage(actor, round_, stage, order[index], index + 1)


def next_entry(actor: User, round_: Round) -> LiveStage:
    """The next project in the running order (the first when nothing is on stage yet)."""
    return _step(actor, round_, +1)


def previous_entry(actor: User, round_: Round) -> LiveStage:
    return _step(actor, round_, -1)


def restart_timer(actor: User, round_: Round) -> LiveStage:
    _check_control(actor, round_)
    stage = _locked_stage(round_)
    if stage.entry_id is None:
        raise DomainError(N_("台上还没有项目。"))
    stage.started_at = utcnow()
    stage.updated_at = stage.started_at
    record(actor, "live.timer", ("rounds", round_.id), "路演计时重新开始", {"round_id": round_.id, "entry_id": stage.entry_id})
    db.session.commit()
    return stage


# --- what every screen polls ---------------------------------------------------------------------

def _entry_dict(entry: RoundEntry, number: int, blind: bool) -> dict:
    application = entry.application
    return {
        "entry_id": entry.id, "application_id": application.id, "position": entry.position, "number": number,
        "reference": application.reference or "", "title": application.title or "",
        "organization": None if blind else application.organization.name,
    }


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(aggregation.money2(value))


def project_result(round_: Round, totals: dict[int, Decimal], names: dict[int, str]) -> dict:
    """The aggregate of one project's submitted totals, and which sheets the trimming dropped."""
    values = [totals[judge_id] for judge_id in sorted(totals)]
    dropped: list[int] = []
    if round_.aggregation == Aggregation.MEAN:
        aggregate, method = aggregation.mean(values), Aggregation.MEAN.label
    else:  # TRIMMED (ZSCORE needs the whole round; live, the trimmed mean is shown)
        aggregate, method = aggregation.trimmed_mean(values, round_.trim_min_sheets), Aggregation.TRIMMED.label
        dropped = aggregation.trimmed_out(totals, round_.trim_min_sheets)
    return {
        "aggregate": _money(aggregate), "method": method, "dropped": dropped,
        "sheets": [{"judge_id": judge_id, "name": names.get(judge_id, ""), "total": _money(totals[judge_id]),
                    "dropped": judge_id in dropped}
                   for judge_id in sorted(totals, key=lambda j: (-totals[j], j))],
    }


def stage_state(round_: Round, viewer: User, as_judge: bool = False) -> dict:
    """The stage as plain JSON-able data for the viewer: the committee sees every judge's progress
    (scores only once all assigned judges have submitted); an assigned judge sees their own sheets
    (as_judge asks for that view even from a committee member). Raises PermissionDenied for anyone
    else. A fixed number of queries."""
    is_committee = not as_judge and can_manage_judging(viewer, round_.call)
    now = utcnow()
    stage = db.session.get(LiveStage, round_.id)
    order = running_order(round_)
    assignments = db.session.execute(
        sa.select(Assignment.application_id, Assignment.judge_id, User.name, User.email)
        .join(User, User.id == Assignment.judge_id)
        .where(Assignment.round_id == round_.id)
        .order_by(Assignment.judge_id)
    ).all()
    mine = {row.application_id for row in assignments if row.judge_id == viewer.id}
    if not is_committee and not mine:
        raise PermissionDenied(N_("您不是本轮路演的评委。"))

    number_of = {entry.id: number for number, entry in enumerate(order, 1)}
    current_entry = next((e for e in order if stage is not None and e.id == stage.entry_id), None)
    seconds_left = None
    if current_entry is not None and stage.started_at is not None:
        seconds_left = round_.pitch_seconds - int((now - stage.started_at).total_seconds())
    state = {
        "round": {"id": round_.id, "name": round_.name, "status": round_.status.value,
                  "status_label": gettext(round_.status.label), "open": round_.status == RoundStatus.OPEN,
                  "pitch_seconds": round_.pitch_seconds},
        "viewer": "committee" if is_committee else "judge",
        "current": _entry_dict(current_entry, number_of[current_entry.id], round_.blind) if current_entry else None,
        "started_at": stage.started_at.isoformat() if current_entry and stage.started_at else None,
        "seconds_left": seconds_left,
        "overtime": seconds_left is not None and seconds_left < 0,
        "count": len(order),
    }
    if is_committee:
        state.update(_committee_part(round_, order, assignments, current_entry, number_of))
    else:
        state.update(_judge_part(round_, order, mine, viewer, current_entry))
    return state


def _committee_part(round_, order, assignments, current_entry, number_of) -> dict:
    judges_of: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for row in assignments:
        judges_of.setdefault(row.application_id, []).append(row.judge_id)
        names[row.judge_id] = row.name or row.email
    statuses = {
        (app_id, judge_id): status
        for app_id, judge_id, status in db.session.execute(
            sa.select(ScoreSheet.application_id, ScoreSheet.judge_id, ScoreSheet.status)
            .where(ScoreSheet.round_id == round_.id)
        )
    }
    totals: dict[int, dict[int, Decimal]] = {}
    for _, app_id, judge_id, total in db.session.execute(sheet_totals_query(round_.id)):
        totals.setdefault(app_id, {})[judge_id] = aggregation.exact_total(total)

    def progress(app_id: int) -> tuple[list[dict], bool]:
        judges = []
        for judge_id in judges_of.get(app_id, []):
            status = statuses.get((app_id, judge_id))
            key = "none" if status is None else status.value
            judges.append({"judge_id": judge_id, "name": names[judge_id], "status": key, "label": _status_label(key)})
        complete = bool(judges) and all(j["status"] == "submitted" for j in judges)
        return judges, complete

    def result(app_id: int, complete: bool) -> dict | None:
        if not complete:
            return None
        assigned = set(judges_of.get(app_id, []))
        return project_result(round_, {j: t for j, t in totals.get(app_id, {}).items() if j in assigned}, names)

    running = []
    for entry in order:
        judges, complete = progress(entry.application_id)
        outcome = result(entry.application_id, complete)
        running.append({
            **_entry_dict(entry, number_of[entry.id], round_.blind),
            "current": current_entry is not None and entry.id == current_entry.id,
            "submitted": sum(j["status"] == "submitted" for j in judges), "assigned": len(judges),
            "aggregate": outcome["aggregate"] if outcome else None,
        })
    part = {"judges": [], "submitted": 0, "assigned": 0, "complete": False, "result": None, "order": running}
    if current_entry is not None:
        judges, complete = progress(current_entry.application_id)
        part.update(judges=judges, submitted=sum(j["status"] == "submitted" for j in judges), assigned=len(judges),
                    complete=complete, result=result(current_entry.application_id, complete))
    return part


def _judge_part(round_, order, mine: set[int], viewer: User, current_entry) -> dict:
    rows = db.session.execute(
        sa.select(ScoreSheet.application_id, ScoreSheet.status, ScoreSheet.comment, Score.criterion_id, Score.value)
        .outerjoin(Score, Score.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.round_id == round_.id, ScoreSheet.judge_id == viewer.id)
    ).all()
    sheets: dict[int, dict] = {}
    for app_id, status, comment, criterion_id, value in rows:
        sheet = sheets.setdefault(app_id, {"status": status.value,
                                           "comment": comment or "", "values": {}})
        if criterion_id is not None:
            sheet["values"][str(criterion_id)] = f"{Decimal(value).normalize():f}"
    listing = []
    for number, entry in enumerate(order, 1):
        if entry.application_id not in mine:
            continue
        sheet = sheets.get(entry.application_id, {"status": "none", "comment": "", "values": {}})
        listing.append({**_entry_dict(entry, number, round_.blind), **sheet, "label": _status_label(sheet["status"]),
                        "current": current_entry is not None and entry.id == current_entry.id})
    on_stage = next((item for item in listing if item["current"]), None)
    return {
        "assigned_here": on_stage is not None,  # this judge scores the project on stage
        "my_status": on_stage["status"] if on_stage else None,
        "my_label": on_stage["label"] if on_stage else None,
        "sheets": listing,
    }
