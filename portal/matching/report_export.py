"""Excel workbooks of the session report and of a sponsor's statement (openpyxl, write-only), in
the style of the judging exports: a bold frozen header, money as numbers with two decimals. Every
figure is the one the page shows (the same SessionReport / Statement), so they never disagree.
The documents are Chinese, as the PDF is."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..judging.export import XLSX  # noqa: F401 - the views answer with it
from ..types import quantize, to_local
from .report import Amounts, SessionReport
from .statement import Statement, StatementAmounts

MONEY_FORMAT = "#,##0.00"


class _Sheet:
    def __init__(self, book: Workbook, title: str, headers: list[str], widths: list[int]):
        self.sheet = book.create_sheet(title)
        for index, width in enumerate(widths):
            self.sheet.column_dimensions[get_column_letter(index + 1)].width = width
        self.sheet.freeze_panes = "A2"
        self.append(headers, bold=True)

    def _cell(self, value, bold: bool):
        if isinstance(value, str):
            value = str(value)  # a marked message as its Chinese text
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, Decimal):
            cell.value = quantize(value)
            cell.number_format = MONEY_FORMAT
        elif hasattr(value, "hour"):
            cell.value = value.replace(tzinfo=None)
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif hasattr(value, "strftime"):
            cell.number_format = "yyyy-mm-dd"
        if bold:
            cell.font = Font(bold=True)
        return cell

    def append(self, values: list, bold: bool = False) -> None:
        self.sheet.append([self._cell(value, bold) for value in values])


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


REPORT_SUMMARY = "汇总"
REPORT_PROJECTS = "项目明细"
REPORT_CATEGORIES = "服务领域"
REPORT_SPONSORS = "爱心企业"
REPORT_NEEDS = "领办项目"
PROJECT_MONEY = ["筹款目标", "已获创投资金", "认捐（含待确认）", "已确认", "已到账", "配捐", "物资和服务估值", "资金缺口"]


def _project_money(a: Amounts) -> list[Decimal]:
    return [a.goal, a.awarded, a.pledged, a.confirmed, a.received, a.match, a.in_kind, a.gap]


def report_download_name(report: SessionReport) -> str:
    return f"{report.session.title}-对接会总结.xlsx"


def report_workbook(report: SessionReport) -> bytes:
    session = report.session
    book = Workbook(write_only=True)
    summary = _Sheet(book, REPORT_SUMMARY, ["项目", "数值"], [34, 20])
    summary.append(["对接会", session.title])
    summary.append(["状态", f"{session.status.label}{'（暂定）' if report.provisional else ''}"])
    summary.append(["总结", str(report.summary)])
    for figure in report.figures:
        summary.append([str(figure.label), figure.value])

    projects = _Sheet(book, REPORT_PROJECTS, ["顺序", "申报编号", "项目名称", "申报组织", "服务领域", *PROJECT_MONEY,
                                              "认捐方数", "认捐方"], [6, 14, 30, 24, 12, *[14] * 8, 8, 40])
    for index, row in enumerate(report.projects, start=1):
        app = row.application
        projects.append([index, app.reference, app.title, app.organization.name, row.category,
                         *_project_money(row.amounts), len(row.backers), "、".join(row.backers)])
    projects.append(["合计", None, None, None, None, *_project_money(report.totals), report.sponsors_live, None], bold=True)

    categories = _Sheet(book, REPORT_CATEGORIES, ["服务领域", "展示项目", "获得确认认捐的项目", *PROJECT_MONEY],
                        [14, 10, 12, *[14] * 8])
    for row in report.categories:
        categories.append([row.name, row.projects, row.funded, *_project_money(row.amounts)])
    categories.append(["合计", report.projects_shown, report.projects_funded, *_project_money(report.totals)], bold=True)

    sponsors = _Sheet(book, REPORT_SPONSORS, ["爱心企业", "大屏显示名", "认捐项目数", "认捐（含待确认）", "已确认", "已到账",
                                              "配捐", "物资和服务估值"], [30, 20, 10, *[14] * 5])
    for row in report.sponsors:
        sponsors.append([row.sponsor.name, str(row.sponsor.public_name), len(row.projects), row.pledged, row.confirmed,
                         row.received, row.match, row.in_kind])
    t = report.totals
    sponsors.append(["合计", None, None, t.pledged, t.confirmed, t.received, t.match, t.in_kind], bold=True)

    needs = _Sheet(book, REPORT_NEEDS, ["服务需求", "发布单位", "领办组织", "金额"], [30, 24, 24, 14])
    for row in report.needs.rows:
        needs.append([row.title, row.department, row.ngo, row.amount])
    needs.append(["合计", None, f"{report.needs.organizations} 家", report.needs.amount], bold=True)
    return _bytes(book)


STATEMENT_PROJECTS = "按项目"
STATEMENT_PLEDGES = "认捐明细"
STATEMENT_RECEIPTS = "到账明细"
STATEMENT_MONEY = ["认捐（含待确认）", "已确认", "已到账", "待付", "配捐", "物资和服务估值"]


def _statement_money(a: StatementAmounts) -> list[Decimal]:
    return [a.pledged, a.confirmed, a.received, a.outstanding, a.match, a.in_kind]


def statement_download_name(statement: Statement) -> str:
    return f"{statement.sponsor.name}-认捐对账单.xlsx"


def _local(moment):
    local = to_local(moment)
    return local.replace(tzinfo=None) if local else None


def statement_workbook(statement: Statement) -> bytes:
    book = Workbook(write_only=True)
    projects = _Sheet(book, STATEMENT_PROJECTS, ["对接会 / 奖项出资", "项目名称", "申报组织", *STATEMENT_MONEY],
                      [30, 30, 24, *[14] * 6])
    for group in statement.groups:
        for line in group.projects:
            title = line.application.title + (f"（{line.award.tier.name}）" if line.award else "")
            projects.append([group.title, title, line.application.organization.name, *_statement_money(line.amounts)])
        projects.append([f"{group.title} 小计", None, None, *_statement_money(group.amounts)], bold=True)
    projects.append(["合计", None, None, *_statement_money(statement.totals)], bold=True)

    pledges = _Sheet(book, STATEMENT_PLEDGES, ["认捐时间", "对接会 / 奖项出资", "项目名称", "类型", "金额/估值", "状态",
                                               "已到账", "配捐", "说明"], [18, 30, 30, 10, 14, 10, 14, 14, 30])
    receipts = _Sheet(book, STATEMENT_RECEIPTS, ["到账日期", "项目名称", "金额", "收款方", "凭证号"], [12, 30, 14, 20, 24])
    for line in statement.lines:
        p = line.pledge
        where = p.session.title if p.session else f"{p.application.call.title} 奖项出资"
        note = p.in_kind_description if p.kind.value == "in_kind" else ("认领" if p.is_claim else "")
        pledges.append([_local(p.created_at), where, p.application.title, str(p.kind.label), p.amount, str(p.status.label),
                        line.received, line.match, note])
        for receipt in line.receipts:
            receipts.append([receipt.received_on, p.application.title, receipt.amount, str(receipt.payee.label),
                             receipt.reference])
    return _bytes(book)
