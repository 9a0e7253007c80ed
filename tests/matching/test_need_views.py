"""The needs (领办) pages as each role sees them: the forms mark their fields, the comparison shows
every offer side by side, each side sees only what is its own, and the lists keep their query count."""
from __future__ import annotations

import re

import pytest

from portal.accounts.models import OrgKind
from portal.extensions import db
from portal.matching import needs as service
from portal.matching.models import Need, NeedOffer, NeedStatus, OfferStatus
from portal.types import to_local

from ..factories import make_member
from .test_needs import make_world, need_data, offer, offer_data, open_need


def form_of(**kw) -> dict:
    """need_data as a browser sends it."""
    data = need_data(**kw)
    for key in ("period_start", "period_end"):
        data[key] = data[key].isoformat() if data[key] else ""
    data["offers_due"] = data["offers_due"].strftime("%Y-%m-%dT%H:%M") if data["offers_due"] else ""
    return data


@pytest.fixture
def world(app):
    return make_world()


def page(response) -> str:
    return response.get_data(as_text=True)


def field_error(html: str, field: str) -> str:
    """The message shown under a field (render_field's invalid-feedback)."""
    match = re.search(rf'id="{field}-error">([^<]*)<', html)
    return match.group(1) if match else ""


# --- a department posts --------------------------------------------------------------------------

def test_a_department_posts_a_need_and_the_form_marks_what_is_wrong(world, login_as):
    client = login_as(world["poster"])
    form = page(client.get("/matching/needs/new"))
    assert world["session"].title in form and 'name="offers_due"' in form and 'value="publish"' in form
    response = client.post("/matching/needs/new", data={**form_of(budget="-5", title=""), "action": "publish",
                                                        "session_id": world["session"].id,
                                                        "department_id": world["department"].id})
    html = page(response)
    assert response.status_code == 400 and "is-invalid" in html
    assert field_error(html, "title") and "大于 0" in field_error(html, "budget")
    assert db.session.query(Need).count() == 0
    response = client.post("/matching/needs/new", data={**form_of(offers_due=None), "action": "publish",
                                                        "session_id": world["session"].id,
                                                        "department_id": world["department"].id})
    assert "报价截止时间" in field_error(page(response), "offers_due")
    response = client.post("/matching/needs/new", data={**form_of(), "action": "publish", "session_id": world["session"].id,
                                                        "department_id": world["department"].id})
    need = db.session.query(Need).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/matching/needs/{need.id}")
    assert need.status == NeedStatus.OPEN and not need.on_behalf
    mine = page(client.get("/matching/needs/mine"))
    assert need.title in mine and "征集中" in mine


def test_a_draft_is_saved_then_published_from_its_page(world, login_as):
    client = login_as(world["poster"])
    client.post("/matching/needs/new", data={**form_of(), "action": "draft", "session_id": world["session"].id,
                                             "department_id": world["department"].id})
    need = db.session.query(Need).one()
    assert need.status == NeedStatus.DRAFT
    detail = page(client.get(f"/matching/needs/{need.id}"))
    assert f"/matching/needs/{need.id}/publish" in detail and f"/matching/needs/{need.id}/edit" in detail
    assert client.post(f"/matching/needs/{need.id}/publish").status_code == 302
    db.session.refresh(need)
    assert need.status == NeedStatus.OPEN


def test_editing_shows_the_stored_values_and_saves(world, login_as):
    need = open_need(world)
    client = login_as(world["poster"])
    html = page(client.get(f"/matching/needs/{need.id}/edit"))
    assert 'value="60000.00"' in html and to_local(need.offers_due).strftime("%Y-%m-%dT%H:%M") in html
    response = client.post(f"/matching/needs/{need.id}/edit", data=form_of(budget="70000", place="新仓镇"))
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.place == "新仓镇" and str(need.budget) == "70000.00"


def test_cancel_without_a_reason_is_marked_and_with_one_cancels(world, login_as):
    need = open_need(world)
    client = login_as(world["poster"])
    response = client.post(f"/matching/needs/{need.id}/cancel", data={"reason": ""})
    assert response.status_code == 400 and "请填写取消原因" in field_error(page(response), "reason")
    assert client.post(f"/matching/needs/{need.id}/cancel", data={"reason": "经费调整"}).status_code == 302
    db.session.refresh(need)
    assert need.status == NeedStatus.CANCELLED
    assert "经费调整" in page(client.get(f"/matching/needs/{need.id}"))


def test_an_unverified_department_is_told_to_wait(app, login_as, world):
    client = login_as(make_member(OrgKind.DEPARTMENT, verified=False))
    assert "通过主办方认证后" in page(client.get("/matching/needs/new"))
    assert "等待主办方审核" in page(client.get("/matching/needs/mine"))


# --- the committee -------------------------------------------------------------------------------

def test_the_committee_lists_the_sessions_needs_and_posts_on_a_departments_behalf(world, login_as):
    client = login_as(world["committee"])
    session_id = world["session"].id
    form = page(client.get(f"/matching/sessions/{session_id}/needs/new"))
    assert world["department"].name in form and 'name="session_id"' not in form
    response = client.post(f"/matching/sessions/{session_id}/needs/new",
                           data={**form_of(), "action": "publish", "department_id": world["department"].id})
    assert response.status_code == 302
    need = db.session.query(Need).one()
    assert need.on_behalf and need.department_id == world["department"].id
    listed = page(client.get(f"/matching/sessions/{session_id}/needs"))
    assert need.title in listed and world["department"].name in listed and "代为发布" in listed
    response = client.post(f"/matching/sessions/{session_id}/needs/new",
                           data={**form_of(), "action": "publish", "department_id": "-1"})
    assert response.status_code == 400 and field_error(page(response), "department_id")


def test_another_committee_cannot_open_the_sessions_needs(world, login_as):
    client = login_as(world["other_committee"])
    assert client.get(f"/matching/sessions/{world['session'].id}/needs").status_code == 403
    assert client.get(f"/matching/sessions/{world['session'].id}/needs/new").status_code == 403


# --- NGOs offer ----------------------------------------------------------------------------------

def test_an_ngo_finds_the_need_offers_and_sees_its_offer(world, login_as):
    need = open_need(world)
    client = login_as(world["ngo"])
    listing = page(client.get("/matching/needs"))
    assert need.title in listing and world["department"].name in listing
    filtered = page(client.get(f"/matching/needs?session={world['session'].id + 1000}"))
    assert need.title not in filtered
    detail = page(client.get(f"/matching/needs/{need.id}"))
    assert f"/matching/needs/{need.id}/offer" in detail and 'name="price"' in detail
    response = client.post(f"/matching/needs/{need.id}/offer", data=offer_data(price="60000.01"))
    html = page(response)
    assert response.status_code == 400 and "报价不能超过预算" in field_error(html, "price")
    assert db.session.query(NeedOffer).count() == 0
    assert client.post(f"/matching/needs/{need.id}/offer", data=offer_data()).status_code == 302
    made = db.session.query(NeedOffer).one()
    detail = page(client.get(f"/matching/needs/{need.id}"))
    assert "我们的报价" in detail and f"/matching/offers/{made.id}/withdraw" in detail and 'name="price"' not in detail
    response = client.post(f"/matching/needs/{need.id}/offer", data=offer_data(), follow_redirects=True)
    assert "已对该需求报价" in page(response) and db.session.query(NeedOffer).count() == 1
    assert client.post(f"/matching/offers/{made.id}/withdraw").status_code == 302
    db.session.refresh(made)
    assert made.status == OfferStatus.WITHDRAWN
    assert "已撤回" in page(client.get("/matching/needs"))


def test_an_unverified_ngo_sees_no_needs(world, login_as):
    need = open_need(world)
    client = login_as(make_member(OrgKind.NGO, verified=False))
    listing = page(client.get("/matching/needs"))
    assert need.title not in listing and "通过主办方认证后" in listing
    assert client.get(f"/matching/needs/{need.id}").status_code == 403


# --- comparing and accepting -----------------------------------------------------------------------

def test_the_poster_compares_the_offers_side_by_side_and_accepts_one(world, login_as):
    need = open_need(world)
    first, second = offer(world, need), offer(world, need, "ngo2", price="48000", plan="每周三次上门")
    client = login_as(world["poster"])
    html = page(client.get(f"/matching/needs/{need.id}/offers"))
    for text in (first.ngo.name, second.ngo.name, "¥55,000.00", "¥48,000.00", "每周三次上门", "已认证", "提交时间"):
        assert text in html
    assert html.index(second.ngo.name) < html.index(first.ngo.name)  # the lowest price first
    assert f"/matching/offers/{first.id}/accept" in html and f"/matching/offers/{second.id}/accept" in html
    assert client.post(f"/matching/offers/{first.id}/accept").status_code == 302
    db.session.refresh(second)
    assert second.status == OfferStatus.DECLINED
    html = page(client.get(f"/matching/needs/{need.id}/offers"))
    assert "已选定" in html and "未选中" in html and "/accept" not in html
    assert first.ngo.name in page(client.get("/matching/needs/mine"))


def test_each_side_sees_only_its_own(world, login_as, client):
    need = open_need(world)
    offer(world, need, plan="甲的秘密方案")
    login_as(world["ngo2"])
    html = page(client.get(f"/matching/needs/{need.id}"))
    assert need.title in html and "甲的秘密方案" not in html
    assert client.get(f"/matching/needs/{need.id}/offers").status_code == 403
    for who in ("other_department", "sponsor"):
        client.post("/logout")
        login_as(world[who])
        assert client.get(f"/matching/needs/{need.id}").status_code == 403
        assert client.get(f"/matching/needs/{need.id}/offers").status_code == 403
    assert client.get("/matching/needs/9999").status_code == 404


# --- listings keep their query count -------------------------------------------------------------

def test_the_lists_load_in_a_fixed_number_of_queries(world, login_as, count_queries):
    def grow():
        made = open_need(world)
        offer(world, made)
        offer(world, made, "ngo2")

    grow()
    counts = {}
    for who, url in (("poster", "/matching/needs/mine"), ("ngo", "/matching/needs"),
                     ("committee", f"/matching/sessions/{world['session'].id}/needs")):
        client = login_as(world[who])
        with count_queries() as small:
            client.get(url)
        counts[url] = small.count
        client.post("/logout")
    for _ in range(4):
        grow()
    db.session.commit()
    for who, url in (("poster", "/matching/needs/mine"), ("ngo", "/matching/needs"),
                     ("committee", f"/matching/sessions/{world['session'].id}/needs")):
        client = login_as(world[who])
        with count_queries() as big:
            html = page(client.get(url))
        assert big.count == counts[url], url
        assert html.count("社区独居老人助餐") >= 5
        client.post("/logout")
    assert service.live_offer_count(db.session.query(Need).first()) == 2
