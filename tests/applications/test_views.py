"""Application views: what an NGO member sees, bad input stores nothing, others get 403."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest

from portal.accounts.models import OrgKind
from portal.applications.models import Application, ApplicationStatus, Attachment, BudgetLine
from portal.calls.models import CallStatus
from portal.extensions import db
from tests.factories import make_application, make_call, make_member, make_org

from .helpers import ngo_setup

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text(response) -> str:
    return response.get_data(as_text=True)


def upload(client, application, data: bytes, name: str):
    return client.post(f"/applications/{application.id}/attachments",
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


# --- start -------------------------------------------------------------------------------------

def test_start_shows_rules_and_creates_draft(app, client, login_as):
    org = make_org(OrgKind.NGO)
    user = make_member(org=org)
    call = make_call()
    login_as(user)
    page = client.get(f"/calls/{call.id}/apply")
    assert page.status_code == 200 and "申报规则" in text(page) and "管理费不超过预算总额的" in text(page)
    response = client.post(f"/calls/{call.id}/apply", data={})
    application = db.session.scalars(db.select(Application)).one()
    assert response.status_code == 302 and response.location.endswith(f"/applications/{application.id}/edit/basics")
    assert application.organization_id == org.id and application.status == ApplicationStatus.DRAFT


def test_start_explains_unverified_org(app, client, login_as):
    user = make_member(OrgKind.NGO, verified=False)
    call = make_call()
    login_as(user)
    assert "尚未通过认证" in text(client.get(f"/calls/{call.id}/apply"))


def test_start_on_closed_call_creates_nothing(app, client, login_as):
    user = make_member(OrgKind.NGO)
    call = make_call(status=CallStatus.CLOSED)
    login_as(user)
    assert "不接受申报" in text(client.get(f"/calls/{call.id}/apply"))
    response = client.post(f"/calls/{call.id}/apply", data={}, follow_redirects=True)
    assert "不接受申报" in text(response)
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_company_member_cannot_start(app, client, login_as):
    login_as(make_member(OrgKind.COMPANY))
    assert client.get(f"/calls/{make_call().id}/apply").status_code == 403


# --- editor ------------------------------------------------------------------------------------

@pytest.mark.parametrize("section", ["basics", "need", "plan", "team", "budget", "attachments", "declaration"])
def test_every_section_renders(app, client, login_as, section):
    user, org, call, application = ngo_setup()
    login_as(user)
    response = client.get(f"/applications/{application.id}/edit/{section}")
    assert response.status_code == 200
    assert text(response).count("<h1") == 1


def test_editor_renders_spare_rows_and_template(app, client, login_as):
    user, org, call, application = ngo_setup(complete=False)
    login_as(user)
    page = text(client.get(f"/applications/{application.id}/edit/plan"))
    assert 'name="activities-0-name"' in page and 'name="activities-1-name"' in page
    assert 'name="activities-__INDEX__-name"' in page and "data-repeat-add" in page


def test_save_rows_without_js(app, client, login_as):
    user, org, call, application = ngo_setup(complete=False)
    login_as(user)
    response = client.post(f"/applications/{application.id}/edit/plan", data={
        "goals": "服务 100 名老人",
        "activities-0-name": "入户探访", "activities-0-starts_on": "2027-03-01", "activities-0-ends_on": "2027-06-30",
        "activities-0-milestone": "探访 100 户",
        "activities-1-name": "", "activities-1-starts_on": "", "activities-1-ends_on": "", "activities-1-milestone": "",
        "activities-5-name": "结项", "activities-5-starts_on": "2027-12-01", "activities-5-ends_on": "2027-12-31",
    })
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert [a.name for a in application.activities] == ["入户探访", "结项"]
    assert application.goals == "服务 100 名老人"


def test_plan_end_before_start_stores_nothing(app, client, login_as):
    user, org, call, application = ngo_setup()
    login_as(user)
    response = client.post(f"/applications/{application.id}/edit/plan", data={
        "goals": "新的目标",
        "activities-0-name": "活动", "activities-0-starts_on": "2027-05-01", "activities-0-ends_on": "2027-04-01",
    })
    assert response.status_code == 400
    assert "结束日期不能早于开始日期。" in text(response)
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.goals != "新的目标" and len(application.activities) == 2


def test_bad_date_gets_chinese_message(app, client, login_as):
    user, org, call, application = ngo_setup()
    login_as(user)
    response = client.post(f"/applications/{application.id}/edit/plan", data={
        "activities-0-name": "活动", "activities-0-starts_on": "明天"})
    assert response.status_code == 400 and "请输入有效的日期" in text(response)


def test_need_bad_number_stores_nothing(app, client, login_as):
    user, org, call, application = ngo_setup()
    login_as(user)
    response = client.post(f"/applications/{application.id}/edit/need", data={
        "target_group": "新的对象", "beneficiaries_count": "很多", "need_analysis": "x"})
    assert response.status_code == 400 and "请输入整数。" in text(response)
    db.session.expire_all()
    assert db.session.get(Application, application.id).target_group == "小学一至四年级学生"


@pytest.mark.parametrize("row,message", [
    ({"unit_price": "-5", "quantity": "1"}, "单价不能为负数。"),
    ({"unit_price": "abc", "quantity": "1"}, "请输入有效的数字。"),
    ({"unit_price": "10", "quantity": "0"}, "数量必须大于 0。"),
    ({"unit_price": "10", "quantity": "2", "self_funded": "25"}, "自筹金额不能超过该行金额"),
])
def test_budget_bad_input_stores_nothing(app, client, login_as, row, message):
    user, org, call, application = ngo_setup()
    login_as(user)
    data = {"budget_lines-0-category": "活动费", "budget_lines-0-item": "材料",
            "budget_lines-1-category": "物资费", "budget_lines-1-item": "好的一行",
            "budget_lines-1-unit_price": "1", "budget_lines-1-quantity": "1"}
    data.update({f"budget_lines-0-{k}": v for k, v in row.items()})
    response = client.post(f"/applications/{application.id}/edit/budget", data=data)
    assert response.status_code == 400 and message in text(response)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(BudgetLine.id))) == 3  # the original lines, untouched


def test_budget_saved_with_server_amount(app, client, login_as):
    user, org, call, application = ngo_setup(complete=False)
    login_as(user)
    response = client.post(f"/applications/{application.id}/edit/budget", data={
        "budget_lines-0-category": "活动费", "budget_lines-0-item": "材料", "budget_lines-0-unit_price": "12.35",
        "budget_lines-0-quantity": "1.5", "budget_lines-0-self_funded": "1"})
    assert response.status_code == 302
    line = db.session.scalars(db.select(BudgetLine)).one()
    assert line.amount == Decimal("18.53")
    page = text(client.get(f"/applications/{application.id}/edit/budget"))
    assert "¥17.53" in page and "data-budget" in page


def test_submitted_application_editor_redirects(app, client, login_as):
    user, org, call, application = ngo_setup(status=ApplicationStatus.SUBMITTED)
    login_as(user)
    response = client.post(f"/applications/{application.id}/edit/basics", data={"title": "改名"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).title == "四点半学校"


# --- attachments -------------------------------------------------------------------------------

def test_attachment_upload_download_delete(app, client, login_as):
    user, org, call, application = ngo_setup()
    login_as(user)
    assert upload(client, application, PDF_BYTES, "章程.pdf").status_code == 302
    attachment = db.session.scalars(db.select(Attachment)).one()
    assert attachment.kind == "pdf" and attachment.filename == "章程.pdf"
    download = client.get(f"/applications/{application.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert client.post(f"/applications/{application.id}/attachments/{attachment.id}/delete").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_attachment_type_checked_by_content(app, client, login_as):
    user, org, call, application = ngo_setup()
    login_as(user)
    response = upload(client, application, b"just some text, not a pdf", "fake.pdf")
    assert response.status_code == 400 and "不支持的文件类型" in text(response)
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_attachment_limit(app, client, login_as):
    user, org, call, application = ngo_setup()
    login_as(user)
    for i in range(10):
        assert upload(client, application, PDF_BYTES, f"{i}.pdf").status_code == 302
    response = upload(client, application, PDF_BYTES, "11.pdf")
    assert response.status_code == 400 and "最多上传 10 个附件" in text(response)


# --- access ------------------------------------------------------------------------------------

def test_other_ngo_member_gets_403_everywhere(app, client, login_as):
    user, org, call, application = ngo_setup(status=ApplicationStatus.SUBMITTED)
    application.attachments.append(Attachment(storage_key="xx/none.pdf", filename="a.pdf", kind="pdf", size=1))
    db.session.commit()
    attachment_id = application.attachments[0].id
    login_as(make_member(OrgKind.NGO))
    base = f"/applications/{application.id}"
    for url in (base, f"{base}/edit/basics", f"{base}/edit/budget", f"{base}/pdf", f"{base}/attachments/{attachment_id}"):
        assert client.get(url).status_code == 403, url
    for url in (f"{base}/submit", f"{base}/withdraw", f"{base}/attachments", f"{base}/attachments/{attachment_id}/delete"):
        assert client.post(url).status_code == 403, url


def test_committee_sees_submitted_pdf_but_not_drafts(app, client, login_as):
    user, org, call, application = ngo_setup(status=ApplicationStatus.SUBMITTED)
    draft = make_application(call=call, org=org)
    committee_user = make_member(OrgKind.COMMITTEE, org=call.committee)
    login_as(committee_user)
    assert client.get(f"/applications/{application.id}/pdf").status_code == 200
    assert client.get(f"/applications/{draft.id}/pdf").status_code == 403


def test_draft_has_no_pdf(app, client, login_as):
    user, org, call, application = ngo_setup()
    login_as(user)
    assert client.get(f"/applications/{application.id}/pdf").status_code == 404


# --- submit / withdraw / detail / mine ----------------------------------------------------------

def test_submit_via_view(app, client, login_as, outbox):
    user, org, call, application = ngo_setup()
    login_as(user)
    response = client.post(f"/applications/{application.id}/submit", follow_redirects=True)
    assert response.status_code == 200 and f"{call.code}-001" in text(response)
    assert "下载 PDF" in text(response) and "编辑申报书" not in text(response)


def test_failed_submit_lists_every_problem_by_section(app, client, login_as):
    call = make_call(admin_cost_cap_pct=Decimal("5"))
    user, org, call, application = ngo_setup(call=call)
    application.title = ""
    db.session.commit()
    login_as(user)
    response = client.post(f"/applications/{application.id}/submit")
    page = text(response)
    assert response.status_code == 400
    assert "请填写项目名称。" in page and "管理费不得超过预算总额的 5%。" in page
    assert db.session.get(Application, application.id).status == ApplicationStatus.DRAFT
    # the editor shows the pending message on the field's section
    assert "请填写项目名称。" in text(client.get(f"/applications/{application.id}/edit/basics"))


def test_withdraw_via_view(app, client, login_as):
    user, org, call, application = ngo_setup(status=ApplicationStatus.SUBMITTED)
    login_as(user)
    response = client.post(f"/applications/{application.id}/withdraw", follow_redirects=True)
    assert "申报书已撤回" in text(response)
    assert db.session.get(Application, application.id).status == ApplicationStatus.WITHDRAWN


def test_withdraw_eligible_refused_via_view(app, client, login_as):
    user, org, call, application = ngo_setup(status=ApplicationStatus.ELIGIBLE)
    login_as(user)
    response = client.post(f"/applications/{application.id}/withdraw", follow_redirects=True)
    assert "不能从" in text(response)
    assert db.session.get(Application, application.id).status == ApplicationStatus.ELIGIBLE


def test_mine_lists_in_fixed_queries(app, client, login_as, count_queries):
    user, org, call, application = ngo_setup(status=ApplicationStatus.SUBMITTED)
    login_as(user)
    db.session.expire_all()
    with count_queries() as one:
        first = client.get("/applications/")
    assert application.reference in text(first) and "¥36,000.00" in text(first)
    for _ in range(3):
        make_application(call=make_call(), org=org, status=ApplicationStatus.SUBMITTED)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as four:
        client.get("/applications/")
    assert four.count == one.count


def test_mine_hides_other_orgs(app, client, login_as):
    user, org, call, application = ngo_setup(title="我们的项目")
    make_application(title="别人的项目")  # another NGO's
    db.session.commit()
    login_as(user)
    page = text(client.get("/applications/"))
    assert "我们的项目" in page and "别人的项目" not in page


def test_sections_partial_contract(app):
    """templates/applications/_sections.html: `application`, optional `hide_identity` (blind judging)."""
    from flask import render_template_string

    user, org, call, application = ngo_setup(status=ApplicationStatus.SUBMITTED)
    application.attachments.append(Attachment(storage_key="k", filename="机构章程.pdf", kind="pdf", size=2048))
    db.session.commit()
    source = '{% include "applications/_sections.html" %}'
    with app.test_request_context():
        shown = render_template_string(source, application=application)
        hidden = render_template_string(source, application=application, hide_identity=True)
    for needle in (org.name, "李娜", "机构章程.pdf"):
        assert needle in shown and needle not in hidden
    for needle in ("四点半学校", "招募志愿者", "课后辅导材料", "¥40,000.00", "¥36,000.00",
                   f"/applications/{application.id}/attachments/{application.attachments[0].id}"):
        assert needle in shown and needle in hidden


JUNK = ["", "<script>alert(1)</script>", "-1", "9" * 40, "2026-13-45", "１２３", "' OR 1=1 --", "\x00", "1e999", "NaN"]


def test_junk_input_never_causes_a_server_error(app, client, login_as):
    import re

    user, org, call, application = ngo_setup()
    login_as(user)
    for section in ("basics", "need", "plan", "team", "budget", "declaration"):
        url = f"/applications/{application.id}/edit/{section}"
        names = set(re.findall(r'name="([^"]+)"', text(client.get(url)))) - {"csrf_token"}
        for junk in JUNK:
            response = client.post(url, data={name: junk for name in names})
            assert response.status_code < 500, (section, junk, response.status_code)
    for junk in JUNK:
        assert client.post(f"/calls/{call.id}/apply", data={"organization_id": junk}).status_code < 500
        assert upload(client, application, junk.encode(), junk or "x").status_code < 500
    assert client.post(f"/applications/{application.id}/submit").status_code < 500
