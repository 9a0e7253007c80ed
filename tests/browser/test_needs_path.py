"""Needs (领办) in a browser, on a phone: a street office posts a need, an NGO offers to take it on, the
street office compares the offers side by side and chooses one; and the organization form lists the
legal forms of the chosen kind only. Screenshots kept; nothing scrolls sideways but the wide table."""
from __future__ import annotations

import pytest

from portal.accounts.models import OrgKind
from portal.extensions import db

from ..factories import PASSWORD, make_member, make_user
from ..matching.helpers import make_session
from ..matching.test_needs import due_in, offer_data
from .conftest import PHONE, no_horizontal_scroll, shot
from .test_accessibility import UNREACHABLE_SCROLLERS, serious_violations
from .test_application_path import log_in

pytestmark = pytest.mark.browser


def test_a_need_posted_offered_compared_and_taken_on_from_a_phone(live_app, live_server, page_factory):
    from portal.matching import needs as service
    from portal.matching.models import Need

    with live_app.app_context():
        session = make_session()
        poster = make_member(OrgKind.DEPARTMENT, name="街道干部")
        ngo, other = make_member(OrgKind.NGO, name="甲社工"), make_member(OrgKind.NGO, name="乙社工")
        db.session.commit()
        emails = poster.email, ngo.email
        session_title, other_id = session.title, other.id
    base = live_server.url

    page = page_factory(PHONE)
    log_in(page, base, emails[0], PASSWORD)
    page.goto(base + "/matching/needs/new")
    page.select_option("select[name=session_id]", label=session_title)
    page.fill("input[name=title]", "社区独居老人助餐")
    page.fill("textarea[name=service]", "每日为独居老人送午餐")
    page.fill("input[name=target_group]", "80 岁以上独居老人 120 人")
    page.fill("input[name=place]", "当湖街道")
    page.fill("input[name=period_start]", "2026-07-01")
    page.fill("input[name=period_end]", "2026-12-31")
    page.fill("input[name=budget]", "60000")
    page.fill("input[name=offers_due]", due_in(7).strftime("%Y-%m-%dT%H:%M"))
    assert no_horizontal_scroll(page)
    shot(page, "needs-post-phone")
    with page.expect_navigation():
        page.click("button[value=publish]")
    assert "征集中" in page.inner_text("main")

    ngo_page = page_factory(PHONE)
    log_in(ngo_page, base, emails[1], PASSWORD)
    ngo_page.goto(base + "/matching/needs")
    with ngo_page.expect_navigation():
        ngo_page.click("text=社区独居老人助餐")
    ngo_page.fill("textarea[name=plan]", "组建志愿者送餐队，每日配送")
    ngo_page.fill("textarea[name=team]", "社工 2 名，志愿者 20 名")
    ngo_page.fill("input[name=price]", "70000")
    with ngo_page.expect_navigation():
        ngo_page.click("text=提交报价")
    assert "报价不能超过预算" in ngo_page.inner_text("#price-error")
    ngo_page.fill("input[name=price]", "55000")
    with ngo_page.expect_navigation():
        ngo_page.click("text=提交报价")
    assert "我们的报价" in ngo_page.inner_text("main") and no_horizontal_scroll(ngo_page)
    shot(ngo_page, "needs-offer-phone")

    with live_app.app_context():
        from portal.accounts.models import User

        need = db.session.query(Need).one()
        rival = db.session.get(User, other_id)
        service.submit_offer(rival, need, rival.memberships[0].organization,
                             offer_data(price="48000", plan="每周三次上门，另设助餐点"))
        need_id = need.id

    page.goto(f"{base}/matching/needs/{need_id}/offers")
    page.wait_for_selector("table.offer-compare")
    assert no_horizontal_scroll(page) and page.evaluate(UNREACHABLE_SCROLLERS) == 0
    assert serious_violations(page) == []
    shot(page, "needs-compare-phone")
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("button", has_text="选定该组织领办").last.click()  # the dearer one: 甲社工
    text = page.inner_text("main")
    assert "已选定" in text and "未选中" in text
    shot(page, "needs-compare-accepted-phone")
    ngo_page.goto(f"{base}/matching/needs/{need_id}")
    assert "贵组织已被选定领办该需求" in ngo_page.inner_text("main")


def test_the_organization_form_lists_the_legal_forms_of_the_chosen_kind(live_app, live_server, page_factory):
    with live_app.app_context():
        user = make_user()
        db.session.commit()
        email = user.email
    page = page_factory(PHONE)
    log_in(page, live_server.url, email, PASSWORD)
    page.goto(live_server.url + "/organizations/new")
    visible = "[...document.querySelectorAll('select[name=legal_form] option')].filter(o => !o.hidden).map(o => o.value)"
    assert "社会组织" in page.evaluate(visible) and "街道" not in page.evaluate(visible)
    assert page.is_hidden("[data-org-kind-only=company]")
    page.select_option("select[name=kind]", "department")
    assert page.evaluate(visible) == ["政府部门", "街道", "社区", "村"]
    assert page.input_value("select[name=legal_form]") == "政府部门"
    page.select_option("select[name=kind]", "company")
    assert page.evaluate(visible) == ["企业", "基金会", "社会团体", "个人爱心人士"]
    assert page.is_visible("input[name=board_name]")
    assert no_horizontal_scroll(page)
    shot(page, "org-form-sponsor-phone")
