"""Evaluations (中期评估 / 结项评估) of submitted reports by the committee.

A score of 0–100 on each of the grant's dimensions (项目执行, 人员与物资投入, 财务管理, 项目成效 …),
weighted in percent (adding to 100) into a total rounded to 0.01, against the grant's pass mark; a
conclusion:

- passed: a total below the pass mark cannot pass. On a mid-term or final report it opens the
  tranche gate of that kind (tranches.gate_met reads the latest evaluation).
- rectify (整改) by a date after today: the NGO changes the report and submits it again, and it is
  evaluated again.
- failed: the tranches gated on this kind of report, and every later one, are stopped.

The NGO sees the result, the scores and the comments; the NGO and the sponsors are told.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..accounts.models import User
from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..locks import lock_row
from ..parsing import FieldErrors, clean_text, parse_choice, parse_day, parse_decimal
from . import notifications, tranches
from .models import Grant
from .permissions import can_evaluate
from .report_models import Evaluation, EvaluationConclusion, EvaluationScore, GrantReport, ReportKind, ReportStatus

HUNDRED = Decimal("100")
COMMENTS_MAX = 5000
GATED_KINDS = (ReportKind.MIDTERM, ReportKind.FINAL)


@dataclass
class Dimension:
    key: str
    label: str
    weight: Decimal


def dimensions_of(grant: Grant) -> list[Dimension]:
    """The grant's evaluation dimensions (its own, or the defaults when it has none)."""
    rows = grant.evaluation_dimensions or tranches.DEFAULT_DIMENSIONS
    dimensions = []
    for row in rows:
        try:
            weight = Decimal(str(row.get("weight")))
        except (InvalidOperation, ValueError):
            weight = Decimal("0")
        dimensions.append(Dimension(str(row.get("key"))[:40], str(row.get("label") or row.get("key"))[:60], weight))
    return dimensions


def weighted_total(dimensions: list[Dimension], scores: dict[str, Decimal]) -> Decimal:
    """Σ score × weight / 100, rounded half up to 0.01."""
    total = sum((scores[d.key] * d.weight / HUNDRED for d in dimensions), Decimal("0"))
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def can_be_evaluated(report: GrantReport) -> bool:
    return report.status == ReportStatus.SUBMITTED


def _parse(grant: Grant, data: dict) -> tuple[list[Dimension], dict, EvaluationConclusion, date | None, str]:
    dimensions = dimensions_of(grant)
    if not dimensions or sum(d.weight for d in dimensions) != HUNDRED or any(d.weight < 0 for d in dimensions):
        raise DomainError(N_("本协议各评估维度的权重之和不等于 100，请先修正评估设置。"))
    errors, scores = FieldErrors(), {}
    given = data.get("scores") or {}
    for d in dimensions:
        scores[d.key] = parse_decimal(given.get(d.key), errors, f"score-{d.key}", Decimal("0"), HUNDRED)
    conclusion = parse_choice(EvaluationConclusion, data.get("conclusion"), errors, "conclusion")
    rectify_by = None
    if conclusion == EvaluationConclusion.RECTIFY:
        rectify_by = parse_day(data.get("rectify_by"), errors, "rectify_by")
        if rectify_by and rectify_by <= date.today():
            errors.add("rectify_by", N_("整改期限须晚于今天。"))
    comments = clean_text(data.get("comments"))
    if len(comments) > COMMENTS_MAX:
        errors.add("comments", N_("不能超过 %(n)s 个字。", n=COMMENTS_MAX))
    if conclusion in (EvaluationConclusion.RECTIFY, EvaluationConclusion.FAILED) and not comments:
        errors.add("comments", N_("请写明整改要求或不通过的理由。"))
    errors.raise_if_any()
    return dimensions, scores, conclusion, rectify_by, comments


def evaluate(actor: User, report: GrantReport, data: dict) -> Evaluation:
    """The committee's evaluation of a submitted report: scores={dimension key: 0–100}, conclusion
    (passed / rectify / failed), rectify_by (a date after today, for rectify), comments."""
    grant = report.grant
    if not can_evaluate(actor, grant):
        raise PermissionDenied(N_("只有主办方组委会成员可以评估报告。"))
    dimensions, scores, conclusion, rectify_by, comments = _parse(grant, data)
    lock_row(report, "status")
    if not can_be_evaluated(report):
        raise DomainError(N_("这份报告处于“%(status)s”状态，不能评估。", status=report.status.label))
    total = weighted_total(dimensions, scores)
    if conclusion == EvaluationConclusion.PASSED and total < grant.pass_mark:
        raise DomainError(N_("总分 %(total)s 低于及格线 %(mark)s，不能评为通过。", total=total,
                             mark=f"{grant.pass_mark.normalize():f}"), field="conclusion")
    evaluation = Evaluation(report=report, grant=grant, evaluator_id=actor.id, total=total, pass_mark=grant.pass_mark,
                            conclusion=conclusion, rectify_by=rectify_by, comments=comments)
    evaluation.scores = [EvaluationScore(dimension=d.key, label=d.label, weight=d.weight, score=scores[d.key])
                         for d in dimensions]
    db.session.add(evaluation)
    report.status.check_transition(ReportStatus.EVALUATED)
    report.status = ReportStatus.EVALUATED
    record(actor, "grant.report_evaluated", evaluation,
           f"评估报告：{grant.title} {report.title} {total} 分，{conclusion.label}",
           {"report_id": report.id, "total": total, "pass_mark": grant.pass_mark, "conclusion": conclusion.value,
            "rectify_by": rectify_by, "scores": {key: value for key, value in scores.items()}})
    if conclusion == EvaluationConclusion.FAILED and report.kind in GATED_KINDS:
        tranches.stop_after_failed_evaluation(actor, grant, report.kind,
                                              f"{report.title}评估不通过：{comments}")
    notifications.evaluation_result(evaluation)
    db.session.commit()
    return evaluation


def latest_evaluation(report: GrantReport) -> Evaluation | None:
    return report.evaluations[-1] if report.evaluations else None
