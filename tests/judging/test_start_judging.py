"""Starting judging (CLOSED → JUDGING, round 1 filled with eligible applications) and opening a round."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.audit import AuditEvent
from portal.calls.models import CallStatus
from portal.judging.models import RoundStatus
from portal.errors import DomainError, InvalidTransition, PermissionDenied
from portal.extensions import db
from portal.judging import rounds
from portal.judging.models import RoundEntry
from portal.types import utcnow

from ..factories import make_application, make_assignment, make_call, make_entry, make_member, make_round, make_sheet, make_user


@pytest.fixture
def committee(app):
    return make_member(OrgKind.COMMITTEE, name="团市委干部")


@pytest.fixture
def call(committee):
    call = make_call(committee=committee.memberships[0].organization, status=CallStatus.CLOSED)
    db.session.commit()
    return call


def eligible(call, n: int):
    return [make_application(call=call, status=ApplicationStatus.ELIGIBLE, title=f"项目{i}") for i in range(n)]


def entries(round_):
    return list(db.session.scalars(
        sa.select(RoundEntry).where(RoundEntry.round_id == round_.id).order_by(RoundEntry.position)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_start_judging_enters_each_eligible_application_in_reference_order(committee, call, outbox):
    first = make_round(call, 1, status=RoundStatus.PLANNED)
    make_round(call, 2, status=RoundStatus.PLANNED)
    apps = eligible(call, 3)
    make_application(call=call, status=ApplicationStatus.INELIGIBLE)
    make_application(call=call, status=ApplicationStatus.WITHDRAWN)
    make_application(call=call)  # a draft never submitted
    assert rounds.start_judging(committee, call) == 3
    assert call.status == CallStatus.JUDGING
    assert [(e.application_id, e.position) for e in entries(first)] == [(a.id, a.sequence) for a in apps]
    assert [e.position for e in entries(first)] == [1, 2, 3]
    assert audit_actions() == ["call.judging_started"] and outbox == []


@pytest.mark.parametrize("setup, error, message", [
    ("published", InvalidTransition, "不能从“征集中”变为“评审中”"),
    ("no_rounds", DomainError, "至少一个评审轮次"),
    ("no_criteria", DomainError, "还没有评分项"),
    ("pending", DomainError, "1 份申报待资格审查"),
    ("no_eligible", DomainError, "没有通过资格审查的申报"),
])
def test_start_judging_refusals(committee, call, setup, error, message):
    if setup != "no_rounds":
        make_round(call, 1, status=RoundStatus.PLANNED, criteria=[] if setup == "no_criteria" else None)
    if setup != "no_eligible":
        eligible(call, 1)
    if setup == "pending":
        make_application(call=call, status=ApplicationStatus.SUBMITTED)
    if setup == "published":
        call.status = CallStatus.PUBLISHED
    db.session.commit()
    with pytest.raises(error, match=message):
        rounds.start_judging(committee, call)
    db.session.rollback()
    assert call.status != CallStatus.JUDGING and db.session.scalar(sa.select(sa.func.count(RoundEntry.id))) == 0
    assert audit_actions() == []


def test_only_the_committee_of_the_call_starts_judging(call):
    make_round(call, 1, status=RoundStatus.PLANNED)
    eligible(call, 1)
    for outsider in (make_member(OrgKind.COMMITTEE), make_user(is_judge=True), None):
        with pytest.raises(PermissionDenied):
            rounds.start_judging(outsider, call)


def test_open_round_after_judging_started(committee, call):
    first = make_round(call, 1, status=RoundStatus.PLANNED)
    eligible(call, 2)
    rounds.start_judging(committee, call)
    rounds.open_round(committee, first)
    assert first.status == RoundStatus.OPEN and first.is_scoring_open_at(utcnow())
    assert audit_actions() == ["call.judging_started", "round.opened"]
    with pytest.raises(InvalidTransition, match="不能从“评分中”变为“评分中”"):
        rounds.open_round(committee, first)


@pytest.mark.parametrize("setup, message", [
    ("call_closed", "尚未进入评审阶段"),
    ("no_criteria", "还没有评分项"),
    ("no_entries", "还没有参评项目"),
    ("deadline_passed", "截止时间已过"),
])
def test_open_round_refusals(committee, call, setup, message):
    call.status = CallStatus.CLOSED if setup == "call_closed" else CallStatus.JUDGING
    round_ = make_round(call, 1, status=RoundStatus.PLANNED, criteria=[] if setup == "no_criteria" else None)
    if setup != "no_entries":
        make_entry(round_, eligible(call, 1)[0], 1)
    if setup == "deadline_passed":
        round_.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(DomainError, match=message):
        rounds.open_round(committee, round_)
    db.session.rollback()
    assert round_.status == RoundStatus.PLANNED and audit_actions() == []
    with pytest.raises(PermissionDenied):
        rounds.open_round(make_member(OrgKind.COMMITTEE), round_)


def test_rounds_overview_counts_in_a_fixed_number_of_queries(committee, call, count_queries):
    call.status = CallStatus.JUDGING
    r1 = make_round(call, 1)
    r2 = make_round(call, 2, status=RoundStatus.PLANNED)
    judges = [make_user(is_judge=True) for _ in range(3)]

    def add(n):
        for app_ in eligible(call, n):
            make_entry(r1, app_)
            for judge in judges:
                make_assignment(r1, app_, judge)
            make_sheet(r1, app_, judges[0])
            make_sheet(r1, app_, judges[1], submitted=False)

    add(2)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as few:
        overview = rounds.rounds_overview(call)
    assert [(row.round.id, row.entries, row.assignments, row.submitted) for row in overview] == [
        (r1.id, 2, 6, 2), (r2.id, 0, 0, 0)]
    add(5)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        overview = rounds.rounds_overview(call)
    assert overview[0].entries == 7 and overview[0].submitted == 7
    assert many.count == few.count <= 6  # 5, plus reloading the expired call


def test_start_and_open_buttons_work_from_the_setup_page(client, login_as, committee, call):
    first = make_round(call, 1, status=RoundStatus.PLANNED)
    eligible(call, 2)
    login_as(committee)
    page = client.get(f"/judging/calls/{call.id}/setup").get_data(as_text=True)
    assert f"/judging/calls/{call.id}/start" in page
    response = client.post(f"/judging/calls/{call.id}/start", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "评审已开始，2 个项目进入第一轮" in html and f"/judging/rounds/{first.id}/open" in html
    assert "2 / 0 / 0" in html  # entries / assignments / submitted sheets
    html = client.post(f"/judging/rounds/{first.id}/open", follow_redirects=True).get_data(as_text=True)
    assert "已开始评分" in html
    html = client.post(f"/judging/calls/{call.id}/start", follow_redirects=True).get_data(as_text=True)
    assert "不能从“评审中”变为“评审中”" in html
    login_as(make_member(OrgKind.COMMITTEE))
    assert client.post(f"/judging/calls/{call.id}/start").status_code == 403
