"""Live pitch: stepping the stage, the timer, who sees what in the polled state, scores hidden until
every assigned judge has submitted, the trimmed result, and a constant number of queries per poll."""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.audit import AuditEvent
from portal.calls.models import CallStatus
from portal.judging.models import Aggregation, RoundKind, RoundStatus
from portal.errors import DomainError, PermissionDenied
from portal.extensions import db
from portal.judging import live
from portal.judging.models import LiveStage
from portal.types import utcnow

from ..conftest import login
from ..factories import (
    make_application,
    make_assignment,
    make_call,
    make_call_judge,
    make_entry,
    make_member,
    make_round,
    make_sheet,
    make_user,
)

RUBRIC = [("项目展示", 40), ("答辩表现", 30), ("社会价值", 30)]


def build_pitch(judges: int = 5, projects: int = 3, **round_kw):
    """A call's OPEN pitch round: `projects` entries in running order, every judge assigned to each."""
    committee_user = make_member(OrgKind.COMMITTEE, name="团市委干部")
    call = make_call(committee=committee_user.memberships[0].organization, status=CallStatus.JUDGING,
                     opens_at=utcnow() - timedelta(days=40), closes_at=utcnow() - timedelta(days=10))
    settings = dict(name="决赛路演", kind=RoundKind.PITCH, aggregation=Aggregation.TRIMMED, trim_min_sheets=5,
                    pitch_seconds=300)
    settings.update(round_kw)
    round_ = make_round(call, 1, criteria=RUBRIC, **settings)
    apps = [make_application(call=call, status=ApplicationStatus.ELIGIBLE, title=f"路演项目{i + 1}") for i in range(projects)]
    entries = [make_entry(round_, app, position) for position, app in enumerate(apps, 1)]
    panel = [make_call_judge(call, make_user(name=f"评委{i + 1}", is_judge=True)) for i in range(judges)]
    for app in apps:
        for judge in panel:
            make_assignment(round_, app, judge)
    db.session.commit()
    return committee_user, round_, apps, entries, panel


@pytest.fixture
def pitch(app):
    return build_pitch()


def state_as(app, user, round_, as_judge=False):
    client = app.test_client()
    login(client, user)
    return client, client.get(f"/judging/rounds/{round_.id}/live/state" + ("?as=judge" if as_judge else ""))


def test_committee_steps_through_the_running_order(pitch):
    committee, round_, apps, entries, panel = pitch
    assert live.next_entry(committee, round_).entry_id == entries[0].id  # nothing on stage: the first
    assert live.next_entry(committee, round_).entry_id == entries[1].id
    assert live.previous_entry(committee, round_).entry_id == entries[0].id
    with pytest.raises(DomainError, match="第一个"):
        live.previous_entry(committee, round_)
    live.start_stage(committee, round_, entries[2])
    with pytest.raises(DomainError, match="最后一个"):
        live.next_entry(committee, round_)
    state = live.stage_state(round_, committee)
    assert state["current"]["title"] == "路演项目3" and state["current"]["number"] == 3
    assert [item["current"] for item in state["order"]] == [False, False, True]
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "live.stage")).all()
    assert len(events) == 4 and "路演项目3" in events[-1].summary


def test_only_the_committee_of_an_open_pitch_round_moves_the_stage(pitch):
    committee, round_, apps, entries, panel = pitch
    with pytest.raises(PermissionDenied):
        live.next_entry(panel[0], round_)
    round_.status = RoundStatus.LOCKED
    db.session.commit()
    with pytest.raises(DomainError, match="不在评分中"):
        live.next_entry(committee, round_)
    online = make_round(round_.call, 2, criteria=RUBRIC, kind=RoundKind.ONLINE)
    db.session.commit()
    with pytest.raises(DomainError, match="不是现场路演"):
        live.next_entry(committee, online)


def test_timer_counts_down_into_overtime_and_restarts(pitch):
    committee, round_, apps, entries, panel = pitch
    live.start_stage(committee, round_, entries[0])
    stage = db.session.get(LiveStage, round_.id)
    stage.started_at = utcnow() - timedelta(seconds=100)
    db.session.commit()
    state = live.stage_state(round_, committee)
    assert 199 <= state["seconds_left"] <= 200 and not state["overtime"]
    stage.started_at = utcnow() - timedelta(seconds=400)
    db.session.commit()
    state = live.stage_state(round_, committee)
    assert -101 <= state["seconds_left"] <= -100 and state["overtime"]
    live.restart_timer(committee, round_)
    assert live.stage_state(round_, committee)["seconds_left"] >= 299


def test_state_is_viewer_dependent_and_refused_to_others(app, pitch):
    committee, round_, apps, entries, panel = pitch
    anonymous = app.test_client().get(f"/judging/rounds/{round_.id}/live/state")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    live.start_stage(committee, round_, entries[0])
    make_sheet(round_, apps[0], panel[0], values=[30, 20, 20])
    make_sheet(round_, apps[0], panel[1], values=[10, 10, 10], submitted=False)
    db.session.commit()

    _, response = state_as(app, committee, round_)
    body = response.get_json()
    assert response.status_code == 200 and body["viewer"] == "committee"
    assert [(j["name"], j["label"]) for j in body["judges"][:3]] == [("评委1", "已提交"), ("评委2", "草稿"), ("评委3", "未开始")]
    assert body["submitted"] == 1 and body["assigned"] == 5 and body["result"] is None
    assert "70.00" not in response.get_data(as_text=True)  # 评委1's total stays hidden

    _, response = state_as(app, panel[0], round_, as_judge=True)
    body = response.get_json()
    assert body["viewer"] == "judge" and "judges" not in body and "order" not in body
    assert body["assigned_here"] and body["my_label"] == "已提交"
    assert body["sheets"][0]["values"] == {str(c.id): v for c, v in zip(round_.criteria, ["30", "20", "20"])}
    assert [s["label"] for s in body["sheets"]] == ["已提交", "未开始", "未开始"]

    outsider_judge = make_call_judge(round_.call, make_user(name="未分配评委", is_judge=True))
    ngo = make_member(OrgKind.NGO)
    db.session.commit()
    for user in (outsider_judge, ngo):
        assert state_as(app, user, round_)[1].status_code == 403


def test_blind_round_hides_the_organization(app):
    committee, round_, apps, entries, panel = build_pitch(judges=1, projects=1, blind=True)
    live.next_entry(committee, round_)
    state = live.stage_state(round_, panel[0], as_judge=True)
    assert state["current"]["organization"] is None and state["current"]["title"] == "路演项目1"


def test_result_appears_when_all_judges_submitted_trimmed_of_highest_and_lowest(app, pitch):
    committee, round_, apps, entries, panel = pitch
    live.start_stage(committee, round_, entries[0])
    # Totals 90, 85, 80, 70, 60: dropping 90 and 60 leaves (85 + 80 + 70) / 3 = 78.33.
    scores = [[35, 30, 25], [35, 25, 25], [30, 25, 25], [30, 20, 20], [20, 20, 20]]
    for judge, values in zip(panel[:4], scores):
        make_sheet(round_, apps[0], judge, values=values)
    db.session.commit()
    state = live.stage_state(round_, committee)
    assert not state["complete"] and state["result"] is None and state["order"][0]["aggregate"] is None

    client = app.test_client()
    login(client, panel[4])
    fields = {f"c{c.id}": str(v) for c, v in zip(round_.criteria, scores[4])}
    response = client.post(f"/judging/rounds/{round_.id}/live/sheet/{apps[0].id}", data={**fields, "action": "submit"})
    assert response.status_code == 200 and response.get_json()["label"] == "已提交"

    state = live.stage_state(round_, committee)
    assert state["complete"] and state["result"]["aggregate"] == "78.33"
    assert state["result"]["dropped"] == [panel[4].id, panel[0].id]  # the lowest, then the highest
    assert [(s["total"], s["dropped"]) for s in state["result"]["sheets"]] == [
        ("90.00", True), ("85.00", False), ("80.00", False), ("70.00", False), ("60.00", True)]
    assert state["order"][0]["aggregate"] == "78.33" and state["order"][1]["aggregate"] is None


def test_judge_sheet_endpoint_reports_errors_on_fields(app, pitch):
    committee, round_, apps, entries, panel = pitch
    client = app.test_client()
    login(client, panel[0])
    c1, c2, c3 = round_.criteria
    url = f"/judging/rounds/{round_.id}/live/sheet/{apps[1].id}"
    response = client.post(url, data={f"c{c1.id}": "41", f"c{c2.id}": "abc", "action": "submit"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {f"c{c1.id}": ["应在 0 到 40 之间。"], f"c{c2.id}": ["请输入数字。"],
                                             f"c{c3.id}": ["请为“社会价值”打分。"]}
    draft = client.post(url, data={f"c{c1.id}": "20", "action": "draft"})
    assert draft.status_code == 200 and draft.get_json()["label"] == "草稿"
    stranger = make_user(name="外来评委", is_judge=True)
    db.session.commit()
    other = app.test_client()
    login(other, stranger)
    assert other.post(url, data={"action": "submit"}).status_code == 403


def test_stage_screen_and_controls_over_http(app, pitch):
    committee, round_, apps, entries, panel = pitch
    client = app.test_client()
    login(client, committee)
    page = client.get(f"/judging/rounds/{round_.id}/live")
    assert page.status_code == 200 and "等待第一个项目上台" in page.get_data(as_text=True)
    answer = client.post(f"/judging/rounds/{round_.id}/live/next", headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.get_json()["state"]["current"]["title"] == "路演项目1"
    redirect = client.post(f"/judging/rounds/{round_.id}/live/start", data={"entry_id": str(entries[2].id)})
    assert redirect.status_code == 302
    assert "路演项目3" in client.get(f"/judging/rounds/{round_.id}/live").get_data(as_text=True)
    refused = client.post(f"/judging/rounds/{round_.id}/live/next", headers={"Accept": "application/json"})
    assert refused.status_code == 409 and refused.get_json()["message"] == "已经是最后一个项目了。"

    judge = app.test_client()
    login(judge, panel[0])
    phone = judge.get(f"/judging/rounds/{round_.id}/live/judge").get_data(as_text=True)
    assert 'inputmode="decimal"' in phone and "路演项目3" in phone and "满分 40" in phone


@pytest.mark.parametrize("as_judge", [False, True], ids=["committee", "judge"])
def test_state_takes_a_constant_number_of_queries(app, count_queries, as_judge):
    counts = []
    for judges in (3, 8):
        committee, round_, apps, entries, panel = build_pitch(judges=judges, projects=judges)
        live.start_stage(committee, round_, entries[1])
        for app_ in apps:
            for judge in panel[:-1]:
                make_sheet(round_, app_, judge)
        db.session.commit()
        client, _ = state_as(app, panel[0] if as_judge else committee, round_, as_judge)
        url = f"/judging/rounds/{round_.id}/live/state" + ("?as=judge" if as_judge else "")
        client.get(url)
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12, counts


def test_the_screens_script_gets_its_texts_in_the_page_language(app, pitch):
    import html
    import json
    import re

    committee_user, round_, *_ = pitch
    client = app.test_client()
    login(client, committee_user)

    def labels() -> dict:
        page = client.get(f"/judging/rounds/{round_.id}/live").get_data(as_text=True)
        return json.loads(html.unescape(re.search(r'data-labels="([^"]*)"', page).group(1)))

    assert labels()["number"] == "第 {n} 个 / 共 {count} 个"
    client.get("/language/en")
    from flask_babel import refresh

    refresh()  # the test's app context caches the locale
    english = labels()
    assert english["number"] == "No. {n} of {count}" and english["reconnecting"] == "Connection lost, retrying…"
