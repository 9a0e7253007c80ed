"""Evaluations of submitted reports: weighted scores against the pass mark, the conclusions and what
they do to the tranches (passed opens the gate, failed stops what follows, rectify lets the NGO file
again), who may evaluate, and who is told."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.accounts.models import Notification
from portal.audit import AuditEvent
from portal.errors import DomainError, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.grants import disbursements, evaluations, reports, tranches
from portal.grants.models import DisbursementStatus, TrancheStatus
from portal.grants.report_models import EvaluationConclusion, ReportKind, ReportStatus

from .helpers import signed_grant

D = Decimal
GOOD = {"execution": "80", "inputs": "70", "finance": "90", "outcomes": "60"}  # 24 + 14 + 18 + 18 = 74
POOR = {"execution": "50", "inputs": "50", "finance": "60", "outcomes": "40"}  # 15 + 10 + 12 + 12 = 49
LATER = (date.today() + timedelta(days=30)).isoformat()


def _submitted(kind=ReportKind.MIDTERM):
    world, grant = signed_grant()
    report = next(r for r in grant.reports if r.kind == kind)
    reports.save_report(world.ngo_user, report, {"narrative": "按计划推进", "beneficiaries_reached": "60"}, submit=True)
    return world, grant, report


def _evaluate(world, report, scores=GOOD, conclusion="passed", **extra):
    return evaluations.evaluate(world.maker, report, {"scores": scores, "conclusion": conclusion, **extra})


def test_the_total_is_the_weighted_sum_of_the_scores(app):
    world, grant, report = _submitted()
    evaluation = _evaluate(world, report, comments="执行良好")
    assert (evaluation.total, evaluation.pass_mark, evaluation.conclusion) == (D("74.00"), D("60.00"), EvaluationConclusion.PASSED)
    assert [(s.label, s.weight, s.score) for s in evaluation.scores] == [
        ("项目执行", D("30"), D("80")), ("人员与物资投入", D("20"), D("70")), ("财务管理", D("20"), D("90")),
        ("项目成效", D("30"), D("60"))]
    assert report.status == ReportStatus.EVALUATED
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "grant.report_evaluated"))
    assert event.data["total"] == "74.00" and event.data["conclusion"] == "passed"
    thirds = [evaluations.Dimension("a", "甲", D("33.33")), evaluations.Dimension("b", "乙", D("33.33")),
              evaluations.Dimension("c", "丙", D("33.34"))]
    assert evaluations.weighted_total(thirds, {"a": D("71"), "b": D("72"), "c": D("73.5")}) == D("72.17")


def test_only_the_committee_evaluates_a_submitted_report(app):
    world, grant, report = _submitted()
    for someone in (world.ngo_user, world.sponsors[0].user):
        with pytest.raises(PermissionDenied):
            evaluations.evaluate(someone, report, {"scores": GOOD, "conclusion": "passed"})
    final = next(r for r in grant.reports if r.kind == ReportKind.FINAL)
    with pytest.raises(DomainError):
        _evaluate(world, final)  # not submitted yet
    _evaluate(world, report)
    with pytest.raises(DomainError):
        _evaluate(world, report)  # evaluated already


@pytest.mark.parametrize("scores, field", [
    ({**GOOD, "finance": "101"}, "score-finance"),
    ({**GOOD, "finance": "-1"}, "score-finance"),
    ({**GOOD, "finance": "abc"}, "score-finance"),
    ({key: value for key, value in GOOD.items() if key != "inputs"}, "score-inputs"),
])
def test_each_score_is_between_0_and_100(app, scores, field):
    world, grant, report = _submitted()
    with pytest.raises(ValidationFailed) as refused:
        _evaluate(world, report, scores=scores)
    assert field in refused.value.errors
    assert report.status == ReportStatus.SUBMITTED


def test_a_total_below_the_pass_mark_cannot_pass(app):
    world, grant, report = _submitted()
    with pytest.raises(DomainError) as refused:
        _evaluate(world, report, scores=POOR)
    assert refused.value.field == "conclusion" and "49.00" in str(refused.value)
    db.session.rollback()
    assert not report.evaluations and not tranches.gate_met(grant.tranches[1])


def test_rectify_needs_a_date_after_today(app):
    world, grant, report = _submitted()
    for day in ("", date.today().isoformat(), "2026-02-30"):
        with pytest.raises(ValidationFailed) as refused:
            _evaluate(world, report, scores=POOR, conclusion="rectify", rectify_by=day, comments="补充票据")
        assert "rectify_by" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        _evaluate(world, report, scores=POOR, conclusion="rectify", rectify_by=LATER)
    assert "comments" in refused.value.errors  # what to rectify must be said


def test_passing_the_midterm_opens_its_tranche_for_payment(app):
    world, grant, report = _submitted()
    first, middle, last = grant.tranches
    prepared = disbursements.prepare(world.maker, middle, {"source_id": str(grant.sources[0].id), "amount": "7500",
                                                           "pay_on": date.today().isoformat()})
    assert not tranches.gate_met(middle)
    with pytest.raises(DomainError):
        disbursements.approve(world.checker, prepared)  # the mid-term evaluation has not passed
    db.session.rollback()
    _evaluate(world, report)
    assert tranches.gate_met(middle) and not tranches.gate_met(last)
    approved = disbursements.approve(world.checker, prepared)
    assert approved.status == DisbursementStatus.APPROVED and approved.gate_override_reason == ""


def test_failing_the_midterm_stops_its_tranche_and_the_later_ones(app):
    world, grant, report = _submitted()
    evaluation = _evaluate(world, report, scores=POOR, conclusion="failed", comments="资金使用不规范")
    assert evaluation.conclusion == EvaluationConclusion.FAILED
    assert [t.status for t in grant.tranches] == [TrancheStatus.PLANNED, TrancheStatus.STOPPED, TrancheStatus.STOPPED]
    assert "资金使用不规范" in grant.tranches[1].stop_reason
    assert not tranches.gate_met(grant.tranches[1])
    with pytest.raises(DomainError):
        disbursements.prepare(world.maker, grant.tranches[1], {"source_id": str(grant.sources[0].id), "amount": "100",
                                                               "pay_on": date.today().isoformat()})


def test_rectify_lets_the_ngo_change_and_resubmit_and_be_evaluated_again(app):
    world, grant, report = _submitted()
    first = _evaluate(world, report, scores=POOR, conclusion="rectify", rectify_by=LATER, comments="请补充活动照片")
    assert report.status == ReportStatus.EVALUATED and first.rectify_by == date.fromisoformat(LATER)
    assert not tranches.gate_met(grant.tranches[1])
    assert reports.can_edit_report(world.ngo_user, report)
    reports.save_report(world.ngo_user, report, {"narrative": "已补充照片", "beneficiaries_reached": "65"}, submit=True)
    assert report.status == ReportStatus.SUBMITTED
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "grant.report_submitted")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.data["resubmitted"] is True
    _evaluate(world, report)
    assert [e.conclusion for e in report.evaluations] == [EvaluationConclusion.RECTIFY, EvaluationConclusion.PASSED]
    assert tranches.gate_met(grant.tranches[1])
    assert not reports.can_edit_report(world.ngo_user, report)  # passed: closed


def test_the_ngo_and_the_sponsors_are_told_with_a_link(app, outbox):
    world, grant, report = _submitted()
    _evaluate(world, report, scores=POOR, conclusion="rectify", rectify_by=LATER, comments="请补充票据")
    told = {n.user_id for n in db.session.scalars(sa.select(Notification))}
    assert told == {world.ngo_user.id, world.sponsors[0].user.id, world.sponsors[1].user.id}
    recipients = sorted(m["to"][0] for m in outbox)
    assert recipients == sorted([world.ngo_user.email, world.sponsors[0].user.email, world.sponsors[1].user.email])
    assert world.maker.email not in recipients
    body = next(m["body"] for m in outbox if m["to"] == [world.ngo_user.email])
    assert "请补充票据" in body and "http" in body and f"/grants/reports/{report.id}" in body
    notification = db.session.scalars(sa.select(Notification)).first()
    assert notification.link.startswith("http") and notification.link.endswith(f"/grants/reports/{report.id}")
    assert "限期整改" in notification.title
