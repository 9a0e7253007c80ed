"""Score sheets: bounds, drafts, submission, revision, closing and locking; the audit trail."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from portal.applications.models import ApplicationStatus
from portal.audit import AuditEvent
from portal.calls.models import CallStatus
from portal.judging.models import RoundStatus
from portal.errors import DomainError, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.judging import scoring
from portal.judging.models import ScoreSheet, SheetStatus
from portal.types import utcnow

from ..factories import make_application, make_assignment, make_call, make_call_judge, make_entry, make_round, make_user


@pytest.fixture
def setup(app):
    call = make_call(status=CallStatus.JUDGING)
    round_ = make_round(call, criteria=[("必要性", 20, 1), ("可行性", 30, 2)])
    application = make_application(call=call, status=ApplicationStatus.ELIGIBLE)
    make_entry(round_, application)
    judge = make_call_judge(call)
    make_assignment(round_, application, judge)
    db.session.commit()
    c1, c2 = round_.criteria
    return round_, application, judge, c1, c2


def test_submit_stores_scores_and_weighted_total(setup):
    round_, application, judge, c1, c2 = setup
    sheet = scoring.save_sheet(judge, round_, application, {c1.id: "15", c2.id: "22.5"}, "很好", submit=True)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_at is not None
    assert scoring.sheet_total(sheet) == Decimal("60.00")  # 15×1 + 22.5×2
    assert scoring.submitted_totals(round_.id, application.id) == {judge.id: Decimal("60.00")}
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "sheet.submitted")).one()
    assert event.data["total"] == "60.00"


def test_each_bad_score_is_reported_on_its_field_and_nothing_is_saved(setup):
    round_, application, judge, c1, c2 = setup
    with pytest.raises(ValidationFailed) as failure:
        scoring.save_sheet(judge, round_, application, {c1.id: "21", c2.id: "abc"}, "", submit=True)
    assert failure.value.errors == {f"c{c1.id}": ["应在 0 到 20 之间。"], f"c{c2.id}": ["请输入数字。"]}
    with pytest.raises(ValidationFailed) as failure:
        scoring.save_sheet(judge, round_, application, {c1.id: "-1", c2.id: "1.234"}, "", submit=False)
    assert set(failure.value.errors) == {f"c{c1.id}", f"c{c2.id}"}
    assert db.session.scalar(db.select(db.func.count()).select_from(ScoreSheet)) == 0


def test_draft_may_be_partial_but_submission_needs_every_criterion(setup):
    round_, application, judge, c1, c2 = setup
    sheet = scoring.save_sheet(judge, round_, application, {c1.id: "10"}, "", submit=False)
    assert sheet.status == SheetStatus.DRAFT and scoring.submitted_totals(round_.id, application.id) == {}
    with pytest.raises(ValidationFailed) as failure:
        scoring.save_sheet(judge, round_, application, {c1.id: "10"}, "", submit=True)
    assert failure.value.errors == {f"c{c2.id}": ["请为“可行性”打分。"]}


def test_revision_until_close_then_refused(setup):
    round_, application, judge, c1, c2 = setup
    scoring.save_sheet(judge, round_, application, {c1.id: "10", c2.id: "10"}, "", submit=True)
    sheet = scoring.save_sheet(judge, round_, application, {c1.id: "12", c2.id: "10"}, "改分", submit=True)
    assert scoring.sheet_total(sheet) == Decimal("32.00")
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == "sheet.revised")) == 1
    round_.closes_at = utcnow() - timedelta(minutes=1)
    round_.opens_at = utcnow() - timedelta(days=3)
    db.session.commit()
    with pytest.raises(DomainError, match="已截止"):
        scoring.save_sheet(judge, round_, application, {c1.id: "20", c2.id: "30"}, "", submit=True)
    round_.closes_at = None
    round_.status = RoundStatus.LOCKED
    db.session.commit()
    with pytest.raises(DomainError, match="锁定"):
        scoring.save_sheet(judge, round_, application, {c1.id: "20", c2.id: "30"}, "", submit=True)
    assert scoring.submitted_totals(round_.id, application.id) == {judge.id: Decimal("32.00")}


def test_unassigned_judge_cannot_score(setup):
    round_, application, _judge, c1, c2 = setup
    stranger = make_user(is_judge=True)
    with pytest.raises(PermissionDenied):
        scoring.save_sheet(stranger, round_, application, {c1.id: "1", c2.id: "1"}, "", submit=True)


def test_judge_list_comes_in_running_order_with_sheets(setup, count_queries):
    round_, application, judge, c1, c2 = setup
    second = make_application(call=round_.call, status=ApplicationStatus.ELIGIBLE)
    make_entry(round_, second, position=0)
    make_assignment(round_, second, judge)
    db.session.commit()
    scoring.save_sheet(judge, round_, application, {c1.id: "1"}, "", submit=False)
    rows = scoring.judge_round_sheets(judge, round_)
    assert [a.application_id for a, _ in rows] == [second.id, application.id]
    assert rows[0][1] is None and rows[1][1].status == SheetStatus.DRAFT


def test_absurd_numbers_are_field_errors_not_crashes(setup):
    round_, application, judge, c1, c2 = setup
    with pytest.raises(ValidationFailed) as failure:
        scoring.save_sheet(judge, round_, application, {c1.id: "9" * 40, c2.id: "1e999999"}, "", submit=True)
    assert failure.value.errors == {f"c{c1.id}": ["应在 0 到 20 之间。"], f"c{c2.id}": ["应在 0 到 30 之间。"]}


def test_sheet_totals_round_like_the_results_page(app):
    """80.25 × 0.50 = 40.125: the judge's pages, the live stage and the ranking all show 40.13."""
    from types import SimpleNamespace

    from portal.judging.models import Aggregation
    from portal.judging import live
    from portal.judging.results import round_results

    call = make_call(status=CallStatus.JUDGING)
    round_ = make_round(call, criteria=[("社会价值", 100, "0.5")])
    application = make_application(call=call, status=ApplicationStatus.ELIGIBLE)
    make_entry(round_, application)
    judge = make_call_judge(call)
    make_assignment(round_, application, judge)
    db.session.commit()
    sheet = scoring.save_sheet(judge, round_, application, {round_.criteria[0].id: "80.25"}, "", submit=True)
    assert scoring.sheet_total(sheet) == Decimal("40.13")
    assert round_results(round_).rows[0].aggregate == Decimal("40.13")
    totals = scoring.submitted_totals(round_.id, application.id)
    shown = live.project_result(SimpleNamespace(aggregation=Aggregation.MEAN, trim_min_sheets=5), totals, {})
    assert shown["aggregate"] == "40.13" and shown["sheets"][0]["total"] == "40.13"
