"""The English UI: labels, states and messages built in Python (forms, enums, flashes) follow the chosen
language, and Chinese stays the default. Content entered by users stays as entered."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask_babel import refresh

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.calls.models import CallStatus
from portal.extensions import db
from portal.judging.models import Objection
from portal.types import utcnow

from .factories import (
    make_application,
    make_assignment,
    make_call,
    make_call_judge,
    make_entry,
    make_member,
    make_round,
    make_user,
)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def labels(html: str) -> list[str]:
    """The text of every <label>, <option> and .badge on the page (tags inside stripped)."""
    found = re.findall(r"<(label|option)\b[^>]*>(.*?)</\1>", html, re.S)
    found += [("badge", m) for m in re.findall(r'<span class="badge[^"]*"[^>]*>(.*?)</span>', html, re.S)]
    return [re.sub(r"<[^>]+>", "", inner).strip() for _, inner in found]


def has_chinese(value: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", value) is not None


def english(client) -> None:
    client.get("/language/en")
    refresh()  # the fixture's app context outlives requests, and Flask-Babel caches the locale on it


def chinese(client) -> None:
    client.get("/language/zh_CN")
    refresh()


@pytest.fixture
def committee(app):
    return make_member(OrgKind.COMMITTEE, name="团市委干部")


def test_login_and_registration_forms(client, app):
    page = text(client.get("/login"))
    assert "电子邮箱" in page and "保持登录" in page and "Keep me signed in" not in page
    english(client)
    page = text(client.get("/login"))
    assert "Email" in page and "Password" in page and "Keep me signed in" in page
    assert not any(has_chinese(label) for label in labels(page))
    page = text(client.get("/register"))
    assert "Mobile number" in page and "Confirm password" in page and "手机号" not in page
    assert not any(has_chinese(label) for label in labels(page))
    # Validator messages and flashes come in English too.
    page = client.post("/register", data={"name": "", "email": "x", "phone": "12", "password": "1",
                                          "password2": "2"}).get_data(as_text=True)
    assert "This field is required." in page and "Please enter a valid email address." in page
    assert "The password must have at least 8 characters." in page and "请填写此项" not in page
    user = make_user(email="sam@example.org", name="Sam")
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": "wrong-password"})
    assert "Incorrect email or password." in response.get_data(as_text=True)
    from .factories import PASSWORD

    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "Welcome back, Sam." in text(client.get("/calls/"))


def test_committee_call_form(client, login_as, committee):
    login_as(committee)
    page = text(client.get("/committee/calls/new"))
    assert "征集名称" in page and "单个项目资助上限（元）" in page and "仅限已认证组织申报" in page
    english(client)
    page = text(client.get("/committee/calls/new"))
    assert "Call title" in page and "Maximum grant per project (yuan)" in page and "Verified organizations only" in page
    assert "Deadline (Beijing time)" in page and "征集名称" not in page
    assert not any(has_chinese(label) for label in labels(page) if label not in ("助老", "助残"))
    response = client.post("/committee/calls/new", data={"title": ""})
    assert response.status_code in (200, 400)
    page = response.get_data(as_text=True)
    assert "This field is required." in page and "Please choose at least one category." in page


def test_rounds_setup_shows_translated_choices_and_states(client, login_as, committee):
    call = make_call(committee=committee.memberships[0].organization, status=CallStatus.CLOSED)
    make_round(call, 1, name="初审")
    login_as(committee)
    url = f"/judging/calls/{call.id}/rounds/new"
    page = text(client.get(url))
    assert "网络评审" in page and "现场路演" in page and "排名前 N 名晋级" in page and "轮次名称" in page
    setup = text(client.get(f"/judging/calls/{call.id}/setup"))
    assert "网络评审" in setup
    english(client)
    page = text(client.get(url))
    for label in ("Round name", "Online review", "Live pitch", "Top N advance", "Manual selection",
                  "Trimmed mean (highest and lowest dropped)", "Blind review"):
        assert label in page, label
    assert not any(has_chinese(label) for label in labels(page))
    setup = text(client.get(f"/judging/calls/{call.id}/setup"))
    assert "Online review" in setup and "网络评审" not in setup and "初审" in setup  # names stay as entered


def test_judge_score_sheet(client, login_as, committee):
    call = make_call(committee=committee.memberships[0].organization, status=CallStatus.JUDGING,
                     opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=10))
    round_ = make_round(call, 1, name="初审", closes_at=utcnow() + timedelta(days=3),
                        criteria=[("必要性", 20, 1), ("可行性", 30, 2)])
    application = make_application(call=call, status=ApplicationStatus.ELIGIBLE, title="星星的孩子")
    judge = make_user(email="judge@example.org", name="评委甲", is_judge=True)
    make_call_judge(call, judge)
    make_entry(round_, application)
    make_assignment(round_, application, judge)
    login_as(judge)
    url = f"/judging/review/rounds/{round_.id}/applications/{application.id}"
    assert "评语" in text(client.get(url))
    assert "评分中" in text(client.get("/judging/review"))
    english(client)
    page = text(client.get(url))
    assert "Comment" in page and "必要性" in page  # criteria are content
    home = text(client.get("/judging/review"))
    assert "Scoring" in home and "Online review" in home and "评分中" not in home
    response = client.post(url, data={"action": "submit"})
    assert response.status_code == 400
    assert "Please correct the marked fields and submit again." in response.get_data(as_text=True)
    assert "Please give a score for “必要性”." in response.get_data(as_text=True)
    response = client.post(url, data={"action": "submit", f"c{round_.criteria[0].id}": "99"})
    assert "Must be between 0 and 20." in response.get_data(as_text=True)


def test_public_call_list_status_badge(client, app):
    make_call(title="把爱装进饭盒里")
    make_call(title="去年的大赛", status=CallStatus.NOTICE)
    db.session.commit()
    page = text(client.get("/calls/?status=all"))
    assert "征集中" in page and "结果公示中" in page
    english(client)
    page = text(client.get("/calls/?status=all"))
    badges = re.findall(r'<span class="badge status-badge[^"]*">(.*?)</span>', page)
    assert "Open" in badges and "Results under public notice" in badges
    assert not any(has_chinese(badge) for badge in badges)
    assert "把爱装进饭盒里" in page  # content stays as entered
    chinese(client)
    assert "征集中" in text(client.get("/calls/?status=all"))


def test_error_pages_and_org_states(client, login_as):
    english(client)
    assert "Page not found" in client.get("/no-such-page").get_data(as_text=True)
    user = make_member(OrgKind.NGO, verified=False)
    login_as(user)
    english(client)
    page = text(client.get("/me"))
    assert "Pending verification" in page and "NGO" in page and "待审核" not in page


def test_organization_form_and_audit_log(client, login_as, committee):
    user = make_user(email="ngo@example.org", name="王五")
    login_as(user)
    english(client)
    page = text(client.get("/organizations/new"))
    for label in ("Organization type", "Legal form", "Social organization", "Volunteer team", "Sponsor company / funder"):
        assert label in page, label
    assert not any(has_chinese(label) for label in labels(page))
    login_as(committee)  # another user signs in on the same client
    english(client)
    page = text(client.get("/committee/audit/?date_from=2026-99-99"))
    assert "All actions" in page and "Invalid date; please use the format 2026-05-01." in page


def test_translated_variables_are_still_escaped(app):
    """A message held in a variable goes through |translate, which (unlike Jinja's _()) keeps escaping."""
    from flask import render_template

    with app.test_request_context("/"):
        html = render_template("accounts/message.html", title="链接无效", message="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


# --- messages raised by the services, in the reader's language -----------------------------------

def shown_messages(html: str) -> list[str]:
    """The texts of flashed messages, alerts and field errors on the page (tags inside stripped)."""
    found = re.findall(r'<(div|li|p|section)\b[^>]*class="[^"]*\b(?:alert|invalid-feedback|text-danger)\b[^"]*"[^>]*>(.*?)</\1>',
                       html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inner)).strip() for _, inner in found]


def no_chinese_messages(html: str, content: tuple[str, ...] = ()) -> None:
    """No alert or field error shows Chinese, apart from content entered by users (names, titles)."""
    for message in shown_messages(html):
        for name in content:
            message = message.replace(name, "")
        assert not has_chinese(message), message


def test_an_invalid_application_submission_in_english(client, login_as):
    from decimal import Decimal

    from .applications.helpers import ngo_setup

    user, org, call, application = ngo_setup(call=make_call(admin_cost_cap_pct=Decimal("5"), max_applications_per_org=1))
    make_application(call=call, org=org, status=ApplicationStatus.SUBMITTED, title="已交的另一个项目")
    application.title = ""
    db.session.commit()
    english(client)  # before signing in: the welcome is flashed in English too
    login_as(user)
    response = client.post(f"/applications/{application.id}/submit")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for expected in ("The application could not be submitted; please fix the marked problems.",
                     "Please enter the project title.", "Administrative costs may not exceed 5% of the total budget.",
                     "This call accepts no more than 1 per organization."):
        assert expected in page, expected
    assert "请填写项目名称" not in page and "管理费不得超过" not in page and "最多申报" not in page
    no_chinese_messages(page, (org.name, call.title, user.display_name))
    # The messages kept for the editor (in the session) read in English too, also after switching back.
    page = text(client.get(f"/applications/{application.id}/edit/budget"))
    assert "Administrative costs may not exceed 5% of the total budget." in page and "管理费不得超过" not in page
    chinese(client)
    assert "管理费不得超过预算总额的 5%。" in text(client.get(f"/applications/{application.id}/edit/budget"))
    english(client)
    response = client.post(f"/applications/{application.id}/attachments", data={"file": (io.BytesIO(b"hello"), "x.pdf")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert ("Unsupported file type: only PDF, JPEG, PNG, DOCX and XLSX files are accepted (checked by their content)."
            in page) and "不支持的文件类型" not in page


def test_an_invalid_score_sheet_in_english(client, login_as, committee):
    call = make_call(committee=committee.memberships[0].organization, status=CallStatus.JUDGING,
                     opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=10))
    round_ = make_round(call, 1, name="初审", closes_at=utcnow() + timedelta(days=3),
                        criteria=[("必要性", 20, 1), ("可行性", 30, 2)])
    application = make_application(call=call, status=ApplicationStatus.ELIGIBLE, title="星星的孩子")
    judge = make_user(email="judge@example.org", name="评委甲", is_judge=True)
    make_call_judge(call, judge)
    make_entry(round_, application)
    make_assignment(round_, application, judge)
    english(client)  # before signing in: the welcome is flashed in English too
    login_as(judge)
    url = f"/judging/review/rounds/{round_.id}/applications/{application.id}"
    first, second = (f"c{c.id}" for c in round_.criteria)
    response = client.post(url, data={"action": "save", first: "abc", second: "1.234", "comment": "长" * 2001})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for expected in ("Please enter a number.", "At most two decimal places.",
                     "The comment cannot be longer than 2000 characters.",
                     "Please correct the marked fields and submit again."):
        assert expected in page, expected
    assert "请输入数字" not in page and "最多保留两位小数" not in page and "评语不能超过" not in page
    no_chinese_messages(page, ("必要性", "可行性", judge.display_name))
    response = client.post(url, data={"action": "submit", first: "21"})
    page = response.get_data(as_text=True)
    assert "Must be between 0 and 20." in page and "Please give a score for “可行性”." in page
    no_chinese_messages(page, ("必要性", "可行性"))


def test_an_invalid_objection_in_english(client):
    from .judging.award_helpers import judged_call
    from .judging.test_notice import awarded, publish

    w = awarded(judged_call())
    publish(w)
    english(client)
    url = f"/calls/{w.call.id}/results/objections"
    response = client.post(url, data={"name": "", "contact": "", "body": "长" * 2001, "application_id": "abc"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for expected in ("Please fill in Name.", "Please fill in Contact.", "Objection cannot be longer than 2000 characters.",
                     "Please choose a project on the notice list."):
        assert expected in page, expected
    assert "请填写姓名" not in page and "不能超过 2000 个字" not in page and "请选择公示名单中的项目" not in page
    no_chinese_messages(page)


def test_interpolated_messages_in_english(client, login_as, committee):
    """Messages with values in them: counts, names, states, reasons joined together, a flashed warning."""
    from .judging.award_helpers import judged_call
    from .judging.test_notice import awarded, publish

    call = make_call(committee=committee.memberships[0].organization, status=CallStatus.CLOSED)
    make_round(call, 1, name="初审")
    make_application(call=call, status=ApplicationStatus.SUBMITTED)
    english(client)  # before signing in: the welcome is flashed in English too
    login_as(committee)
    page = text(client.post(f"/judging/calls/{call.id}/start", follow_redirects=True))
    assert "Applications still awaiting screening: 1. Please finish screening before judging starts." in page
    assert "待资格审查" not in page
    call.status = CallStatus.JUDGING
    db.session.commit()
    page = text(client.post(f"/judging/calls/{call.id}/start", follow_redirects=True))
    assert "Cannot change from “Being judged” to “Being judged”." in page and "不能从" not in page

    w = awarded(judged_call(pool="60000.00"))  # 50,000 + 20,000 awarded
    login_as(w.committee)
    first, second, _ = w.tiers
    response = client.post(f"/judging/calls/{w.call.id}/awards",
                           data={f"tier{first.id}": [str(w.apps[0].id)], f"tier{second.id}": [str(w.apps[1].id)]})
    page = text(client.get(response.headers["Location"]))  # the warning was flashed, then shown on the next page
    assert ("The awards total ¥70,000.00, which exceeds the venture funding pool of ¥60,000.00 by ¥10,000.00; "
            "please adjust the awards.") in page and "超出创投资金总额" not in page
    bad = client.post(f"/judging/calls/{w.call.id}/awards",
                      data={f"tier{first.id}": [str(w.apps[0].id), str(w.apps[1].id)]})
    assert "“一等奖” cannot take more projects than its places (1)." in bad.get_data(as_text=True)
    notice = publish(w)
    db.session.add(Objection(notice_id=notice.id, name="市民", contact="1", body="质疑"))
    db.session.commit()
    page = text(client.get(f"/judging/calls/{w.call.id}/objections"))
    assert "Cannot finalize yet: the public notice runs until " in page
    assert "(Beijing time); objections still awaiting a reply: 1." in page and "条异议未答复" not in page
    page = text(client.post(f"/judging/calls/{w.call.id}/finalize", follow_redirects=True))
    assert "The results cannot be finalized yet: the public notice runs until" in page and "暂不能确定" not in page
    no_chinese_messages(page, ("一等奖", "二等奖", "人气奖", w.committee.display_name))
    chinese(client)
    page = text(client.post(f"/judging/calls/{w.call.id}/finalize", follow_redirects=True))
    assert "暂不能确定结果：公示期至" in page and "还有 1 条异议未答复。" in page


def test_the_application_pdf_stays_chinese_for_a_reader_in_english(client, login_as):
    """The PDF is a Chinese document: the state label printed in it does not follow the page's language."""
    import pdfplumber

    from .applications.helpers import ngo_setup

    user, org, call, application = ngo_setup(status=ApplicationStatus.SUBMITTED)
    english(client)
    login_as(user)
    assert "Submitted, awaiting screening" in text(client.get(f"/applications/{application.id}"))
    response = client.get(f"/applications/{application.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.data)) as document:
        pdf_text = "".join(page.extract_text() or "" for page in document.pages).replace(" ", "")
    assert "已提交，待审查" in pdf_text and "Submitted" not in pdf_text
    assert "Submitted, awaiting screening" in text(client.get(f"/applications/{application.id}"))  # the page again
