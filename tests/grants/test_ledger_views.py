"""The ledger page, the dashboards' pages and a sponsor's view through the test client."""
from __future__ import annotations

from decimal import Decimal

from portal.grants import dashboards, ledger
from portal.types import format_money

from ..conftest import login
from .test_dashboards import busy_call, expense

D = Decimal


def test_the_ledger_page_lists_every_row_with_running_balances(app, client):
    c = busy_call()
    login(client, c.world.ngo_user)
    body = client.get(f"/grants/{c.first.id}/ledger").get_data(as_text=True)
    whole = ledger.ledger(c.first)
    assert body.count('class="ledger-') >= len(whole.entries)
    assert "冲正" in body and "重复付款" in body and format_money(D("-1200.00")) in body
    assert format_money(whole.undisbursed) in body and format_money(whole.held_by_ngo) in body
    source = ledger.live_sources(c.first)[1]
    one = client.get(f"/grants/{c.first.id}/ledger?source={source.id}").get_data(as_text=True)
    assert f'id="ledger-source-{source.id}"' in one and 'id="ledger-all"' not in one
    assert client.get(f"/grants/{c.first.id}/ledger?source=999999").status_code == 404
    assert client.get(f"/grants/{c.first.id}/ledger?source=abc").status_code == 200  # junk: all sources


def test_the_terminated_grants_ledger_shows_the_release(app, client):
    c = busy_call()
    login(client, c.world.maker)
    body = client.get(f"/grants/{c.second.id}/ledger").get_data(as_text=True)
    assert "终止退回" in body and format_money(D("7000.00")) in body


def test_the_call_dashboard_page_shows_the_same_totals_as_the_service(app, client):
    c = busy_call()
    expense(c.first, "宣传费", "99.00")  # no budget for it: flagged as over budget
    login(client, c.world.checker)
    body = client.get(f"/grants/calls/{c.world.call.id}/dashboard").get_data(as_text=True)
    assert "超出预算一成以上" in body
    board = dashboards.call_dashboard(c.world.call)
    for value in (board.totals.amount, board.totals.disbursed, board.totals.spent, board.totals.remaining):
        assert format_money(value) in body
    assert body.count("<svg") == 3 and 'id="table-stages"' in body and 'id="table-grants"' in body
    assert c.first.reference in body and "<script>" not in body


def test_a_sponsor_sees_where_its_money_went_and_nothing_of_others(app, client):
    c = busy_call()
    sponsor = c.world.sponsors[0]
    login(client, sponsor.user)
    body = client.get(f"/grants/funders/{sponsor.org.id}/money").get_data(as_text=True)
    assert c.first.reference in body and c.second.reference not in body
    assert format_money(D("5000.00")) in body and "中期报告" in body and "通过" in body
    dashboard = client.get(f"/grants/funders/{sponsor.org.id}/dashboard")
    assert dashboard.status_code == 200
    other = c.world.sponsors[1].org
    assert client.get(f"/grants/funders/{other.id}/money").status_code == 403
    assert client.get(f"/grants/funders/{other.id}/dashboard.xlsx").status_code == 403
    assert client.get(f"/grants/calls/{c.world.call.id}/dashboard").status_code == 403
    assert client.get(f"/grants/committees/{c.world.committee.id}/fund").status_code == 403


def test_the_grant_page_links_to_its_ledger(app, client):
    c = busy_call()
    login(client, c.world.maker)
    body = client.get(f"/grants/{c.first.id}").get_data(as_text=True)
    assert f"/grants/{c.first.id}/ledger" in body
