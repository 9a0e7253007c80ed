"""The application editor in a real browser at phone width: repeatable rows and live budget totals."""
from __future__ import annotations

import pytest

from portal.accounts.models import OrgKind
from portal.extensions import db
from .conftest import PHONE, no_horizontal_scroll, shot
from ..factories import PASSWORD, make_application, make_member, make_org

pytestmark = pytest.mark.browser


def test_budget_editor_on_a_phone(live_app, live_server, page_factory):
    with live_app.app_context():
        org = make_org(OrgKind.NGO)
        user = make_member(org=org)
        application = make_application(org=org, complete=False, title="社区助老")
        db.session.commit()
        email, application_id = user.email, application.id
    page = page_factory(PHONE)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/applications/{application_id}/edit/budget")
    assert page.locator("h1").count() == 1
    rows = page.locator("[data-budget] .repeat-row")
    assert rows.count() == 2  # spare rows without any data
    page.click("[data-repeat-add=budget_lines]")
    assert rows.count() == 3
    page.select_option("select[name='budget_lines-0-category']", "活动费")
    page.fill("input[name='budget_lines-0-item']", "活动物料")
    page.fill("input[name='budget_lines-0-unit_price']", "12.35")
    page.fill("input[name='budget_lines-0-quantity']", "1.5")
    page.fill("input[name='budget_lines-0-self_funded']", "1")
    assert rows.nth(0).locator("[data-field=amount]").inner_text() == "18.53"
    assert page.locator("[data-budget-requested]").inner_text() == "¥17.53"
    assert no_horizontal_scroll(page), "the budget editor scrolls sideways at 390 px"
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/edit/budget")
    page.wait_for_selector(".alert-success, .alert-danger")
    assert "已保存" in page.content(), page.locator("main").inner_text()[:1500].replace("\n", " | ")
    shot(page, "application-budget-phone")
    with live_app.app_context():
        from decimal import Decimal

        from portal.applications.models import BudgetLine

        assert [line.amount for line in db.session.scalars(db.select(BudgetLine))] == [Decimal("18.53")]
    assert errors == [], f"console errors (CSP violations included): {errors}"
