"""Excel workbooks: a round's 评分汇总表 (the ranking, then one sheet per judge) and a call's 获奖名单.

Every total is the one round_results computed — the same Decimal the results page shows — written
as a number with two decimals, so the workbook and the page never disagree.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import Assignment, Round, ScoreSheet, SheetStatus
from ..extensions import db
from ..types import to_local
from .aggregation import money2
from .awards import call_awards
from .results import round_results

SUMMARY_TITLE = "评分汇总表"
NUMBER_FORMAT = "0.00"
SHEET_NAME_MAX = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def unique_sheet_name(name: str, used: set[str]) -> str:
    """An Excel-safe sheet name (≤ 31 characters, none of []:*?/\\), unique ignoring case."""
    base = _FORBIDDEN.sub("_", name).strip().strip("'") or "评委"
    candidate, n = base[:SHEET_NAME_MAX], 1
    while candidate.lower() in used:
        n += 1
        suffix = f"（{n}）"
        candidate = base[:SHEET_NAME_MAX - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def download_name(round_: Round) -> str:
    return f"{round_.call.title}-{round_.name}-评分汇总.xlsx"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Writer:
    """Rows of a write-only sheet: Decimals as numbers with two decimals, the header in bold."""

    def __init__(self, sheet, headers: list[str], widths: list[int]):
        self.sheet = sheet
        for index, width in enumerate(widths):
            sheet.column_dimensions[_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        self.append(headers, bold=True)

    def cell(self, value, bold: bool = False):
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, Decimal):
            cell.value = money2(value)  # as the page shows it: 0.01, half up
            cell.number_format = NUMBER_FORMAT
        elif hasattr(value, "strftime"):
            cell.number_format = "yyyy-mm-dd hh:mm"
        if bold:
            cell.font = Font(bold=True)
        return cell

    def append(self, values: list, bold: bool = False) -> None:
        self.sheet.append([self.cell(value, bold) for value in values])


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _judge_headers(judges) -> list[str]:
    names = [judge.name for judge in judges]
    return [name if names.count(name) == 1 else f"{name}（#{judge.judge_id}）" for name, judge in zip(names, judges)]


def _rank_label(row) -> str:
    note = "并列" if row.tied else ""
    return "；".join(part for part in (note, row.tie_note) if part)


def _write_summary(book: Workbook, results) -> None:
    judges = results.judges
    headers = ["排名", "申报编号", "项目名称", "申报组织", *(f"{h}（合计）" for h in _judge_headers(judges)),
               "综合得分", "离散度（标准差）", "并列说明"]
    writer = _Writer(book.create_sheet(SUMMARY_TITLE), headers, [6, 14, 30, 24, *[12] * len(judges), 10, 10, 30])
    for row in results.rows:
        totals = {sheet.judge_id: sheet.total for sheet in row.sheets}
        writer.append([
            row.rank, row.reference, row.title, row.organization_name,
            *(totals.get(judge.judge_id) for judge in judges),
            row.aggregate, row.spread, _rank_label(row),
        ])


def _sheet_facts(round_id: int) -> tuple[dict, dict]:
    """(judge, application) → (comment, status, submitted_at) of every sheet; judge → assigned application ids."""
    sheets = {
        (judge_id, app_id): (comment, status, submitted_at)
        for judge_id, app_id, comment, status, submitted_at in db.session.execute(
            sa.select(ScoreSheet.judge_id, ScoreSheet.application_id, ScoreSheet.comment, ScoreSheet.status,
                      ScoreSheet.submitted_at).where(ScoreSheet.round_id == round_id)
        )
    }
    assigned: dict[int, set[int]] = {}
    for judge_id, app_id in db.session.execute(
        sa.select(Assignment.judge_id, Assignment.application_id).where(Assignment.round_id == round_id)
    ):
        assigned.setdefault(judge_id, set()).add(app_id)
    return sheets, assigned


def _write_judges(book: Workbook, results, used: set[str]) -> None:
    criteria = results.criteria
    sheets, assigned = _sheet_facts(results.round.id)
    by_judge: dict[int, list] = {}
    for row in results.rows:  # rank order
        for sheet in row.sheets:
            by_judge.setdefault(sheet.judge_id, []).append((row, sheet))
    rows_by_app = {row.application_id: row for row in results.rows}
    order = {app_id: index for index, app_id in enumerate(rows_by_app)}
    headers = ["申报编号", "项目名称", "申报组织",
               *(f"{c.name}（满分 {c.max_score.normalize():f}，权重 {c.weight.normalize():f}）" for c in criteria),
               "加权合计", "评语", "提交时间", "状态"]
    widths = [14, 30, 24, *[12] * len(criteria), 10, 40, 18, 8]
    for judge in results.judges:
        writer = _Writer(book.create_sheet(unique_sheet_name(judge.name, used)), headers, widths)
        done = set()
        for row, sheet in by_judge.get(judge.judge_id, []):
            comment, _, submitted_at = sheets.get((judge.judge_id, row.application_id), ("", None, None))
            writer.append([
                row.reference, row.title, row.organization_name,
                *(sheet.by_criterion.get(c.id) for c in criteria),
                sheet.total, comment, _local(sheet.submitted_at or submitted_at), SheetStatus.SUBMITTED.label,
            ])
            done.add(row.application_id)
        waiting = [app_id for app_id in assigned.get(judge.judge_id, set()) - done if app_id in rows_by_app]
        for app_id in sorted(waiting, key=order.__getitem__):
            row = rows_by_app[app_id]
            _, status, _ = sheets.get((judge.judge_id, app_id), ("", None, None))
            state = SheetStatus.DRAFT.label if status == SheetStatus.DRAFT else "未评分"
            writer.append([row.reference, row.title, row.organization_name, *([None] * len(criteria)),
                           None, "", None, state])


def _local(moment):
    local = to_local(moment)
    return local.replace(tzinfo=None) if local else None


def round_workbook(round_: Round) -> bytes:
    """The .xlsx bytes: 评分汇总表 first, then one sheet per judge of the round."""
    results = round_results(round_)
    book = Workbook(write_only=True)
    used = {SUMMARY_TITLE.lower()}
    _write_summary(book, results)
    _write_judges(book, results, used)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


AWARDS_TITLE = "获奖名单"


def awards_download_name(call) -> str:
    return f"{call.title}-获奖名单.xlsx"


def awards_workbook(call) -> bytes:
    """获奖名单: every award of the call in tier order (tier, rank, reference, project, applicant,
    创投资金), then the total — the figures of the awards page."""
    book = Workbook(write_only=True)
    headers = ["奖项", "排名", "申报编号", "项目名称", "申报单位", "创投资金（元）"]
    writer = _Writer(book.create_sheet(AWARDS_TITLE), headers, [20, 6, 14, 30, 28, 14])
    total = Decimal("0.00")
    for award in call_awards(call):
        application = award.application
        writer.append([award.tier.name, award.rank, application.reference, application.title,
                       application.organization.name, award.tier.amount])
        total += award.tier.amount
    writer.append(["合计", None, None, None, None, total], bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
