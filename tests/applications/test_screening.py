"""Screening decisions (资格审查) as services: transitions, permissions, reasons, messages, mail, audit."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import Notification, OrgKind
from portal.applications import screening
from portal.applications.models import ApplicationMessage, ApplicationStatus
from portal.audit import AuditEvent
from portal.errors import DomainError, InvalidTransition, PermissionDenied
from portal.extensions import db
from tests.factories import add_member, make_application, make_call, make_member, make_user

DECISIONS = [
    (screening.mark_eligible, ApplicationStatus.ELIGIBLE, "eligible", "application.eligible"),
    (screening.mark_ineligible, ApplicationStatus.INELIGIBLE, "ineligible", "application.ineligible"),
    (screening.return_for_changes, ApplicationStatus.RETURNED, "returned", "application.returned"),
]


@pytest.fixture
def world(app):
    committee_user = make_member(OrgKind.COMMITTEE, name="团市委干部")
    committee = committee_user.memberships[0].organization
    ngo_user = make_member(OrgKind.NGO, name="甲组织负责人", email="owner@ngo.cn")
    ngo = ngo_user.memberships[0].organization
    colleague = make_user(name="甲组织成员", email="colleague@ngo.cn")
    add_member(colleague, ngo)
    call = make_call(committee=committee)
    application = make_application(call=call, org=ngo, status=ApplicationStatus.SUBMITTED, title="四点半学校")
    db.session.commit()
    return {"committee_user": committee_user, "ngo_user": ngo_user, "ngo": ngo, "call": call, "application": application}


def _events(action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("service,target,kind,action", DECISIONS)
def test_each_decision_from_submitted(world, outbox, service, target, kind, action):
    application, user = world["application"], world["committee_user"]
    service(user, application, "预算说明不清楚，请补充。")
    db.session.expire_all()
    assert application.status == target
    assert application.screening_note == "预算说明不清楚，请补充。"
    message = db.session.scalars(sa.select(ApplicationMessage).where(ApplicationMessage.kind == kind)).one()
    assert message.author_id == user.id and message.author_name == "团市委干部"
    assert "预算说明不清楚" in message.body
    events = _events(action)
    assert len(events) == 1
    assert events[0].actor_id == user.id and events[0].actor_name == "团市委干部"
    assert events[0].entity_type == "applications" and events[0].entity_id == application.id
    assert events[0].data["reason"] == "预算说明不清楚，请补充。"
    assert "预算说明不清楚" in events[0].summary
    # both members of the NGO are told, in the app and by mail (sent after the commit)
    recipients = sorted(m["to"][0] for m in outbox)
    assert recipients == ["colleague@ngo.cn", "owner@ngo.cn"]
    assert all(application.reference in m["subject"] for m in outbox)
    assert all("预算说明不清楚" in m["body"] for m in outbox)
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2


def test_eligible_needs_no_note(world, outbox):
    screening.mark_eligible(world["committee_user"], world["application"])
    db.session.expire_all()
    assert world["application"].status == ApplicationStatus.ELIGIBLE
    assert world["application"].screening_note is None
    assert "资格审查通过" in outbox[0]["subject"]


@pytest.mark.parametrize("service", [screening.mark_ineligible, screening.return_for_changes])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reason_required(world, outbox, service, reason):
    with pytest.raises(DomainError) as info:
        service(world["committee_user"], world["application"], reason)
    assert info.value.field == "reason"
    assert "理由" in info.value.message
    db.session.rollback()
    db.session.expire_all()
    assert world["application"].status == ApplicationStatus.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count(ApplicationMessage.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0
    assert outbox == []


@pytest.mark.parametrize("service,target,kind,action", DECISIONS)
@pytest.mark.parametrize("start", [ApplicationStatus.DRAFT, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE,
                                   ApplicationStatus.RETURNED, ApplicationStatus.WITHDRAWN])
def test_refused_unless_submitted(world, outbox, service, target, kind, action, start):
    application = world["application"]
    application.status = start
    db.session.commit()
    with pytest.raises(InvalidTransition) as info:
        service(world["committee_user"], application, "理由")
    assert start.label in info.value.message
    db.session.rollback()
    db.session.expire_all()
    assert application.status == start
    assert _events(action) == [] and outbox == []


@pytest.mark.parametrize("service,target,kind,action", DECISIONS)
def test_twice_is_refused(world, outbox, service, target, kind, action):
    service(world["committee_user"], world["application"], "第一次")
    with pytest.raises(InvalidTransition):
        service(world["committee_user"], world["application"], "第二次")
    db.session.rollback()
    assert len(_events(action)) == 1
    assert db.session.scalar(sa.select(sa.func.count(ApplicationMessage.id))) == 1


@pytest.mark.parametrize("service,target,kind,action", DECISIONS)
@pytest.mark.parametrize("who", ["other_committee", "ngo_member", "judge"])
def test_only_the_calls_committee_may_decide(world, outbox, service, target, kind, action, who):
    if who == "other_committee":
        user = make_member(OrgKind.COMMITTEE, name="别的组委会")
    elif who == "ngo_member":
        user = world["ngo_user"]
    else:
        user = make_user(name="评委", is_judge=True)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        service(user, world["application"], "理由")
    db.session.rollback()
    db.session.expire_all()
    assert world["application"].status == ApplicationStatus.SUBMITTED
    assert _events(action) == [] and outbox == []


def test_reason_too_long(world):
    with pytest.raises(DomainError) as info:
        screening.return_for_changes(world["committee_user"], world["application"], "改" * (screening.REASON_MAX + 1))
    assert info.value.field == "reason"


def test_describe_changes_lists_rows_readably():
    old = {"title": "四点半学校", "budget_lines": [
        {"category": "活动费", "item": "辅导材料", "unit_price": "300.00", "quantity": "100", "amount": "30000.00", "self_funded": "0.00"},
        {"category": "宣传费", "item": "海报", "unit_price": "60.00", "quantity": "100", "amount": "6000.00", "self_funded": "0.00"},
    ], "team_members": [{"name": "李娜", "role": "负责人", "qualification": "社工"}]}
    new = {"title": "四点半课堂", "budget_lines": [
        {"category": "活动费", "item": "辅导材料", "unit_price": "250.00", "quantity": "100", "amount": "25000.00", "self_funded": "0.00"},
        {"category": "物资费", "item": "文具", "unit_price": "10.00", "quantity": "50", "amount": "500.00", "self_funded": "0.00"},
    ], "team_members": [{"name": "李娜", "role": "负责人", "qualification": "社工"}]}
    changes = {c["key"]: c for c in screening.describe_changes(old, new)}
    assert set(changes) == {"title", "budget_lines"}
    assert changes["title"]["old"] == "四点半学校" and changes["title"]["new"] == "四点半课堂"
    rows = changes["budget_lines"]["rows"]
    assert rows["removed"] == ["类别：宣传费；明细：海报；单价：60.00；数量：100；金额：6000.00；其中自筹：0.00"]
    assert len(rows["added"]) == 1 and "文具" in rows["added"][0]
    assert rows["changed"][0]["name"] == "辅导材料"
    assert {f["label"]: (f["old"], f["new"]) for f in rows["changed"][0]["fields"]} == {
        "单价": ("300.00", "250.00"), "金额": ("30000.00", "25000.00")}


def test_number_formatting_is_not_a_change():
    row = {"category": "活动费", "item": "辅导材料", "unit_price": "300", "quantity": "100", "amount": "30000", "self_funded": "0"}
    same = {"category": "活动费", "item": "辅导材料", "unit_price": "300.00", "quantity": "100.00", "amount": "30000.00", "self_funded": "0.00"}
    assert screening.describe_changes({"budget_lines": [row], "budget_total": "30000"},
                                      {"budget_lines": [same], "budget_total": "30000.00"}) == []
