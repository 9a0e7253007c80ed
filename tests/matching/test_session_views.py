"""The committee's pages: creating a session (fields marked on bad input), choosing projects, goals,
running order, withdrawal, the lifecycle, pledges recorded on a sponsor's behalf, confirmations,
money received, naming and award funders."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.accounts.models import Organization, OrgKind
from portal.applications.models import ApplicationStatus
from portal.audit import AuditEvent
from portal.extensions import db
from portal.judging.models import Award, AwardTier
from portal.matching import pledges as service
from portal.matching.models import (
    MatchAllocation,
    MatchingSession,
    NamingRequest,
    Pledge,
    PledgeStatus,
    Receipt,
    SessionProject,
    SessionStatus,
)

from ..factories import make_application, make_call, make_member
from .helpers import add_project, make_session, make_sponsor


@pytest.fixture
def committee(app):
    user = make_member(OrgKind.COMMITTEE, name="团市委干部")
    db.session.commit()
    return user


def test_creating_a_session_marks_bad_fields_and_saves_good_ones(committee, login_as):
    call = make_call(committee=committee.memberships[0].organization)
    client = login_as(committee)
    response = client.post("/matching/sessions/new", data={"title": "", "kind": "event", "match_ratio": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写名称" in page and "请至少选择一个项目征集" in page
    assert db.session.query(MatchingSession).count() == 0
    response = client.post("/matching/sessions/new", data={
        "title": "2026 年公益创投对接会", "kind": "event", "held_at": "2026-12-20T14:00", "venue": "市民中心",
        "call_ids": [str(call.id)], "match_ratio": "1", "match_pool": "80000", "match_mode": "first_come",
        "match_cap_per_pledge": "10000"})
    assert response.status_code == 302
    session = db.session.query(MatchingSession).one()
    assert session.calls == [call] and session.match_pool == Decimal("80000.00")
    assert session.match_cap_per_pledge == Decimal("10000.00") and session.match_cap_per_sponsor is None
    assert client.get(f"/matching/sessions/{session.id}/edit").status_code == 200


def test_choose_projects_set_goals_order_and_open(committee, login_as):
    session = make_session(committee, status=SessionStatus.DRAFT)
    call = session.calls[0]
    eligible = make_application(call=call, status=ApplicationStatus.ELIGIBLE, title="银龄食堂")
    make_application(call=call, status=ApplicationStatus.SUBMITTED, title="尚未审查的项目")
    second = make_application(call=call, status=ApplicationStatus.ELIGIBLE, title="四点半学校")
    db.session.commit()
    client = login_as(committee)
    page = client.get(f"/matching/sessions/{session.id}").get_data(as_text=True)
    assert "银龄食堂" in page and "尚未审查的项目" not in page
    client.post(f"/matching/sessions/{session.id}/projects", data={"application_ids": [eligible.id, second.id]})
    projects = db.session.query(SessionProject).order_by(SessionProject.position).all()
    assert [p.application_id for p in projects] == [eligible.id, second.id]
    assert projects[0].goal == eligible.requested_amount
    client.post(f"/matching/projects/{projects[0].id}/goal", data={"goal": "30000"})
    client.post(f"/matching/projects/{projects[0].id}/move/down", data={})
    db.session.expire_all()
    assert projects[0].goal == Decimal("30000.00") and projects[0].position > projects[1].position
    client.post(f"/matching/sessions/{session.id}/state/open", data={})
    db.session.expire_all()
    assert session.status == SessionStatus.OPEN
    assert db.session.query(AuditEvent).filter_by(action="matching_session.opened").count() == 1


def test_withdrawing_a_project_needs_a_reason_and_lapses_its_pending_pledges(committee, login_as):
    session = make_session(committee)
    project = add_project(session)
    user, sponsor = make_sponsor()
    pledge = service.pledge_cash(user, project, sponsor, {"amount": "1000"})
    client = login_as(committee)
    client.post(f"/matching/projects/{project.id}/withdraw", data={"reason": ""})
    db.session.expire_all()
    assert not project.is_withdrawn
    client.post(f"/matching/projects/{project.id}/withdraw", data={"reason": "项目负责人离职"})
    db.session.expire_all()
    assert project.is_withdrawn and pledge.status == PledgeStatus.LAPSED


def test_on_behalf_confirm_match_receipt_and_settle(committee, login_as):
    session = make_session(committee, match_ratio=Decimal("1"), match_pool=Decimal("5000.00"))
    project = add_project(session, goal="50000.00")
    client = login_as(committee)
    response = client.post(f"/matching/sessions/{session.id}/pledges/on-behalf", data={
        "project_id": str(project.id), "sponsor_id": "", "sponsor_name": "当湖街道商会", "legal_form": "社会团体",
        "kind": "cash", "amount": "8000"})
    assert response.status_code == 302
    pledge = db.session.query(Pledge).one()
    sponsor = db.session.get(Organization, pledge.sponsor_id)
    assert pledge.on_behalf and pledge.created_by_id == committee.id and sponsor.name == "当湖街道商会"
    assert "由 团市委干部 代为登记" in client.get(f"/matching/sessions/{session.id}/pledges").get_data(as_text=True)
    client.post(f"/matching/pledges/{pledge.id}/decide/confirm", data={})
    allocation = db.session.query(MatchAllocation).one()
    assert allocation.amount == Decimal("5000.00") and allocation.limited_by.value == "pool"
    client.post(f"/matching/pledges/{pledge.id}/receipts", data={
        "amount": "3000", "received_on": date.today().isoformat(), "payee": "committee_fund", "reference": "HX001"})
    assert db.session.query(Receipt).one().amount == Decimal("3000.00")
    client.post(f"/matching/sessions/{session.id}/state/close", data={})
    client.post(f"/matching/sessions/{session.id}/state/settle", data={})
    db.session.expire_all()
    assert session.status == SessionStatus.SETTLED


def test_settling_with_pending_pledges_is_refused_with_the_count(committee, login_as):
    session = make_session(committee)
    project = add_project(session)
    user, sponsor = make_sponsor()
    service.pledge_cash(user, project, sponsor, {"amount": "1000"})
    session.status = SessionStatus.CLOSED
    db.session.commit()
    client = login_as(committee)
    response = client.post(f"/matching/sessions/{session.id}/state/settle", data={}, follow_redirects=True)
    assert "还有 1 笔认捐待确认" in response.get_data(as_text=True)
    db.session.expire_all()
    assert session.status == SessionStatus.CLOSED


def test_naming_requested_by_the_full_funder_and_approved(committee, login_as):
    session = make_session(committee)
    project = add_project(session, goal="20000.00")
    user, sponsor = make_sponsor("平湖农商银行")
    service.claim_gap(user, project, sponsor, {})
    sponsor_client = login_as(user)
    sponsor_client.post(f"/matching/projects/{project.id}/naming", data={"naming-name": "农商银行·银龄食堂"})
    request = db.session.query(NamingRequest).one()
    sponsor_client.post("/logout")
    client = login_as(committee)
    client.post(f"/matching/naming/{request.id}/decide/approve", data={})
    catalogue = client.get(f"/matching/sessions/{session.id}/catalogue").get_data(as_text=True)
    assert "农商银行·银龄食堂" in catalogue


def test_award_funders_become_confirmed_pledges_within_the_award(committee, login_as):
    call = make_call(committee=committee.memberships[0].organization)
    tier = AwardTier(call=call, name="最佳项目奖", places=2, amount=Decimal("25000.00"))
    apps = [make_application(call=call, status=ApplicationStatus.ELIGIBLE, title=t) for t in ("甲", "乙")]
    db.session.add_all([tier] + [Award(call=call, tier=tier, application=a) for a in apps])
    db.session.commit()
    client = login_as(committee)
    for name, amount in (("平湖市慈善基金会", "15000"), ("青年企业家协会", "10000")):
        client.post(f"/matching/calls/{call.id}/award-funders/add", data={
            "tier_id": str(tier.id), "sponsor_name": name, "legal_form": "基金会", "amount": amount})
    pledges = db.session.query(Pledge).all()
    assert len(pledges) == 4 and all(p.status == PledgeStatus.CONFIRMED and p.award_id for p in pledges)
    response = client.post(f"/matching/calls/{call.id}/award-funders/add", data={
        "tier_id": str(tier.id), "sponsor_name": "又一家", "legal_form": "企业", "amount": "1"})
    assert response.status_code == 400 and "还可由爱心企业出资 ¥0" in response.get_data(as_text=True)
    assert db.session.query(Pledge).count() == 4
