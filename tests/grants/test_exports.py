"""The Excel exports: the workbook's numbers are the page's (the same Dashboard and Ledger)."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from portal.grants import dashboards, export, ledger

from ..conftest import login
from .test_dashboards import busy_call

D = Decimal


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(D("0.01"))


def test_the_dashboard_workbook_totals_equal_the_dashboard(app):
    c = busy_call()
    board = dashboards.call_dashboard(c.world.call)
    book = load_workbook(io.BytesIO(export.dashboard_workbook(board)))
    rows = list(book["按项目"].iter_rows(values_only=True))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert total[0] == "合计" and len(body) == len(board.rows)
    for column, value in zip(export.MONEY, export._money(board.totals)):
        index = header.index(column)
        assert _money(total[index]) == value
        assert sum(_money(r[index]) for r in body) == value
    stages = {r[0]: r[1] for r in book["资金各阶段"].iter_rows(min_row=2, values_only=True)}
    assert _money(stages["已拨付"]) == board.totals.disbursed and _money(stages["已支出"]) == board.totals.spent
    months = list(book["按月拨付"].iter_rows(min_row=2, values_only=True))
    assert sum(_money(r[3]) for r in months) == board.totals.disbursed
    categories = list(book["按预算科目"].iter_rows(min_row=2, values_only=True))
    assert _money(categories[-1][2]) == board.totals.spent


def test_the_ledger_workbook_ends_on_the_ledgers_balances(app):
    c = busy_call()
    whole = ledger.ledger(c.first)
    sources = ledger.live_sources(c.first)
    book = load_workbook(io.BytesIO(export.ledger_workbook(c.first, whole, [(s.funder.name, ledger.ledger(c.first, s))
                                                                            for s in sources])))
    assert len(book.sheetnames) == 1 + len(sources)
    rows = list(book["全部"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(whole.entries)
    assert _money(rows[-1][6]) == whole.undisbursed and _money(rows[-1][7]) == whole.held_by_ngo
    assert sum(_money(r[4]) for r in rows) == ledger.paid_of_grant(c.first)


def test_the_export_views_answer_a_workbook(app, client):
    c = busy_call()
    login(client, c.world.maker)
    for url in (f"/grants/calls/{c.world.call.id}/dashboard.xlsx", f"/grants/{c.first.id}/ledger.xlsx",
                f"/grants/committees/{c.world.committee.id}/fund.xlsx"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == export.XLSX, url
        assert response.headers["Cache-Control"] == "private, no-store"
        load_workbook(io.BytesIO(response.data))
