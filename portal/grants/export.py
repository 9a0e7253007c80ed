"""Excel workbooks of a dashboard's tables and of a grant's ledger (openpyxl, write-only, as the
matching exports: a bold frozen header, money as numbers with two decimals). Every number is the
one the page shows — the same Dashboard and Ledger objects — so they never disagree."""
from __future__ import annotations

from openpyxl import Workbook

from ..i18n import translate
from ..judging.export import XLSX  # noqa: F401 - the views answer with it
from ..matching.report_export import _bytes, _local, _Sheet
from .charts import STAGES
from .dashboards import ZERO, Amounts, Dashboard
from .ledger import Ledger

MONEY = ["获奖创投资金", "认捐", "配捐", "协议金额", "已批准拨付", "已拨付", "已退回来源", "已支出", "尚未拨付"]
KINDS = {"commitment": "资金承诺", "payment": "拨付", "reversal": "冲正", "release": "终止退回", "expense": "支出"}


def _money(a: Amounts) -> list:
    return [a.awarded, a.pledged, a.matched, a.amount, a.committed, a.disbursed, a.released, a.spent, a.remaining]


def dashboard_download_name(board: Dashboard, what: str) -> str:
    return f"{board.title}-{what}.xlsx"


def dashboard_workbook(board: Dashboard) -> bytes:
    book = Workbook(write_only=True)
    summary = _Sheet(book, "资金各阶段", ["阶段", "金额"], [20, 16])
    for name, label in STAGES:
        summary.append([str(label), getattr(board.totals, name)])
    summary.append(["尚未拨付", board.totals.remaining])
    summary.append(["资助项目数", board.grants])
    summary.append(["逾期未拨付的分期", len(board.overdue_tranches)])
    summary.append(["逾期未提交的报告", len(board.overdue_reports)])

    rows = _Sheet(book, "按项目", ["协议编号", "项目名称", "受资助组织", "状态", *MONEY, "逾期分期", "逾期报告", "最近评估"],
                  [16, 30, 24, 10, *[14] * len(MONEY), 8, 8, 10])
    for row in board.rows:
        rows.append([row.reference, row.title, row.recipient, translate(row.status.label), *_money(row.amounts),
                     row.overdue_tranches, row.overdue_reports, translate(row.conclusion.label) if row.conclusion else ""])
    rows.append(["合计", None, None, None, *_money(board.totals), len(board.overdue_tranches), len(board.overdue_reports),
                 None], bold=True)

    categories = _Sheet(book, "按预算科目", ["科目", "预算", "实际支出"], [16, 14, 14])
    for row in board.categories:
        categories.append([row.category, row.budget, row.spent])
    categories.append(["合计", sum((r.budget for r in board.categories), ZERO),
                       sum((r.spent for r in board.categories), ZERO)], bold=True)

    months = _Sheet(book, "按月拨付", ["月份", "付款", "冲正", "净拨付"], [10, 14, 14, 14])
    for row in board.months:
        months.append([row.month, row.paid, row.reversed, row.net])

    tranches = _Sheet(book, "逾期分期", ["协议编号", "分期", "应拨日期", "金额"], [16, 10, 12, 14])
    for t in board.overdue_tranches:
        tranches.append([t.reference, t.label, t.due_on, t.amount])
    reports = _Sheet(book, "逾期报告", ["协议编号", "报告", "截止日期"], [16, 24, 12])
    for r in board.overdue_reports:
        reports.append([r.reference, r.title, r.due_on])
    evaluations = _Sheet(book, "评估结果", ["协议编号", "报告", "总分", "结论"], [16, 24, 8, 10])
    for e in board.evaluations:
        evaluations.append([e.reference, e.report, e.total, translate(e.conclusion.label)])
    return _bytes(book)


def _ledger_sheet(book: Workbook, title: str, ledger: Ledger) -> None:
    title = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31]
    sheet = _Sheet(book, title, ["时间", "类别", "摘要", "承诺", "拨付", "支出", "尚未拨付", "机构结余"],
                   [18, 10, 30, 14, 14, 14, 14, 14])
    for e in ledger.entries:
        sheet.append([_local(e.at), KINDS[e.kind], e.text, e.commitment, e.paid, e.spent, e.undisbursed, e.held_by_ngo])


def ledger_download_name(grant) -> str:
    return f"{grant.reference}-资金台账.xlsx"


def ledger_workbook(grant, whole: Ledger, per_source: list) -> bytes:
    """The grant's ledger, then one sheet per live source: [(label, Ledger), …]."""
    book = Workbook(write_only=True)
    _ledger_sheet(book, "全部", whole)
    for index, (label, ledger) in enumerate(per_source, start=1):
        _ledger_sheet(book, f"{index}-{label}", ledger)
    return _bytes(book)
