"""Screening pages: the queue (filters, search, fixed queries), the review page, decisions, version diffs."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrgKind
from portal.applications.models import (
    ApplicationMessage,
    ApplicationStatus,
    ApplicationVersion,
    BudgetLine,
)
from portal.applications.snapshot import application_snapshot
from portal.audit import AuditEvent
from portal.extensions import db
from tests.factories import make_application, make_call, make_category, make_member, make_org


@pytest.fixture
def world(app):
    committee_user = make_member(OrgKind.COMMITTEE, name="团市委干部")
    committee = committee_user.memberships[0].organization
    ngo_user = make_member(OrgKind.NGO, name="甲组织负责人")
    ngo = ngo_user.memberships[0].organization
    ngo.name = "平湖市小银杏志愿服务队"
    call = make_call(committee=committee, title="2026 平湖公益创投")
    application = make_application(call=call, org=ngo, status=ApplicationStatus.SUBMITTED, title="四点半学校")
    db.session.add(ApplicationVersion(application=application, number=1, snapshot=application_snapshot(application)))
    db.session.commit()
    return {"committee_user": committee_user, "committee": committee, "ngo_user": ngo_user, "ngo": ngo,
            "call": call, "application": application}


def _queue(client, **params):
    response = client.get("/committee/screening", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- queue -------------------------------------------------------------------------------------

def test_queue_shows_submitted_with_requested_amount_and_flags(world, login_as):
    world["ngo"].uscc_check_failed = True
    other_call = make_call()  # another committee's call: not shown
    make_application(call=other_call, status=ApplicationStatus.SUBMITTED, title="别家的项目")
    make_application(call=world["call"], title="还在草稿")
    unverified = make_org(OrgKind.NGO, verified=False, name="未认证的队伍")
    make_application(call=world["call"], org=unverified, status=ApplicationStatus.SUBMITTED, title="阳光爱心书屋")
    html = _queue(login_as(world["committee_user"]))
    assert "四点半学校" in html and "阳光爱心书屋" in html
    assert "别家的项目" not in html and "还在草稿" not in html
    assert "¥36,000.00" in html
    assert world["application"].reference in html
    assert "信用代码校验未通过" in html and "组织未认证" in html


def test_queue_filters_and_search(world, login_as):
    call2 = make_call(committee=world["committee"], title="第二届")
    category = make_category("环境保护")
    green = make_application(call=call2, status=ApplicationStatus.SUBMITTED, title="环保酵素推广")
    green.category = category
    eligible = make_application(call=world["call"], status=ApplicationStatus.ELIGIBLE, title="红色周末学堂")
    db.session.commit()
    client = login_as(world["committee_user"])
    default = _queue(client)
    assert "四点半学校" in default and "环保酵素推广" in default and "红色周末学堂" not in default
    by_status = _queue(client, status="eligible")
    assert "红色周末学堂" in by_status and "四点半学校" not in by_status
    everything = _queue(client, status="all")
    assert all(t in everything for t in ("四点半学校", "环保酵素推广", "红色周末学堂"))
    by_call = _queue(client, call=call2.id)
    assert "环保酵素推广" in by_call and "四点半学校" not in by_call
    by_category = _queue(client, category=category.id)
    assert "环保酵素推广" in by_category and "四点半学校" not in by_category
    assert "四点半学校" in _queue(client, q="小银杏")  # organization name
    assert "环保酵素推广" not in _queue(client, q="小银杏")
    assert "四点半学校" in _queue(client, q=world["application"].reference)
    assert "环保酵素推广" in _queue(client, q="酵素")
    assert "没有符合条件的申报书" in _queue(client, q="100%_")
    # nonsense input never breaks the page
    assert "四点半学校" in _queue(client, call="abc", category="x", status="bogus", page="-3")
    assert eligible.id


def test_queue_query_count_does_not_grow(app, world, login_as, count_queries):
    client = login_as(world["committee_user"])
    call = world["call"]

    def add(n):
        for i in range(n):
            application = make_application(call=call, status=ApplicationStatus.SUBMITTED, title=f"项目{i}")
            db.session.add(ApplicationVersion(application=application, number=1, snapshot={}))
        db.session.commit()

    add(9)
    with count_queries() as few:
        assert "项目8" in _queue(client)
    add(190)
    with count_queries() as many:
        html = _queue(client)
    assert html.count("/committee/screening/") >= 20
    assert few.count == many.count, (few.statements, many.statements)


def test_queue_is_committee_only(world, login_as):
    client = login_as(world["ngo_user"])
    assert client.get("/committee/screening").status_code == 403


# --- review page -------------------------------------------------------------------------------

def test_review_page_shows_everything(world, login_as):
    application = world["application"]
    db.session.add(ApplicationMessage(application=application, kind="receipt", body="申报回执：已收到"))
    db.session.commit()
    html = login_as(world["committee_user"]).get(f"/committee/screening/{application.id}").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "课后辅导材料" in html  # the _sections partial: budget lines
    assert "平湖市小银杏志愿服务队" in html and "王老师" in html  # organization details
    assert "申报回执：已收到" in html
    assert "第 1 版" in html
    assert "资格审查通过" in html and "退回修改" in html


@pytest.mark.parametrize("who", ["ngo", "other_committee", "company"])
def test_review_page_forbidden_to_others(world, login_as, who):
    user = {"ngo": world["ngo_user"],
            "other_committee": make_member(OrgKind.COMMITTEE, name="别的组委会"),
            "company": make_member(OrgKind.COMPANY)}[who]
    client = login_as(user)
    assert client.get(f"/committee/screening/{world['application'].id}").status_code == 403
    response = client.post(f"/committee/screening/{world['application'].id}/eligible", data={})
    assert response.status_code == 403
    db.session.expire_all()
    assert world["application"].status == ApplicationStatus.SUBMITTED


def test_review_missing_or_draft_is_404(world, login_as):
    draft = make_application(call=world["call"], title="草稿")
    client = login_as(world["committee_user"])
    assert client.get("/committee/screening/999999").status_code == 404
    assert client.get(f"/committee/screening/{draft.id}").status_code == 404


# --- decisions through the page ----------------------------------------------------------------

def test_return_through_the_page(world, login_as, outbox):
    application = world["application"]
    client = login_as(world["committee_user"])
    response = client.post(f"/committee/screening/{application.id}/return", data={"return-reason": "请补充预算说明"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已退回修改" in page and "请补充预算说明" in page
    db.session.expire_all()
    assert application.status == ApplicationStatus.RETURNED
    assert len(outbox) == 1 and "请补充预算说明" in outbox[0]["body"]


@pytest.mark.parametrize("decision", ["ineligible", "return"])
def test_missing_reason_is_shown_on_the_field(world, login_as, outbox, decision):
    application = world["application"]
    client = login_as(world["committee_user"])
    response = client.post(f"/committee/screening/{application.id}/{decision}", data={f"{decision}-reason": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "is-invalid" in html and ("请填写不通过的理由" in html or "请填写需要修改的内容" in html)
    db.session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action.like("application.%"))) == 0
    assert outbox == []


def test_decision_on_screened_application_shows_transition_message(world, login_as, outbox):
    application = world["application"]
    application.status = ApplicationStatus.ELIGIBLE
    db.session.commit()
    client = login_as(world["committee_user"])
    response = client.post(f"/committee/screening/{application.id}/ineligible",
                           data={"ineligible-reason": "材料不全"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "不能从“资格审查通过”变为“资格审查未通过”" in html
    db.session.expire_all()
    assert application.status == ApplicationStatus.ELIGIBLE and outbox == []


def test_eligible_without_note(world, login_as, outbox):
    client = login_as(world["committee_user"])
    response = client.post(f"/committee/screening/{world['application'].id}/eligible", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert world["application"].status == ApplicationStatus.ELIGIBLE
    assert len(outbox) == 1


def test_unknown_decision_is_404(world, login_as):
    client = login_as(world["committee_user"])
    assert client.post(f"/committee/screening/{world['application'].id}/approve", data={}).status_code in (404, 405)


# --- versions ----------------------------------------------------------------------------------

def test_review_shows_what_changed_between_versions(world, login_as):
    application = world["application"]
    application.status = ApplicationStatus.RETURNED
    application.summary = "为双职工家庭的孩子提供课业辅导、阅读陪伴与安全教育。"
    application.budget_lines[2].item = "宣传折页"
    application.budget_lines.append(BudgetLine(position=3, category="物资费", item="绘本图书", unit_price=Decimal("50.00"),
                                               quantity=Decimal("20"), amount=Decimal("1000.00"), self_funded=Decimal("0.00")))
    application.budget_lines[0].unit_price = Decimal("290.00")
    application.budget_lines[0].amount = Decimal("29000.00")
    db.session.flush()
    db.session.add(ApplicationVersion(application=application, number=2, snapshot=application_snapshot(application)))
    application.status = ApplicationStatus.SUBMITTED
    db.session.commit()
    html = login_as(world["committee_user"]).get(f"/committee/screening/{application.id}").get_data(as_text=True)
    assert "与第 1 版相比" in html
    assert "阅读陪伴" in html and "项目概述" in html
    assert "绘本图书" in html  # row added
    assert "宣传海报" in html and "宣传折页" in html  # renamed: one removed, one added
    assert "修改“课后辅导材料”" in html and "300.00" in html and "290.00" in html


def test_return_resubmit_then_diff(world, login_as):
    """The full path: committee returns, the NGO edits and resubmits (its own service), the diff shows."""
    from portal.applications import screening, services

    application = world["application"]
    screening.return_for_changes(world["committee_user"], application, "请把受益人数写清楚")
    application.beneficiaries_count = 150
    db.session.commit()
    services.submit_application(world["ngo_user"], application)
    db.session.expire_all()
    assert application.status == ApplicationStatus.SUBMITTED
    html = login_as(world["committee_user"]).get(f"/committee/screening/{application.id}").get_data(as_text=True)
    assert "受益人数" in html and "120" in html and "150" in html
    assert "与第 1 版相比" in html
    assert "请把受益人数写清楚" in html  # the message thread
