"""The project's timeline: application, judging, award, pledges, the grant drafted and signed, a
payment prepared, approved and paid, a check-in — in order, in a fixed number of queries, for those
who may see the grant."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.errors import PermissionDenied
from portal.extensions import db
from portal.grants import disbursements, mentoring, services, timeline
from portal.matching.models import Pledge
from portal.grants.report_models import Evaluation, EvaluationConclusion, ReportKind, ReportStatus
from portal.types import utcnow

from ..factories import make_entry, make_round, make_user
from .helpers import funded_project, ready_to_sign


def project_with_history():
    """Submitted 80 days ago, two rounds, awarded, two sponsors' pledges; then (now) the grant drafted,
    signed, its first tranche paid, and a check-in."""
    w = funded_project()
    now = utcnow()
    w.application.submitted_at = now - timedelta(days=80)
    first, final = make_round(w.call, position=1, name="初审"), make_round(w.call, position=2, name="决赛路演")
    make_entry(first, w.application).added_at = now - timedelta(days=70)
    make_entry(final, w.application).added_at = now - timedelta(days=50)
    w.award.assigned_at = now - timedelta(days=30)
    for i, pledge in enumerate(db.session.scalars(sa.select(Pledge).where(Pledge.application_id == w.application.id))):
        pledge.created_at, pledge.decided_at = now - timedelta(days=20 - i), now - timedelta(days=15 - i)
    db.session.commit()
    grant = services.draft_grant(w.maker, w.application)
    ready_to_sign(w, grant)
    services.sign_grant(w.maker, grant)
    tranche = grant.tranches[0]
    payment = disbursements.prepare(w.maker, tranche, {"source_id": str(tranche.sources[0].id),
                                                        "amount": "5000", "pay_on": now.date().isoformat()})
    disbursements.approve(w.checker, payment)
    disbursements.mark_paid(w.maker, payment, "NS2027030100001")
    mentor = make_user(email="mentor@example.cn", name="王导师")
    mentoring.assign_mentor(w.maker, grant, mentor.email)
    mentoring.log_check_in(mentor, grant, {"held_on": mentoring.local_today().isoformat(), "form": "visit",
                                           "notes": "走访项目点", "next_steps": "补充回访"})
    return w, grant, mentor


def test_the_timeline_tells_the_project_in_order(app):
    w, grant, mentor = project_with_history()
    entries = timeline.timeline_for(w.ngo_user, grant)
    whens = [e.when for e in entries]
    assert whens == sorted(whens)
    kinds = [e.kind for e in entries]
    # the course of the project: each first appearance in this order
    course = ["application", "judging", "award", "pledge", "grant", "money", "mentor", "check_in"]
    assert [k for k in dict.fromkeys(kinds) if k in course] == course
    text = [str(e.what) for e in entries]
    assert text[0].startswith("提交申报书")
    assert "进入第 1 轮评审“初审”" in text and "晋级第 2 轮评审“决赛路演”" in text
    assert any(t.startswith("获评“最佳项目奖”") for t in text)
    assert any("平湖市慈善基金会认捐" in t for t in text)
    order = [next(i for i, t in enumerate(text) if needle in t)
             for needle in ("起草资助协议", "签订资助协议", "提交拨付申请", "批准拨付", "已付款", "导师")]
    assert order == sorted(order)
    approved = next(e for e in entries if "批准拨付" in str(e.what))
    assert approved.who == "团市委干部乙"  # the checker
    visit = entries[-1]
    assert visit.kind == "check_in" and visit.detail == "走访项目点" and visit.next_steps == "补充回访"
    assert visit.who == "王导师" and visit.day_only


def test_rows_without_a_log_entry_are_told_once(app):
    w, grant, mentor = project_with_history()
    midterm = next(r for r in grant.reports if r.kind == ReportKind.MIDTERM)
    midterm.status, midterm.submitted_at, midterm.submitted_by_id = ReportStatus.EVALUATED, utcnow(), w.ngo_user.id
    db.session.add(Evaluation(report=midterm, grant=grant, evaluator_id=w.maker.id, total=Decimal("58.50"),
                              pass_mark=Decimal("60"), conclusion=EvaluationConclusion.RECTIFY, comments="台账不全"))
    db.session.commit()
    entries = timeline.project_timeline(grant)
    filed = [e for e in entries if e.kind == "report"]
    assert [str(e.what) for e in filed] == ["提交中期报告"] and filed[0].who == w.ngo_user.name
    evaluation = next(e for e in entries if e.kind == "evaluation")
    assert "58.50 分" in str(evaluation.what) and evaluation.setback and evaluation.detail == "台账不全"
    # the drafting and signing come from the log, not again from the grant's own dates
    assert sum("签订资助协议" in str(e.what) for e in entries) == 1
    assert sum("起草" in str(e.what) for e in entries) == 1


def test_only_those_who_may_see_the_grant_read_it(app):
    w, grant, mentor = project_with_history()
    for viewer in (w.maker, w.ngo_user, w.sponsors[0].user, mentor):
        assert timeline.timeline_for(viewer, grant)
    for outsider in (None, make_user(email="x@example.cn"), make_user(email="judge@example.cn", is_judge=True)):
        with pytest.raises(PermissionDenied):
            timeline.timeline_for(outsider, grant)


def test_the_timeline_takes_a_fixed_number_of_queries(app, count_queries):
    w, grant, mentor = project_with_history()

    def measure() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            timeline.project_timeline(grant)
        return counter.count

    before = measure()
    tranche = grant.tranches[0]
    for _ in range(3):
        payment = disbursements.prepare(w.maker, tranche, {"source_id": str(tranche.sources[0].id), "amount": "100",
                                                            "pay_on": utcnow().date().isoformat()})
        disbursements.approve(w.checker, payment)
        mentoring.log_check_in(mentor, grant, {"held_on": mentoring.local_today().isoformat(), "form": "call",
                                               "notes": "电话回访"})
    assert measure() == before
