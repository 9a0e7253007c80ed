"""The judge's pages: their list and progress, the score sheet beside the (blind) application,
attachments and the PDF for judges. What a judge sees, and what they must never see."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from urllib.parse import unquote

import pdfplumber
import pytest

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus, Attachment, TeamMember
from portal.calls.models import CallStatus
from portal.judging.models import RoundStatus
from portal.extensions import db
from portal.judging.models import ScoreSheet, SheetStatus
from portal.storage import storage
from portal.types import utcnow

from ..conftest import login
from ..factories import (
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

ORG_NAME = "平湖市阳光社工服务中心"
USCC = "52330482MJ8812345X"
CONTACT_NAME, CONTACT_PHONE = "欧阳联络", "13911112222"
MEMBERS = ("诸葛明", "上官燕")
CREATOR = "司马创建"
FILENAME = "阳光社工登记证书.pdf"
OTHER_COMMENT = "另一位评委的私密评语"
SECRETS = (ORG_NAME, USCC, CONTACT_NAME, CONTACT_PHONE, *MEMBERS, CREATOR, FILENAME)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(app):
    """A blind round: `judge` and `other` both judge `app1`; `app2` is only `other`'s."""
    committee_user = make_member(OrgKind.COMMITTEE, name="团市委干部")
    call = make_call(committee=committee_user.memberships[0].organization, status=CallStatus.JUDGING,
                     opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=10))
    round_ = make_round(call, 1, name="初审", blind=True, closes_at=utcnow() + timedelta(days=3),
                        criteria=[("必要性", 20, 1), ("可行性", 30, 2)])
    org = make_org(OrgKind.NGO, name=ORG_NAME, uscc=USCC, contact_name=CONTACT_NAME, contact_phone=CONTACT_PHONE)
    creator = make_member(org=org, name=CREATOR)
    app1 = make_application(call=call, org=org, status=ApplicationStatus.ELIGIBLE, title="星星的孩子融合成长计划",
                            created_by=creator)
    app1.team_members = [TeamMember(position=i, name=n, role="社工", qualification="中级社工师") for i, n in enumerate(MEMBERS)]
    key = storage().save(b"%PDF-1.4 test", ".pdf")
    db.session.add(Attachment(application=app1, storage_key=key, filename=FILENAME, kind="pdf", size=13))
    app2 = make_application(call=call, status=ApplicationStatus.ELIGIBLE, title="乙的社区花园")
    make_entry(round_, app1, 1)
    make_entry(round_, app2, 2)
    judge = make_call_judge(call, make_user(name="评委甲", is_judge=True))
    other = make_call_judge(call, make_user(name="评委乙", is_judge=True))
    make_assignment(round_, app1, judge)
    make_assignment(round_, app1, other)
    make_assignment(round_, app2, other)
    # 13.39 × 1 + 17.19 × 2 = 47.77: a total that must never reach `judge`.
    make_sheet(round_, app1, other, values=["13.39", "17.19"], comment=OTHER_COMMENT)
    make_sheet(round_, app2, other, values=["13.39", "17.19"], comment=OTHER_COMMENT)
    db.session.commit()
    return dict(call=call, round=round_, app1=app1, app2=app2, judge=judge, other=other,
                committee=committee_user, attachment=app1.attachments[0])


def sheet_url(w, application=None) -> str:
    return f"/judging/review/rounds/{w['round'].id}/applications/{(application or w['app1']).id}"


def fields(w, first="", second="", comment="", action="draft") -> dict:
    c1, c2 = w["round"].criteria
    return {f"c{c1.id}": first, f"c{c2.id}": second, "comment": comment, "action": action}


def my_sheet(w) -> ScoreSheet | None:
    db.session.expire_all()
    return db.session.scalars(db.select(ScoreSheet).where(
        ScoreSheet.judge_id == w["judge"].id, ScoreSheet.application_id == w["app1"].id)).one_or_none()


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return "".join(page.extract_text() or "" for page in document.pages).replace(" ", "").replace("\n", "")


# --- lists -------------------------------------------------------------------------------------

def test_home_lists_invited_calls_with_progress_and_a_nav_link(world, client, login_as):
    login_as(world["judge"])
    page = text(client.get("/judging/review"))
    assert world["call"].title in page and "初审" in page
    assert "已提交 0 / 分配 1 个项目" in page
    assert f'href="/judging/review/rounds/{world["round"].id}"' in page
    assert 'href="/judging/review">我的评审' in page  # the navigation
    assert "我的评审" in text(client.get("/dashboard"))


def test_round_list_shows_only_my_applications_in_order_with_my_status(world, client, login_as):
    login_as(world["judge"])
    page = text(client.get(f"/judging/review/rounds/{world['round'].id}"))
    assert "星星的孩子融合成长计划" in page and "未开始" in page
    assert "乙的社区花园" not in page
    assert ORG_NAME not in page  # blind
    assert 'data-deadline="' in page


def test_unassigned_application_and_other_judges_sheet_are_404(world, client, login_as):
    login_as(world["judge"])
    assert client.get(sheet_url(world, world["app2"])).status_code == 404
    assert client.post(sheet_url(world, world["app2"]), data=fields(world, "1", "1")).status_code == 404
    assert client.get(f"/judging/review/rounds/{world['round'].id}/applications/999999").status_code == 404
    assert client.get(f"/judging/review/rounds/{world['round'].id}/applications/{world['app2'].id}/pdf").status_code == 404


def test_a_judge_not_on_the_call_gets_404_for_its_round(world, client, login_as):
    login_as(make_user(name="别的评委", is_judge=True))
    assert client.get(f"/judging/review/rounds/{world['round'].id}").status_code == 404
    assert client.get(sheet_url(world)).status_code == 404


def test_a_judge_never_sees_another_judges_total_or_comment(world, client, login_as):
    login_as(world["judge"])
    client.post(sheet_url(world), data=fields(world, "10", "", "我的评语"))
    pages = [client.get("/judging/review"), client.get(f"/judging/review/rounds/{world['round'].id}"),
             client.get(sheet_url(world))]
    for page in pages:
        assert page.status_code == 200
        assert OTHER_COMMENT not in text(page) and "47.77" not in text(page)
    assert "我的评语" in text(pages[2]) and "10.00" in text(pages[1])


# --- blind and open rounds ---------------------------------------------------------------------

def test_blind_sheet_page_names_no_one(world, client, login_as):
    login_as(world["judge"])
    page = text(client.get(sheet_url(world)))
    assert "星星的孩子融合成长计划" in page and "附件 1（PDF）" in page and "成员 1" in page
    for secret in SECRETS:
        assert secret not in page, secret
    link = f"/judging/review/rounds/{world['round'].id}/applications/{world['app1'].id}/attachments/{world['attachment'].id}"
    assert link in page and f"/applications/{world['app1'].id}/attachments/" not in page.replace(link, "")


def test_blind_attachment_download_has_a_neutral_name(world, client, login_as):
    login_as(world["judge"])
    url = f"/judging/review/rounds/{world['round'].id}/applications/{world['app1'].id}/attachments/{world['attachment'].id}"
    response = client.get(url)
    assert response.status_code == 200 and response.data == b"%PDF-1.4 test"
    disposition = unquote(response.headers["Content-Disposition"])
    assert "附件1.pdf" in disposition and FILENAME not in disposition
    # The committee may use the same link; another judge's application or a foreign attachment is 404.
    committee = client.application.test_client()
    login(committee, world["committee"])
    assert committee.get(url).status_code == 200
    assert client.get(url.replace(f"/{world['app1'].id}/", f"/{world['app2'].id}/")).status_code == 404


def test_blind_pdf_names_no_one(world, client, login_as):
    login_as(world["judge"])
    response = client.get(f"/judging/review/rounds/{world['round'].id}/applications/{world['app1'].id}/pdf")
    if response.status_code == 503:
        pytest.skip("no CJK font installed")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = pdf_text(response.data)
    assert "星星的孩子融合成长计划" in content and "成员1" in content
    for secret in SECRETS:
        assert secret not in content, secret


def test_open_round_shows_the_organization_and_real_names(world, client, login_as):
    world["round"].blind = False
    login_as(world["judge"])
    page = text(client.get(sheet_url(world)))
    assert ORG_NAME in page and MEMBERS[0] in page and FILENAME in page
    assert ORG_NAME in text(client.get(f"/judging/review/rounds/{world['round'].id}"))
    url = f"/judging/review/rounds/{world['round'].id}/applications/{world['app1'].id}/attachments/{world['attachment'].id}"
    assert FILENAME in unquote(client.get(url).headers["Content-Disposition"])


# --- saving ------------------------------------------------------------------------------------

def test_rubric_shows_each_criterion_with_a_numeric_input(world, client, login_as):
    login_as(world["judge"])
    page = text(client.get(sheet_url(world)))
    c1, _ = world["round"].criteria
    assert "必要性的评分说明" in page and "满分 20" in page and "权重 ×2" in page
    assert f'name="c{c1.id}"' in page and 'type="number"' in page and 'step="0.01"' in page
    assert 'max="20"' in page and 'inputmode="decimal"' in page and "score_sheet.js" in page
    assert "保存草稿" in page and "提交评分" in page and "<script>" not in page.split("score_sheet.js")[0]


def test_draft_then_submit_through_the_form(world, client, login_as):
    login_as(world["judge"])
    response = client.post(sheet_url(world), data=fields(world, "15", "", "思路清晰"))
    assert response.status_code == 302 and response.location.endswith(sheet_url(world))
    sheet = my_sheet(world)
    assert sheet.status == SheetStatus.DRAFT and [s.value for s in sheet.scores] == [Decimal("15.00")]
    page = text(client.get(sheet_url(world)))
    assert "评分草稿已保存" in page and 'value="15"' in page and "思路清晰" in page

    response = client.post(sheet_url(world), data=fields(world, "15", "22.5", "思路清晰", action="submit"))
    assert response.status_code == 302
    sheet = my_sheet(world)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_at is not None
    listing = text(client.get(f"/judging/review/rounds/{world['round'].id}", follow_redirects=True))
    assert "已提交" in listing and "60.00" in listing  # 15 × 1 + 22.5 × 2
    assert "已提交 1 / 分配 1 个项目" in text(client.get("/judging/review"))


def test_bad_input_is_shown_on_its_field_and_kept(world, client, login_as):
    login_as(world["judge"])
    response = client.post(sheet_url(world), data=fields(world, "25", "abc", "x" * 2001, action="submit"))
    assert response.status_code == 400
    page = text(response)
    assert "应在 0 到 20 之间。" in page and "请输入数字。" in page and "评语不能超过 2000 个字。" in page
    assert 'value="25"' in page and 'value="abc"' in page and "is-invalid" in page
    assert my_sheet(world) is None
    response = client.post(sheet_url(world), data=fields(world, "9" * 40, "1", action="draft"))
    assert response.status_code == 400 and my_sheet(world) is None


def test_submitting_needs_every_criterion(world, client, login_as):
    login_as(world["judge"])
    response = client.post(sheet_url(world), data=fields(world, "10", "", action="submit"))
    assert response.status_code == 400 and "请为“可行性”打分。" in text(response) and 'value="10"' in text(response)


@pytest.mark.parametrize("how, message", [
    ("locked", "本轮已锁定，评分不能再修改。"),
    ("closed", "本轮评分已截止"),
])
def test_after_closing_or_locking_the_sheet_is_read_only(world, client, login_as, how, message):
    make_sheet(world["round"], world["app1"], world["judge"], values=["12", "20"], submitted=False)
    if how == "locked":
        world["round"].status = RoundStatus.LOCKED
    else:
        world["round"].closes_at = utcnow() - timedelta(minutes=1)
    login_as(world["judge"])
    page = text(client.get(sheet_url(world)))
    assert message in page and "disabled" in page and "提交评分" not in page and 'value="12"' in page
    response = client.post(sheet_url(world), data=fields(world, "1", "1", action="submit"), follow_redirects=True)
    assert response.status_code == 200 and message.split("，")[0] in text(response)
    sheet = my_sheet(world)
    assert sheet.status == SheetStatus.DRAFT and sorted(s.value for s in sheet.scores) == [Decimal("12.00"), Decimal("20.00")]


# --- queries -----------------------------------------------------------------------------------

def test_round_list_queries_do_not_grow_with_the_number_of_applications(world, client, login_as, count_queries):
    from flask import g

    from portal.accounts.models import User
    from portal.judging.models import Round

    world["round"].blind = False
    login_as(world["other"])
    round_id, judge_id = world["round"].id, world["other"].id
    url = f"/judging/review/rounds/{round_id}"

    def measure() -> int:
        # The test shares its app context (session, g) with the request: start from a fresh session.
        db.session.remove()
        g.pop("_login_user", None)
        g.pop("nav_roles", None)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    few = measure()
    round_, judge = db.session.get(Round, round_id), db.session.get(User, judge_id)
    for _ in range(4):
        application = make_application(call=round_.call, status=ApplicationStatus.ELIGIBLE)
        make_entry(round_, application)
        make_assignment(round_, application, judge)
        make_sheet(round_, application, judge)
    db.session.commit()
    assert measure() == few


def test_the_sheet_form_is_protected_by_csrf(world, app, client, login_as):
    import re

    login_as(world["judge"])
    app.config["WTF_CSRF_ENABLED"] = True
    page = text(client.get(sheet_url(world)))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(sheet_url(world), data=fields(world, "15")).status_code == 400
    assert my_sheet(world) is None
    assert client.post(sheet_url(world), data={**fields(world, "15"), "csrf_token": token}).status_code == 302
    assert my_sheet(world).status == SheetStatus.DRAFT


def test_home_binds_invitations_sent_before_the_account_existed(world, client, login_as):
    from portal.judging import judges
    from portal.judging.models import CallJudge

    from portal.accounts.services import register_user

    from ..factories import PASSWORD

    if not hasattr(judges, "bind_pending_judges"):
        pytest.skip("judges.bind_pending_judges is not there yet")
    db.session.add(CallJudge(call=world["call"], email="late.judge@example.cn"))
    db.session.commit()
    newcomer = register_user("后来的评委", "late.judge@example.cn", PASSWORD)  # binds the invitation (accounts' signal)
    newcomer.is_judge = True  # as accepting the emailed judge invitation does
    login_as(newcomer)
    assert world["call"].title in text(client.get("/judging/review"))


def test_blind_review_masks_the_applicants_names_in_their_own_text(world, client, login_as):
    app1 = world["app1"]
    app1.summary = f"{ORG_NAME}（简称阳光社工）由{MEMBERS[0]}负责，联系电话 {CONTACT_PHONE}。"
    app1.goals = "阳光社工将服务 120 名儿童。"
    db.session.commit()
    login_as(world["judge"])
    page = text(client.get(sheet_url(world)))
    assert "〔已隐去〕" in page and "将服务 120 名儿童" in page
    for secret in (ORG_NAME, "阳光社工", MEMBERS[0], CONTACT_PHONE):
        assert secret not in page, secret
    pdf = client.get(f"/judging/review/rounds/{world['round'].id}/applications/{app1.id}/pdf")
    if pdf.status_code == 200:
        content = pdf_text(pdf.data)
        assert "已隐去" in content and "阳光社工" not in content and MEMBERS[0] not in content
    world["round"].blind = False
    db.session.commit()
    assert "阳光社工将服务" in text(client.get(sheet_url(world)))


def test_identity_terms_cover_the_short_forms_of_a_name():
    from types import SimpleNamespace

    from portal.applications.identity import identity_terms, redact

    org = SimpleNamespace(name="平湖市新埭镇百家爱心屋公益服务中心", province="浙江省", city="嘉兴市", district="平湖市",
                          uscc=None, contact_name="朱敏", contact_phone="13857312009", supervising_org=None)
    application = SimpleNamespace(organization=org, team_members=[SimpleNamespace(name="李")], created_by=None)
    terms = identity_terms(application)
    assert {"平湖市新埭镇百家爱心屋公益服务中心", "百家爱心屋公益服务中心", "百家爱心屋", "朱敏"} <= set(terms)
    assert "李" not in terms  # one character would blank ordinary words
    assert redact("百家爱心屋公益服务中心的朱敏老师", terms) == "〔已隐去〕的〔已隐去〕老师"


def test_blind_round_list_masks_names_in_titles(world, client, login_as):
    world["app1"].title = "阳光社工·星星的孩子融合成长计划"
    db.session.commit()
    login_as(world["judge"])
    page = text(client.get(f"/judging/review/rounds/{world['round'].id}"))
    assert "〔已隐去〕·星星的孩子融合成长计划" in page and "阳光社工" not in page
