"""Charts of a dashboard, drawn as SVG on the server (templates/grants/_charts.html draws them; no
script, no library): funds by stage, spending by category (budget against actual), disbursement
over time. Each is a list of horizontal bars with their geometry worked out here; every bar carries
its exact amount (Decimal, to the 分) in its <title> and its label, and the page shows the same
numbers in the chart's table. Lengths are the only floats, and only for drawing."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..i18n import N_, Message
from ..types import format_money
from .dashboards import Amounts, Dashboard

WIDTH = 640  # the viewBox; the picture scales to its container
LABEL_WIDTH = 150
VALUE_WIDTH = 130
BAR_HEIGHT = 18
ROW_GAP = 8
GROUP_GAP = 14
TOP = 8

STAGES = (
    ("awarded", N_("获奖创投资金")),
    ("pledged", N_("认捐")),
    ("matched", N_("配捐")),
    ("amount", N_("协议金额")),
    ("committed", N_("已批准拨付")),
    ("disbursed", N_("已拨付")),
    ("spent", N_("已支出")),
)


@dataclass
class Bar:
    label: str | Message
    value: Decimal
    series: int  # the CSS class grants-chart-s<n>
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = BAR_HEIGHT

    @property
    def text(self) -> str:
        return format_money(self.value)

    @property
    def label_y(self) -> float:
        return self.y + self.height * 0.72

    @property
    def value_x(self) -> float:
        return self.x + self.width + 6


@dataclass
class Group:
    label: str | Message
    bars: list[Bar]
    y: float = 0


@dataclass
class Chart:
    key: str  # the element ids: chart-<key>-title / -desc
    title: Message
    description: Message
    groups: list[Group]
    legend: list[tuple[int, Message]] = field(default_factory=list)
    height: float = 0

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def bars(self) -> list[Bar]:
        return [bar for group in self.groups for bar in group.bars]

    @property
    def is_empty(self) -> bool:
        return not self.groups


def _lay_out(chart: Chart) -> Chart:
    """Bars scaled to the largest value; a negative value (a month of reversals) draws no length."""
    largest = max((bar.value for bar in chart.bars), default=Decimal(0))
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    y = TOP
    for group in chart.groups:
        group.y = y
        for bar in group.bars:
            bar.x, bar.y = LABEL_WIDTH, y
            bar.width = round(float(bar.value / largest) * room, 1) if largest > 0 and bar.value > 0 else 0
            y += BAR_HEIGHT + ROW_GAP
        y += GROUP_GAP - ROW_GAP
    chart.height = y + TOP
    return chart


def funds_by_stage(totals: Amounts) -> Chart:
    """From the money promised (awarded, pledged, matched) to the agreements, the payments and the
    money spent."""
    groups = [Group(label, [Bar(label, getattr(totals, name), index)]) for index, (name, label) in enumerate(STAGES)]
    return _lay_out(Chart("stages", N_("资金各阶段"),
                          N_("从获奖、认捐和配捐，到协议金额、已批准拨付、已拨付和已支出的金额（元）。"), groups))


def spending_by_category(board: Dashboard) -> Chart:
    groups = [Group(row.category, [Bar(N_("预算"), row.budget, 0), Bar(N_("实际支出"), row.spent, 1)])
              for row in board.categories]
    return _lay_out(Chart("categories", N_("按预算科目的支出"), N_("每个预算科目的预算金额与实际支出（元）。"), groups,
                          legend=[(0, N_("预算")), (1, N_("实际支出"))]))


def disbursement_over_time(board: Dashboard) -> Chart:
    groups = [Group(row.month, [Bar(row.month, row.net, 0)]) for row in board.months]
    return _lay_out(Chart("months", N_("按月拨付"), N_("每月实际拨付的金额（付款减冲正，元）。"), groups))


def dashboard_charts(board: Dashboard) -> list[Chart]:
    return [funds_by_stage(board.totals), spending_by_category(board), disbursement_over_time(board)]
