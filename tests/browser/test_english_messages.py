"""Acceptance in English: a reader who chose English through the language link and sends an invalid
application, an invalid score sheet and an invalid objection reads every refusal in English — on the
page, beside the fields and in the flashed messages — with CSRF on, as in production."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

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
    make_member,
    make_org,
    make_round,
    make_user,
)
from ..judging.award_helpers import judged_call
from ..judging.test_notice import awarded, publish
from .conftest import DESKTOP, PHONE, shot
from .test_application_path import log_in

pytestmark = pytest.mark.browser

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# What the page shows as a message: flashes and alerts, field errors, the submission's problem list.
MESSAGES = ".alert, .invalid-feedback, .text-danger, #submit-errors li"


def build_world():
    org = make_org(OrgKind.NGO, name="平湖市阳光社工服务中心")
    ngo = make_member(org=org, name="王社工", email="ngo@example.cn")
    apply_call = make_call(title="2026 年平湖市青年公益创投大赛", admin_cost_cap_pct=Decimal("5"))
    draft = make_application(call=apply_call, org=org)
    draft.title = ""  # a missing title, and the factory's budget has more administration than 5 %

    judging_call = make_call(status=CallStatus.JUDGING, title="社区微公益创投",
                             opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=10))
    round_ = make_round(judging_call, 1, name="初审", closes_at=utcnow() + timedelta(days=2),
                        criteria=[("必要性", 20, 1), ("可行性", 30, 2)])
    judge = make_call_judge(judging_call, make_user(email="judge@example.cn", name="张评委", is_judge=True))
    scored = make_application(call=judging_call, org=make_org(OrgKind.NGO, name="平湖市爱驿站公益服务中心"),
                              status=ApplicationStatus.ELIGIBLE, title="四点半学校")
    make_entry(round_, scored, 1)
    make_assignment(round_, scored, judge)

    noticed = awarded(judged_call())
    publish(noticed)
    db.session.commit()
    return draft.id, (round_.id, scored.id), noticed.call.id


def in_english(page, base: str) -> None:
    page.goto(base + "/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # on a phone the menu is folded
        toggler.click()
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def messages_in_chinese(page, content: tuple[str, ...] = ()) -> list[str]:
    """The page's messages that still show Chinese once the content users entered (names) is taken out."""
    found = []
    for text in page.locator(MESSAGES).all_inner_texts():
        for name in content:
            text = text.replace(name, "")
        if CHINESE.search(text):
            found.append(text)
    return found


def test_refusals_read_in_english(live_app, live_server, page_factory):
    with live_app.app_context():
        draft_id, (round_id, scored_id), notice_call_id = build_world()
    base = live_server.url

    # An NGO on a phone submits an application with a missing title and too much administration.
    ngo = page_factory(PHONE)
    ngo.on("dialog", lambda dialog: dialog.accept())
    in_english(ngo, base)
    log_in(ngo, base, "ngo@example.cn", PASSWORD)
    ngo.goto(f"{base}/applications/{draft_id}")
    with ngo.expect_navigation():
        ngo.get_by_role("button", name="Submit application").click()
    main = ngo.locator("main")
    expect(main).to_contain_text("The application could not be submitted; please fix the marked problems.")
    expect(main).to_contain_text("Please enter the project title.")
    expect(main).to_contain_text("Administrative costs may not exceed 5% of the total budget.")
    assert messages_in_chinese(ngo, ("王社工",)) == []
    shot(ngo, "english-invalid-application")
    ngo.goto(f"{base}/applications/{draft_id}/edit/budget")  # the problem waits beside its section
    expect(main).to_contain_text("Administrative costs may not exceed 5% of the total budget.")
    assert messages_in_chinese(ngo) == []

    # A judge on a laptop saves a sheet with three decimals in a score and a score above the maximum.
    judge = page_factory(DESKTOP)
    judge.on("dialog", lambda dialog: dialog.accept())
    in_english(judge, base)
    log_in(judge, base, "judge@example.cn", PASSWORD)
    judge.goto(f"{base}/judging/review/rounds/{round_id}/applications/{scored_id}")
    judge.get_by_label("必要性").fill("12.345")
    judge.get_by_label("可行性").fill("31")
    with judge.expect_navigation():
        judge.get_by_role("button", name="Save draft").click()
    main = judge.locator("main")
    expect(main).to_contain_text("At most two decimal places.")
    expect(main).to_contain_text("Must be between 0 and 30.")
    expect(main).to_contain_text("Please correct the marked fields and submit again.")
    assert messages_in_chinese(judge, ("张评委", "必要性", "可行性")) == []
    shot(judge, "english-invalid-score-sheet")

    # Anyone lodges an empty objection on the public notice.
    public = page_factory(PHONE)
    in_english(public, base)
    public.goto(f"{base}/calls/{notice_call_id}/results")
    with public.expect_navigation():
        public.get_by_role("button", name="Submit objection").click()
    main = public.locator("main")
    expect(main).to_contain_text("Please fill in Name.")
    expect(main).to_contain_text("Please fill in Objection.")
    assert messages_in_chinese(public) == []
    shot(public, "english-invalid-objection")
