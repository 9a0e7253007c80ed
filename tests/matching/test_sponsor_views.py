"""The sponsors' pages: the catalogue's filters and pages, a project's profile, pledging through the
form (the field marked, the rest offered), claiming, in kind, bookmarks, changing and withdrawing."""
from __future__ import annotations

from decimal import Decimal

import pytest

from portal.applications.models import ApplicationMessage
from portal.extensions import db
from portal.matching import pledges as service
from portal.matching.models import Bookmark, Pledge, PledgeStatus

from .helpers import add_project, make_session, make_sponsor


@pytest.fixture
def world(app):
    session = make_session()
    first = add_project(session, goal="50000.00", title="银龄食堂")
    second = add_project(session, goal="120000.00", title="四点半学校")
    db.session.add(ApplicationMessage(application=first.application, kind="returned", body="内部审查意见：预算偏高"))
    user, sponsor = make_sponsor("平湖农商银行")
    other_user, other = make_sponsor("青年企业家协会")
    db.session.commit()
    return dict(session=session, first=first, second=second, user=user, sponsor=sponsor, other_user=other_user,
                other=other)


def test_the_catalogue_lists_shown_projects_with_their_gap(world, login_as):
    client = login_as(world["user"])
    page = client.get(f"/matching/sessions/{world['session'].id}/catalogue").get_data(as_text=True)
    assert "银龄食堂" in page and "四点半学校" in page
    assert "缺口 ¥50,000.00" in page and "共 2 个项目" in page


def test_catalogue_filters_by_amount_band_and_gap_and_sorts_by_gap(world, login_as):
    service.claim_gap(world["other_user"], world["first"], world["other"], {})
    client = login_as(world["user"])
    base = f"/matching/sessions/{world['session'].id}/catalogue"
    open_only = client.get(base + "?open=1").get_data(as_text=True)
    assert "四点半学校" in open_only and "银龄食堂" not in open_only
    band = client.get(base + "?band=100k-200k").get_data(as_text=True)
    assert "四点半学校" in band and "银龄食堂" not in band
    by_gap = client.get(base + "?sort=gap_desc").get_data(as_text=True)
    assert by_gap.index("四点半学校") < by_gap.index("银龄食堂")


def test_the_profile_shows_what_the_ngo_published_and_nothing_internal(world, login_as):
    client = login_as(world["user"])
    page = client.get(f"/matching/projects/{world['first'].id}").get_data(as_text=True)
    assert "为双职工家庭的孩子提供放学后的课业辅导" in page  # the summary
    assert "活动费" in page and "¥30,000.00" in page  # budget by category
    assert "内部审查意见" not in page  # screening messages stay inside
    assert "王老师" not in page  # the contact person only when the NGO chooses
    world["first"].show_contact = True
    db.session.commit()
    assert "王老师" in client.get(f"/matching/projects/{world['first'].id}").get_data(as_text=True)


def test_pledging_through_the_form(world, login_as):
    client = login_as(world["user"])
    response = client.post(f"/matching/projects/{world['first'].id}/pledge",
                           data={"cash-amount": "20000", "cash-purpose": "活动费", "cash-message": "加油"})
    assert response.status_code == 302
    pledge = db.session.query(Pledge).one()
    assert (pledge.sponsor_id, pledge.amount, pledge.purpose, pledge.message) == (
        world["sponsor"].id, Decimal("20000.00"), "活动费", "加油")


def test_a_pledge_past_the_gap_is_refused_on_the_field_and_the_rest_offered(world, login_as):
    service.pledge_cash(world["other_user"], world["first"], world["other"], {"amount": "47000"})
    client = login_as(world["user"])
    response = client.post(f"/matching/projects/{world['first'].id}/pledge", data={"cash-amount": "5000"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "仅剩 ¥3,000 可认捐" in page and "is-invalid" in page
    assert 'name="cash-amount" value="3000.00"' in page  # the offer, one press away
    assert db.session.query(Pledge).count() == 1


def test_junk_amounts_are_marked_and_change_nothing(world, login_as):
    client = login_as(world["user"])
    for junk in ("", "abc", "-5", "1e9", "12.345", "0"):
        response = client.post(f"/matching/projects/{world['first'].id}/pledge", data={"cash-amount": junk})
        assert response.status_code == 400, junk
        assert "is-invalid" in response.get_data(as_text=True)
    assert db.session.query(Pledge).count() == 0


def test_claim_in_kind_bookmark_change_and_withdraw(world, login_as):
    client = login_as(world["user"])
    assert client.post(f"/matching/projects/{world['second'].id}/claim", data={}).status_code == 302
    claim = db.session.query(Pledge).one()
    assert claim.is_claim and claim.amount == Decimal("120000.00")
    response = client.post(f"/matching/projects/{world['first'].id}/in-kind",
                           data={"kind-in_kind_description": "", "kind-amount": "800"})
    assert response.status_code == 400 and "请说明捐赠的物资或服务" in response.get_data(as_text=True)
    client.post(f"/matching/projects/{world['first'].id}/in-kind",
                data={"kind-in_kind_description": "爱心午餐", "kind-in_kind_quantity": "200 份", "kind-amount": "800"})
    client.post(f"/matching/projects/{world['first'].id}/bookmark", data={})
    assert db.session.query(Bookmark).filter_by(user_id=world["user"].id).count() == 1
    saved = client.get(f"/matching/sessions/{world['session'].id}/catalogue?saved=1").get_data(as_text=True)
    assert "银龄食堂" in saved and "四点半学校" not in saved
    client.post(f"/matching/pledges/{claim.id}/change", data={"change-amount": "60000"})
    db.session.expire_all()
    assert claim.status == PledgeStatus.REPLACED
    newest = db.session.query(Pledge).filter_by(replaces_id=claim.id).one()
    client.post(f"/matching/pledges/{newest.id}/withdraw", data={})
    db.session.expire_all()
    assert newest.status == PledgeStatus.WITHDRAWN
    page = client.get("/matching/my-pledges").get_data(as_text=True)
    assert "已撤回" in page and "已修改" in page


def test_a_sponsor_never_sees_another_sponsors_pledges(world, login_as):
    theirs = service.pledge_cash(world["other_user"], world["first"], world["other"], {"amount": "3000", "message": "秘密留言"})
    client = login_as(world["user"])
    assert "秘密留言" not in client.get("/matching/my-pledges").get_data(as_text=True)
    assert client.post(f"/matching/pledges/{theirs.id}/withdraw", data={}).status_code == 404
