"""Acceptance: a live pitch (决赛路演) in real browsers. The committee's stage screen (desktop) steps
through three projects; five judges, each on their own phone, score the project on stage. The stage
screen shows each judge's tick and then the trimmed result — with no reload, within 2 s of the
last submission — and the phones swap to the next project by themselves.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.calls.models import CallStatus
from portal.judging.models import Aggregation, RoundKind
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
    make_round,
    make_user,
)
from .conftest import DESKTOP, PHONE, no_horizontal_scroll, shot
from .test_application_path import log_in

pytestmark = pytest.mark.browser

PROJECTS = ["四点半学校", "银龄互助食堂", "残障青年就业工坊"]
JUDGES = ["张评委", "李评委", "王评委", "赵评委", "陈评委"]
# Scores typed by each judge (项目展示 /40, 答辩表现 /30, 社会价值 /30), and the result expected on stage:
# one highest and one lowest total dropped, the mean of the other three, two places half up.
SCORES = [
    ([(35, 30, 25), (35, 25, 25), (30, 25, 25), (30, 20, 20), (20, 20, 20)], "78.33"),  # 90 85 80 70 60
    ([(38, 25, 25), (30, 25, 22), (26, 20, 20), (40, 28, 27), (20, 15, 15)], "77.00"),  # 88 77 66 95 50
    ([(30, 22.5, 20), (30, 25, 25), (38, 28, 25), (24, 20, 20), (35, 25, 25)], "79.17"),  # 72.5 80 91 64 85
]


def build_world():
    committee = make_member(OrgKind.COMMITTEE, name="团市委干部")
    call = make_call(committee=committee.memberships[0].organization, status=CallStatus.JUDGING,
                     title="2026 年平湖市青年公益创投大赛", code="PH2026",
                     opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=10))
    round_ = make_round(call, 1, name="决赛路演", kind=RoundKind.PITCH, aggregation=Aggregation.TRIMMED,
                        trim_min_sheets=5, pitch_seconds=480,
                        criteria=[("项目展示", 40), ("答辩表现", 30), ("社会价值", 30)])
    apps = [make_application(call=call, status=ApplicationStatus.ELIGIBLE, title=title) for title in PROJECTS]
    for position, app in enumerate(apps, 1):
        make_entry(round_, app, position)
    judges = [make_call_judge(call, make_user(name=name, is_judge=True)) for name in JUDGES]
    for app in apps:
        for judge in judges:
            make_assignment(round_, app, judge)
    db.session.commit()
    return committee.email, [judge.email for judge in judges], round_.id


def test_five_judges_score_three_pitches_while_the_stage_follows(live_app, live_server, page_factory):
    base = live_server.url
    with live_app.app_context():
        committee_email, judge_emails, round_id = build_world()

    stage = page_factory(DESKTOP)
    log_in(stage, base, committee_email, PASSWORD)
    stage.goto(f"{base}/judging/rounds/{round_id}/live")
    expect(stage.locator("[data-bind=title]")).to_have_text("等待第一个项目上台")
    stage.evaluate("window.notReloaded = true")

    phones = []
    for email in judge_emails:
        phone = page_factory(PHONE)
        log_in(phone, base, email, PASSWORD)
        phone.goto(f"{base}/judging/rounds/{round_id}/live/judge")
        phone.evaluate("window.notReloaded = true")
        phones.append(phone)

    for number, (title, (scores, expected)) in enumerate(zip(PROJECTS, SCORES), 1):
        stage.get_by_role("button", name="下一个").click()
        expect(stage.locator("[data-bind=title]")).to_have_text(title, timeout=3000)
        expect(stage.locator("[data-bind=progress]")).to_have_text("0 / 5", timeout=3000)
        for judge_index, (phone, values) in enumerate(zip(phones, scores)):
            # The phone swapped to the project on stage by itself.
            expect(phone.locator("[data-bind=sheet-title]")).to_have_text(f"第 {number} 个 {title}", timeout=3000)
            inputs = phone.locator("[data-live-sheet] input[inputmode=decimal]")
            for i, value in enumerate(values):
                inputs.nth(i).fill(str(value))
            expect(phone.locator("[data-live-total]")).to_have_text(f"{sum(values):.2f}")
            phone.get_by_role("button", name="提交评分").click()
            expect(phone.locator("[data-live-message]")).to_have_text("评分已提交。")
            # The stage screen ticks this judge off without a reload.
            judge_tile = stage.locator(".live-judge", has_text=JUDGES[judge_index])
            expect(judge_tile).to_have_class("live-judge is-submitted", timeout=3000)
            if judge_index < 4:
                expect(stage.locator("[data-live-result]")).to_be_hidden()
            if number == 1 and judge_index == 0:
                shot(phone, "live-01-judge-phone-submitted")
                assert no_horizontal_scroll(phone)
        # All five submitted: the trimmed result appears within 2 s of the last submission.
        expect(stage.locator("[data-bind=aggregate]")).to_have_text(expected, timeout=2500)
        expect(stage.locator("[data-live-sheets] .is-dropped")).to_have_count(2)
        expect(stage.locator(f".live-order [data-entry] >> nth={number - 1}")).to_contain_text(f"得分 {expected}")
        shot(stage, f"live-0{number + 1}-stage-result-{number}")

    # A judge revises an earlier project from the list below the sheet.
    phone = phones[4]
    phone.get_by_role("button", name=f"修改“{PROJECTS[0]}”的评分").click()
    expect(phone.locator("[data-bind=sheet-title]")).to_have_text(f"第 1 个 {PROJECTS[0]}")
    expect(phone.locator("[data-live-sheet] input[inputmode=decimal]").first).to_have_value("20")
    shot(phone, "live-05-judge-phone-list")
    assert no_horizontal_scroll(phone)
    assert stage.evaluate("window.notReloaded") is True
    stage.set_viewport_size(PHONE)  # a committee member may run the stage from a phone too
    assert no_horizontal_scroll(stage)
    assert all(p.evaluate("window.notReloaded") is True for p in phones)
