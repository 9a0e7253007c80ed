"""A sponsor's statement: what its organization pledged, confirmed and paid, per session and
project (award funding too), equal to the sums of its own rows; the Excel shows the page's
figures; a sponsor never sees another sponsor's pledges."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal.accounts.models import OrgKind
from portal.extensions import db
from portal.matching import pledges as pledging
from portal.matching.models import (
    MatchAllocation,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Receipt,
)
from portal.matching.statement import sponsor_statement
from portal.types import format_money

from ..factories import add_member, make_member, make_org
from . import report_scenario
from .helpers import add_project, make_session

ZERO = Decimal("0.00")
LIVE = (PledgeStatus.PENDING, PledgeStatus.CONFIRMED)


def total(values) -> Decimal:
    return sum(values, ZERO)


@pytest.fixture
def built(app):
    world = report_scenario.build()
    committee, (u1, s1) = world["committee"], (world["users"][0], world["sponsors"][0])
    second = make_session(committee_user=committee, call=world["call"])
    second.title = "常年认领目录"
    project = add_project(second, goal="8000.00", title="乡村图书角")
    paid = pledging.pledge_cash(u1, project, s1, {"amount": "5000"})
    pledging.confirm_pledge(committee, paid)
    report_scenario.receive(committee, paid, "5000")
    world.update(second=second, book_corner=project)
    return world


def expected_of(sponsor) -> dict:
    """Per group (session, or a call's award funding) and project: sums over the sponsor's rows."""
    pledges = db.session.scalars(sa.select(Pledge).where(Pledge.sponsor_id == sponsor.id)).all()
    receipts = db.session.scalars(sa.select(Receipt)).all()
    allocations = db.session.scalars(sa.select(MatchAllocation)).all()

    def sums(rows):
        ids = {p.id for p in rows}
        cash = [p for p in rows if p.kind == PledgeKind.CASH and p.status in LIVE]
        figures = dict(
            pledged=total(p.amount for p in cash),
            confirmed=total(p.amount for p in cash if p.status == PledgeStatus.CONFIRMED),
            received=total(r.amount for r in receipts if r.pledge_id in ids),
            match=total(a.amount for a in allocations if a.pledge_id in ids),
            in_kind=total(p.amount for p in rows if p.kind == PledgeKind.IN_KIND and p.status in LIVE),
        )
        figures["outstanding"] = max(ZERO, figures["confirmed"] - figures["received"])
        return figures

    groups: dict = {}
    for pledge in pledges:
        key = pledge.session.title if pledge.session else pledge.application.call.title
        groups.setdefault(key, {}).setdefault((pledge.application.title, pledge.award_id), []).append(pledge)
    return dict(
        totals=sums(pledges), count=len(pledges),
        groups={key: dict(sums=sums([p for rows in projects.values() for p in rows]),
                          projects={k: sums(rows) for k, rows in projects.items()})
                for key, projects in groups.items()},
    )


def amounts(a) -> dict:
    return dict(pledged=a.pledged, confirmed=a.confirmed, received=a.received, match=a.match, in_kind=a.in_kind,
                outstanding=a.outstanding)


def test_the_statement_equals_the_sums_of_the_sponsors_rows(built):
    s1 = built["sponsors"][0]
    statement = sponsor_statement(s1)
    expected = expected_of(s1)
    assert amounts(statement.totals) == expected["totals"]
    assert len(statement.lines) == expected["count"]
    assert {g.title: dict(sums=amounts(g.amounts),
                          projects={(p.application.title, p.award.id if p.award else None): amounts(p.amounts)
                                    for p in g.projects})
            for g in statement.groups} == expected["groups"]
    # Two sessions and the award funding of the call, each with the sponsor's projects only.
    assert [str(g.kind) for g in statement.groups] == ["对接会", "对接会", "奖项出资"]
    assert {p.application.title for g in statement.groups for p in g.projects} == {"银龄食堂", "河小青护河", "乡村图书角"}
    assert {line.pledge.sponsor_id for line in statement.lines} == {s1.id}
    assert statement.totals.received == Decimal("32000.50") and statement.totals.outstanding == Decimal("11999.50")


def page_totals(html: str) -> dict[str, str]:
    pairs = re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    return {label.strip(): value.strip() for label, value in pairs}


def test_the_page_and_the_excel_show_the_same_figures(built, client, login_as):
    u1, s1 = built["users"][0], built["sponsors"][0]
    statement = sponsor_statement(s1)
    t = statement.totals
    login_as(u1)
    html = client.get("/matching/statement").get_data(as_text=True)
    assert page_totals(html) == {"认捐（含待确认）": format_money(t.pledged), "已确认": format_money(t.confirmed),
                                 "已到账": format_money(t.received), "待付": format_money(t.outstanding),
                                 "配捐": format_money(t.match), "物资和服务": format_money(t.in_kind)}
    for group in statement.groups:
        assert group.title in html and format_money(group.amounts.confirmed) in html
    response = client.get("/matching/statement.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book["按项目"].iter_rows(min_row=2, values_only=True))
    assert rows[-1][0] == "合计"
    assert [Decimal(str(v)) for v in rows[-1][3:9]] == [t.pledged, t.confirmed, t.received, t.outstanding, t.match, t.in_kind]
    subtotals = {row[0].removesuffix(" 小计"): row for row in rows if str(row[0]).endswith(" 小计")}
    for group in statement.groups:
        assert Decimal(str(subtotals[group.title][5])) == group.amounts.received
    details = list(book["认捐明细"].iter_rows(min_row=2, values_only=True))
    assert len(details) == len(statement.lines)
    assert {row[5] for row in details} == {str(line.pledge.status.label) for line in statement.lines}
    receipts = list(book["到账明细"].iter_rows(min_row=2, values_only=True))
    assert total(Decimal(str(row[2])) for row in receipts) == t.received


def test_a_sponsor_never_sees_another_sponsors_pledges(built, client, login_as):
    u2, (s1, s2) = built["users"][1], built["sponsors"][:2]
    login_as(u2)
    html = client.get("/matching/statement").get_data(as_text=True)
    assert s2.name in html and s1.name not in html
    assert "四点半学校" in html and "河小青护河" not in html and "乡村图书角" not in html
    book = load_workbook(io.BytesIO(client.get("/matching/statement.xlsx").data))
    titles = {row[2] for row in book["认捐明细"].iter_rows(min_row=2, values_only=True)}
    assert titles == {"银龄食堂", "四点半学校", "退出的项目"}
    for url in (f"/matching/statement?org={s1.id}", f"/matching/statement.xlsx?org={s1.id}"):
        assert client.get(url).status_code == 404


def test_a_member_of_several_sponsors_picks_one(built, client, login_as):
    u1 = built["users"][0]
    other = make_org(OrgKind.COMPANY, name="农商银行公益基金")
    add_member(u1, other)
    unverified = make_org(OrgKind.COMPANY, name="待认证企业", verified=False)
    add_member(u1, unverified)
    db.session.commit()
    login_as(u1)
    html = client.get("/matching/statement").get_data(as_text=True)
    assert 'name="org"' in html and "农商银行公益基金" in html and "待认证企业" not in html
    assert "河小青护河" in html  # the first sponsor by default
    mine = client.get(f"/matching/statement?org={other.id}").get_data(as_text=True)
    assert "还没有认捐" in mine and "河小青护河" not in mine
    assert client.get(f"/matching/statement?org={unverified.id}").status_code == 404
    assert client.get("/matching/statement?org=abc").status_code == 200
    assert client.get(f"/matching/statement?org={'9' * 30}").status_code == 200


def test_an_unverified_sponsor_is_told_it_will_see_its_statement_once_verified(app, client, login_as):
    user = make_member(OrgKind.COMPANY, verified=False)
    login_as(user)
    response = client.get("/matching/statement")
    assert response.status_code == 200 and "通过认证后" in response.get_data(as_text=True)
    assert client.get("/matching/statement.xlsx").status_code == 404


def test_the_statement_reads_in_a_fixed_number_of_queries(built, client, login_as, count_queries):
    committee, u2, s2 = built["committee"], built["users"][1], built["sponsors"][1]
    login_as(u2)
    counts = []
    for extra in (0, 12):
        for n in range(extra):
            project = add_project(built["second"], goal="3000.00", title=f"追加项目{n}")
            pledge = pledging.pledge_cash(u2, project, s2, {"amount": "1000"})
            pledging.confirm_pledge(committee, pledge)
            report_scenario.receive(committee, pledge, "500")
        db.session.expire_all()
        with count_queries() as page:
            assert client.get("/matching/statement").status_code == 200
        db.session.expire_all()
        with count_queries() as workbook:
            assert client.get("/matching/statement.xlsx").status_code == 200
        counts.append((page.count, workbook.count))
    assert counts[0] == counts[1], counts
