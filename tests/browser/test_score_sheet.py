"""Acceptance: a judge on a phone scores a blind online round — the list, the sheet's live weighted
total, a draft, then the submission — with CSRF on and no horizontal scrolling at 390 px."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.calls.models import CallStatus
from portal.extensions import db
from portal.types import utcnow

from ..factories import (
    PASSWORD,
    make_application,
    make_assignment,
    make_call,
    make_call_judge,
    make_entry,
    make_org,
    make_round,
    make_user,
)
from .conftest import DESKTOP, PHONE, no_horizontal_scroll, shot
from .test_application_path import log_in

pytestmark = pytest.mark.browser


def build_world():
    call = make_call(status=CallStatus.JUDGING, title="2026 年平湖市青年公益创投大赛",
                     opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=10))
    round_ = make_round(call, 1, name="初审", blind=True, closes_at=utcnow() + timedelta(days=2, hours=3),
                        criteria=[("必要性", 20, 1), ("可行性", 30, 2), ("创新性", 20, 1)])
    org = make_org(OrgKind.NGO, name="平湖市阳光社工服务中心")
    judge = make_call_judge(call, make_user(email="judge@example.cn", name="张评委", is_judge=True))
    applications = []
    for position, title in enumerate(["四点半学校", "银龄互助食堂"], 1):
        application = make_application(call=call, org=org, status=ApplicationStatus.ELIGIBLE, title=title)
        make_entry(round_, application, position)
        make_assignment(round_, application, judge)
        applications.append(application)
    db.session.commit()
    return round_.id, [a.id for a in applications]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_judge_scores_a_blind_application(live_app, live_server, page_factory, viewport):
    with live_app.app_context():
        round_id, (first, second) = build_world()
    base = live_server.url
    page = page_factory(viewport)
    log_in(page, base, "judge@example.cn", PASSWORD)
    page.goto(base + "/judging/review")
    expect(page.locator("main")).to_contain_text("已提交 0 / 分配 2 个项目")
    expect(page.locator("[data-deadline]").first).to_contain_text("剩余 2 天")
    page.get_by_role("link", name="查看评审项目").click()
    expect(page.locator("main table")).to_contain_text("四点半学校")
    assert no_horizontal_scroll(page)
    page.locator("main table a", has_text="评分").first.click()

    page.get_by_label("必要性").fill("15")
    page.get_by_label("可行性").fill("22.5")
    expect(page.locator("[data-sheet-total]")).to_have_text("60.00")  # 15 × 1 + 22.5 × 2
    page.get_by_label("创新性").fill("18")
    expect(page.locator("[data-sheet-total]")).to_have_text("78.00")
    assert "平湖市阳光社工服务中心" not in page.content()
    assert no_horizontal_scroll(page)
    shot(page, f"score-sheet-{'phone' if viewport is PHONE else 'desktop'}")

    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".alert-success")).to_contain_text("评分草稿已保存")
    expect(page.get_by_label("创新性")).to_have_value("18")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交评分").click()
    expect(page.locator(".alert-success")).to_contain_text("评分已提交")
    assert page.url.endswith(f"/judging/review/rounds/{round_id}/applications/{second}")  # on to the next one
    page.goto(f"{base}/judging/review/rounds/{round_id}")
    expect(page.locator("main table")).to_contain_text("78.00")
    expect(page.locator("main")).to_contain_text("已提交 1 / 分配 2 个项目")
