"""Starting judging and opening a round: the two transitions that put a call's set-up to work.

start_judging: the call CLOSED → JUDGING; round 1 gets every eligible application, in the order of
their reference numbers. open_round: a round PLANNED → OPEN so its judges can score. Neither
notifies anyone (inviting and reminding judges belongs to the judges' part).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..applications.models import Application, ApplicationStatus
from ..audit import record
from ..calls.models import Advancement, Call, CallStatus, Round, RoundStatus
from ..calls.rounds import RoundRow
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..types import quantize, utcnow
from .models import Assignment, RoundEntry, ScoreSheet, SheetStatus
from .services import can_manage_judging, lock_row


def _count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def start_judging(actor, call: Call) -> int:
    """CLOSED → JUDGING; returns the number of applications entered in round 1."""
    if not can_manage_judging(actor, call):
        raise PermissionDenied("您不是该征集主办方的成员。")
    lock_row(call)
    call.status.check_transition(CallStatus.JUDGING)
    first = call.rounds[0] if call.rounds else None
    if first is None:
        raise DomainError("请先在评审设置中添加至少一个评审轮次。")
    if not first.criteria:
        raise DomainError(f"第一轮“{first.name}”还没有评分项，请先设置评分表。")
    pending = _count(sa.select(Application.id).where(
        Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED))
    if pending:
        raise DomainError(f"还有 {pending} 份申报待资格审查，请审查完毕后再开始评审。")
    eligible = list(db.session.scalars(
        sa.select(Application.id).where(Application.call_id == call.id, Application.status == ApplicationStatus.ELIGIBLE)
        .order_by(Application.sequence, Application.id)
    ))
    if not eligible:
        raise DomainError("没有通过资格审查的申报，无法开始评审。")
    already = set(db.session.scalars(sa.select(RoundEntry.application_id).where(RoundEntry.round_id == first.id)))
    added = 0
    for position, application_id in enumerate(eligible, start=1):
        if application_id not in already:
            db.session.add(RoundEntry(round_id=first.id, application_id=application_id, position=position,
                                      added_by_id=getattr(actor, "id", None)))
            added += 1
    call.status = CallStatus.JUDGING
    record(actor, "call.judging_started", call, f"“{call.title}”开始评审，{len(eligible)} 个项目进入“{first.name}”",
           {"round_id": first.id, "entries": len(eligible), "added": added})
    db.session.commit()
    return len(eligible)


def open_round(actor, round_: Round, now=None) -> Round:
    """PLANNED → OPEN: needs the call in judging, a rubric and entries."""
    call = round_.call
    if not can_manage_judging(actor, call):
        raise PermissionDenied("您不是该征集主办方的成员。")
    lock_row(round_)
    round_.status.check_transition(RoundStatus.OPEN)
    if call.status != CallStatus.JUDGING:
        raise DomainError("征集尚未进入评审阶段（请先开始评审）。")
    if not round_.criteria:
        raise DomainError(f"“{round_.name}”还没有评分项，请先设置评分表。")
    entries = _count(sa.select(RoundEntry.id).where(RoundEntry.round_id == round_.id))
    if not entries:
        raise DomainError(f"“{round_.name}”还没有参评项目：第一轮在开始评审时加入，之后的轮次由上一轮晋级产生。")
    if round_.closes_at is not None and round_.closes_at <= (now or utcnow()):
        raise DomainError("该轮的评分截止时间已过，请先修改截止时间。")
    value = round_.advancement_value
    if round_.advancement == Advancement.THRESHOLD and value is not None and value > round_.max_total:
        raise DomainError(f"晋级分数线 {quantize(value)} 分高于评分表满分 {quantize(round_.max_total)} 分，请先修改。")
    round_.status = RoundStatus.OPEN
    record(actor, "round.opened", round_, f"“{call.title}”的“{round_.name}”开始评分", {"entries": entries})
    db.session.commit()
    return round_


def _per_round(column, call_id: int, *where) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(column, sa.func.count()).join(Round, Round.id == column).where(Round.call_id == call_id, *where)
        .group_by(column)
    )
    return {round_id: count for round_id, count in rows}


def rounds_overview(call: Call) -> list[RoundRow]:
    """The call's rounds (criteria loaded) with entry, assignment and submitted-sheet counts: five queries."""
    rounds = db.session.scalars(
        sa.select(Round).where(Round.call_id == call.id).options(selectinload(Round.criteria)).order_by(Round.position)
    ).all()
    entries = _per_round(RoundEntry.round_id, call.id)
    assignments = _per_round(Assignment.round_id, call.id)
    submitted = _per_round(ScoreSheet.round_id, call.id, ScoreSheet.status == SheetStatus.SUBMITTED)
    return [RoundRow(r, entries.get(r.id, 0), assignments.get(r.id, 0), submitted.get(r.id, 0)) for r in rounds]
