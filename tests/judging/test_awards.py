"""Awards from the final ranking: the proposal, the committee's choice, places, totals vs the pool."""
from __future__ import annotations

from decimal import Decimal

import pytest

from portal.audit import AuditEvent
from portal.calls.models import CallStatus
from portal.errors import DomainError, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.judging import awards
from portal.judging.models import Award

from ..conftest import login
from ..factories import make_application, make_assignment, make_entry, make_round, make_sheet
from .award_helpers import judged_call


def test_proposal_fills_regular_tiers_in_order_by_rank_and_skips_unranked(app):
    w = judged_call(scores=(70, 90, None, 80, 60))
    proposal = awards.propose_awards(w.call)
    first, second, _popularity = w.tiers
    assert [(t.name, a.title, rank) for t, a, rank in proposal] == [
        ("一等奖", "项目1", 1), ("二等奖", "项目3", 2), ("二等奖", "项目0", 3),
    ]
    assert all(t.id != _popularity.id for t, _, _ in proposal)


def test_proposal_stops_when_the_ranking_runs_out(app):
    w = judged_call(scores=(50, None))
    assert [(t.name, a.title) for t, a, _ in awards.propose_awards(w.call)] == [("一等奖", "项目0")]


def test_the_proposal_comes_from_the_last_round(app):
    w = judged_call(scores=(90, 80, 70))
    final = make_round(w.call, 2, name="路演", criteria=[("现场", 100)])
    make_entry(final, w.apps[2])
    make_assignment(final, w.apps[2], w.judge)
    make_sheet(final, w.apps[2], w.judge, values=[99])
    db.session.commit()
    assert [a.title for _, a, _ in awards.propose_awards(w.call)] == ["项目2"]
    with pytest.raises(ValidationFailed) as failure:  # round 1's winner did not reach the last round
        awards.assign_awards(w.committee, w.call, [(w.tiers[0].id, w.apps[0].id)])
    assert failure.value.errors == {f"tier{w.tiers[0].id}": ["只能从最后一轮的参评项目中选择。"]}


def test_assign_replaces_the_choice_and_is_audited(app):
    w = judged_call()
    first, second, _ = w.tiers
    awards.assign_awards(w.committee, w.call, [(first.id, w.apps[0].id), (second.id, w.apps[1].id)])
    awards.assign_awards(w.committee, w.call, [(first.id, w.apps[1].id), (second.id, w.apps[2].id), (second.id, w.apps[3].id)])
    rows = db.session.scalars(db.select(Award).order_by(Award.tier_id, Award.application_id)).all()
    assert [(a.tier_id, a.application_id, a.rank) for a in rows] == [
        (first.id, w.apps[1].id, 2), (second.id, w.apps[2].id, 3), (second.id, w.apps[3].id, 4)]
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "awards.assigned")).all()
    assert len(events) == 2 and events[1].data["before"] == [[first.id, w.apps[0].id], [second.id, w.apps[1].id]]


def test_assign_respects_places_and_one_regular_tier_per_application(app):
    w = judged_call()
    first, second, popularity = w.tiers
    with pytest.raises(ValidationFailed) as failure:
        awards.assign_awards(w.committee, w.call, [(first.id, w.apps[0].id), (first.id, w.apps[1].id)])
    assert failure.value.errors == {f"tier{first.id}": ["“一等奖”只有 1 个名额。"]}
    with pytest.raises(ValidationFailed) as failure:
        awards.assign_awards(w.committee, w.call, [(first.id, w.apps[0].id), (second.id, w.apps[0].id)])
    assert failure.value.errors == {f"tier{second.id}": ["同一个项目只能获得一个奖项（人气奖除外）。"]}
    with pytest.raises(DomainError, match="人气奖"):
        awards.assign_awards(w.committee, w.call, [(popularity.id, w.apps[0].id)])
    outsider = make_application(call=w.call, title="未入围")
    with pytest.raises(ValidationFailed):
        awards.assign_awards(w.committee, w.call, [(second.id, outsider.id)])
    assert db.session.scalar(db.select(db.func.count(Award.id))) == 0


def test_only_the_committee_and_only_while_judging(app):
    w = judged_call()
    with pytest.raises(PermissionDenied):
        awards.assign_awards(w.owners[0], w.call, [(w.tiers[0].id, w.apps[0].id)])
    w.call.status = CallStatus.NOTICE
    db.session.commit()
    with pytest.raises(DomainError, match="评审中"):
        awards.assign_awards(w.committee, w.call, [(w.tiers[0].id, w.apps[0].id)])


def test_summary_per_tier_and_total_against_the_pool(app):
    w = judged_call(pool="80000.00")
    first, second, _ = w.tiers
    awards.assign_awards(w.committee, w.call, [(first.id, w.apps[0].id), (second.id, w.apps[1].id)])
    summary = awards.award_summary(w.call)
    assert [(line.tier.name, line.places, len(line.awarded), line.subtotal) for line in summary.tiers] == [
        ("一等奖", 1, 1, Decimal("50000.00")), ("二等奖", 2, 1, Decimal("20000.00")), ("人气奖", 1, 0, Decimal("0.00"))]
    assert summary.total == Decimal("70000.00") and not summary.over_pool and summary.warning == ""
    awards.assign_awards(w.committee, w.call, [(first.id, w.apps[0].id), (second.id, w.apps[1].id),
                                               (second.id, w.apps[2].id)])
    summary = awards.award_summary(w.call)
    assert summary.total == Decimal("90000.00") and summary.over_pool
    assert "¥90,000.00（9.00 万元）" in summary.warning and "¥10,000.00" in summary.warning


def test_awards_page_prefills_the_proposal_and_saves_the_choice(app, client):
    w = judged_call(pool="60000.00")
    first, second, _ = w.tiers
    login(client, w.committee)
    page = client.get(f"/judging/calls/{w.call.id}/awards").get_data(as_text=True)
    assert "已按最后一轮的排名预填" in page
    assert f'<option value="{w.apps[0].id}" selected' in page and "第 1 名" in page
    response = client.post(f"/judging/calls/{w.call.id}/awards",
                           data={f"tier{first.id}": [str(w.apps[0].id)], f"tier{second.id}": [str(w.apps[1].id), ""]})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "奖项已保存" in page and "超出创投资金总额" in page  # 70,000 > 60,000
    assert {(a.tier_id, a.application_id) for a in db.session.scalars(db.select(Award))} == {
        (first.id, w.apps[0].id), (second.id, w.apps[1].id)}
    bad = client.post(f"/judging/calls/{w.call.id}/awards",
                      data={f"tier{first.id}": [str(w.apps[0].id)], f"tier{second.id}": [str(w.apps[0].id)]})
    assert bad.status_code == 400 and "同一个项目只能获得一个奖项" in bad.get_data(as_text=True)


def test_other_committees_and_ngos_cannot_open_the_awards_page(app, client):
    w = judged_call()
    login(client, w.owners[0])
    assert client.get(f"/judging/calls/{w.call.id}/awards").status_code == 403
