"""Match funding (配捐) through the services, case by case: why a pledge got less than the ratio gives
(each MatchLimit), the pool running out, pro-rata rounding and order, settling, and a rule frozen
once the session opened."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.errors import DomainError, InvalidTransition
from portal.extensions import db
from portal.matching import pledges as service
from portal.matching import services
from portal.matching.funding import match_left
from portal.matching.models import MatchAllocation, MatchLimit, MatchMode, SessionStatus
from portal.types import utcnow

from .helpers import add_project, make_session, make_sponsor

D = Decimal


@pytest.fixture
def make(app):
    """make(goal=…, **rule) → (session, project, committee, [(user, sponsor) × 3])."""

    def build(goal="100000.00", **rule):
        rule = {"match_ratio": D(1), "match_pool": D(100000), **rule}
        session = make_session(**rule)
        project = add_project(session, goal=goal)
        sponsors = [make_sponsor(f"爱心企业{i}") for i in range(3)]
        db.session.commit()
        return session, project, session.test_committee_user, sponsors

    return build


def pledged(project, sponsor, amount, committee=None, kind="cash", accept=False):
    user, org = sponsor
    if kind == "cash":
        pledge = service.pledge_cash(user, project, org, {"amount": str(amount)})
    else:
        pledge = service.pledge_in_kind(user, project, org, {"amount": str(amount), "in_kind_description": "图书"})
        if accept:
            service.accept_in_kind_value(committee, pledge)
    if committee is not None:
        service.confirm_pledge(committee, pledge)
    return pledge


def allocation(pledge) -> MatchAllocation:
    return db.session.scalars(sa.select(MatchAllocation).where(MatchAllocation.pledge_id == pledge.id)).one()


def outcome(pledge):
    row = allocation(pledge)
    return row.amount, row.limited_by


# --- why a pledge got less than the ratio gives -------------------------------------------------------

def test_a_fully_matched_pledge_names_no_limit(make):
    session, project, committee, sponsors = make(match_ratio=D("0.5"))
    assert outcome(pledged(project, sponsors[0], "3000.01", committee)) == (D("1500.00"), None)  # down to the 分


def test_the_pool_used_up(make):
    session, project, committee, sponsors = make(match_pool=D(2500))
    assert outcome(pledged(project, sponsors[0], 2000, committee)) == (D(2000), None)
    assert outcome(pledged(project, sponsors[1], 2000, committee)) == (D(500), MatchLimit.POOL)
    assert match_left(session) == 0
    last = pledged(project, sponsors[2], 2000, committee)
    assert outcome(last) == (D(0), MatchLimit.POOL)
    assert str(allocation(last).limited_by.label) == "配捐资金池已用完"


def test_a_cap_per_pledge(make):
    session, project, committee, sponsors = make(match_cap_per_pledge=D(800))
    assert outcome(pledged(project, sponsors[0], 2000, committee)) == (D(800), MatchLimit.CAP_PER_PLEDGE)


def test_a_cap_per_sponsor_per_project(make):
    session, project, committee, sponsors = make(match_cap_per_sponsor_project=D(3000))
    other = add_project(session, title="第二个项目")
    assert outcome(pledged(project, sponsors[0], 2000, committee)) == (D(2000), None)
    assert outcome(pledged(project, sponsors[0], 2000, committee)) == (D(1000), MatchLimit.CAP_SPONSOR_PROJECT)
    assert outcome(pledged(other, sponsors[0], 2000, committee)) == (D(2000), None)  # another project: its own cap
    assert outcome(pledged(project, sponsors[1], 2000, committee)) == (D(2000), None)  # another sponsor too


def test_a_cap_per_sponsor_across_projects(make):
    session, project, committee, sponsors = make(match_cap_per_sponsor=D(3000))
    other = add_project(session, title="第二个项目")
    assert outcome(pledged(project, sponsors[0], 2000, committee)) == (D(2000), None)
    assert outcome(pledged(other, sponsors[0], 2000, committee)) == (D(1000), MatchLimit.CAP_SPONSOR)
    assert outcome(pledged(other, sponsors[0], 100, committee)) == (D(0), MatchLimit.CAP_SPONSOR)
    assert outcome(pledged(other, sponsors[1], 2000, committee)) == (D(2000), None)


def test_a_cap_per_project(make):
    session, project, committee, sponsors = make(match_cap_per_project=D(3000))
    assert outcome(pledged(project, sponsors[0], 2000, committee)) == (D(2000), None)
    assert outcome(pledged(project, sponsors[1], 2000, committee)) == (D(1000), MatchLimit.CAP_PROJECT)


def test_the_goal_leaves_no_room_for_more_match(make):
    session, project, committee, sponsors = make(goal="5000.00")
    assert outcome(pledged(project, sponsors[0], 2000, committee)) == (D(2000), None)
    # 4,000 raised: a pledge of the last 1,000 can only be matched by what is left before the goal, nothing
    assert outcome(pledged(project, sponsors[1], 1000, committee)) == (D(0), MatchLimit.GOAL)
    assert service.figures_of(project).gap == 0


def test_pending_pledges_keep_their_room_from_the_match(make):
    session, project, committee, sponsors = make(goal="5000.00")
    first = pledged(project, sponsors[0], 2000)
    pledged(project, sponsors[1], 2500)  # pending: 500 left
    service.confirm_pledge(committee, first)
    assert outcome(first) == (D(500), MatchLimit.GOAL)
    assert str(allocation(first).limited_by.label) == "项目已满额"


def test_below_the_minimum_is_not_matched(make):
    session, project, committee, sponsors = make(match_minimum_pledge=D(1000))
    assert outcome(pledged(project, sponsors[0], "999.99", committee)) == (D(0), MatchLimit.BELOW_MINIMUM)
    assert outcome(pledged(project, sponsors[1], 1000, committee)) == (D(1000), None)


def test_outside_the_window_is_not_matched(make):
    now = utcnow()
    session, project, committee, sponsors = make(match_window_from=now - timedelta(days=2),
                                                 match_window_until=now - timedelta(days=1))
    assert outcome(pledged(project, sponsors[0], 1000, committee)) == (D(0), MatchLimit.OUTSIDE_WINDOW)
    session, project, committee, sponsors = make(match_window_from=now - timedelta(hours=1),
                                                 match_window_until=now + timedelta(hours=1))
    assert outcome(pledged(project, sponsors[0], 1000, committee)) == (D(1000), None)


def test_in_kind_is_matched_only_when_its_value_counts_and_was_accepted(make):
    session, project, committee, sponsors = make()
    accepted = pledged(project, sponsors[0], 1000, committee, kind="in_kind", accept=True)
    assert outcome(accepted) == (D(0), MatchLimit.IN_KIND)
    session, project, committee, sponsors = make(match_counts_in_kind=True)
    assert outcome(pledged(project, sponsors[0], 1000, committee, kind="in_kind")) == (D(0), MatchLimit.IN_KIND)
    assert outcome(pledged(project, sponsors[1], 1000, committee, kind="in_kind", accept=True)) == (D(1000), None)


def test_pro_rata_says_so(make):
    session, project, committee, sponsors = make(match_mode=MatchMode.PRO_RATA, match_pool=D(1000))
    pledges = [pledged(project, sponsors[i], 1000, committee) for i in range(2)]
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(MatchAllocation))  # nothing until settled
    services.close_session(committee, session)
    services.settle_session(committee, session)
    assert [outcome(p) for p in pledges] == [(D(500), MatchLimit.PRO_RATA)] * 2
    assert str(allocation(pledges[0]).limited_by.label) == "资金池不足，按比例分配"


def test_every_reason_has_a_label():
    assert all(str(limit.label) for limit in MatchLimit)


# --- pro rata ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("pool, amounts", [
    ("100.00", ["100", "100", "100"]),  # a third each: 33.33 × 3 = 99.99
    ("1000.00", ["333.33", "333.33", "333.34", "107"]),
    ("0.05", ["100", "200", "300"]),
])
def test_pro_rata_rounding_never_exceeds_the_pool(make, pool, amounts):
    session, project, committee, sponsors = make(match_mode=MatchMode.PRO_RATA, match_pool=D(pool))
    pledges = [pledged(project, sponsors[i % 3], amount, committee) for i, amount in enumerate(amounts)]
    services.close_session(committee, session)
    services.settle_session(committee, session)
    given = [allocation(p).amount for p in pledges]
    assert sum(given) <= D(pool) and sum(given) > D(pool) - D("0.01") * len(pledges)
    total = sum(D(a) for a in amounts)
    for amount, match in zip(amounts, given):  # each its share, rounded down to the 分
        assert match == (D(amount) * D(pool) / total).quantize(D("0.01"), rounding="ROUND_DOWN")


def test_pro_rata_uses_the_caps_in_the_order_pledges_were_confirmed(make):
    session, project, committee, sponsors = make(match_mode=MatchMode.PRO_RATA, match_pool=D(500),
                                                 match_cap_per_sponsor=D(1000))
    earlier, later = pledged(project, sponsors[0], 800), pledged(project, sponsors[0], 800)
    service.confirm_pledge(committee, later)
    service.confirm_pledge(committee, earlier)
    services.close_session(committee, session)
    services.settle_session(committee, session)
    # eligible: the one confirmed first 800, the other what the sponsor's cap leaves (200); then × 500 / 1000
    assert outcome(later) == (D(400), MatchLimit.PRO_RATA)
    assert outcome(earlier) == (D(100), MatchLimit.PRO_RATA)


def test_a_pool_that_covers_everything_is_not_scaled(make):
    session, project, committee, sponsors = make(match_mode=MatchMode.PRO_RATA, match_pool=D(5000),
                                                 match_cap_per_pledge=D(1500))
    pledges = [pledged(project, sponsors[i], 2000, committee) for i in range(2)]
    services.close_session(committee, session)
    services.settle_session(committee, session)
    assert [outcome(p) for p in pledges] == [(D(1500), MatchLimit.CAP_PER_PLEDGE)] * 2


# --- settling and the frozen rule -----------------------------------------------------------------

def test_settle_refuses_while_pledges_are_pending(make):
    session, project, committee, sponsors = make(match_mode=MatchMode.PRO_RATA, match_pool=D(1000))
    confirmed = pledged(project, sponsors[0], 1000, committee)
    waiting = pledged(project, sponsors[1], 1000)
    with pytest.raises(InvalidTransition):
        services.settle_session(committee, session)  # still open
    db.session.rollback()
    services.close_session(committee, session)
    with pytest.raises(DomainError, match="还有 1 笔认捐待确认"):
        services.settle_session(committee, session)
    db.session.rollback()
    assert session.status == SessionStatus.CLOSED
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(MatchAllocation))
    service.lapse_pledge(committee, waiting)
    services.settle_session(committee, session)
    assert session.status == SessionStatus.SETTLED and outcome(confirmed) == (D(1000), None)
    with pytest.raises(DomainError):
        service.confirm_pledge(committee, waiting)


def test_first_come_settles_without_new_allocations(make):
    session, project, committee, sponsors = make(match_pool=D(1000))
    pledge = pledged(project, sponsors[0], 3000, committee)
    services.close_session(committee, session)
    services.settle_session(committee, session)
    assert db.session.scalars(sa.select(MatchAllocation)).all() == [allocation(pledge)]


@pytest.mark.parametrize("field, value", [
    ("match_ratio", "2"), ("match_mode", "pro_rata"), ("match_cap_per_pledge", "500"),
    ("match_cap_per_sponsor_project", "500"), ("match_cap_per_sponsor", "500"), ("match_cap_per_project", "500"),
    ("match_minimum_pledge", "500"), ("match_window_until", "future"), ("match_counts_in_kind", True),
])
def test_the_match_rule_is_frozen_once_the_session_opened(make, field, value):
    session, project, committee, sponsors = make(match_mode=MatchMode.FIRST_COME, match_pool=D(1000))
    if value == "future":
        value = (utcnow() + timedelta(days=3)).replace(tzinfo=None)
    with pytest.raises(DomainError, match="对接会开始后不能再修改配捐规则") as refused:
        services.update_session(committee, session, {field: value})
    assert refused.value.field == field
    db.session.rollback()
    assert session.match_ratio == D(1) and session.match_mode == MatchMode.FIRST_COME


def test_an_open_sessions_pool_may_grow_but_not_shrink(make):
    session, project, committee, sponsors = make(match_pool=D(1000))
    with pytest.raises(DomainError, match="只能增加") as refused:
        services.update_session(committee, session, {"match_pool": "999.99"})
    assert refused.value.field == "match_pool"
    db.session.rollback()
    services.update_session(committee, session, {"match_pool": "3000", "title": "改名后的对接会"})
    assert session.match_pool == D(3000) and match_left(session) == D(3000)


def test_a_draft_sessions_rule_may_change(make):
    session, project, committee, sponsors = make()
    session.status = SessionStatus.DRAFT
    db.session.commit()
    services.update_session(committee, session, {"match_ratio": "0.5", "match_cap_per_pledge": "800",
                                                 "match_mode": "pro_rata", "match_pool": "10"})
    assert (session.match_ratio, session.match_cap_per_pledge, session.match_mode, session.match_pool) == (
        D("0.5"), D(800), MatchMode.PRO_RATA, D(10))
