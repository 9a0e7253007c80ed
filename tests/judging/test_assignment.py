"""Assignment: the pure planner's properties (hypothesis), automatic and hand assignment,
unassigning a started sheet, and reminders."""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.audit import AuditEvent
from portal.calls.models import CallStatus
from portal.judging.models import RoundStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.judging import assignment as assigning
from portal.judging.assignment import plan_assignment
from portal.judging.judges import NeedsConfirmation
from portal.judging.models import Assignment, Conflict, ScoreSheet
from portal.types import utcnow

from ..conftest import login
from ..factories import (
    add_member,
    make_application,
    make_assignment,
    make_call,
    make_call_judge,
    make_entry,
    make_member,
    make_org,
    make_round,
    make_sheet,
    make_user,
)

# --- the planner's properties -----------------------------------------------------------------------


@st.composite
def instances(draw, with_conflicts=True, with_existing=True):
    judges = draw(st.lists(st.integers(1, 60), max_size=9, unique=True))
    orgs = draw(st.integers(1, 5))
    app_ids = draw(st.lists(st.integers(1, 500), max_size=16, unique=True))
    applications = [(app_id, draw(st.integers(1, orgs))) for app_id in app_ids]
    per_app = draw(st.integers(1, 4))
    conflicts = {}
    if with_conflicts:
        for judge in judges:
            conflicts[judge] = set(draw(st.lists(st.integers(1, orgs), max_size=orgs)))
    existing = {}
    if with_existing:
        for app_id, org in applications:
            allowed = [j for j in judges if org not in conflicts.get(j, ())]
            if allowed:
                existing[app_id] = set(draw(st.lists(st.sampled_from(allowed), max_size=2)))
    return applications, judges, per_app, conflicts, existing


def _assigned(plan, existing):
    result = {app_id: set(judges) for app_id, judges in existing.items()}
    for app_id, judge_id in plan.pairs:
        result.setdefault(app_id, set()).add(judge_id)
    return result


@settings(max_examples=300, deadline=None)
@given(instances())
def test_never_a_conflicted_judge_and_full_cover_when_possible(instance):
    applications, judges, per_app, conflicts, existing = instance
    plan = plan_assignment(applications, judges, per_app, conflicts, existing)
    orgs = dict(applications)
    assert len(plan.pairs) == len(set(plan.pairs))
    for app_id, judge_id in plan.pairs:
        assert orgs[app_id] not in conflicts.get(judge_id, set())
        assert judge_id not in existing.get(app_id, set())
    assigned = _assigned(plan, existing)
    short = dict(plan.unassigned)
    for app_id, org in applications:
        allowed = [j for j in judges if org not in conflicts.get(j, set())]
        have = existing.get(app_id, set())
        if len(set(allowed) | have) >= per_app:
            assert len(assigned.get(app_id, set())) >= per_app and app_id not in short
            assert len(assigned.get(app_id, set())) == max(per_app, len(have))  # never more than needed
        else:
            assert short[app_id].startswith("可分配评委不足：需要")


@settings(max_examples=300, deadline=None)
@given(instances(with_conflicts=False, with_existing=False))
def test_without_conflicts_everyone_is_covered_and_loads_differ_by_at_most_one(instance):
    applications, judges, per_app, conflicts, existing = instance
    plan = plan_assignment(applications, judges, per_app, conflicts, existing)
    assigned = _assigned(plan, existing)
    if len(judges) >= per_app:
        assert not plan.unassigned
        assert all(len(assigned[app_id]) == per_app for app_id, _ in applications)
    loads = [sum(1 for _, j in plan.pairs if j == judge) for judge in judges]
    if loads:
        assert max(loads) - min(loads) <= 1


@settings(max_examples=200, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_deterministic_whatever_the_input_order(instance, rnd):
    applications, judges, per_app, conflicts, existing = instance
    first = plan_assignment(applications, judges, per_app, conflicts, existing)
    assert plan_assignment(applications, judges, per_app, conflicts, existing) == first
    shuffled_apps, shuffled_judges = list(applications), list(judges)
    rnd.shuffle(shuffled_apps)
    rnd.shuffle(shuffled_judges)
    conflict_items = list(conflicts.items())
    rnd.shuffle(conflict_items)
    existing_items = [(k, set(rnd.sample(sorted(v), len(v)))) for k, v in existing.items()]
    rnd.shuffle(existing_items)
    again = plan_assignment(shuffled_apps, shuffled_judges, per_app, dict(conflict_items), dict(existing_items))
    assert again == first


def test_reason_is_chinese_and_counts_judges_left_after_conflicts():
    plan = plan_assignment([(1, 10)], [1, 2, 3], 3, {3: {10}}, {})
    assert plan.pairs == [(1, 1), (1, 2)]
    assert plan.unassigned == [(1, "可分配评委不足：需要 3 位，回避后仅有 2 位")]


def test_applications_with_fewest_eligible_judges_go_first():
    # app 2 can only take judge 1; were app 1 served first, judge 1 would carry two while judge 2 idles
    plan = plan_assignment([(1, 10), (2, 20)], [1, 2], 1, {2: {20}}, {})
    assert sorted(plan.pairs) == [(1, 2), (2, 1)]


# --- the database side ------------------------------------------------------------------------------


@pytest.fixture
def world(app):
    committee_user = make_member(OrgKind.COMMITTEE, name="组委会")
    call = make_call(committee=committee_user.memberships[0].organization, status=CallStatus.JUDGING)
    round_ = make_round(call, judges_per_application=2, closes_at=utcnow() + timedelta(hours=30))
    apps = [make_application(call=call, status=ApplicationStatus.ELIGIBLE, title=f"项目{i}") for i in range(4)]
    for app_ in apps:
        make_entry(round_, app_)
    judges = [make_call_judge(call, make_user(name=f"评委{i}", is_judge=True)) for i in range(3)]
    db.session.commit()
    return dict(committee=committee_user, call=call, round=round_, apps=apps, judges=judges)


def _pairs(round_):
    return {(a.application_id, a.judge_id) for a in db.session.scalars(db.select(Assignment).where(Assignment.round_id == round_.id))}


def test_auto_assign_covers_balances_avoids_conflicts_and_audits_once(world):
    round_, apps, judges = world["round"], world["apps"], world["judges"]
    add_member(judges[0], apps[0].organization)  # a member is conflicted automatically
    db.session.add(Conflict(judge_id=judges[1].id, organization_id=apps[1].organization_id, reason="曾任理事"))
    db.session.commit()
    plan = assigning.auto_assign(world["committee"], round_)
    pairs = _pairs(round_)
    assert (apps[0].id, judges[0].id) not in pairs and (apps[1].id, judges[1].id) not in pairs
    assert all(sum(1 for a, _ in pairs if a == app_.id) == 2 for app_ in apps) and not plan.unassigned
    loads = sorted(sum(1 for _, j in pairs if j == judge.id) for judge in judges)
    assert loads[-1] - loads[0] <= 1
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "assignment.auto")).one()
    assert event.data["created"] == 8 and event.data["unassigned"] == []
    # running it again keeps everything and adds nothing
    assert assigning.auto_assign(world["committee"], round_).pairs == [] and _pairs(round_) == pairs


def test_auto_assign_reports_what_cannot_be_assigned_on_the_page(world, client):
    round_, apps, judges = world["round"], world["apps"], world["judges"]
    round_.judges_per_application = 3
    for judge in judges[:2]:
        db.session.add(Conflict(judge_id=judge.id, organization_id=apps[2].organization_id, reason="合作方"))
    db.session.commit()
    login(client, world["committee"])
    response = client.post(f"/judging/rounds/{round_.id}/assignment/auto")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "可分配评委不足：需要 3 位，回避后仅有 1 位" in html and apps[2].title in html


def test_assign_by_hand_refuses_conflicts_duplicates_and_outsiders(world):
    committee, round_, apps, judges = world["committee"], world["round"], world["apps"], world["judges"]
    assigning.assign(committee, round_, apps[0], judges[0])
    with pytest.raises(DomainError, match="已分配"):
        assigning.assign(committee, round_, apps[0], judges[0])
    db.session.rollback()
    db.session.add(Conflict(judge_id=judges[1].id, organization_id=apps[0].organization_id, reason="亲属任职"))
    db.session.commit()
    with pytest.raises(DomainError, match="回避"):
        assigning.assign(committee, round_, apps[0], judges[1])
    db.session.rollback()
    with pytest.raises(DomainError, match="本征集的评委"):
        assigning.assign(committee, round_, apps[0], make_user(is_judge=True))
    db.session.rollback()
    assert _pairs(round_) == {(apps[0].id, judges[0].id)}


def test_unassign_a_started_sheet_needs_confirmation_and_the_audit_log_keeps_it(world):
    committee, round_, app_, judge = world["committee"], world["round"], world["apps"][0], world["judges"][0]
    assignment = make_assignment(round_, app_, judge)
    make_sheet(round_, app_, judge, values=[15, 16.5, 12, 10, 8, 9], submitted=False, comment="预算偏高")
    db.session.commit()
    scores = {str(c.id): v for c, v in zip(round_.criteria, ["15.00", "16.50", "12.00", "10.00", "8.00", "9.00"])}
    with pytest.raises(NeedsConfirmation):
        assigning.unassign(committee, assignment, confirmed=False)
    db.session.rollback()
    assert db.session.get(Assignment, assignment.id) is not None
    assigning.unassign(committee, assignment, confirmed=True)
    assert db.session.scalar(db.select(db.func.count(ScoreSheet.id))) == 0 and _pairs(round_) == set()
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "assignment.removed")).one()
    assert event.data["sheet"]["scores"] == scores
    assert event.data["sheet"]["status"] == "draft" and event.data["sheet"]["comment"] == "预算偏高"


def test_unassign_page_asks_for_confirmation_then_removes(world, client):
    round_, app_, judge = world["round"], world["apps"][0], world["judges"][0]
    assignment = make_assignment(round_, app_, judge)
    make_sheet(round_, app_, judge)
    db.session.commit()
    login(client, world["committee"])
    url = f"/judging/assignments/{assignment.id}/remove"
    response = client.post(url)
    assert response.status_code == 200 and "确认删除" in response.get_data(as_text=True)
    assert db.session.get(Assignment, assignment.id) is not None
    assert client.post(url, data={"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id) is None


def test_unassign_without_a_sheet_needs_no_confirmation_and_locked_rounds_refuse(world):
    committee, round_, apps, judge = world["committee"], world["round"], world["apps"], world["judges"][0]
    assigning.unassign(committee, make_assignment(round_, apps[0], judge), confirmed=False)
    assert _pairs(round_) == set()
    locked = make_assignment(round_, apps[1], judge)
    round_.status = RoundStatus.LOCKED
    db.session.commit()
    with pytest.raises(DomainError, match="锁定"):
        assigning.unassign(committee, locked, confirmed=True)


def test_reminder_mails_each_unfinished_judge_once_with_count_and_deadline(world, outbox):
    committee, round_, apps, judges = world["committee"], world["round"], world["apps"], world["judges"]
    for app_ in apps[:3]:
        make_assignment(round_, app_, judges[0])
    make_sheet(round_, apps[0], judges[0], submitted=False)  # a draft is unfinished
    make_assignment(round_, apps[0], judges[1])
    make_sheet(round_, apps[0], judges[1])  # all submitted: no mail
    db.session.commit()
    assert assigning.remind_unfinished(committee, round_) == 1
    assert [m["to"] for m in outbox] == [[judges[0].email]]
    assert "还有 3 个项目未提交评分" in outbox[0]["body"] and "评分截止时间" in outbox[0]["body"]
    reminded = db.session.scalars(db.select(Assignment).where(Assignment.judge_id == judges[0].id)).all()
    assert all(a.reminded_at is not None for a in reminded)


def test_cron_reminds_rounds_closing_within_48_hours_once_a_day(app, world, outbox):
    round_, judges, apps = world["round"], world["judges"], world["apps"]
    make_assignment(round_, apps[0], judges[0])
    later = make_round(world["call"], 2, closes_at=utcnow() + timedelta(days=5))
    make_entry(later, apps[0])
    make_assignment(later, apps[0], judges[1])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["remind-judges"])
    assert result.exit_code == 0, result.output
    assert "1 judge(s) reminded" in result.output
    assert [m["to"] for m in outbox] == [[judges[0].email]]
    assert assigning.remind_due_rounds() == [(round_, 0)]  # reminded an hour ago: not again yet
    assert len(outbox) == 1


def test_round_overview_query_count_does_not_grow(world, count_queries):
    round_, call = world["round"], world["call"]
    assigning.auto_assign(world["committee"], round_)
    with count_queries() as small:
        assigning.round_overview(round_)
    for i in range(5):
        app_ = make_application(call=call, org=make_org(), status=ApplicationStatus.ELIGIBLE, title=f"新项目{i}")
        make_entry(round_, app_)
    db.session.commit()
    assigning.auto_assign(world["committee"], round_)
    db.session.expire_all()
    round_ = db.session.get(type(round_), round_.id)
    with count_queries() as big:
        assigning.round_overview(round_)
    assert big.count <= small.count + 1  # the call may be loaded lazily once
