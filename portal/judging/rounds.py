"""A call's rounds (评审轮次): their definitions in order, the set-up page's per-round figures, and the
two transitions that put them to work.

Rounds are created, edited, deleted and moved while planned. start_judging: the call CLOSED → JUDGING;
round 1 gets every eligible application, in the order of their reference numbers. open_round: a round
PLANNED → OPEN so its judges can score. Neither notifies anyone (inviting and reminding judges
belongs to judges.py). Rubrics are rubrics.py's, award tiers award_tiers.py's.

Services take values as the committee typed them (strings) or as Python values, validate them, and
raise ValidationFailed({field: [message]}) with the form's field names.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..applications.models import Application, ApplicationStatus
from ..audit import record
from ..calls.models import Call, CallStatus
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..parsing import (
    FieldErrors, clean_text, is_blank, parse_choice, parse_decimal, parse_flag, parse_integer, parse_moment,
)
from ..types import quantize, utcnow
from .models import (
    Advancement, Aggregation, Assignment, Round, RoundEntry, RoundKind, RoundStatus, ScoreSheet, SheetStatus,
)
from .services import lock_row
from .permissions import can_manage_judging

FINISHED = (CallStatus.NOTICE, CallStatus.FINAL)  # results published: the set-up is history

ROUND_DEFAULTS = dict(
    name="", kind=RoundKind.ONLINE, aggregation=Aggregation.MEAN, trim_min_sheets=5, judges_per_application=3,
    blind=False, opens_at=None, closes_at=None, advancement=Advancement.MANUAL, advancement_value=None,
    outlier_sd=Decimal("2"), pitch_seconds=480, held_at=None, venue="",
)
FIXED_ONCE_OPEN = {"kind": N_("评审方式"), "blind": N_("匿名评审"), "judges_per_application": N_("每个项目的评委人数")}


# --- permission and state ------------------------------------------------------------------------

def check_setup_editable(actor, call: Call) -> None:
    """The committee may change the set-up (rounds, rubrics, tiers) until the results are published."""
    if not can_manage_judging(actor, call):
        raise PermissionDenied(N_("您不是该征集主办方的成员。"))
    if call.status in FINISHED:
        raise DomainError(N_("评审结果已公示，评审设置不能再修改。"))


def _may_have_entries(round_: Round) -> bool:
    """Round 1 gets its entries when judging starts; a later round when the one before is locked."""
    if round_.position == 1:
        return round_.call.status not in (CallStatus.DRAFT, CallStatus.PUBLISHED, CallStatus.CLOSED)
    before = next((r for r in round_.call.rounds if r.position == round_.position - 1), None)
    return before is not None and before.status == RoundStatus.LOCKED



# --- rounds --------------------------------------------------------------------------------------

def _round_values(round_: Round) -> dict:
    return {field: getattr(round_, field) for field in ROUND_DEFAULTS}


def _validate_round(values: dict, round_: Round | None) -> dict:
    errors = FieldErrors()
    v = dict(values)
    v["name"] = clean_text(v["name"])
    if not v["name"]:
        errors.add("name", N_("请填写轮次名称。"))
    elif len(v["name"]) > 60:
        errors.add("name", N_("最多 60 个字。"))
    for field, enum_class in (("kind", RoundKind), ("aggregation", Aggregation), ("advancement", Advancement)):
        v[field] = parse_choice(enum_class, v[field], errors, field)
    v["trim_min_sheets"] = parse_integer(v["trim_min_sheets"], errors, "trim_min_sheets", 3, 100)
    v["judges_per_application"] = parse_integer(v["judges_per_application"], errors, "judges_per_application", 1, 50)
    v["pitch_seconds"] = parse_integer(v["pitch_seconds"], errors, "pitch_seconds", 30, 3600)
    v["outlier_sd"] = parse_decimal(v["outlier_sd"], errors, "outlier_sd", Decimal("0"), Decimal("10"), low_open=True)
    v["blind"] = parse_flag(v["blind"])
    v["opens_at"], v["closes_at"], v["held_at"] = (parse_moment(v[f], errors, f) for f in ("opens_at", "closes_at", "held_at"))
    v["venue"] = clean_text(v["venue"])
    if len(v["venue"]) > 200:
        errors.add("venue", N_("最多 200 个字。"))
    if v["opens_at"] and v["closes_at"] and v["closes_at"] <= v["opens_at"]:
        errors.add("closes_at", N_("评分截止时间必须晚于开始时间。"))
    v["advancement_value"] = _advancement_value(v, round_, errors)
    if round_ is not None and round_.status != RoundStatus.PLANNED:
        for field, label in FIXED_ONCE_OPEN.items():
            if field not in errors and v[field] != getattr(round_, field):
                errors.add(field, N_("评分开始后不能再修改“%(label)s”。", label=label))
    errors.raise_if_any()
    return v


def _advancement_value(v: dict, round_: Round | None, errors: FieldErrors) -> Decimal | None:
    rule, raw = v["advancement"], v["advancement_value"]
    if rule in (None, Advancement.MANUAL):
        return None
    if is_blank(raw):
        errors.add("advancement_value", N_("请填写晋级名额 N。") if rule == Advancement.TOP_N else N_("请填写晋级分数线。"))
        return None
    if rule == Advancement.TOP_N:
        if isinstance(raw, Decimal) and raw == raw.to_integral_value():
            raw = int(raw)
        number = parse_integer(raw, errors, "advancement_value", 1, 9999)
        return None if number is None else Decimal(number)
    maximum = round_.max_total if round_ is not None and round_.criteria else Decimal("999999")
    value = parse_decimal(raw, errors, "advancement_value", Decimal("0"), Decimal("999999"), low_open=True)
    if value is not None and value > maximum:
        errors.add("advancement_value", N_("分数线不能高于评分表满分 %(max)s 分。", max=quantize(maximum)))
        return None
    return value


def create_round(actor, call: Call, data: Mapping) -> Round:
    check_setup_editable(actor, call)
    values = _validate_round({**ROUND_DEFAULTS, **data}, None)
    round_ = Round(call=call, position=max((r.position for r in call.rounds), default=0) + 1, status=RoundStatus.PLANNED)
    for field, value in values.items():
        setattr(round_, field, value)
    db.session.add(round_)
    record(actor, "round.created", round_, f"“{call.title}”新增第 {round_.position} 轮评审“{round_.name}”", values)
    db.session.commit()
    return round_


def update_round(actor, round_: Round, data: Mapping) -> Round:
    check_setup_editable(actor, round_.call)
    if round_.status == RoundStatus.LOCKED:
        raise DomainError(N_("该轮评审已锁定，不能再修改。"))
    old = _round_values(round_)
    values = _validate_round({**old, **data}, round_)
    changes = {field: [old[field], value] for field, value in values.items() if old[field] != value}
    for field, value in values.items():
        setattr(round_, field, value)
    record(actor, "round.updated", round_, f"修改评审轮次“{round_.name}”", changes)
    db.session.commit()
    return round_


def delete_round(actor, round_: Round) -> None:
    call = round_.call
    check_setup_editable(actor, call)
    if round_.status != RoundStatus.PLANNED:
        raise DomainError(N_("只能删除尚未开始评分的轮次。"))
    if _may_have_entries(round_):
        raise DomainError(N_("该轮已有参评项目，不能删除。"))
    position, name = round_.position, round_.name
    record(actor, "round.deleted", round_, f"删除评审轮次“{name}”", {"position": position, "call_id": call.id})
    call.rounds.remove(round_)
    db.session.flush()
    for later in sorted((r for r in call.rounds if r.position > position), key=lambda r: r.position):
        later.position -= 1
        db.session.flush()  # one at a time: (call_id, position) is unique
    db.session.commit()


def move_round(actor, round_: Round, direction: str) -> Round:
    call = round_.call
    check_setup_editable(actor, call)
    step = {"up": -1, "down": 1}.get(direction)
    other = next((r for r in call.rounds if step and r.position == round_.position + step), None)
    if other is None:
        raise DomainError(N_("已经是第一轮。") if direction == "up" else N_("已经是最后一轮。"))
    first = round_ if round_.position < other.position else other
    if round_.status != RoundStatus.PLANNED or other.status != RoundStatus.PLANNED or _may_have_entries(first):
        raise DomainError(N_("已开始的轮次和已有参评项目的轮次不能调整顺序。"))
    a, b = round_.position, other.position
    round_.position = 0
    db.session.flush()
    other.position = a
    db.session.flush()
    round_.position = b
    record(actor, "round.moved", round_, f"评审轮次“{round_.name}”调整为第 {b} 轮", {"from": a, "to": b})
    db.session.commit()
    return round_


def rule_text(round_: Round) -> str:
    """The advancement rule in words, in the page's language (shown on the set-up page)."""
    from flask_babel import gettext

    if round_.advancement == Advancement.TOP_N and round_.advancement_value is not None:
        return gettext("排名前 %(n)s 名晋级", n=int(round_.advancement_value))
    if round_.advancement == Advancement.THRESHOLD and round_.advancement_value is not None:
        return gettext("总分达到 %(score)s 分晋级", score=quantize(round_.advancement_value))
    return gettext(Advancement.MANUAL.label)


# --- starting judging and opening a round -------------------------------------------------------

def _count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def start_judging(actor, call: Call) -> int:
    """CLOSED → JUDGING; returns the number of applications entered in round 1."""
    if not can_manage_judging(actor, call):
        raise PermissionDenied(N_("您不是该征集主办方的成员。"))
    lock_row(call)
    call.status.check_transition(CallStatus.JUDGING)
    first = call.rounds[0] if call.rounds else None
    if first is None:
        raise DomainError(N_("请先在评审设置中添加至少一个评审轮次。"))
    if not first.criteria:
        raise DomainError(N_("第一轮“%(name)s”还没有评分项，请先设置评分表。", name=first.name))
    pending = _count(sa.select(Application.id).where(
        Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED))
    if pending:
        raise DomainError(N_("还有 %(n)s 份申报待资格审查，请审查完毕后再开始评审。", n=pending))
    eligible = list(db.session.scalars(
        sa.select(Application.id).where(Application.call_id == call.id, Application.status == ApplicationStatus.ELIGIBLE)
        .order_by(Application.sequence, Application.id)
    ))
    if not eligible:
        raise DomainError(N_("没有通过资格审查的申报，无法开始评审。"))
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
        raise PermissionDenied(N_("您不是该征集主办方的成员。"))
    lock_row(round_)
    round_.status.check_transition(RoundStatus.OPEN)
    if call.status != CallStatus.JUDGING:
        raise DomainError(N_("征集尚未进入评审阶段（请先开始评审）。"))
    if not round_.criteria:
        raise DomainError(N_("“%(name)s”还没有评分项，请先设置评分表。", name=round_.name))
    entries = _count(sa.select(RoundEntry.id).where(RoundEntry.round_id == round_.id))
    if not entries:
        raise DomainError(N_("“%(name)s”还没有参评项目：第一轮在开始评审时加入，之后的轮次由上一轮晋级产生。", name=round_.name))
    if round_.closes_at is not None and round_.closes_at <= (now or utcnow()):
        raise DomainError(N_("该轮的评分截止时间已过，请先修改截止时间。"))
    value = round_.advancement_value
    if round_.advancement == Advancement.THRESHOLD and value is not None and value > round_.max_total:
        raise DomainError(N_("晋级分数线 %(value)s 分高于评分表满分 %(max)s 分，请先修改。", value=quantize(value),
                             max=quantize(round_.max_total)))
    round_.status = RoundStatus.OPEN
    record(actor, "round.opened", round_, f"“{call.title}”的“{round_.name}”开始评分", {"entries": entries})
    db.session.commit()
    return round_

# --- the set-up page's per-round figures ---------------------------------------------------------

@dataclass
class RoundRow:
    round: Round
    entries: int = 0
    assignments: int = 0
    submitted: int = 0


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


def announced_pitches(call: Call) -> list[Round]:
    """The call's live-pitch rounds whose day or venue is set, in order (shown on the public call page)."""
    return list(db.session.scalars(
        sa.select(Round).where(Round.call_id == call.id, Round.kind == RoundKind.PITCH,
                               sa.or_(Round.held_at.is_not(None), Round.venue != ""))
        .order_by(Round.position)
    ))
