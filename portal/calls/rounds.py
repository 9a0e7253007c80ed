"""A call's judging set-up (评审设置): rounds in order, each round's rubric, and the award tiers.

Calls sit below judging, so nothing here imports portal.judging. The two facts this module needs
from judging's tables (does a round have score sheets? has a tier been awarded?) are read through
plain table clauses, and judging registers the per-round counts shown on the set-up page
(register_round_stats) — the higher floor calls down.

Services take values as the committee typed them (strings) or as Python values, validate them,
and raise ValidationFailed({field: [message]}) with the form's field names (rubric rows as
"criteria-<i>-<field>", tier rows as "tiers-<i>-<field>").
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.permissions import can_manage_call
from ..audit import record
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..types import quantize
from .models import Advancement, Aggregation, AwardTier, Call, CallStatus, Criterion, Round, RoundKind, RoundStatus
from .parsing import (
    FieldErrors, clean_text, is_blank, parse_choice, parse_decimal, parse_flag, parse_integer, parse_moment,
)

FINISHED = (CallStatus.NOTICE, CallStatus.FINAL)  # results published: the set-up is history
MAX_CRITERIA = 30
MAX_TIERS = 30
_score_sheets = sa.table("score_sheets", sa.column("round_id"))  # judging's table, read only
_awards = sa.table("awards", sa.column("tier_id"))

ROUND_DEFAULTS = dict(
    name="", kind=RoundKind.ONLINE, aggregation=Aggregation.MEAN, trim_min_sheets=5, judges_per_application=3,
    blind=False, opens_at=None, closes_at=None, advancement=Advancement.MANUAL, advancement_value=None,
    outlier_sd=Decimal("2"), pitch_seconds=480,
)
FIXED_ONCE_OPEN = {"kind": "评审方式", "blind": "匿名评审", "judges_per_application": "每个项目的评委人数"}


# --- permission and state ------------------------------------------------------------------------

def _check_manage(actor, call: Call) -> None:
    if not can_manage_call(actor, call):
        raise PermissionDenied("您不是该征集主办方的成员。")
    if call.status in FINISHED:
        raise DomainError("评审结果已公示，评审设置不能再修改。")


def _may_have_entries(round_: Round) -> bool:
    """Round 1 gets its entries when judging starts; a later round when the one before is locked."""
    if round_.position == 1:
        return round_.call.status not in (CallStatus.DRAFT, CallStatus.PUBLISHED, CallStatus.CLOSED)
    before = next((r for r in round_.call.rounds if r.position == round_.position - 1), None)
    return before is not None and before.status == RoundStatus.LOCKED


def has_sheets(round_: Round) -> bool:
    return bool(db.session.scalar(
        sa.select(sa.func.count()).select_from(_score_sheets).where(_score_sheets.c.round_id == round_.id)
    ))


def rubric_lock_reason(round_: Round) -> str | None:
    """Why the rubric can no longer change, or None while it can."""
    if round_.call.status in FINISHED:
        return "评审结果已公示，评分表不能再修改。"
    if round_.status == RoundStatus.LOCKED:
        return "该轮评审已锁定，评分表不能再修改。"
    if round_.status == RoundStatus.OPEN and has_sheets(round_):
        return "该轮已有评委保存或提交了评分表，评分项不能再修改（否则已打的分数将失去依据）。"
    return None


# --- rounds --------------------------------------------------------------------------------------

def _round_values(round_: Round) -> dict:
    return {field: getattr(round_, field) for field in ROUND_DEFAULTS}


def _validate_round(values: dict, round_: Round | None) -> dict:
    errors = FieldErrors()
    v = dict(values)
    v["name"] = clean_text(v["name"])
    if not v["name"]:
        errors.add("name", "请填写轮次名称。")
    elif len(v["name"]) > 60:
        errors.add("name", "最多 60 个字。")
    for field, enum_class in (("kind", RoundKind), ("aggregation", Aggregation), ("advancement", Advancement)):
        v[field] = parse_choice(enum_class, v[field], errors, field)
    v["trim_min_sheets"] = parse_integer(v["trim_min_sheets"], errors, "trim_min_sheets", 3, 100)
    v["judges_per_application"] = parse_integer(v["judges_per_application"], errors, "judges_per_application", 1, 50)
    v["pitch_seconds"] = parse_integer(v["pitch_seconds"], errors, "pitch_seconds", 30, 3600)
    v["outlier_sd"] = parse_decimal(v["outlier_sd"], errors, "outlier_sd", Decimal("0"), Decimal("10"), low_open=True)
    v["blind"] = parse_flag(v["blind"])
    v["opens_at"], v["closes_at"] = (parse_moment(v[f], errors, f) for f in ("opens_at", "closes_at"))
    if v["opens_at"] and v["closes_at"] and v["closes_at"] <= v["opens_at"]:
        errors.add("closes_at", "评分截止时间必须晚于开始时间。")
    v["advancement_value"] = _advancement_value(v, round_, errors)
    if round_ is not None and round_.status != RoundStatus.PLANNED:
        for field, label in FIXED_ONCE_OPEN.items():
            if field not in errors and v[field] != getattr(round_, field):
                errors.add(field, f"评分开始后不能再修改“{label}”。")
    errors.raise_if_any()
    return v


def _advancement_value(v: dict, round_: Round | None, errors: FieldErrors) -> Decimal | None:
    rule, raw = v["advancement"], v["advancement_value"]
    if rule in (None, Advancement.MANUAL):
        return None
    if is_blank(raw):
        errors.add("advancement_value", "请填写晋级名额 N。" if rule == Advancement.TOP_N else "请填写晋级分数线。")
        return None
    if rule == Advancement.TOP_N:
        if isinstance(raw, Decimal) and raw == raw.to_integral_value():
            raw = int(raw)
        number = parse_integer(raw, errors, "advancement_value", 1, 9999)
        return None if number is None else Decimal(number)
    maximum = round_.max_total if round_ is not None and round_.criteria else Decimal("999999")
    value = parse_decimal(raw, errors, "advancement_value", Decimal("0"), Decimal("999999"), low_open=True)
    if value is not None and value > maximum:
        errors.add("advancement_value", f"分数线不能高于评分表满分 {quantize(maximum)} 分。")
        return None
    return value


def create_round(actor, call: Call, data: Mapping) -> Round:
    _check_manage(actor, call)
    values = _validate_round({**ROUND_DEFAULTS, **data}, None)
    round_ = Round(call=call, position=max((r.position for r in call.rounds), default=0) + 1, status=RoundStatus.PLANNED)
    for field, value in values.items():
        setattr(round_, field, value)
    db.session.add(round_)
    record(actor, "round.created", round_, f"“{call.title}”新增第 {round_.position} 轮评审“{round_.name}”", values)
    db.session.commit()
    return round_


def update_round(actor, round_: Round, data: Mapping) -> Round:
    _check_manage(actor, round_.call)
    if round_.status == RoundStatus.LOCKED:
        raise DomainError("该轮评审已锁定，不能再修改。")
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
    _check_manage(actor, call)
    if round_.status != RoundStatus.PLANNED:
        raise DomainError("只能删除尚未开始评分的轮次。")
    if _may_have_entries(round_):
        raise DomainError("该轮已有参评项目，不能删除。")
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
    _check_manage(actor, call)
    step = {"up": -1, "down": 1}.get(direction)
    other = next((r for r in call.rounds if step and r.position == round_.position + step), None)
    if other is None:
        raise DomainError("已经是第一轮。" if direction == "up" else "已经是最后一轮。")
    first = round_ if round_.position < other.position else other
    if round_.status != RoundStatus.PLANNED or other.status != RoundStatus.PLANNED or _may_have_entries(first):
        raise DomainError("已开始的轮次和已有参评项目的轮次不能调整顺序。")
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


def _sync_rows(collection: list, rows: list[dict], make) -> None:
    """Make an ordered child collection (criteria, tiers) match the rows: existing rows are updated
    in place (their ids, and what refers to them, survive), missing ones added, extra ones removed."""
    existing = list(collection)
    for position, row in enumerate(rows):
        item = existing[position] if position < len(existing) else make()
        item.position = position
        for field, value in row.items():
            setattr(item, field, value)
        if position >= len(existing):
            collection.append(item)
    for item in existing[len(rows):]:
        collection.remove(item)


# --- rubrics -------------------------------------------------------------------------------------

def _row_number(row: Mapping, key: str, default=None):
    value = row.get(key)
    return default if is_blank(value) else value


def rubric_max_total(rows: Iterable[Mapping]) -> Decimal:
    """The live figure of the rubric editor: Σ maximum × weight over the rows that parse (weight 1 if blank)."""
    total = Decimal("0")
    for row in rows:
        try:
            maximum = Decimal(clean_text(_row_number(row, "max_score", "")))
            weight = Decimal(clean_text(_row_number(row, "weight", "1")))
        except (InvalidOperation, ValueError):
            continue
        if maximum.is_finite() and weight.is_finite() and maximum > 0 and weight > 0:
            total += maximum * weight
    return total


def _validate_rubric(rows: list[Mapping]) -> list[dict]:
    errors, cleaned, names, tie_rows = FieldErrors(), [], set(), []
    if not rows:
        errors.add("criteria", "请至少填写一个评分项。")
    if len(rows) > MAX_CRITERIA:
        errors.add("criteria", f"评分项最多 {MAX_CRITERIA} 个。")
    for i, row in enumerate(rows[:MAX_CRITERIA]):
        key = f"criteria-{i}-"
        name, guidance = clean_text(row.get("name")), clean_text(row.get("guidance"))
        if not name:
            errors.add(key + "name", "请填写评分项名称。")
        elif len(name) > 60:
            errors.add(key + "name", "最多 60 个字。")
        elif name in names:
            errors.add(key + "name", "评分项名称重复。")
        names.add(name)
        if len(guidance) > 2000:
            errors.add(key + "guidance", "最多 2000 个字。")
        maximum = _row_number(row, "max_score")
        if maximum is None:
            errors.add(key + "max_score", "请填写满分。")
        else:
            maximum = parse_decimal(maximum, errors, key + "max_score", Decimal("0"), Decimal("1000"), low_open=True, label="满分")
        weight = parse_decimal(_row_number(row, "weight", "1"), errors, key + "weight", Decimal("0"), Decimal("100"),
                          low_open=True, label="权重")
        breaks_ties = parse_flag(row.get("breaks_ties"))
        if breaks_ties:
            tie_rows.append(i)
        cleaned.append(dict(name=name, guidance=guidance, max_score=maximum, weight=weight, breaks_ties=breaks_ties))
    if len(tie_rows) > 1:
        for i in tie_rows:
            errors.add(f"criteria-{i}-breaks_ties", "只能选择一个评分项作为并列时的比较依据。")
    errors.raise_if_any()
    return cleaned


def _replace_criteria(actor, round_: Round, rows: list[Mapping], action: str, summary: str, data: dict) -> Round:
    _check_manage(actor, round_.call)
    reason = rubric_lock_reason(round_)
    if reason:
        raise DomainError(reason)
    cleaned = _validate_rubric(list(rows))
    total = sum((row["max_score"] * row["weight"] for row in cleaned), Decimal("0"))
    if round_.advancement == Advancement.THRESHOLD and round_.advancement_value and round_.advancement_value > total:
        raise ValidationFailed({"criteria": [
            f"该轮的晋级分数线 {quantize(round_.advancement_value)} 分高于新的满分 {quantize(total)} 分，请先修改晋级规则。"
        ]})
    _sync_rows(round_.criteria, cleaned, Criterion)
    record(actor, action, round_, summary, {
        **data, "max_total": total,
        "criteria": [[r["name"], r["max_score"], r["weight"], r["breaks_ties"]] for r in cleaned],
    })
    db.session.commit()
    return round_


def save_rubric(actor, round_: Round, rows: Iterable[Mapping]) -> Round:
    """Replace the round's criteria by these rows, in order."""
    return _replace_criteria(actor, round_, list(rows), "round.rubric_saved", f"保存“{round_.name}”的评分表", {})


def copy_rubric(actor, target_round: Round, source_round: Round) -> Round:
    if not can_manage_call(actor, source_round.call) or source_round.call.committee_id != target_round.call.committee_id:
        raise PermissionDenied("只能复制本主办方征集中的评分表。")
    if source_round.id == target_round.id:
        raise DomainError("不能从本轮复制评分表。")
    if not source_round.criteria:
        raise DomainError("所选轮次还没有评分项。")
    rows = [dict(name=c.name, guidance=c.guidance, max_score=c.max_score, weight=c.weight, breaks_ties=c.breaks_ties)
            for c in source_round.criteria]
    summary = f"从“{source_round.call.title} · {source_round.name}”复制评分表到“{target_round.name}”"
    return _replace_criteria(actor, target_round, rows, "round.rubric_copied", summary, {"source_round_id": source_round.id})


def copy_sources(round_: Round) -> list[Round]:
    """Rounds with a rubric in the committee's calls (other calls first, newest first), except this one."""
    rounds = db.session.scalars(
        sa.select(Round).join(Call, Call.id == Round.call_id)
        .where(Call.committee_id == round_.call.committee_id, Round.id != round_.id,
               sa.exists().where(Criterion.round_id == Round.id))
        .options(joinedload(Round.call), selectinload(Round.criteria))
        .order_by((Round.call_id == round_.call_id).desc(), Call.created_at.desc(), Call.id.desc(), Round.position)
    )
    return list(rounds)


# --- award tiers ---------------------------------------------------------------------------------

@dataclass
class TierTotals:
    total: Decimal
    pool: Decimal

    @property
    def over_pool(self) -> bool:
        return self.total > self.pool

    @property
    def warning(self) -> str | None:
        if not self.over_pool:
            return None
        return f"奖项资金合计 ¥{self.total:,.2f} 超出创投资金总额 ¥{self.pool:,.2f}，请核对。"


def tier_totals(call: Call, tiers: Iterable[AwardTier] | None = None) -> TierTotals:
    """Σ places × amount (derived, never stored) against the call's pool."""
    tiers = call.award_tiers if tiers is None else tiers
    return TierTotals(total=sum((t.places * t.amount for t in tiers), Decimal("0.00")), pool=call.total_pool)


def _validate_tiers(rows: list[Mapping]) -> list[dict]:
    errors, cleaned, names = FieldErrors(), [], set()
    if len(rows) > MAX_TIERS:
        errors.add("tiers", f"奖项最多 {MAX_TIERS} 个。")
    for i, row in enumerate(rows[:MAX_TIERS]):
        key = f"tiers-{i}-"
        name = clean_text(row.get("name"))
        if not name:
            errors.add(key + "name", "请填写奖项名称。")
        elif len(name) > 60:
            errors.add(key + "name", "最多 60 个字。")
        elif name in names:
            errors.add(key + "name", "奖项名称重复。")
        names.add(name)
        places = parse_integer(_row_number(row, "places", ""), errors, key + "places", 1, 1000)
        amount = parse_decimal(_row_number(row, "amount", ""), errors, key + "amount", Decimal("0"),
                          Decimal("10000000000"), label="金额")
        cleaned.append(dict(name=name, places=places, amount=amount, is_popularity=parse_flag(row.get("is_popularity"))))
    errors.raise_if_any()
    return cleaned


def save_award_tiers(actor, call: Call, rows: Iterable[Mapping]) -> TierTotals:
    """Replace the call's award tiers by these rows; the total may exceed the pool (the caller warns)."""
    _check_manage(actor, call)
    cleaned = _validate_tiers(list(rows))
    existing = list(call.award_tiers)
    dropped = [t.id for t in existing[len(cleaned):]]
    if dropped and db.session.scalar(sa.select(sa.func.count()).select_from(_awards).where(_awards.c.tier_id.in_(dropped))):
        raise DomainError("要删除的奖项已有获奖项目，不能删除。")
    _sync_rows(call.award_tiers, cleaned, AwardTier)
    totals = tier_totals(call)
    record(actor, "call.award_tiers_saved", call, f"保存“{call.title}”的奖项设置", {
        "tiers": [[r["name"], r["places"], r["amount"], r["is_popularity"]] for r in cleaned],
        "total": totals.total, "pool": totals.pool, "over_pool": totals.over_pool,
    })
    db.session.commit()
    return totals


# --- the set-up page's per-round figures ---------------------------------------------------------

@dataclass
class RoundRow:
    round: Round
    entries: int = 0
    assignments: int = 0
    submitted: int = 0


_stats_provider: list[Callable[[Call], list[RoundRow]]] = []


def register_round_stats(provider: Callable[[Call], list[RoundRow]]) -> None:
    """Judging gives the counts (entries, assignments, submitted sheets) it alone knows about."""
    _stats_provider[:] = [provider]


def setup_rows(call: Call) -> list[RoundRow]:
    if _stats_provider:
        return _stats_provider[0](call)
    return [RoundRow(round_) for round_ in call.rounds]
