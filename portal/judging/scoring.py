"""Score sheets (评分表): a judge scores an assigned application — draft, submit, revise until the
round closes. A sheet's total is never stored: it is Σ score × weight over its rows."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from ..accounts.models import User
from ..applications.models import Application
from ..audit import record
from .models import Assignment, Criterion, Round, RoundStatus, Score, ScoreSheet, SheetStatus
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..i18n import N_
from ..types import utcnow
from .aggregation import TWO_PLACES, exact_total, money2
from .permissions import is_assigned

COMMENT_MAX = 2000


def field_name(criterion: Criterion) -> str:
    """The form field of a criterion's score, also the key of its error."""
    return f"c{criterion.id}"


def parse_score(raw, criterion: Criterion, required: bool) -> tuple[Decimal | None, str | None]:
    """(value, None) or (None, error marked for translation). Accepts full-width digits; at most two decimals."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, N_("请为“%(name)s”打分。", name=criterion.name) if required else None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, N_("请输入数字。")
    if not value.is_finite():
        return None, N_("请输入数字。")
    # Bounds first: quantizing a huge number would overflow the decimal context.
    if value < 0 or value > criterion.max_score:
        return None, N_("应在 0 到 %(max)s 之间。", max=f"{criterion.max_score.normalize():f}")
    if value != value.quantize(TWO_PLACES, rounding="ROUND_DOWN"):
        return None, N_("最多保留两位小数。")
    return value, None


def sheet_for(judge: User, round_: Round, application: Application) -> ScoreSheet | None:
    return db.session.scalar(
        sa.select(ScoreSheet).where(
            ScoreSheet.judge_id == judge.id, ScoreSheet.round_id == round_.id, ScoreSheet.application_id == application.id
        )
    )


def check_can_score(actor: User, round_: Round, application: Application) -> None:
    if not is_assigned(actor, round_.id, application.id):
        raise PermissionDenied(N_("您未被分配评审该项目。"))
    if round_.status == RoundStatus.LOCKED:
        raise DomainError(N_("本轮已锁定，评分不能再修改。"))
    if not round_.is_scoring_open_at(utcnow()):
        raise DomainError(N_("本轮评分未开放或已截止。"))


def save_sheet(actor: User, round_: Round, application: Application, values: dict, comment: str, submit: bool) -> ScoreSheet:
    """Save the judge's scores as a draft, or submit them (every criterion then required)."""
    check_can_score(actor, round_, application)
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = {}
    parsed: dict[int, Decimal | None] = {}
    for criterion in round_.criteria:
        value, error = parse_score(values.get(criterion.id), criterion, required=submit)
        if error:
            errors[field_name(criterion)] = [error]
        parsed[criterion.id] = value
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [N_("评语不能超过 %(n)s 个字。", n=COMMENT_MAX)]
    if errors:
        raise ValidationFailed(errors)

    # Lock the assignment row so that two tabs of the same judge cannot create two sheets.
    db.session.execute(
        sa.select(Assignment.id).where(
            Assignment.round_id == round_.id, Assignment.application_id == application.id, Assignment.judge_id == actor.id
        ).with_for_update()
    )
    sheet = sheet_for(actor, round_, application)
    if sheet is None:
        sheet = ScoreSheet(round=round_, application=application, judge=actor)
        db.session.add(sheet)
    was = sheet.status
    by_criterion = {score.criterion_id: score for score in sheet.scores}
    for criterion in round_.criteria:
        value, existing = parsed[criterion.id], by_criterion.get(criterion.id)
        if value is None:
            if existing is not None:
                sheet.scores.remove(existing)
        elif existing is None:
            sheet.scores.append(Score(criterion_id=criterion.id, value=value))
        else:
            existing.value = value
    sheet.comment = comment
    target = SheetStatus.SUBMITTED if submit else SheetStatus.DRAFT
    if target != was and sheet.id is not None:
        was.check_transition(target)
    sheet.status = target
    sheet.submitted_at = utcnow() if submit else None
    sheet.updated_at = utcnow()
    total = weighted_sum(round_.criteria, parsed)
    if submit:
        action = "sheet.revised" if was == SheetStatus.SUBMITTED else "sheet.submitted"
        summary = f"提交评分：{application.reference or application.title}，合计 {total}"
    else:
        action, summary = "sheet.saved", f"保存评分草稿：{application.reference or application.title}"
    db.session.flush()
    record(actor, action, sheet, summary, {
        "round_id": round_.id, "application_id": application.id, "total": total,
        "scores": {str(cid): value for cid, value in parsed.items()}, "comment": comment,
    })
    db.session.commit()
    return sheet


def weighted_sum(criteria: list[Criterion], values: dict[int, Decimal | None]) -> Decimal:
    return money2(sum((values[c.id] * c.weight for c in criteria if values.get(c.id) is not None), Decimal("0")))


def sheet_total(sheet: ScoreSheet) -> Decimal:
    weights = {c.id: c.weight for c in sheet.round.criteria}
    return money2(sum((score.value * weights[score.criterion_id] for score in sheet.scores), Decimal("0")))


def judge_round_sheets(judge: User, round_: Round) -> list[tuple[Assignment, ScoreSheet | None]]:
    """The judge's assignments in the round with their sheets (two queries), in running order."""
    from sqlalchemy.orm import joinedload, selectinload

    from .models import RoundEntry

    assignments = list(db.session.scalars(
        sa.select(Assignment)
        .options(joinedload(Assignment.application))
        .outerjoin(RoundEntry, sa.and_(RoundEntry.round_id == Assignment.round_id,
                                       RoundEntry.application_id == Assignment.application_id))
        .where(Assignment.round_id == round_.id, Assignment.judge_id == judge.id)
        .order_by(RoundEntry.position, Assignment.application_id)
    ))
    sheets = {
        sheet.application_id: sheet
        for sheet in db.session.scalars(
            sa.select(ScoreSheet).options(selectinload(ScoreSheet.scores))
            .where(ScoreSheet.round_id == round_.id, ScoreSheet.judge_id == judge.id)
        )
    }
    return [(assignment, sheets.get(assignment.application_id)) for assignment in assignments]


def sheet_totals_query(round_id: int):
    """SELECT sheet id, application, judge, Σ value × weight for a round's submitted sheets."""
    return (
        sa.select(
            ScoreSheet.id, ScoreSheet.application_id, ScoreSheet.judge_id,
            # Numeric(18, 6): with the columns' scale of 2, SQLite's driver would round 40.125 to 40.12.
            sa.func.sum(Score.value * Criterion.weight, type_=sa.Numeric(18, 6)).label("total"),
        )
        .join(Score, Score.sheet_id == ScoreSheet.id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(ScoreSheet.round_id == round_id, ScoreSheet.status == SheetStatus.SUBMITTED)
        .group_by(ScoreSheet.id, ScoreSheet.application_id, ScoreSheet.judge_id)
    )


def submitted_totals(round_id: int, application_id: int) -> dict[int, Decimal]:
    """judge id → weighted total of each submitted sheet for one application (one GROUP BY)."""
    query = sheet_totals_query(round_id).where(ScoreSheet.application_id == application_id)
    return {judge_id: exact_total(total) for _, _, judge_id, total in db.session.execute(query)}
