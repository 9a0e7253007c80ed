"""The committee's audit log (操作日志): filters, paging, CSV export, per-record history, bad input."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest

from portal.accounts.models import OrgKind
from portal.audit import AuditEvent
from portal.extensions import db

from .factories import make_member


def _event(action, actor, summary, when, entity=("applications", 7), data=None):
    event = AuditEvent(action=action, actor_name=actor, actor_id=None, entity_type=entity[0], entity_id=entity[1],
                       summary=summary, data=data or {}, created_at=when)
    db.session.add(event)
    return event


@pytest.fixture
def committee_client(app, login_as):
    user = make_member(OrgKind.COMMITTEE, name="团市委干部")
    # 2026-05-01 23:30 in Shanghai is 15:30 UTC; 2026-05-02 00:30 Shanghai is 16:30 UTC on May 1.
    _event("application.returned", "张三", "退回修改：GY-001（请补充预算）", datetime(2026, 5, 1, 15, 30, tzinfo=timezone.utc),
           data={"reason": "请补充预算"})
    _event("application.eligible", "李四", "资格审查通过：GY-002", datetime(2026, 5, 1, 16, 30, tzinfo=timezone.utc),
           entity=("applications", 8))
    _event("org.verified", "张三丰", "认证组织 长红公益", datetime(2026, 4, 20, 2, 0, tzinfo=timezone.utc),
           entity=("organizations", 3))
    db.session.commit()
    client = login_as(user)
    db.session.query(AuditEvent).filter(AuditEvent.action == "user.login").delete()
    db.session.commit()
    return client


def _page(client, **params):
    response = client.get("/committee/audit/", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_log_lists_newest_first(committee_client):
    html = _page(committee_client)
    assert html.index("GY-002") < html.index("GY-001") < html.index("长红公益")
    assert "2026-05-02 00:30:00" in html  # shown in Asia/Shanghai
    assert "共 3 条记录" in html


def test_log_filters(committee_client):
    html = _page(committee_client, action="application.returned")
    assert "GY-001" in html and "GY-002" not in html and "长红公益" not in html
    assert '<option selected value="application.returned">' in html or 'value="application.returned" selected' in html
    html = _page(committee_client, entity_type="organizations")
    assert "长红公益" in html and "GY-001" not in html
    html = _page(committee_client, actor="张三")
    assert "GY-001" in html and "长红公益" in html and "GY-002" not in html
    # dates are Shanghai days: May 2 holds only the 00:30 event even though it is May 1 in UTC
    html = _page(committee_client, date_from="2026-05-02", date_to="2026-05-02")
    assert "GY-002" in html and "GY-001" not in html
    html = _page(committee_client, date_to="2026-05-01")
    assert "GY-001" in html and "长红公益" in html and "GY-002" not in html
    html = _page(committee_client, actor="100%")
    assert "没有符合条件的记录" in html


@pytest.mark.parametrize("params", [
    {"date_from": "2026-13-45"},
    {"date_from": "昨天"},
    {"date_to": "0001-01-01"},
    {"date_to": "9999-12-31"},
    {"date_from": "2026-05-02", "date_to": "2026-05-01"},
    {"page": "abc"},
    {"page": "99999"},
    {"action": "no.such.action"},
    {"actor": "x" * 500},
])
def test_bad_filters_show_a_message_not_a_500(committee_client, params):
    response = committee_client.get("/committee/audit/", query_string=params)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if "date_from" in params or "date_to" in params or "actor" in params:
        assert "部分筛选条件无效" in html
    csv_response = committee_client.get("/committee/audit/export.csv", query_string=params)
    assert csv_response.status_code == 200


def test_bad_date_message_on_field(committee_client):
    html = _page(committee_client, date_from="2026-02-30")
    assert "日期格式不正确" in html and "is-invalid" in html
    assert "GY-001" in html  # the rest of the log still shows


def test_log_query_count_is_fixed(app, committee_client, count_queries):
    with count_queries() as few:
        _page(committee_client)
    for i in range(120):
        _event("application.submitted", f"用户{i}", f"提交申报书 {i}", datetime(2026, 6, 1, tzinfo=timezone.utc),
               entity=("applications", 100 + i))
    db.session.commit()
    with count_queries() as many:
        html = _page(committee_client)
    assert html.count("提交申报书") == 50  # 50 per page
    assert few.count == many.count
    assert "下一页" in _page(committee_client)
    assert "2 / 3" in _page(committee_client, page=2)


def test_csv_export(committee_client):
    response = committee_client.get("/committee/audit/export.csv", query_string={"actor": "张三"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["时间（北京时间）", "操作人", "操作", "对象类型", "对象编号", "摘要", "数据"]
    assert len(rows) == 3
    first = rows[1]
    assert first[0] == "2026-05-01 23:30:00"
    assert first[1:5] == ["张三", "application.returned", "applications", "7"]
    assert first[5] == "退回修改：GY-001（请补充预算）"
    assert json.loads(first[6]) == {"reason": "请补充预算"}
    assert rows[2][5] == "认证组织 长红公益"


def test_record_history(committee_client):
    response = committee_client.get("/committee/audit/applications/7")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "退回修改：GY-001" in html and "GY-002" not in html
    assert "暂无记录" in committee_client.get("/committee/audit/applications/999").get_data(as_text=True)


@pytest.mark.parametrize("kind", [OrgKind.NGO, OrgKind.COMPANY])
def test_audit_pages_are_committee_only(app, client, login_as, kind):
    user = make_member(kind)
    client = login_as(user)
    for url in ("/committee/audit/", "/committee/audit/export.csv", "/committee/audit/applications/1"):
        assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/committee/audit/export.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_each_committee_reads_its_own_calls_events(app, login_as):
    """Events of a call belong to its committee; events of no call (organizations) to every committee."""
    from portal import audit
    from portal.accounts.models import User

    from .factories import make_application, make_call

    ours, theirs = make_member(OrgKind.COMMITTEE, name="团市委干部"), make_member(OrgKind.COMMITTEE, name="民政局干部")
    our_call = make_call(committee=ours.memberships[0].organization, title="团市委的大赛")
    their_call = make_call(committee=theirs.memberships[0].organization, title="民政局的大赛")
    application = make_application(call=their_call, title="民政局收到的申报")
    audit.record(ours, "call.publish", our_call, "发布：团市委的大赛")
    audit.record(theirs, "call.publish", their_call, "发布：民政局的大赛")
    audit.record(theirs, "application.eligible", application, "审查通过：民政局收到的申报")
    audit.record(theirs, "org.verified", ours.memberships[0].organization, "认证组织：共同可见")
    db.session.commit()
    assert db.session.scalar(db.select(AuditEvent.committee_id).where(AuditEvent.action == "application.eligible")) \
        == their_call.committee_id
    client = login_as(db.session.get(User, ours.id))
    html = _page(client)
    assert "团市委的大赛" in html and "共同可见" in html
    assert "民政局的大赛" not in html and "民政局收到的申报" not in html
    csv_text = client.get("/committee/audit/export.csv").get_data(as_text=True)
    assert "团市委的大赛" in csv_text and "民政局的大赛" not in csv_text and "民政局收到的申报" not in csv_text
    history = client.get(f"/committee/audit/applications/{application.id}").get_data(as_text=True)
    assert "民政局收到的申报" not in history


# Rows that are never audited on their own: their changes are events of their application or sheet.
# A grant's budget lines and releases are events of the grant; a report's activities and files, an
# evaluation's scores, events of the report and the evaluation.
NEVER_AUDITED = {"Activity", "AuditEvent", "BudgetLine", "Score", "TeamMember", "GrantBudgetLine", "SourceRelease",
                 "ReportActivity", "ReportFile", "EvaluationScore"}


def test_every_record_says_which_committee_its_events_belong_to(app):
    """The kernel knows no domain: each audited model answers audit_committee_id itself (a property,
    or None), and a new model must either answer it or be named here as never audited."""
    missing = {mapper.class_.__name__ for mapper in db.Model.registry.mappers
               if not hasattr(mapper.class_, "audit_committee_id")}
    assert missing == NEVER_AUDITED


def test_an_event_belongs_to_the_committee_its_record_names(app):
    from portal import audit

    from .factories import make_call

    call = make_call()
    event = audit.record(None, "call.touched", call)
    assert event.committee_id == call.committee_id
    assert audit.record(None, "account.touched", ("users", 1)).committee_id is None
