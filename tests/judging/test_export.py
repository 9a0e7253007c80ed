"""The round's Excel workbook (评分汇总表): it opens, and its totals are the results page's."""
from __future__ import annotations

import io
import re
from decimal import Decimal
from urllib.parse import quote

from openpyxl import load_workbook

from portal.judging.export import SUMMARY_TITLE, round_workbook, unique_sheet_name
from portal.judging.results import round_results

from ..conftest import login
from .test_results_views import FOUR, page_figures, results_url, scored_round


def as_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_summary_sheet_equals_round_results_row_by_row(app):
    data = scored_round(FOUR)
    expected = round_results(data.round)
    book = load_workbook(io.BytesIO(round_workbook(data.round)))
    assert book.sheetnames[0] == SUMMARY_TITLE
    summary = book[SUMMARY_TITLE]
    header = [cell.value for cell in summary[1]]
    judge_columns = {judge.judge_id: header.index(f"{judge.name}（合计）") for judge in expected.judges}
    aggregate_column, spread_column = header.index("综合得分"), header.index("离散度（标准差）")
    rows = list(summary.iter_rows(min_row=2))
    assert len(rows) == len(expected.rows)
    for cells, row in zip(rows, expected.rows):
        assert cells[0].value == row.rank
        assert cells[1].value == row.reference and cells[2].value == row.title
        assert as_decimal(cells[aggregate_column].value) == row.aggregate
        assert cells[aggregate_column].number_format == "0.00"
        assert as_decimal(cells[spread_column].value) == row.spread
        totals = {sheet.judge_id: sheet.total for sheet in row.sheets}
        for judge_id, column in judge_columns.items():
            assert as_decimal(cells[column].value) == totals.get(judge_id)


def test_each_judge_has_a_sheet_with_scores_totals_and_comments(app):
    data = scored_round(FOUR)
    expected = round_results(data.round)
    book = load_workbook(io.BytesIO(round_workbook(data.round)))
    assert book.sheetnames == [SUMMARY_TITLE, "评委A", "评委B", "评委C"]
    judge_c = next(j for j in expected.judges if j.name == "评委C")
    sheet = book["评委C"]
    header = [cell.value for cell in sheet[1]]
    assert header[3].startswith("必要性") and header[4].startswith("可行性")
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    for row in expected.rows:
        cells = rows[row.reference]
        mine = next((s for s in row.sheets if s.judge_id == judge_c.judge_id), None)
        if mine is None:  # assigned, never submitted
            assert cells[5].value is None and cells[-1].value == "未评分"
            continue
        assert as_decimal(cells[5].value) == mine.total
        assert [as_decimal(c.value) for c in cells[3:5]] == [mine.by_criterion[c.id] for c in expected.criteria]
        assert cells[-1].value == "已提交" and cells[7].value is not None


def test_the_download_matches_the_page_and_is_named_after_call_and_round(app, client):
    data = scored_round(FOUR)
    login(client, data.committee)
    _, page_aggregates = page_figures(client.get(results_url(data.round)).get_data(as_text=True))
    response = client.get(f"/judging/rounds/{data.round.id}/results.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"{data.call.title}-初审-评分汇总.xlsx"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"round-") and f"filename*=UTF-8''{quote(name)}" in disposition
    summary = load_workbook(io.BytesIO(response.data))[SUMMARY_TITLE]
    column = [cell.value for cell in summary[1]].index("综合得分")
    assert [str(as_decimal(r[column].value)) for r in summary.iter_rows(min_row=2)] == page_aggregates


def test_sheet_names_are_short_safe_and_unique():
    used = {SUMMARY_TITLE.lower()}
    long_name = "中华人民共和国民政部社会组织管理局特邀评审专家委员会委员张三丰"
    first = unique_sheet_name(long_name, used)
    second = unique_sheet_name(long_name, used)
    assert len(first) == 31 and len(second) <= 31 and first != second
    assert not re.search(r"[\[\]:*?/\\]", unique_sheet_name("王[专家]/副主任?", used))
    assert unique_sheet_name("评分汇总表", used) != SUMMARY_TITLE
    assert unique_sheet_name("", used)


def test_the_final_awards_export_lists_tier_project_applicant_and_funding_with_the_total(app, client):
    from portal.judging import awards

    from .award_helpers import judged_call

    w = judged_call()
    awards.assign_awards(w.committee, w.call, [(w.tiers[0].id, w.apps[0].id), (w.tiers[1].id, w.apps[1].id),
                                               (w.tiers[1].id, w.apps[2].id)])
    login(client, w.committee)
    response = client.get(f"/judging/calls/{w.call.id}/awards.xlsx")
    assert response.status_code == 200
    assert f"filename*=UTF-8''{quote(w.call.title + '-获奖名单.xlsx')}" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data))["获奖名单"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["奖项", "排名", "申报编号", "项目名称", "申报单位", "创投资金（元）"]
    assert [(r[0], r[3], r[4]) for r in rows[1:4]] == [
        ("一等奖", "项目0", w.apps[0].organization.name), ("二等奖", "项目1", w.apps[1].organization.name),
        ("二等奖", "项目2", w.apps[2].organization.name)]
    assert [as_decimal(r[5]) for r in rows[1:]] == [Decimal("50000.00"), Decimal("20000.00"), Decimal("20000.00"),
                                                   Decimal("90000.00")]
    assert rows[-1][0] == "合计"
    assert "导出获奖名单" in client.get(f"/judging/calls/{w.call.id}/awards").get_data(as_text=True)
