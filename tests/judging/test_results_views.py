"""The committee's results page of a round, what-if, locking and advancing into the next round."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.audit import AuditEvent
from portal.calls.models import CallStatus
from portal.judging.models import Advancement, RoundStatus
from portal.errors import DomainError, InvalidTransition, PermissionDenied
from portal.extensions import db
from portal.judging import advancement
from portal.judging.aggregation import money2
from portal.judging.models import RoundEntry
from portal.judging.results import round_results
from portal.types import utcnow

from ..conftest import login
from ..factories import (
    make_application,
    make_assignment,
    make_call,
    make_call_judge,
    make_entry,
    make_member,
    make_round,
    make_sheet,
    make_user,
)

# total = 4 × 必要性 + 6 × 可行性, at most 100
RUBRIC = [("必要性", 10, 4), ("可行性", 10, 6)]


@dataclass
class Scored:
    committee: object
    call: object
    round: object
    next_round: object | None
    apps: list
    judges: list


def scored_round(scores: list[list[tuple | None]], next_round: bool = True, **round_kw) -> Scored:
    """A judging call whose round 1 has one application per line of `scores`, each line giving every
    judge's (必要性, 可行性) — None: assigned, not submitted. Round 2 is planned when next_round."""
    committee_user = make_member(OrgKind.COMMITTEE, name="团市委干部")
    now = utcnow()
    call = make_call(committee=committee_user.memberships[0].organization, status=CallStatus.JUDGING,
                     opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=10))
    round_ = make_round(call, 1, name="初审", criteria=RUBRIC, **round_kw)
    second = make_round(call, 2, name="复审", criteria=RUBRIC, status=RoundStatus.PLANNED) if next_round else None
    n_judges = max(len(line) for line in scores)
    judges = [make_call_judge(call, make_user(name=f"评委{chr(65 + i)}", is_judge=True)) for i in range(n_judges)]
    apps = []
    for index, line in enumerate(scores):
        app = make_application(call=call, status=ApplicationStatus.ELIGIBLE, title=f"参评项目{index + 1:03d}")
        make_entry(round_, app, index + 1)
        for judge, values in zip(judges, line):
            make_assignment(round_, app, judge)
            if values is not None:
                make_sheet(round_, app, judge, values=list(values))
        apps.append(app)
    db.session.commit()
    return Scored(committee_user, call, round_, second, apps, judges)


def results_url(round_, **args) -> str:
    return f"/judging/rounds/{round_.id}/results" + ("?" + "&".join(f"{k}={v}" for k, v in args.items()) if args else "")


def page_figures(html: str) -> tuple[list[str], list[str]]:
    ranks = re.findall(r'class="result-rank">([^<]*)<', html)
    aggregates = re.findall(r'result-aggregate">([^<]*)<', html)
    return ranks, aggregates


FOUR = [[(9, 9), (8, 9), (9, 8)], [(5, 5), (6, 5), (5, 6)], [(7, 7), (7, 8), (8, 7)], [(3, 4), (4, 3), None]]


def test_ranking_page_shows_the_ranks_and_aggregates_of_round_results(app, client):
    data = scored_round(FOUR)
    login(client, data.committee)
    html = client.get(results_url(data.round)).get_data(as_text=True)
    expected = round_results(data.round)
    ranks, aggregates = page_figures(html)
    assert ranks == [str(row.rank) for row in expected.rows]
    assert aggregates == [str(row.aggregate) for row in expected.rows]
    assert [a.title for a in data.apps] != [row.title for row in expected.rows]  # really reordered
    assert expected.tie_rule_text in html
    for row in expected.rows:
        assert row.title in html and row.reference in html
        for sheet in row.sheets:
            assert f'<span class="sheet-total">{money2(sheet.total)}</span>' in html
    # the judges panel: completion and the what-if selector
    assert "评委A" in html and "4 / 4" in html and "3 / 4" in html
    assert 'name="without"' in html
    assert f'/judging/rounds/{data.round.id}/results.xlsx' in html


def test_an_outlying_sheet_is_flagged_with_its_reason(app, client):
    lines = [[(8, 8), (8, 8), (8, 8)] for _ in range(6)] + [[(9, 9), (9, 9), (1, 1)]]
    data = scored_round(lines)
    results = round_results(data.round)
    assert any(sheet.outlier for row in results.rows for sheet in row.sheets)
    login(client, data.committee)
    html = client.get(results_url(data.round)).get_data(as_text=True)
    assert html.count('title="偏离其他评委超过 2 个标准差"') == sum(s.outlier for r in results.rows for s in r.sheets)


def test_equal_applications_are_shown_as_tied(app, client):
    data = scored_round([[(8, 8), (8, 8)], [(8, 8), (8, 8)], [(5, 5), (5, 5)]])
    login(client, data.committee)
    html = client.get(results_url(data.round)).get_data(as_text=True)
    ranks, _ = page_figures(html)
    assert ranks == ["1", "1", "3"]
    assert html.count('<span class="badge bg-secondary">并列</span>') == 2


def test_the_ranking_is_paginated_and_its_query_count_does_not_grow(app, client, count_queries):
    small = scored_round([[(5, 5)]] * 3)
    large = scored_round([[(i % 10, (i * 7) % 10)] for i in range(105)])
    login(client, large.committee)
    with count_queries() as counter:
        first = client.get(results_url(large.round)).get_data(as_text=True)
    large_count = counter.count
    ranks, _ = page_figures(first)
    assert len(ranks) == 100 and "1 / 2" in first
    second = client.get(results_url(large.round, page=2)).get_data(as_text=True)
    assert len(page_figures(second)[0]) == 5
    assert page_figures(second)[1] == [str(r.aggregate) for r in round_results(large.round).rows[100:]]
    assert client.get(results_url(large.round, page="x")).status_code == 200
    login(client, small.committee)
    with count_queries() as counter:
        client.get(results_url(small.round))
    assert large_count == counter.count


def test_another_committee_cannot_see_the_results(app, client):
    data = scored_round(FOUR)
    stranger = make_member(OrgKind.COMMITTEE, name="另一个主办方")
    db.session.commit()
    login(client, stranger)
    assert client.get(results_url(data.round)).status_code == 403
    assert client.get(f"/judging/rounds/{data.round.id}/results.xlsx").status_code == 403
    assert client.post(f"/judging/rounds/{data.round.id}/lock").status_code == 403
    assert db.session.get(type(data.round), data.round.id).status == RoundStatus.OPEN


def test_what_if_lists_the_rank_changes_without_a_judge(app, client):
    # with 评委A: 项目001 (90, 50 → 70) is first; without A: 项目002 (70) beats 项目001 (50)
    data = scored_round([[(9, 9), (5, 5)], [(6, 6), (7, 7)]])
    login(client, data.committee)
    judge_a = data.judges[0]
    html = client.get(f"/judging/rounds/{data.round.id}/results/what-if?without={judge_a.id}").get_data(as_text=True)
    assert "去掉“评委A”的评分后的排名" in html
    assert "2 个项目的排名会变化" in html
    assert html.index("参评项目002") < html.index("参评项目001")
    assert "↑ 1" in html and "↓ 1" in html
    response = client.get(f"/judging/rounds/{data.round.id}/results/what-if?without=abc")
    assert response.status_code == 302


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_locking_records_the_ranking_and_refuses_twice(app, client):
    data = scored_round(FOUR)
    expected = round_results(data.round)
    login(client, data.committee)
    response = client.post(f"/judging/rounds/{data.round.id}/lock", follow_redirects=True)
    assert "已锁定" in response.get_data(as_text=True)
    db.session.expire_all()
    assert data.round.status == RoundStatus.LOCKED and data.round.locked_at is not None
    [event] = _events("round.locked")
    assert event.entity_id == data.round.id
    assert event.data["ranking"] == [
        {"application_id": r.application_id, "aggregate": str(r.aggregate) if r.aggregate is not None else None,
         "rank": r.rank} for r in expected.rows
    ]
    with pytest.raises(InvalidTransition):
        advancement.lock_round(data.committee, data.round)
    html = client.post(f"/judging/rounds/{data.round.id}/lock", follow_redirects=True).get_data(as_text=True)
    assert "不能从“已锁定”变为“已锁定”" in html


def test_advancing_creates_entries_in_rank_order_and_audits_once(app):
    data = scored_round(FOUR)
    advancement.lock_round(data.committee, data.round)
    ranked = [row.application_id for row in round_results(data.round).rows]
    chosen = list(reversed(ranked[:3]))  # any order in, rank order out
    assert advancement.advance(data.committee, data.round, chosen) == 3
    entries = list(db.session.scalars(
        sa.select(RoundEntry).where(RoundEntry.round_id == data.next_round.id).order_by(RoundEntry.position)
    ))
    assert [(e.application_id, e.position) for e in entries] == [(app_id, i + 1) for i, app_id in enumerate(ranked[:3])]
    flags = dict(db.session.execute(
        sa.select(RoundEntry.application_id, RoundEntry.advanced).where(RoundEntry.round_id == data.round.id)
    ).all())
    assert flags == {app_id: app_id in ranked[:3] for app_id in ranked}
    [event] = _events("round.advanced")
    assert event.data["application_ids"] == ranked[:3] and event.data["to_round_id"] == data.next_round.id

    # again, with one more: only the missing one is added, after the others
    assert advancement.advance(data.committee, data.round, [str(i) for i in ranked]) == 1
    positions = dict(db.session.execute(
        sa.select(RoundEntry.application_id, RoundEntry.position).where(RoundEntry.round_id == data.next_round.id)
    ).all())
    assert positions == {app_id: i + 1 for i, app_id in enumerate(ranked)}
    assert _events("round.advanced")[-1].data["application_ids"] == [ranked[3]]


@pytest.mark.parametrize("case, message", [
    ("open", "请先锁定本轮评分"),
    ("last", "没有可以晋级的下一轮"),
    ("empty", "请至少选择一个晋级项目"),
    ("stranger", "不在本轮"),
    ("junk", "所选项目无效"),
])
def test_advancing_is_refused_with_a_reason(app, case, message):
    data = scored_round(FOUR, next_round=case != "last")
    if case != "open":
        advancement.lock_round(data.committee, data.round)
    other = make_application(call=data.call, status=ApplicationStatus.ELIGIBLE, title="不在本轮的项目")
    ids = {"empty": [], "stranger": [data.apps[0].id, other.id], "junk": ["9" * 40]}.get(case, [data.apps[0].id])
    with pytest.raises(DomainError) as refused:
        advancement.advance(data.committee, data.round, ids)
    assert message in refused.value.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundEntry).where(
        RoundEntry.application_id == data.apps[0].id, RoundEntry.advanced.is_(True))) == 0
    assert not _events("round.advanced")


def test_only_the_committee_of_the_call_locks_and_advances(app):
    data = scored_round(FOUR)
    stranger = make_member(OrgKind.COMMITTEE, name="另一个主办方")
    with pytest.raises(PermissionDenied):
        advancement.lock_round(stranger, data.round)
    advancement.lock_round(data.committee, data.round)
    with pytest.raises(PermissionDenied):
        advancement.advance(data.judges[0], data.round, [data.apps[0].id])


def test_proposed_advancers_follow_the_round_rule(app):
    data = scored_round(FOUR, advancement=Advancement.TOP_N, advancement_value=Decimal("2"))
    results = round_results(data.round)
    ranked = [row.application_id for row in results.rows]
    assert advancement.proposed_advancers(results) == ranked[:2]
    data.round.advancement, data.round.advancement_value = Advancement.THRESHOLD, results.rows[2].aggregate
    assert advancement.proposed_advancers(results) == ranked[:3]
    data.round.advancement = Advancement.MANUAL
    assert advancement.proposed_advancers(results) == []


def test_the_page_proposes_then_advances_through_the_form(app, client):
    data = scored_round(FOUR, advancement=Advancement.TOP_N, advancement_value=Decimal("2"))
    login(client, data.committee)
    html = client.get(results_url(data.round)).get_data(as_text=True)
    assert html.count(" checked disabled") == 2 and 'id="advance-form"' not in html
    client.post(f"/judging/rounds/{data.round.id}/lock")
    html = client.get(results_url(data.round)).get_data(as_text=True)
    assert 'id="advance-form"' in html and html.count('form="advance-form"') == 4
    ranked = [row.application_id for row in round_results(data.round).rows]
    response = client.post(f"/judging/rounds/{data.round.id}/advance",
                           data={"application_id": [str(ranked[0]), str(ranked[1])]}, follow_redirects=True)
    assert "已晋级 2 个项目到下一轮" in response.get_data(as_text=True)
    assert response.get_data(as_text=True).count("已晋级</span>") == 2
    refused = client.post(f"/judging/rounds/{data.round.id}/advance", data={"application_id": "x"}, follow_redirects=True)
    assert "所选项目无效" in refused.get_data(as_text=True)


def test_tie_notes_on_the_page_say_why_in_the_pages_language(app):
    # Both average 75: (5,5)/(10,10) → 50 and 100 (spread 25); (7.5,7.5) twice → 75 and 75 (spread 0).
    w = scored_round([[(5, 5), (10, 10)], [("7.5", "7.5"), ("7.5", "7.5")]])
    client = app.test_client()
    login(client, w.committee)
    rows = round_results(w.round).rows
    html = client.get(results_url(w.round)).get_data(as_text=True)
    assert rows[0].tie_note and rows[0].tie_note in html and rows[1].tie_note in html  # the Chinese, as computed
    client.get("/language/en")
    from flask_babel import refresh

    refresh()
    english = client.get(results_url(w.round)).get_data(as_text=True)
    assert f"Level with {rows[1].reference} at 75.00; the judges agree more closely (spread 0.00 vs 25.00)" in english
