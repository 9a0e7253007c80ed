"""The committee's judging set-up: rounds, rubrics, copying a rubric, award tiers (judging.rounds, rubrics, award_tiers + pages)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrgKind
from portal.audit import AuditEvent
from portal.judging import award_tiers, rounds, rubrics
from portal.calls.models import CallStatus
from portal.judging.models import Advancement, AwardTier, Round, RoundStatus
from portal.errors import DomainError, PermissionDenied, ValidationFailed
from portal.extensions import db

from ..factories import make_application, make_call, make_member, make_round, make_sheet, make_user

RUBRIC = [
    {"name": "必要性", "guidance": "需求是否真实", "max_score": "20", "weight": "1.5", "breaks_ties": False},
    {"name": "可行性", "guidance": "", "max_score": "30", "weight": "", "breaks_ties": True},
]


@pytest.fixture
def committee(app):
    return make_member(OrgKind.COMMITTEE, name="团市委干部")


@pytest.fixture
def call(committee):
    call = make_call(committee=committee.memberships[0].organization, status=CallStatus.CLOSED)
    db.session.commit()
    return call


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def new_round(user, call, **data):
    return rounds.create_round(user, call, {"name": "初审", **data})


# --- rounds ----------------------------------------------------------------------------------------

def test_rounds_are_created_in_order_with_shanghai_times(committee, call):
    first = new_round(committee, call, opens_at=datetime(2026, 6, 1, 9, 0), closes_at=datetime(2026, 6, 10, 17, 0),
                      blind="y", judges_per_application="5", advancement="top_n", advancement_value="10")
    second = new_round(committee, call, name="决赛路演", kind="pitch", pitch_seconds="600")
    assert (first.position, second.position) == (1, 2)
    assert first.opens_at.hour == 1 and first.closes_at.hour == 9  # 09:00 / 17:00 in Shanghai
    assert first.blind and first.judges_per_application == 5 and first.advancement_value == Decimal("10")
    assert second.kind.value == "pitch" and second.pitch_seconds == 600 and second.status == RoundStatus.PLANNED
    assert first.outlier_sd == Decimal("2.00") and second.advancement_value is None
    assert actions() == ["round.created", "round.created"]


def test_a_live_pitch_keeps_its_day_and_venue_shown_to_judges_and_on_the_call_page(committee, call, client):
    final = new_round(committee, call, name="决赛路演", kind="pitch", held_at=datetime(2026, 7, 22, 14, 0),
                      venue="平湖市青少年宫报告厅")
    assert final.held_at.hour == 6 and final.venue == "平湖市青少年宫报告厅"  # 14:00 in Shanghai
    with pytest.raises(ValidationFailed) as refused:
        rounds.update_round(committee, final, {"venue": "厅" * 201})
    db.session.rollback()
    assert "venue" in refused.value.errors
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "决赛路演" in page and "2026-07-22 14:00" in page and "平湖市青少年宫报告厅" in page
    assert rounds.announced_pitches(call) == [final]


@pytest.mark.parametrize("data, field, message", [
    ({"name": "  "}, "name", "请填写轮次名称"),
    ({"name": "长" * 61}, "name", "最多 60 个字"),
    ({"kind": "<script>"}, "kind", "请从列表中选择"),
    ({"aggregation": "median"}, "aggregation", "请从列表中选择"),
    ({"trim_min_sheets": "2"}, "trim_min_sheets", "3 到 100"),
    ({"judges_per_application": "0"}, "judges_per_application", "1 到 50"),
    ({"judges_per_application": "两位"}, "judges_per_application", "整数"),
    ({"outlier_sd": "0"}, "outlier_sd", "大于 0"),
    ({"pitch_seconds": "9" * 40}, "pitch_seconds", "30 到 3600"),
    ({"opens_at": datetime(2026, 6, 2), "closes_at": datetime(2026, 6, 1)}, "closes_at", "晚于开始时间"),
    ({"advancement": "top_n"}, "advancement_value", "请填写晋级名额"),
    ({"advancement": "top_n", "advancement_value": "2.5"}, "advancement_value", "整数"),
    ({"advancement": "top_n", "advancement_value": "0"}, "advancement_value", "1 到 9999"),
    ({"advancement": "threshold", "advancement_value": ""}, "advancement_value", "请填写晋级分数线"),
    ({"advancement": "threshold", "advancement_value": "80.123"}, "advancement_value", "两位小数"),
    ({"advancement": "threshold", "advancement_value": "NaN"}, "advancement_value", "大于 0"),
])
def test_each_bad_round_field_gets_its_own_message(committee, call, data, field, message):
    with pytest.raises(ValidationFailed) as caught:
        new_round(committee, call, **data)
    assert message in " ".join(caught.value.errors[field])
    assert db.session.scalar(sa.select(sa.func.count(Round.id))) == 0


def test_threshold_may_not_exceed_the_rubric_total_and_manual_keeps_no_value(committee, call):
    round_ = make_round(call, 1, status=RoundStatus.PLANNED, criteria=[("必要性", 40), ("可行性", 30, 2)])  # 100
    with pytest.raises(ValidationFailed) as caught:
        rounds.update_round(committee, round_, {"advancement": "threshold", "advancement_value": "100.5"})
    assert "满分 100.00" in caught.value.errors["advancement_value"][0]
    rounds.update_round(committee, round_, {"advancement": "threshold", "advancement_value": "75.5"})
    assert round_.advancement == Advancement.THRESHOLD and round_.advancement_value == Decimal("75.50")
    rounds.update_round(committee, round_, {"advancement": "manual", "advancement_value": "12"})
    assert round_.advancement_value is None
    assert rounds.rule_text(round_) == "人工选择"


def test_an_open_round_keeps_its_kind_blind_and_judges_and_a_locked_one_everything(committee, call):
    round_ = make_round(call, 1, status=RoundStatus.OPEN, blind=True)
    with pytest.raises(ValidationFailed) as caught:
        rounds.update_round(committee, round_, {"blind": False, "judges_per_application": "5"})
    assert set(caught.value.errors) == {"blind", "judges_per_application"}
    rounds.update_round(committee, round_, {"name": "初审（延期）", "blind": True, "closes_at": datetime(2030, 1, 1)})
    assert round_.name == "初审（延期）"
    round_.status = RoundStatus.LOCKED
    with pytest.raises(DomainError, match="已锁定"):
        rounds.update_round(committee, round_, {"name": "改名"})


def test_delete_renumbers_and_refuses_started_rounds(committee, call):
    r1, r2, r3 = (make_round(call, n, status=RoundStatus.PLANNED, name=f"第{n}轮") for n in (1, 2, 3))
    rounds.delete_round(committee, r2)
    assert [(r.name, r.position) for r in call.rounds] == [("第1轮", 1), ("第3轮", 2)]
    r1.status = RoundStatus.OPEN
    with pytest.raises(DomainError, match="尚未开始评分"):
        rounds.delete_round(committee, r1)
    call.status = CallStatus.FINAL
    with pytest.raises(DomainError, match="已公示"):
        rounds.delete_round(committee, r3)
    assert "round.deleted" in actions()


def test_move_swaps_planned_rounds_but_not_one_holding_entries(committee, call):
    r1 = make_round(call, 1, status=RoundStatus.PLANNED, name="初审")
    r2 = make_round(call, 2, status=RoundStatus.PLANNED, name="决赛")
    rounds.move_round(committee, r2, "up")
    assert [r.name for r in sorted(call.rounds, key=lambda r: r.position)] == ["决赛", "初审"]
    with pytest.raises(DomainError, match="已经是第一轮"):
        rounds.move_round(committee, r2, "up")
    call.status = CallStatus.JUDGING  # round 1 now holds the entries
    with pytest.raises(DomainError, match="不能调整顺序"):
        rounds.move_round(committee, r1, "up")
    assert r1.position == 2


def test_only_the_calls_committee_may_set_up(call, committee):
    outsider = make_member(OrgKind.COMMITTEE)
    with pytest.raises(PermissionDenied):
        new_round(outsider, call)
    with pytest.raises(PermissionDenied):
        award_tiers.save_award_tiers(make_user(), call, [])


# --- rubrics -------------------------------------------------------------------------------------

def test_rubric_rows_replace_the_criteria_and_weights_make_the_total(committee, call):
    round_ = make_round(call, 1, status=RoundStatus.PLANNED)
    old_ids = [c.id for c in round_.criteria]
    rubrics.save_rubric(committee, round_, RUBRIC)
    assert [(c.name, c.max_score, c.weight, c.breaks_ties) for c in round_.criteria] == [
        ("必要性", Decimal("20.00"), Decimal("1.50"), False), ("可行性", Decimal("30.00"), Decimal("1.00"), True)]
    assert round_.max_total == Decimal("60.00") and round_.tie_criterion.name == "可行性"
    assert [c.id for c in round_.criteria] == old_ids[:2]  # edited in place, the rest removed
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "round.rubric_saved"))
    assert event.data["max_total"] == "60.0000" and len(event.data["criteria"]) == 2


def test_live_max_total_follows_what_is_typed():
    assert rubrics.rubric_max_total(RUBRIC) == Decimal("60")
    typing = RUBRIC + [{"name": "创新性", "max_score": "12.5", "weight": "0.8"}, {"name": "半填", "max_score": "abc"}]
    assert rubrics.rubric_max_total(typing) == Decimal("70")
    assert rubrics.rubric_max_total([]) == 0


def test_rubric_errors_are_reported_per_row(committee, call):
    round_ = make_round(call, 1, status=RoundStatus.PLANNED)
    rows = [
        {"name": "", "max_score": "20"},
        {"name": "可行性", "max_score": "0", "weight": "-1", "breaks_ties": True},
        {"name": "可行性", "max_score": "abc", "breaks_ties": True},
    ]
    with pytest.raises(ValidationFailed) as caught:
        rubrics.save_rubric(committee, round_, rows)
    errors = caught.value.errors
    assert "请填写评分项名称" in errors["criteria-0-name"][0]
    assert "满分" in errors["criteria-1-max_score"][0] and "权重" in errors["criteria-1-weight"][0]
    assert "请输入有效的数字" in errors["criteria-2-max_score"][0] and "重复" in errors["criteria-2-name"][0]
    assert "只能选择一个" in errors["criteria-1-breaks_ties"][0] and "criteria-2-breaks_ties" in errors
    with pytest.raises(ValidationFailed) as caught:
        rubrics.save_rubric(committee, round_, [])
    assert "至少" in caught.value.errors["criteria"][0]


def test_rubric_is_frozen_once_an_open_round_has_a_sheet(committee, call):
    round_ = make_round(call, 1, status=RoundStatus.OPEN)
    rubrics.save_rubric(committee, round_, RUBRIC)  # open, but nobody has scored yet
    make_sheet(round_, make_application(call=call), make_user(is_judge=True), submitted=False)
    with pytest.raises(DomainError, match="已有评委保存或提交了评分表"):
        rubrics.save_rubric(committee, round_, RUBRIC[:1])
    assert len(round_.criteria) == 2


def test_rubric_total_may_not_fall_below_the_threshold(committee, call):
    round_ = make_round(call, 1, status=RoundStatus.PLANNED, advancement=Advancement.THRESHOLD,
                        advancement_value=Decimal("80"))
    with pytest.raises(ValidationFailed, match="请修正") as caught:
        rubrics.save_rubric(committee, round_, RUBRIC)
    assert "分数线 80.00 分高于新的满分 60.00 分" in caught.value.errors["criteria"][0]


def test_copy_rubric_from_an_earlier_call_of_the_same_committee(committee, call):
    earlier = make_call(committee=call.committee, status=CallStatus.FINAL)
    template = make_round(earlier, 1, status=RoundStatus.LOCKED, criteria=[("项目展示", 40), ("答辩", 30, 2)])
    foreign = make_round(make_call(), 1)
    target = make_round(call, 1, status=RoundStatus.PLANNED, criteria=[])
    assert template in rubrics.copy_sources(target) and foreign not in rubrics.copy_sources(target)
    rubrics.copy_rubric(committee, target, template)
    assert [(c.name, c.weight) for c in target.criteria] == [("项目展示", 1), ("答辩", 2)]
    assert target.max_total == Decimal("100") and len(template.criteria) == 2
    with pytest.raises(PermissionDenied):
        rubrics.copy_rubric(committee, target, foreign)
    assert actions() == ["round.rubric_copied"]


# --- award tiers ---------------------------------------------------------------------------------

TIERS = [
    {"name": "一等奖", "places": "2", "amount": "100000", "is_popularity": False},
    {"name": "人气奖", "places": "1", "amount": "5000.50", "is_popularity": True},
]


def test_tier_total_is_places_times_amount_and_may_exceed_the_pool_with_a_warning(committee, call):
    call.total_pool = Decimal("200000.00")
    totals = award_tiers.save_award_tiers(committee, call, TIERS)
    assert totals.total == Decimal("205000.50") and totals.over_pool
    assert "超出创投资金总额" in totals.warning
    assert [(t.name, t.places, t.amount, t.is_popularity) for t in call.award_tiers] == [
        ("一等奖", 2, Decimal("100000.00"), False), ("人气奖", 1, Decimal("5000.50"), True)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "call.award_tiers_saved"))
    assert event.data["over_pool"] is True
    totals = award_tiers.save_award_tiers(committee, call, TIERS[:1])
    assert totals.warning is None and db.session.scalar(sa.select(sa.func.count(AwardTier.id))) == 1


def test_tier_errors_are_reported_per_row(committee, call):
    with pytest.raises(ValidationFailed) as caught:
        award_tiers.save_award_tiers(committee, call, [{"name": "", "places": "0", "amount": "-1"},
                                                  {"name": "二等奖", "places": "三", "amount": "1.001"}])
    errors = caught.value.errors
    assert set(errors) == {"tiers-0-name", "tiers-0-places", "tiers-0-amount", "tiers-1-places", "tiers-1-amount"}
    assert "两位小数" in errors["tiers-1-amount"][0]


# --- pages ---------------------------------------------------------------------------------------

def test_setup_page_lists_rounds_and_tiers_against_the_pool(client, login_as, committee, call):
    make_round(call, 1, status=RoundStatus.PLANNED, name="初审", blind=True, advancement=Advancement.TOP_N,
               advancement_value=Decimal("10"))
    call.award_tiers.append(AwardTier(name="一等奖", places=3, amount=Decimal("400000")))
    login_as(committee)
    html = client.get(f"/judging/calls/{call.id}/setup").get_data(as_text=True)
    assert "初审" in html and "排名前 10 名晋级" in html and "匿名" in html and "开始评审" in html
    assert "6 项，满分 100" in html
    assert "¥1,200,000.00" in html and "超出创投资金总额" in html
    assert "评审设置" in client.get("/committee/calls/").get_data(as_text=True)


def test_round_form_marks_bad_fields_and_saves_shanghai_time(client, login_as, committee, call):
    login_as(committee)
    url = f"/judging/calls/{call.id}/rounds/new"
    form = {"name": "初审", "kind": "online", "aggregation": "trimmed", "trim_min_sheets": "2",
            "judges_per_application": "3", "advancement": "manual", "outlier_sd": "2", "pitch_seconds": "480",
            "opens_at": "2026-06-01T09:00", "closes_at": "2026-13-45T99:99"}
    response = client.post(url, data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "请选择有效的时间" in html
    response = client.post(url, data={**form, "closes_at": "2026-06-10T17:00"})
    assert response.status_code == 400 and "3 到 100" in response.get_data(as_text=True)
    response = client.post(url, data={**form, "closes_at": "2026-06-10T17:00", "trim_min_sheets": "5"})
    assert response.status_code == 302
    round_ = db.session.scalar(sa.select(Round))
    assert round_.closes_at.hour == 9 and round_.trim_min_sheets == 5


def test_rubric_editor_shows_row_errors_and_keeps_what_was_typed(client, login_as, committee, call):
    round_ = make_round(call, 1, status=RoundStatus.PLANNED, criteria=[])
    login_as(committee)
    url = f"/judging/rounds/{round_.id}/rubric"
    page = client.get(url).get_data(as_text=True)
    assert 'data-repeat="criteria"' in page and "js/rubric.js" in page and 'name="criteria-__INDEX__-max_score"' in page
    data = {"criteria-0-name": "必要性", "criteria-0-max_score": "20", "criteria-0-weight": "1.5",
            "criteria-3-name": "可行性", "criteria-3-max_score": "满分三十", "criteria-5-name": ""}
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'name="criteria-1-max_score"' in html and "满分三十" in html
    assert "请输入有效的数字" in html and not round_.criteria
    response = client.post(url, data={**data, "criteria-3-max_score": "30"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Round, round_.id).max_total == Decimal("60")


def test_award_tier_editor_warns_over_pool_but_saves(client, login_as, committee, call):
    call.total_pool = Decimal("100000.00")
    login_as(committee)
    response = client.post(f"/judging/calls/{call.id}/award-tiers", follow_redirects=True, data={
        "tiers-0-name": "一等奖", "tiers-0-places": "2", "tiers-0-amount": "60000"})
    html = response.get_data(as_text=True)
    assert "奖项设置已保存" in html and "超出创投资金总额" in html
    assert [(t.name, t.places) for t in db.session.scalars(sa.select(AwardTier))] == [("一等奖", 2)]


def test_pages_of_another_committees_call_are_forbidden(client, login_as, call):
    login_as(make_member(OrgKind.COMMITTEE))
    round_ = make_round(call, 1, status=RoundStatus.PLANNED)
    assert client.get(f"/judging/calls/{call.id}/setup").status_code == 403
    assert client.post(f"/judging/rounds/{round_.id}/rubric", data={}).status_code == 403
    assert client.get(f"/judging/calls/{call.id}/rounds/new").status_code == 403
