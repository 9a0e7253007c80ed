"""The public page of a settled matching session: only settled sessions, and every figure on it is
a sum of the rows, computed here independently."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.matching import pledges as service
from portal.matching.models import (
    MatchAllocation,
    Pledge,
    PledgeKind,
    PledgeStatus,
    SessionStatus,
)
from portal.matching.services import close_session, settle_session
from portal.types import format_money

from ..matching.helpers import add_project, make_session, make_sponsor


@pytest.fixture
def settled(app):
    session = make_session(match_ratio=Decimal("0.5"), match_pool=Decimal("6000.00"))
    committee = session.test_committee_user
    elder = add_project(session, goal="50000.00", title="银龄食堂")
    school = add_project(session, goal="20000.00", title="四点半学校")
    add_project(session, goal="10000.00", title="无人认捐的项目")
    (bank_user, bank), (youth_user, youth), (shop_user, shop) = (
        make_sponsor("平湖农商银行"), make_sponsor("嘉兴青年企业家协会"), make_sponsor("小店"))
    shop.board_anonymous = True
    db.session.commit()
    confirmed = [
        service.pledge_cash(bank_user, elder, bank, {"amount": "8000"}),
        service.pledge_cash(youth_user, elder, youth, {"amount": "4000"}),
        service.claim_gap(shop_user, school, shop, {}),
        service.pledge_in_kind(bank_user, school, bank, {"amount": "1500", "in_kind_description": "书架"}),
    ]
    lapsed = service.pledge_cash(youth_user, elder, youth, {"amount": "100"})
    for pledge in confirmed:
        service.confirm_pledge(committee, pledge)
    service.lapse_pledge(committee, lapsed)
    close_session(committee, session)
    settle_session(committee, session)
    return session


def test_figures_are_sums_of_the_rows(settled, client):
    page = client.get(f"/sessions/{settled.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    confirmed = sa.select(Pledge).where(Pledge.session_id == settled.id, Pledge.status == PledgeStatus.CONFIRMED)
    rows = db.session.scalars(confirmed).all()
    cash = sum((p.amount for p in rows if p.kind == PledgeKind.CASH), Decimal(0))
    in_kind = sum((p.amount for p in rows if p.kind == PledgeKind.IN_KIND), Decimal(0))
    match = sum(db.session.scalars(sa.select(MatchAllocation.amount).where(MatchAllocation.session_id == settled.id)),
                Decimal(0))
    funded = {p.project_id for p in rows}
    sponsors = {p.sponsor_id for p in rows}
    assert (cash, in_kind, match, len(funded), len(sponsors)) == (Decimal("32000"), Decimal("1500"), Decimal("6000"), 2, 3)
    sentence = (f"展示 3 个项目，其中 {len(funded)} 个获得 {len(sponsors)} 家爱心企业认捐，"
                f"认捐总额 {format_money(cash)}，配捐 {format_money(match)}。")
    assert sentence in html
    footer = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S).group(1)
    assert [format_money(cash), format_money(match), format_money(in_kind)] == re.findall(r"¥[\d,.]+", footer)
    assert "无人认捐的项目" not in html  # shown, but not funded
    elder_row = re.search(r'<tr data-project="\d+">\s*<td><strong>银龄食堂.*?</tr>', html, re.S).group(0)
    assert "嘉兴青年企业家协会、平湖农商银行" in elder_row and format_money(Decimal("12000")) in elder_row
    assert "爱心企业" in html and "小店" not in html  # the anonymous sponsor by its board name


@pytest.mark.parametrize("status", [SessionStatus.DRAFT, SessionStatus.OPEN, SessionStatus.CLOSED])
def test_only_a_settled_session_has_a_public_page(app, client, status):
    session = make_session(status=status)
    add_project(session)
    assert client.get(f"/sessions/{session.id}").status_code == 404
    assert session.title not in client.get("/sessions/").get_data(as_text=True)


def test_settled_sessions_are_listed_on_the_public_site(settled, client):
    listed = client.get("/sessions/").get_data(as_text=True)
    assert settled.title in listed and format_money(Decimal("32000")) in listed
    home = client.get("/").get_data(as_text=True)
    assert f"/sessions/{settled.id}" in home


def test_an_unknown_session_is_404(app, client):
    assert client.get("/sessions/424242").status_code == 404


def test_the_public_navigation_links_the_results(app, client):
    nav = client.get("/calls/").get_data(as_text=True).split("</nav>")[0]
    assert 'href="/sessions/"' in nav and "对接会成果" in nav
