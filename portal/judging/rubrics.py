"""A round's rubric (评分表): its criteria in order, each with guidance, a maximum and a weight; copied
from the committee's earlier rounds, and locked once scoring has started on it.

Rows arrive as the committee typed them; errors come back keyed "criteria-<i>-<field>".
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..audit import record
from ..calls.models import Call
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..i18n import N_
from ..parsing import FieldErrors, clean_text, parse_decimal, parse_flag, row_value
from ..types import quantize
from .models import Advancement, Criterion, Round, RoundStatus, ScoreSheet
from .rounds import FINISHED, check_setup_editable
from .services import sync_rows
from .permissions import can_manage_judging

MAX_CRITERIA = 30


def has_sheets(round_: Round) -> bool:
    return bool(db.session.scalar(
        sa.select(sa.func.count(ScoreSheet.id)).where(ScoreSheet.round_id == round_.id)
    ))


def rubric_lock_reason(round_: Round) -> str | None:
    """Why the rubric can no longer change, or None while it can."""
    if round_.call.status in FINISHED:
        return N_("评审结果已公示，评分表不能再修改。")
    if round_.status == RoundStatus.LOCKED:
        return N_("该轮评审已锁定，评分表不能再修改。")
    if round_.status == RoundStatus.OPEN and has_sheets(round_):
        return N_("该轮已有评委保存或提交了评分表，评分项不能再修改（否则已打的分数将失去依据）。")
    return None


def rubric_max_total(rows: Iterable[Mapping]) -> Decimal:
    """The live figure of the rubric editor: Σ maximum × weight over the rows that parse (weight 1 if blank)."""
    total = Decimal("0")
    for row in rows:
        try:
            maximum = Decimal(clean_text(row_value(row, "max_score", "")))
            weight = Decimal(clean_text(row_value(row, "weight", "1")))
        except (InvalidOperation, ValueError):
            continue
        if maximum.is_finite() and weight.is_finite() and maximum > 0 and weight > 0:
            total += maximum * weight
    return total


def _validate_rubric(rows: list[Mapping]) -> list[dict]:
    errors, cleaned, names, tie_rows = FieldErrors(), [], set(), []
    if not rows:
        errors.add("criteria", N_("请至少填写一个评分项。"))
    if len(rows) > MAX_CRITERIA:
        errors.add("criteria", N_("评分项最多 %(n)s 个。", n=MAX_CRITERIA))
    for i, row in enumerate(rows[:MAX_CRITERIA]):
        key = f"criteria-{i}-"
        name, guidance = clean_text(row.get("name")), clean_text(row.get("guidance"))
        if not name:
            errors.add(key + "name", N_("请填写评分项名称。"))
        elif len(name) > 60:
            errors.add(key + "name", N_("最多 60 个字。"))
        elif name in names:
            errors.add(key + "name", N_("评分项名称重复。"))
        names.add(name)
        if len(guidance) > 2000:
            errors.add(key + "guidance", N_("最多 2000 个字。"))
        maximum = row_value(row, "max_score")
        if maximum is None:
            errors.add(key + "max_score", N_("请填写满分。"))
        else:
            maximum = parse_decimal(maximum, errors, key + "max_score", Decimal("0"), Decimal("1000"), low_open=True,
                                    label=N_("满分"))
        weight = parse_decimal(row_value(row, "weight", "1"), errors, key + "weight", Decimal("0"), Decimal("100"),
                          low_open=True, label=N_("权重"))
        breaks_ties = parse_flag(row.get("breaks_ties"))
        if breaks_ties:
            tie_rows.append(i)
        cleaned.append(dict(name=name, guidance=guidance, max_score=maximum, weight=weight, breaks_ties=breaks_ties))
    if len(tie_rows) > 1:
        for i in tie_rows:
            errors.add(f"criteria-{i}-breaks_ties", N_("只能选择一个评分项作为并列时的比较依据。"))
    errors.raise_if_any()
    return cleaned


def _replace_criteria(actor, round_: Round, rows: list[Mapping], action: str, summary: str, data: dict) -> Round:
    check_setup_editable(actor, round_.call)
    reason = rubric_lock_reason(round_)
    if reason:
        raise DomainError(reason)
    cleaned = _validate_rubric(list(rows))
    total = sum((row["max_score"] * row["weight"] for row in cleaned), Decimal("0"))
    if round_.advancement == Advancement.THRESHOLD and round_.advancement_value and round_.advancement_value > total:
        raise ValidationFailed({"criteria": [
            N_("该轮的晋级分数线 %(value)s 分高于新的满分 %(max)s 分，请先修改晋级规则。",
               value=quantize(round_.advancement_value), max=quantize(total))
        ]})
    sync_rows(round_.criteria, cleaned, Criterion)
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
    if not can_manage_judging(actor, source_round.call) or source_round.call.committee_id != target_round.call.committee_id:
        raise PermissionDenied(N_("只能复制本主办方征集中的评分表。"))
    if source_round.id == target_round.id:
        raise DomainError(N_("不能从本轮复制评分表。"))
    if not source_round.criteria:
        raise DomainError(N_("所选轮次还没有评分项。"))
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
