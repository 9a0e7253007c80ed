"""Acceptance: a matching session in real browsers. A sponsor on a phone finds a project in the
catalogue and pledges; a second sponsor claims another project; the venue board, open in its own
context at 1920×1080, shows both within two seconds without reloading; the committee confirms both
pledges and settles; the report and its Excel show the totals. Screenshots in test-artifacts/browser/.
"""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from portal.accounts.models import OrgKind
from portal.extensions import db
from portal.matching.models import SessionStatus

from ..factories import PASSWORD, make_member
from ..matching.helpers import add_project, make_session, make_sponsor
from .conftest import PHONE, no_horizontal_scroll, shot
from .test_application_path import log_in

pytestmark = pytest.mark.browser
BOARD = {"width": 1920, "height": 1080}


def build_world():
    committee = make_member(OrgKind.COMMITTEE, name="团市委干部")
    session = make_session(committee, match_ratio=Decimal("1"), match_pool=Decimal("10000.00"))
    first = add_project(session, goal="50000.00", title="银龄互助食堂")
    second = add_project(session, goal="30000.00", title="四点半学校")
    bank_user, _bank = make_sponsor("平湖农商银行")
    assoc_user, _assoc = make_sponsor("青年企业家协会")
    db.session.commit()
    return dict(session=session.id, first=first.id, second=second.id, committee=committee.email,
                bank=bank_user.email, assoc=assoc_user.email)


def test_pledge_claim_board_confirm_settle_report(live_app, live_server, page_factory):
    with live_app.app_context():
        w = build_world()
    base = live_server.url

    board = page_factory(BOARD)
    board.goto(f"{base}/matching/sessions/{w['session']}/board")
    expect(board.locator(f'[data-project="{w["first"]}"]')).to_contain_text("银龄互助食堂")

    bank = page_factory(PHONE)
    log_in(bank, base, w["bank"], PASSWORD)
    bank.goto(f"{base}/matching/sessions/{w['session']}/catalogue")
    assert no_horizontal_scroll(bank)
    shot(bank, "matching-catalogue-phone")
    with bank.expect_navigation():
        bank.locator("a", has_text="银龄互助食堂").first.click()
    bank.fill("input[name=cash-amount]", "20000")
    with bank.expect_navigation():
        bank.click("text=确认认捐")
    expect(bank.locator("main")).to_contain_text("感谢认捐 ¥20,000")
    assert no_horizontal_scroll(bank)
    shot(bank, "matching-pledged-phone")

    assoc = page_factory(PHONE)
    log_in(assoc, base, w["assoc"], PASSWORD)
    assoc.goto(f"{base}/matching/projects/{w['second']}")
    assoc.once("dialog", lambda dialog: dialog.accept())
    with assoc.expect_navigation():
        assoc.locator("button", has_text="认领剩余缺口").click()
    expect(assoc.locator("main")).to_contain_text("已认领剩余缺口 ¥30,000")

    # The board shows both without a reload, within two seconds of the second pledge.
    expect(board.locator(f'[data-project="{w["second"]}"]')).to_contain_text("已满额", timeout=2000)
    expect(board.locator(f'[data-project="{w["first"]}"]')).to_contain_text("平湖农商银行", timeout=2000)
    expect(board.locator('[data-bind="pledged"]')).to_contain_text("50,000", timeout=2000)
    expect(board.locator("[data-board-ticker]")).to_contain_text("青年企业家协会", timeout=2000)
    shot(board, "matching-board-1920")

    committee = page_factory()
    log_in(committee, base, w["committee"], PASSWORD)
    committee.goto(f"{base}/matching/sessions/{w['session']}/pledges")
    for _ in range(2):
        with committee.expect_navigation():
            committee.locator("button", has_text="确认").first.click()
    expect(committee.locator("main")).not_to_contain_text("待确认")
    committee.goto(f"{base}/matching/sessions/{w['session']}")
    for label in ("截止认捐", "结算"):
        committee.once("dialog", lambda dialog: dialog.accept())
        with committee.expect_navigation():
            committee.locator("button", has_text=label).click()
    with live_app.app_context():
        from portal.matching.models import MatchingSession

        assert db.session.get(MatchingSession, w["session"]).status == SessionStatus.SETTLED

    committee.goto(f"{base}/matching/sessions/{w['session']}/report")
    report = committee.inner_text("main")
    # ¥50,000 pledged and confirmed; the pool (¥10,000, 1:1, first come) all went to the bank's pledge
    # (the claim filled its project, so it had no room left for match).
    assert "¥50,000" in report and "¥10,000" in report
    shot(committee, "matching-report")
    xlsx = committee.request.get(f"{base}/matching/sessions/{w['session']}/report.xlsx")
    assert xlsx.status == 200
    cells = [cell for row in load_workbook(io.BytesIO(xlsx.body())).worksheets[0].iter_rows(values_only=True)
             for cell in row if cell is not None]
    numbers = {Decimal(str(c)) for c in cells if isinstance(c, (int, float, Decimal))}
    assert Decimal("50000") in numbers and Decimal("10000") in numbers
