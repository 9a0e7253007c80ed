"""The dashboards' SVG charts: a bar per stage carrying its exact amount, drawn on the server."""
from __future__ import annotations

import re
from decimal import Decimal

from flask import render_template_string

from portal.grants import charts, dashboards
from portal.types import format_money

from .test_dashboards import busy_call

D = Decimal
RENDER = '{% from "grants/_charts.html" import chart_svg %}{{ chart_svg(chart) }}'


def test_funds_by_stage_has_a_bar_per_stage_with_its_amount(app):
    totals = dashboards.Amounts(awarded=D("35000.00"), pledged=D("25000.00"), amount=D("35000.00"),
                                committed=D("9500.00"), disbursed=D("9500.00"), spent=D("1550.50"))
    chart = charts.funds_by_stage(totals)
    assert [bar.value for bar in chart.bars] == [getattr(totals, name) for name, _ in charts.STAGES]
    widths = {bar.label: bar.width for bar in chart.bars}
    largest = max(bar.width for bar in chart.bars)
    assert widths["获奖创投资金"] == widths["协议金额"] == largest and widths["配捐"] == 0
    assert abs(widths["已支出"] / largest - 1550.50 / 35000) < 0.01
    with app.test_request_context():
        svg = render_template_string(RENDER, chart=chart)
    assert svg.count("<rect") == len(charts.STAGES)
    titles = re.findall(r"<rect[^>]*><title>([^<]*)</title>", svg)
    assert titles == [f"{label}：{format_money(getattr(totals, name))}" for name, label in charts.STAGES]
    assert "已支出：¥1,550.50" in titles and 'data-value="1550.50"' in svg
    assert 'role="img"' in svg and 'aria-labelledby="chart-stages-title chart-stages-desc"' in svg
    assert "<script" not in svg and "style=" not in svg


def test_the_category_and_month_charts_show_the_dashboards_numbers(app):
    c = busy_call()
    board = dashboards.call_dashboard(c.world.call)
    stages, categories, months = charts.dashboard_charts(board)
    assert [b.value for b in categories.bars] == [v for row in board.categories for v in (row.budget, row.spent)]
    assert [b.value for b in months.bars] == [row.net for row in board.months]
    assert all(b.width >= 0 for chart in (stages, categories, months) for b in chart.bars)


def test_a_negative_month_draws_no_length(app):
    board = dashboards.Dashboard("x", [], dashboards.Amounts(), [], [], [], [],
                                 [dashboards.MonthRow("2027-01", D("100.00")), dashboards.MonthRow("2027-02", D("0"), D("50.00"))],
                                 today=None)
    chart = charts.disbursement_over_time(board)
    assert [b.value for b in chart.bars] == [D("100.00"), D("-50.00")]
    assert chart.bars[1].width == 0 and chart.bars[0].width > 0
