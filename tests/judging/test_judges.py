"""Judges of a call (invitation, binding on acceptance, removal) and conflicts of interest (回避)."""
from __future__ import annotations

import re

import pytest

from portal.accounts.invitations import accept_invitation
from portal.accounts.models import Notification, OrgKind, User
from portal.applications.models import ApplicationStatus
from portal.audit import AuditEvent
from portal.calls.models import CallStatus
from portal.errors import DomainError, PermissionDenied
from portal.extensions import db
from portal.judging import judges as judging
from portal.judging.models import Assignment, CallJudge, Conflict, ScoreSheet
from portal.judging.services import conflicted_org_ids
from portal.judging.permissions import is_call_judge

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


@pytest.fixture
def world(app):
    committee_user = make_member(OrgKind.COMMITTEE, name="组委会")
    call = make_call(committee=committee_user.memberships[0].organization, status=CallStatus.JUDGING)
    round_ = make_round(call, judges_per_application=2)
    org_a, org_b = make_org(name="阳光社工服务中心"), make_org(name="绿色家园环保协会")
    app_a = make_application(call=call, org=org_a, status=ApplicationStatus.ELIGIBLE, title="四点半课堂")
    app_b = make_application(call=call, org=org_b, status=ApplicationStatus.ELIGIBLE, title="垃圾分类进社区")
    for app_ in (app_a, app_b):
        make_entry(round_, app_)
    judge = make_call_judge(call, make_user(name="陈评委", is_judge=True))
    db.session.commit()
    return dict(committee=committee_user, call=call, round=round_, org_a=org_a, org_b=org_b,
                app_a=app_a, app_b=app_b, judge=judge)


# --- invitation ---------------------------------------------------------------------------------------

def test_inviting_an_existing_account_reuses_it_and_notifies_it(world, outbox):
    person = make_user(email="li@example.cn", name="李老师")
    db.session.commit()
    call_judge = judging.invite_judge_to_call(world["committee"], world["call"], " LI@example.cn ", "")
    assert call_judge.user_id == person.id and person.is_judge and is_call_judge(person, world["call"])
    assert [m["to"] for m in outbox] == [["li@example.cn"]] and "/judging/review" in outbox[0]["body"]
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.user_id == person.id)) == 1
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "call_judge.added")).one()
    with pytest.raises(DomainError) as refused:
        judging.invite_judge_to_call(world["committee"], world["call"], "li@example.cn", "")
    assert refused.value.field == "email" and "已被邀请" in refused.value.message


def test_a_new_email_gets_the_invitation_and_acceptance_binds_the_judge(world, outbox, client):
    call_judge = judging.invite_judge_to_call(world["committee"], world["call"], "new@example.cn", "王专家")
    assert call_judge.user_id is None
    assert [m["to"] for m in outbox] == [["new@example.cn"]] and "邀请您担任" in outbox[0]["subject"]
    token = re.search(r"/invitations/(\S+)", outbox[0]["body"]).group(1)
    user = accept_invitation(token, name="王专家", password="secret-pass-1")
    assert user.is_judge
    login(client, user, "secret-pass-1")
    assert client.get("/judging/conflicts").status_code == 200
    db.session.expire_all()
    assert db.session.get(CallJudge, call_judge.id).user_id == user.id
    assert is_call_judge(db.session.get(type(user), user.id), world["call"])


def test_registering_under_an_invited_email_binds_the_invitation(world, outbox, client):
    call_judge = judging.invite_judge_to_call(world["committee"], world["call"], "reg@example.cn", "")
    response = client.post("/register", data={"name": "自己注册的评委", "email": "REG@example.cn", "phone": "13912345678",
                                              "password": "secret-pass-1", "password2": "secret-pass-1"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.scalars(db.select(User).where(User.email == "reg@example.cn")).one()
    assert db.session.get(CallJudge, call_judge.id).user_id == user.id
    # bound, but judging only once the emailed invitation is accepted: registering proves no address
    assert not is_call_judge(user, world["call"])
    token = re.search(r"/invitations/(\S+)", outbox[0]["body"]).group(1)
    assert client.post(f"/invitations/{token}").status_code == 302  # still logged in from registering
    db.session.expire_all()
    assert is_call_judge(db.session.get(User, user.id), world["call"])


def test_judge_pages_write_nothing_when_read(world, client, login_as, count_queries):
    """Pending invitations are bound when the account comes into being, not on a page's GET."""
    judging.invite_judge_to_call(world["committee"], world["call"], "later@example.cn", "")
    make_assignment(world["round"], world["app_a"], world["judge"])
    db.session.commit()
    pages = {world["judge"]: ["/judging/review", f"/judging/review/rounds/{world['round'].id}",
                              f"/judging/review/rounds/{world['round'].id}/applications/{world['app_a'].id}",
                              "/judging/conflicts"],
             world["committee"]: [f"/judging/calls/{world['call'].id}/judges",
                                  f"/judging/rounds/{world['round'].id}/assignment"]}
    for user, urls in pages.items():
        login_as(user)
        for url in urls:
            with count_queries() as queries:
                assert client.get(url).status_code == 200, url
            writes = [s for s in queries.statements if s.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]
            assert writes == [], (url, writes)


def test_accepting_binds_the_invitation_and_the_committee_page_shows_loads(world, client, outbox):
    call_judge = judging.invite_judge_to_call(world["committee"], world["call"], "x@example.cn", "")
    token = re.search(r"/invitations/(\S+)", outbox[-1]["body"]).group(1)
    user = accept_invitation(token, name="新评委", password="secret-pass-1")
    make_assignment(world["round"], world["app_a"], world["judge"])
    make_sheet(world["round"], world["app_a"], world["judge"])
    db.session.commit()
    login(client, world["committee"])
    html = client.get(f"/judging/calls/{world['call'].id}/judges").get_data(as_text=True)
    assert "新评委" in html and "陈评委" in html
    db.session.expire_all()
    assert db.session.get(CallJudge, call_judge.id).user_id == user.id


def test_invite_form_shows_errors_on_the_field(world, client):
    login(client, world["committee"])
    url = f"/judging/calls/{world['call'].id}/judges/invite"
    response = client.post(url, data={"email": "not-an-email"})
    assert response.status_code == 400 and "请输入有效的电子邮箱" in response.get_data(as_text=True)
    response = client.post(url, data={"email": world["judge"].email})
    assert response.status_code == 400 and "已被邀请" in response.get_data(as_text=True)


def test_only_the_calls_committee_may_invite(world):
    other_committee = make_member(OrgKind.COMMITTEE)
    with pytest.raises(PermissionDenied):
        judging.invite_judge_to_call(other_committee, world["call"], "a@example.cn", "")


def test_removing_a_judge_with_started_sheets_needs_confirmation(world, client):
    judge, round_ = world["judge"], world["round"]
    make_assignment(round_, world["app_a"], judge)
    make_sheet(round_, world["app_a"], judge, submitted=False)
    db.session.commit()
    call_judge = db.session.scalars(db.select(CallJudge).where(CallJudge.user_id == judge.id)).one()
    login(client, world["committee"])
    url = f"/judging/calls/{world['call'].id}/judges/remove"
    response = client.post(url, data={"call_judge_id": call_judge.id})
    assert response.status_code == 200 and "确认删除" in response.get_data(as_text=True)
    assert client.post(url, data={"call_judge_id": call_judge.id, "confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CallJudge, call_judge.id) is None
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0
    assert db.session.scalar(db.select(db.func.count(ScoreSheet.id))) == 0
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "call_judge.removed")).one()
    assert event.data["sheets_removed"][0]["status"] == "draft"


# --- conflicts ----------------------------------------------------------------------------------------

def test_membership_is_a_conflict_without_being_stored(world):
    judge = world["judge"]
    add_member(judge, world["org_a"])
    db.session.commit()
    rows = judging.conflicted_organizations(judge)
    assert [(r.organization.name, r.automatic) for r in rows] == [("阳光社工服务中心", True)]
    assert conflicted_org_ids([judge.id])[judge.id] == {world["org_a"].id}
    assert db.session.scalar(db.select(db.func.count(Conflict.id))) == 0


def test_declaring_removes_unstarted_assignments_and_lists_started_ones(world, outbox):
    judge, round_ = world["judge"], world["round"]
    app_a = world["app_a"]
    second_round = make_round(world["call"], 2)
    make_entry(second_round, app_a)
    unstarted = make_assignment(round_, app_a, judge)
    started = make_assignment(second_round, app_a, judge)
    make_sheet(second_round, app_a, judge, submitted=False)
    db.session.commit()
    unstarted_id = unstarted.id
    conflict, kept = judging.declare_conflict(judge, world["org_a"].id, "曾在该机构任职")
    assert [a.id for a in kept] == [started.id]
    assert db.session.get(Assignment, unstarted_id) is None and db.session.get(Assignment, started.id) is not None
    assert [m["to"] for m in outbox] == [[world["committee"].email]]  # the committee is told what to decide
    assert conflict.reason == "曾在该机构任职"
    with pytest.raises(DomainError):
        judging.declare_conflict(judge, world["org_a"].id, "再来一次")
    db.session.rollback()
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "conflict.declared")).one()
    assert event.data["assignments_removed"] == [unstarted_id]


def test_declaring_needs_a_reason_and_an_applicant_of_the_judges_calls(world):
    judge = world["judge"]
    with pytest.raises(DomainError, match="理由"):
        judging.declare_conflict(judge, world["org_a"].id, "  ")
    with pytest.raises(DomainError):
        judging.declare_conflict(judge, make_org().id, "无关组织")
    with pytest.raises(DomainError):
        judging.declare_conflict(judge, "abc", "乱填")


def test_withdrawing_only_ones_own_conflict(world):
    judge = world["judge"]
    conflict, _ = judging.declare_conflict(judge, world["org_b"].id, "亲属在该组织工作")
    intruder = make_call_judge(world["call"], make_user(is_judge=True))
    db.session.commit()
    with pytest.raises(PermissionDenied):
        judging.withdraw_conflict(intruder, conflict)
    judging.withdraw_conflict(judge, conflict)
    assert db.session.scalar(db.select(db.func.count(Conflict.id))) == 0


def test_conflict_page_lists_applicant_names_and_declares(world, client):
    judge = world["judge"]
    login(client, judge)
    html = client.get("/judging/conflicts").get_data(as_text=True)
    assert "阳光社工服务中心" in html and "绿色家园环保协会" in html
    response = client.post("/judging/conflicts/declare", data={"organization_id": world["org_b"].id, "reason": ""})
    assert response.status_code == 400 and "请填写回避理由" in response.get_data(as_text=True)
    response = client.post("/judging/conflicts/declare", data={"organization_id": world["org_b"].id, "reason": "合作伙伴"})
    assert response.status_code == 302
    html = client.get("/judging/conflicts").get_data(as_text=True)
    assert "合作伙伴" in html
    conflict = db.session.scalars(db.select(Conflict)).one()
    assert client.post("/judging/conflicts/withdraw", data={"conflict_id": conflict.id}).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Conflict.id))) == 0


def test_committee_sees_conflicts_and_conflicted_assignments(world, client):
    judge = world["judge"]
    make_assignment(world["round"], world["app_a"], judge)
    make_sheet(world["round"], world["app_a"], judge, submitted=False)
    db.session.commit()
    judging.declare_conflict(judge, world["org_a"].id, "理事会成员")
    login(client, world["committee"])
    html = client.get(f"/judging/calls/{world['call'].id}/judges").get_data(as_text=True)
    assert "理事会成员" in html and "阳光社工服务中心" in html
    html = client.get(f"/judging/rounds/{world['round'].id}/assignment").get_data(as_text=True)
    assert "与该申报组织存在回避关系" in html
    assert [a.judge_id for a in judging.conflicted_assignments(world["round"])] == [judge.id]
