"""Acceptance path in a real browser: an NGO registers, the committee verifies it, the NGO fills
every section, uploads an attachment and submits; the committee returns it for changes, the NGO
resubmits, the committee marks it eligible. A screenshot of each step goes to test-artifacts/browser/.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from stdnum.cn import uscc

from portal.accounts.models import OrgKind, Organization, OrgStatus
from portal.applications.models import Application, ApplicationStatus
from portal.extensions import db

from ..factories import PASSWORD, make_call, make_category, make_member
from .conftest import DESKTOP, PHONE, shot

pytestmark = pytest.mark.browser

BODY = "91330482MA28A1XX7"
USCC = BODY + uscc.calc_check_digit(BODY)


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def save_section(page, base: str, application_id: int, section: str, fill) -> None:
    page.goto(f"{base}/applications/{application_id}/edit/{section}")
    fill(page)
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    assert page.locator(".alert-success").count() == 1, page.locator("main").inner_text()[:800]


def test_register_verify_apply_return_resubmit_eligible(live_app, live_server, page_factory):
    base = live_server.url
    with live_app.app_context():
        committee_user = make_member(OrgKind.COMMITTEE, name="团市委干部")
        call = make_call(
            committee=committee_user.memberships[0].organization,
            title="2026 年平湖市青年公益创投大赛", code="PH2026", categories=[make_category("关爱儿童")],
        )
        db.session.commit()
        committee_email, call_id = committee_user.email, call.id

    ngo = page_factory(PHONE)  # the NGO works on a phone
    ngo.on("dialog", lambda dialog: dialog.accept())
    committee = page_factory(DESKTOP)
    committee.on("dialog", lambda dialog: dialog.accept())
    log_in(committee, base, committee_email, PASSWORD)

    # 1. The NGO registers an account, then its organization.
    ngo.goto(base + "/register")
    ngo.fill("input[name=name]", "李娜")
    ngo.fill("input[name=email]", "lina@renxin.org.cn")
    ngo.fill("input[name=phone]", "13957300001")
    ngo.fill("input[name=password]", "xiaoyinxing2026")
    ngo.fill("input[name=password2]", "xiaoyinxing2026")
    with ngo.expect_navigation():
        ngo.get_by_role("button", name="注册").click()
    shot(ngo, "path-01-registered")
    ngo.goto(base + "/organizations/new")
    ngo.select_option("select[name=kind]", "ngo")
    ngo.fill("input[name=name]", "平湖市仁芯社会工作服务中心")
    ngo.select_option("select[name=legal_form]", "社会组织")
    ngo.fill("input[name=uscc]", USCC)
    ngo.fill("input[name=province]", "浙江省")
    ngo.fill("input[name=city]", "嘉兴市")
    ngo.fill("input[name=district]", "平湖市")
    ngo.fill("input[name=contact_name]", "李娜")
    ngo.fill("input[name=contact_phone]", "13957300001")
    ngo.fill("input[name=address]", "当湖街道人民路 1 号")
    ngo.fill("input[name=founded_on]", "2015-06-01")
    ngo.fill("textarea[name=introduction]", "专业社工机构，服务儿童与老人。")
    with ngo.expect_navigation():
        ngo.get_by_role("button", name="提交").click()
    shot(ngo, "path-02-organization-registered")
    with live_app.app_context():
        org = db.session.scalar(sa.select(Organization).where(Organization.uscc == USCC))
        assert org is not None and org.status == OrgStatus.PENDING
        org_id = org.id

    # 2. The committee verifies it.
    committee.goto(base + "/committee/organizations")
    assert "平湖市仁芯社会工作服务中心" in committee.content()
    committee.goto(f"{base}/organizations/{org_id}")
    with committee.expect_navigation():
        committee.get_by_role("button", name="通过认证").click()
    shot(committee, "path-03-verified")
    with live_app.app_context():
        assert db.session.get(Organization, org_id).status == OrgStatus.VERIFIED

    # 3. The NGO starts an application from the call page and fills every section.
    ngo.goto(f"{base}/calls/{call_id}")
    with ngo.expect_navigation():
        ngo.get_by_role("link", name="我要申报").click()
    with ngo.expect_navigation():
        ngo.get_by_role("button", name="开始填写申报书").click()
    application_id = int(re.search(r"/applications/(\d+)/", ngo.url).group(1))

    def basics(page):
        page.fill("input[name=title]", "四点半学校")
        page.select_option("select[name=category_id]", label="关爱儿童")
        page.fill("input[name=service_area]", "平湖市当湖街道")
        page.fill("textarea[name=summary]", "为双职工家庭的孩子提供放学后的课业辅导与安全陪伴。")

    def need(page):
        page.fill("input[name=target_group]", "小学一至四年级学生")
        page.fill("input[name=beneficiaries_count]", "120")
        page.fill("textarea[name=need_analysis]", "社区内双职工家庭多，孩子放学后无人看护。")

    def plan(page):
        page.fill("textarea[name=goals]", "一年内服务 120 名儿童，开展 80 次课后辅导。")
        page.fill("input[name='activities-0-name']", "课后辅导")
        page.fill("input[name='activities-0-starts_on']", "2027-03-01")
        page.fill("input[name='activities-0-ends_on']", "2027-12-31")
        page.fill("input[name='activities-0-milestone']", "完成 80 次辅导")

    def team(page):
        page.fill("input[name='team_members-0-name']", "李娜")
        page.fill("input[name='team_members-0-role']", "项目负责人")
        page.fill("input[name='team_members-0-qualification']", "社会工作师")

    def budget(page):
        rows = [("活动费", "辅导材料", "300", "100", "4000"), ("管理费", "项目管理", "2000", "2", "0"), ("宣传费", "宣传海报", "60", "100", "0")]
        while page.locator("[data-budget] .repeat-row").count() < len(rows):
            page.click("[data-repeat-add=budget_lines]")
        for i, (category, item, price, quantity, own) in enumerate(rows):
            page.select_option(f"select[name='budget_lines-{i}-category']", category)
            page.fill(f"input[name='budget_lines-{i}-item']", item)
            page.fill(f"input[name='budget_lines-{i}-unit_price']", price)
            page.fill(f"input[name='budget_lines-{i}-quantity']", quantity)
            page.fill(f"input[name='budget_lines-{i}-self_funded']", own)
        assert page.locator("[data-budget-requested]").inner_text() == "¥36,000.00"

    def declaration(page):
        page.check("input[name=declaration_accepted]")

    for section, fill in (("basics", basics), ("need", need), ("plan", plan), ("team", team), ("budget", budget), ("declaration", declaration)):
        save_section(ngo, base, application_id, section, fill)
        shot(ngo, f"path-04-section-{section}")

    ngo.goto(f"{base}/applications/{application_id}/edit/attachments")
    ngo.set_input_files("input[type=file]", files=[{"name": "机构章程.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% test\n"}])
    with ngo.expect_navigation():
        ngo.get_by_role("button", name="上传附件").click()
    assert "机构章程.pdf" in ngo.content()
    shot(ngo, "path-05-attachment")

    # 4. Submit.
    ngo.goto(f"{base}/applications/{application_id}")
    with ngo.expect_navigation():
        ngo.get_by_role("button", name="提交申报书").click()
    assert "PH2026-001" in ngo.content()
    shot(ngo, "path-06-submitted")

    # 5. The committee returns it for changes.
    committee.goto(base + "/committee/screening")
    assert "PH2026-001" in committee.content()
    committee.goto(f"{base}/committee/screening/{application_id}")
    committee.fill("form[action$='/return'] textarea[name='return-reason']", "请补充志愿者招募计划。")
    with committee.expect_navigation():
        committee.locator("form[action$='/return'] button[type=submit]").click()
    shot(committee, "path-07-returned")

    # 6. The NGO sees why, edits and resubmits.
    ngo.goto(f"{base}/applications/{application_id}")
    assert "请补充志愿者招募计划" in ngo.content()

    def more_plan(page):
        page.fill("textarea[name=goals]", "一年内服务 120 名儿童，开展 80 次课后辅导；招募 30 名大学生志愿者。")

    save_section(ngo, base, application_id, "plan", more_plan)
    ngo.goto(f"{base}/applications/{application_id}")
    with ngo.expect_navigation():
        ngo.get_by_role("button", name="提交申报书").click()
    shot(ngo, "path-08-resubmitted")

    # 7. The committee sees what changed and marks it eligible.
    committee.goto(f"{base}/committee/screening/{application_id}")
    assert "招募 30 名大学生志愿者" in committee.content()
    with committee.expect_navigation():
        committee.locator("form[action$='/eligible'] button[type=submit]").click()
    shot(committee, "path-09-eligible")

    ngo.goto(f"{base}/applications/{application_id}")
    assert "资格审查通过" in ngo.content()
    shot(ngo, "path-10-ngo-sees-result")
    with live_app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == ApplicationStatus.ELIGIBLE
        assert [v.number for v in application.versions] == [1, 2]
