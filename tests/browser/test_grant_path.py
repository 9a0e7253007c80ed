"""Acceptance: a grant in real browsers. A ¥25,000 award paid by two sponsors becomes one grant with
two sponsor sources; one committee member drafts, edits and signs it and prepares the first tranche;
a second member approves it and marks it paid (the first is never offered the approval). The NGO
files the mid-term report with a receipt on a phone; the evaluation passes; the second tranche is
prepared, approved and paid; the dashboards, their charts and the Excel export show the same totals.
Screenshots in test-artifacts/browser/."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from portal.extensions import db
from portal.grants.models import Disbursement, Grant

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


def prepare_tranche(page, base: str, grant_id: int, position: int, amount: str, source: str | None = None) -> None:
    page.goto(f"{base}/grants/{grant_id}")
    card = page.locator("#tranches-heading ~ article").nth(position)
    card.locator("summary").click()
    if source:
        card.locator("select[name$=source_id]").select_option(label=source)
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


def file_midterm_report(page, base: str, grant_id: int, tmp_path) -> None:
    """On a phone: the NGO opens the mid-term report from the grant, writes it, adds one activity and
    one expense with its receipt, and submits."""
    page.goto(f"{base}/grants/{grant_id}/reports")
    with page.expect_navigation():
        page.locator("a", has_text="填写报告").first.click()
    page.fill("#narrative", "已为社区 60 位老人提供助餐服务，组建志愿者送餐队。")
    page.fill("#beneficiaries_reached", "60")
    page.click("text=添加一项活动")
    page.fill("[name=activities-0-held_on]", date.today().isoformat())
    page.fill("[name=activities-0-place]", "当湖街道社区食堂")
    page.fill("[name=activities-0-participants]", "60")
    page.fill("[name=activities-0-description]", "银龄食堂开餐仪式")
    page.click("text=添加一笔支出")
    page.select_option("[name=expenses-0-category]", "活动费")
    page.fill("[name=expenses-0-item]", "食材采购")
    page.fill("[name=expenses-0-amount]", "3000")
    page.fill("[name=expenses-0-spent_on]", date.today().isoformat())
    receipt = tmp_path / "发票.pdf"
    receipt.write_bytes(PDF)
    page.set_input_files("[name=expenses-0-receipt]", str(receipt))
    assert no_horizontal_scroll(page)
    shot(page, "grant-report-form-phone")
    with page.expect_navigation():
        page.click("button[value=submit]")
    expect(page.locator(".alert-success")).to_contain_text("报告已提交")
    expect(page.locator("main")).to_contain_text("食材采购")
    assert no_horizontal_scroll(page)
    shot(page, "grant-report-submitted-phone")


def evaluate_passed(page, base: str, grant_id: int) -> None:
    page.goto(f"{base}/grants/{grant_id}/reports")
    with page.expect_navigation():
        page.locator("a", has_text="评估").last.click()
    for key, score in (("execution", "85"), ("inputs", "80"), ("finance", "90"), ("outcomes", "88")):
        page.fill(f"#score-{key}", score)
    page.select_option("#conclusion", "passed")
    page.fill("#comments", "执行规范，票据齐全。")
    shot(page, "grant-evaluation-desktop")
    with page.expect_navigation():
        page.click("text=保存评估")
    expect(page.locator(".alert-success")).to_contain_text("评估已保存")


def dashboard_totals(page, base: str, call_id: int) -> dict[str, str]:
    """The call dashboard's figures three ways: the totals row, the funds-by-stage chart's bars and
    the Excel export's first sheet."""
    page.goto(f"{base}/grants/calls/{call_id}/dashboard")
    foot = page.locator("#table-grants tfoot td.money").all_inner_texts()
    bars = [D(v) for v in page.locator("svg.grants-chart").first.locator("rect").evaluate_all(
        "rects => rects.map(r => r.dataset.value)")]
    answer = page.request.get(f"{base}/grants/calls/{call_id}/dashboard.xlsx")
    assert answer.ok
    sheet = load_workbook(BytesIO(answer.body()), read_only=True)["资金各阶段"]
    excel = {row[0]: D(str(row[1])) for row in sheet.iter_rows(min_row=2, values_only=True)}
    return dict(foot=foot, bars=bars, excel=excel)


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
    _accept_dialogs(ngo)
    log_in(ngo, base, w["ngo"], PASSWORD)
    ngo.goto(f"{base}/grants/{grant_id}")
    expect(ngo.locator("main")).to_contain_text("¥12,500.00")
    assert no_horizontal_scroll(ngo)
    shot(ngo, "grant-ngo-phone")

    # The second tranche waits for the mid-term evaluation: filed on the phone, evaluated, then paid.
    file_midterm_report(ngo, base, grant_id, tmp_path)
    evaluate_passed(checker, base, grant_id)
    prepare_tranche(maker, base, grant_id, 1, "7500", source="平湖市青年企业家协会")  # the first has ¥2,500 left
    approve_and_pay(checker, base, grant_id, "NS2027060100002")
    with live_app.app_context():
        grant = db.session.get(Grant, grant_id)
        rows = db.session.scalars(sa.select(Disbursement).where(Disbursement.grant_id == grant_id)).all()
        assert sorted(d.amount for d in rows if d.status.value == "paid") == [D("7500.00"), D("12500.00")]
        assert not any(d.gate_override_reason for d in rows)  # the gate was met: no override needed

    figures = dashboard_totals(checker, base, w["call"])
    shot(checker, "grant-call-dashboard-desktop")
    # Totals row: awarded, pledged, matched, amount, committed, disbursed, spent, remaining.
    assert figures["foot"][3:8] == ["¥25,000.00", "¥20,000.00", "¥20,000.00", "¥3,000.00", "¥5,000.00"]
    awarded, pledged, matched, amount, committed, disbursed, spent = figures["bars"]
    assert (amount, committed, disbursed, spent) == (D("25000.00"), D("20000.00"), D("20000.00"), D("3000.00"))
    excel = figures["excel"]
    assert (excel["协议金额"], excel["已批准拨付"], excel["已拨付"], excel["已支出"], excel["尚未拨付"]) == (
        amount, committed, disbursed, spent, D("5000.00"))
    assert (excel["获奖创投资金"], excel["认捐"], excel["配捐"]) == (awarded, pledged, matched)
    checker.set_viewport_size(PHONE)
    checker.reload()
    assert no_horizontal_scroll(checker)
    shot(checker, "grant-call-dashboard-phone")
