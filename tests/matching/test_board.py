"""The venue board (大屏): what its JSON state and page show, who may see it, and that it is read in
the same number of queries for 5 projects as for 50."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import refresh

from portal.extensions import db
from portal.judging.models import Award, AwardTier
from portal.matching import pledges as service
from portal.matching.board import card, card_labels
from portal.matching.models import NamingRequest, NamingStatus, SessionStatus
from portal.matching.services import withdraw_project

from .helpers import add_project, make_session, make_sponsor


@pytest.fixture
def world(app):
    session = make_session(match_ratio=Decimal("1"), match_pool=Decimal("20000.00"))
    committee = session.test_committee_user
    elder = add_project(session, goal="50000.00", title="银龄食堂")
    school = add_project(session, goal="20000.00", title="四点半学校")
    gone = add_project(session, goal="30000.00", title="退出的项目")
    bank_user, bank = make_sponsor("平湖农商银行")
    youth_user, youth = make_sponsor("嘉兴青年企业家协会")
    db.session.commit()
    withdraw_project(committee, gone, "项目组织变更")
    return dict(session=session, committee=committee, elder=elder, school=school, gone=gone,
                bank_user=bank_user, bank=bank, youth_user=youth_user, youth=youth)


def state_of(client, session) -> dict:
    response = client.get(f"/matching/sessions/{session.id}/board/state")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    return response.get_json()


def by_title(state: dict) -> dict:
    """The projects of a state, worded as the page and board.js word them."""
    labels = card_labels()
    return {p["title"]: card(p, labels) for p in state["projects"]}


def test_bars_totals_backers_and_full_mark(world, client):
    w = world
    cash = service.pledge_cash(w["bank_user"], w["elder"], w["bank"], {"amount": "10000"})
    service.pledge_in_kind(w["bank_user"], w["elder"], w["bank"],
                           {"amount": "3000", "in_kind_description": "图书", "in_kind_quantity": "300 册"})
    service.confirm_pledge(w["committee"], cash)  # matched 1:1 → ¥10,000 of the pool
    service.claim_gap(w["youth_user"], w["school"], w["youth"], {})

    state = state_of(client, w["session"])
    projects = by_title(state)
    assert [p["title"] for p in state["projects"]] == ["银龄食堂", "四点半学校"]  # the withdrawn one is gone
    elder, school = projects["银龄食堂"], projects["四点半学校"]
    assert [(s["kind"], s["x"], s["width"]) for s in elder["segments"]] == [("cash", 0, 20), ("match", 20, 20)]
    assert elder["segments"][0]["label"] == "认捐 ¥10,000" and elder["segments"][1]["label"] == "配捐 ¥10,000"
    assert elder["percent"] == 40 and elder["gap_text"] == "仍需 ¥30,000" and not elder["full"]
    assert elder["progress_text"] == "已筹 ¥20,000 / 目标 ¥50,000"
    assert elder["in_kind_text"] == "物资/服务 ¥3,000"  # beside the bar, not in it
    assert (elder["goal"], elder["cash"], elder["match"], elder["in_kind"], elder["in_kind_accepted"], elder["gap"]) == (
        "50000.00", "10000.00", "10000.00", "3000.00", "0.00", "30000.00")  # exact amounts in the JSON
    assert elder["backers"] == ["平湖农商银行"]
    assert school["full"] and school["gap_text"] == "已满额" and school["percent"] == 100
    assert school["segments"] == [{"kind": "cash", "x": 0, "width": 100, "label": "认捐 ¥20,000"}]
    assert school["backers"] == ["嘉兴青年企业家协会"]
    assert state["totals"] == {"pledged": "¥30,000", "matched": "¥10,000", "in_kind": "¥3,000", "funded": 2,
                               "projects": 2, "sponsors": 2}
    assert state["pool"] == {"exhausted": False, "left": "¥10,000", "text": "配捐资金池剩余 ¥10,000（共 ¥20,000）"}

    page = client.get(f"/matching/sessions/{w['session'].id}/board").get_data(as_text=True)
    assert "银龄食堂" in page and "退出的项目" not in page and "已满额" in page and "¥30,000" in page


def test_the_pool_used_up_says_so(world, client):
    w = world
    first = service.pledge_cash(w["bank_user"], w["elder"], w["bank"], {"amount": "15000"})
    second = service.pledge_cash(w["youth_user"], w["school"], w["youth"], {"amount": "8000"})
    service.confirm_pledge(w["committee"], first)
    service.confirm_pledge(w["committee"], second)  # 15,000 + 8,000 asked of a 20,000 pool
    state = state_of(client, w["session"])
    assert state["pool"]["exhausted"] and state["pool"]["text"] == "配捐资金池已用完"
    assert state["totals"]["matched"] == "¥20,000"
    assert "配捐资金池已用完" in client.get(f"/matching/sessions/{w['session'].id}/board").get_data(as_text=True)


def test_a_session_without_match_funding_shows_no_pool(app, client):
    session = make_session()
    add_project(session)
    assert state_of(client, session)["pool"] is None


def test_the_ticker_shows_the_newest_live_pledges_first(world, client):
    w = world
    made = []
    for n in range(9):
        made.append(service.pledge_cash(w["bank_user"], w["elder"], w["bank"], {"amount": str(1000 + n * 100)}))
    gift = service.pledge_in_kind(w["youth_user"], w["school"], w["youth"],
                                  {"amount": "2500", "in_kind_description": "学习桌椅", "in_kind_quantity": "20 套"})
    service.withdraw_pledge(w["bank_user"], made[8], "重复提交")
    ticker = state_of(client, w["session"])["ticker"]
    assert [t["id"] for t in ticker] == [gift.id] + [p.id for p in reversed(made[1:8])]
    assert ticker[0] == {**ticker[0], "sponsor": "嘉兴青年企业家协会", "project": "四点半学校", "in_kind": True,
                         "what": "学习桌椅 20 套（估值 ¥2,500）"}
    assert ticker[1]["what"] == "¥1,700" and ticker[1]["sponsor"] == "平湖农商银行"


def test_award_money_naming_and_anonymous_sponsors(world, client):
    w = world
    call = w["session"].calls[0]
    tier = AwardTier(call_id=call.id, position=0, name="一等奖", places=1, amount=Decimal("10000.00"))
    db.session.add(tier)
    db.session.flush()
    db.session.add(Award(call_id=call.id, tier_id=tier.id, application_id=w["elder"].application_id, rank=1))
    w["youth"].board_anonymous = True
    db.session.commit()
    service.claim_gap(w["bank_user"], w["elder"], w["bank"], {})  # the ¥40,000 left after the award
    service.pledge_in_kind(w["youth_user"], w["elder"], w["youth"], {"amount": "500", "in_kind_description": "水果"})
    db.session.add(NamingRequest(project=w["elder"], sponsor=w["bank"], name="农商银行·银龄食堂",
                                 status=NamingStatus.APPROVED))
    db.session.commit()
    state = state_of(client, w["session"])
    elder = by_title(state)["银龄食堂"]
    assert elder["naming"] == "农商银行·银龄食堂" and elder["title"] == "银龄食堂"
    assert [(s["kind"], s["width"]) for s in elder["segments"]] == [("awarded", 20), ("cash", 80)]
    assert elder["full"] and elder["backers"] == ["平湖农商银行", "爱心企业"]
    assert state["ticker"][0]["sponsor"] == "爱心企业" and state["ticker"][1]["project"] == "农商银行·银龄食堂"


def test_accepted_in_kind_value_is_a_segment(world, client):
    w = world
    gift = service.pledge_in_kind(w["bank_user"], w["school"], w["bank"], {"amount": "5000", "in_kind_description": "电脑"})
    service.accept_in_kind_value(w["committee"], gift)
    school = by_title(state_of(client, w["session"]))["四点半学校"]
    assert [(s["kind"], s["width"]) for s in school["segments"]] == [("in_kind", 25)]
    assert school["gap_text"] == "仍需 ¥15,000"


@pytest.mark.parametrize("path", ["board", "board/state"])
def test_a_draft_board_is_only_the_committees(app, client, login_as, path):
    session = make_session(status=SessionStatus.DRAFT)
    add_project(session)
    sponsor_user, _ = make_sponsor()
    url = f"/matching/sessions/{session.id}/{path}"
    assert client.get(url).status_code == 404
    login_as(sponsor_user)
    assert client.get(url).status_code == 404
    client.post("/logout")
    login_as(session.test_committee_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("status", [SessionStatus.OPEN, SessionStatus.CLOSED, SessionStatus.SETTLED])
def test_anyone_sees_the_board_once_the_session_is_open(app, client, status):
    session = make_session(status=status)
    add_project(session, title="社区花园")
    response = client.get(f"/matching/sessions/{session.id}/board")
    assert response.status_code == 200 and "社区花园" in response.get_data(as_text=True)


def test_an_unknown_session_is_404(app, client):
    assert client.get("/matching/sessions/987654/board/state").status_code == 404


def _session_with(n_projects: int):
    session = make_session(match_ratio=Decimal("0.5"), match_pool=Decimal("1000000.00"))
    sponsors = [make_sponsor(f"爱心企业{i}") for i in range(3)]
    db.session.commit()
    for i in range(n_projects):
        project = add_project(session, goal="50000.00", title=f"项目{i}")
        user, org = sponsors[i % 3]
        pledge = service.pledge_cash(user, project, org, {"amount": "1000"})
        service.pledge_in_kind(user, project, org, {"amount": "200", "in_kind_description": "图书"})
        if i % 2:
            service.confirm_pledge(session.test_committee_user, pledge)
        if i % 5 == 0:
            db.session.add(NamingRequest(project=project, sponsor=org, name=f"冠名{i}", status=NamingStatus.APPROVED))
    db.session.commit()
    return session


def test_the_state_takes_the_same_queries_for_5_or_50_projects(app, client, count_queries):
    small, big = _session_with(5), _session_with(50)
    state_of(client, small)  # warm up (first request of the app)
    db.session.expire_all()
    with count_queries() as few:
        assert len(state_of(client, small)["projects"]) == 5
    db.session.expire_all()
    with count_queries() as many:
        state = state_of(client, big)
    assert len(state["projects"]) == 50 and state["totals"]["pledged"] == "¥50,000"
    assert many.count == few.count, (few.statements, many.statements)
    assert few.count <= 10, "\n".join(s[:90] for s in few.statements)


def test_an_unchanged_state_is_answered_304_until_a_pledge_comes(world, client):
    w = world
    url = f"/matching/sessions/{w['session'].id}/board/state"
    first = client.get(url)
    tag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    service.pledge_cash(w["bank_user"], w["school"], w["bank"], {"amount": "600"})
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.get_json()["ticker"][0]["what"] == "¥600"
    client.get("/language/en")
    refresh()  # the test's app context (and its g) outlives each request
    english = client.get(url, headers={"If-None-Match": changed.headers["ETag"]})
    label = english.get_json()["session"]["status_label"]
    assert english.status_code == 200 and label != changed.get_json()["session"]["status_label"] and label.isascii()
    page = client.get(f"/matching/sessions/{w['session'].id}/board").get_data(as_text=True)
    assert "to go" in page  # the cards' templates board.js words the polls with, in the reader's language


def test_pledges_appear_on_the_next_poll(world, client):
    w = world
    assert state_of(client, w["session"])["ticker"] == []
    pledge = service.pledge_cash(w["bank_user"], w["school"], w["bank"], {"amount": "600"})
    state = state_of(client, w["session"])
    assert state["ticker"][0]["id"] == pledge.id
    assert by_title(state)["四点半学校"]["gap_text"] == "仍需 ¥19,400"


def test_ticker_times_are_shanghai_time(world, client):
    w = world
    pledge = service.pledge_cash(w["bank_user"], w["school"], w["bank"], {"amount": "600"})
    local = (pledge.created_at + timedelta(hours=8)).strftime("%H:%M")
    assert state_of(client, w["session"])["ticker"][0]["time"] == local
