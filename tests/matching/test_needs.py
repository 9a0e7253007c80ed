"""Needs (领办): posting (by a department, or by the committee on its behalf), editing, publishing,
cancelling; offers within the budget and before the deadline, one per NGO, withdrawn; accepting one,
which declines the rest and tells every NGO; what the session report reads; races on PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from portal.accounts.models import Notification, OrgKind
from portal.audit import AuditEvent
from portal.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.matching import needs as service
from portal.matching.models import Need, NeedOffer, NeedStatus, OfferStatus, SessionStatus
from portal.types import to_local, utcnow

from ..factories import make_member
from ..judging.test_concurrency import in_parallel
from .helpers import make_session


def due_in(days: float = 7) -> datetime:
    """A deadline as typed: Asia/Shanghai, naive."""
    return to_local(utcnow() + timedelta(days=days)).replace(tzinfo=None, second=0, microsecond=0)


def need_data(**kw) -> dict:
    data = dict(title="社区独居老人助餐", service="每日为独居老人送午餐", target_group="80 岁以上独居老人 120 人",
                place="当湖街道各社区", period_start=date(2026, 7, 1), period_end=date(2026, 12, 31), budget="60000",
                offers_due=due_in())
    data.update(kw)
    return data


def offer_data(**kw) -> dict:
    data = dict(plan="组建志愿者送餐队，每日配送", team="社工 2 名，志愿者 20 名", price="55000")
    data.update(kw)
    return data


def org_of(user):
    return user.memberships[0].organization


def actions(entity) -> list[str]:
    """The audit actions recorded on one need or offer, in order."""
    query = db.session.query(AuditEvent).filter_by(entity_type=entity.__tablename__, entity_id=entity.id)
    return [event.action for event in query.order_by(AuditEvent.id)]


def make_world() -> dict:
    session = make_session()
    users = dict(committee=session.test_committee_user, poster=make_member(OrgKind.DEPARTMENT, name="街道干部"),
                 ngo=make_member(OrgKind.NGO, name="甲社工"), ngo2=make_member(OrgKind.NGO, name="乙社工"),
                 ngo3=make_member(OrgKind.NGO, name="丙社工"), sponsor=make_member(OrgKind.COMPANY, name="企业"),
                 other_committee=make_member(OrgKind.COMMITTEE, name="别的主办方"),
                 other_department=make_member(OrgKind.DEPARTMENT, name="别的街道"))
    db.session.commit()
    return dict(session=session, department=org_of(users["poster"]), **users)


def open_need(world) -> Need:
    return service.post_need(world["poster"], world["session"], world["department"], need_data(), publish=True)


@pytest.fixture
def world(app):
    return make_world()


@pytest.fixture
def need(world):
    return open_need(world)


def offer(world, need, who="ngo", **kw) -> NeedOffer:
    return service.submit_offer(world[who], need, org_of(world[who]), offer_data(**kw))


# --- posting -------------------------------------------------------------------------------------

def test_a_department_saves_a_draft_then_publishes_it(world):
    data = need_data()  # once: a second call may fall in the next minute
    draft = service.post_need(world["poster"], world["session"], world["department"], data)
    assert draft.status == NeedStatus.DRAFT and not draft.on_behalf and draft.budget == Decimal("60000.00")
    assert to_local(draft.offers_due).replace(tzinfo=None) == data["offers_due"]  # typed in Shanghai, stored UTC
    service.publish_need(world["poster"], draft)
    assert draft.status == NeedStatus.OPEN
    assert actions(draft) == ["need.created", "need.published"]


def test_published_at_once(need):
    assert need.status == NeedStatus.OPEN and actions(need) == ["need.created", "need.published"]


def test_the_committee_posts_on_a_departments_behalf(world):
    posted = service.post_need(world["committee"], world["session"], world["department"], need_data(), publish=True)
    assert posted.on_behalf and posted.posted_by_id == world["committee"].id and posted.department == world["department"]
    event = db.session.query(AuditEvent).filter_by(action="need.created", entity_id=posted.id).one()
    assert "代为发布" in event.summary and event.committee_id == world["session"].committee_id


@pytest.mark.parametrize("who", ["other_committee", "other_department", "ngo", "sponsor"])
def test_nobody_else_posts_for_the_department(world, who):
    with pytest.raises(PermissionDenied):
        service.post_need(world[who], world["session"], world["department"], need_data())


def test_an_unverified_department_cannot_post_yet(world):
    user = make_member(OrgKind.DEPARTMENT, verified=False)
    with pytest.raises(DomainError) as refused:
        service.post_need(user, world["session"], org_of(user), need_data())
    assert refused.value.field == "department_id"


@pytest.mark.parametrize("status", [SessionStatus.DRAFT, SessionStatus.CLOSED, SessionStatus.SETTLED])
def test_only_in_an_open_session(world, status):
    world["session"].status = status
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        service.post_need(world["poster"], world["session"], world["department"], need_data())
    assert refused.value.field == "session_id" and db.session.query(Need).count() == 0


def test_every_field_is_checked_and_marked(world):
    user = world["poster"]
    with pytest.raises(ValidationFailed) as refused:
        service.post_need(user, world["session"], world["department"], need_data(
            title="", service="", target_group="x" * 301, place="", period_start=date(2026, 9, 1),
            period_end=date(2026, 8, 1), budget="0", offers_due=due_in(-1)))
    errors = refused.value.errors
    assert set(errors) == {"title", "service", "target_group", "place", "period_end", "budget", "offers_due"}
    assert "晚于现在" in errors["offers_due"][0]
    with pytest.raises(ValidationFailed) as missing:
        service.post_need(user, world["session"], world["department"], need_data(offers_due=None, budget="12.345",
                                                                                 period_start=None))
    assert set(missing.value.errors) == {"offers_due", "budget", "period_start"}
    assert db.session.query(Need).count() == 0 and db.session.query(AuditEvent).count() == 0


# --- editing, cancelling -------------------------------------------------------------------------

def test_the_poster_and_the_committee_edit_until_an_ngo_offers(world, need):
    service.update_need(world["poster"], need, need_data(budget="80000"))
    service.update_need(world["committee"], need, need_data(budget="80000", title="助餐服务"))
    assert need.budget == Decimal("80000.00") and need.title == "助餐服务"
    assert actions(need)[-2:] == ["need.updated", "need.updated"]
    with pytest.raises(PermissionDenied):
        service.update_need(world["ngo"], need, need_data(budget="1"))
    offer(world, need)
    with pytest.raises(DomainError, match="不能再修改"):
        service.update_need(world["poster"], need, need_data(budget="90000"))


def test_cancelling_needs_a_reason_and_declines_the_standing_offers(world, need, outbox):
    first, second = offer(world, need), offer(world, need, "ngo2", price="50000")
    service.withdraw_offer(world["ngo2"], second)
    with pytest.raises(DomainError) as no_reason:
        service.cancel_need(world["poster"], need, "  ")
    assert no_reason.value.field == "reason"
    with pytest.raises(PermissionDenied):
        service.cancel_need(world["other_department"], need, "不需要了")
    service.cancel_need(world["poster"], need, "经费调整")
    db.session.refresh(first)
    assert need.status == NeedStatus.CANCELLED and need.cancel_reason == "经费调整"
    assert first.status == OfferStatus.DECLINED and second.status == OfferStatus.WITHDRAWN
    told = db.session.query(Notification).filter_by(user_id=world["ngo"].id).all()
    assert any("已取消" in note.title for note in told)
    with pytest.raises(InvalidTransition):
        service.publish_need(world["poster"], need)


# --- offers --------------------------------------------------------------------------------------

def test_a_verified_ngo_offers_and_the_department_is_told(world, need):
    made = offer(world, need)
    assert made.status == OfferStatus.SUBMITTED and made.price == Decimal("55000.00") and made.ngo == org_of(world["ngo"])
    assert actions(made)[-1] == "need_offer.submitted"
    note = db.session.query(Notification).filter_by(user_id=world["poster"].id).one()
    assert note.link.startswith("http://localhost/matching/needs/") and note.link.endswith("/offers")


def test_a_price_over_the_budget_is_refused_on_the_price_field(world, need):
    with pytest.raises(DomainError) as refused:
        offer(world, need, price="60000.01")
    assert refused.value.field == "price" and "¥60,000" in str(refused.value.message)
    db.session.rollback()
    assert db.session.query(NeedOffer).count() == 0
    assert offer(world, need, price="60000").price == need.budget  # the whole budget is fine


def test_an_offer_needs_a_plan_a_team_and_a_price(world, need):
    with pytest.raises(ValidationFailed) as refused:
        offer(world, need, plan="", team="", price="abc")
    assert set(refused.value.errors) == {"plan", "team", "price"}


def test_one_live_offer_per_ngo_until_it_is_withdrawn(world, need):
    first = offer(world, need)
    with pytest.raises(DomainError, match="已对该需求报价"):
        offer(world, need, price="50000")
    db.session.rollback()
    service.withdraw_offer(world["ngo"], first)
    assert first.status == OfferStatus.WITHDRAWN and actions(first)[-1] == "need_offer.withdrawn"
    again = offer(world, need, price="50000")
    assert again.status == OfferStatus.SUBMITTED and again.id != first.id


def test_no_offer_or_withdrawal_after_the_deadline(world, need):
    made = offer(world, need)
    need.offers_due = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(DomainError, match="截止"):
        offer(world, need, "ngo2")
    db.session.rollback()
    with pytest.raises(DomainError, match="截止"):
        service.withdraw_offer(world["ngo"], made)


def test_no_offer_to_a_draft_and_none_by_a_sponsor_or_an_unverified_ngo(world):
    draft = service.post_need(world["poster"], world["session"], world["department"], need_data())
    with pytest.raises(DomainError, match="不接受报价"):
        offer(world, draft)
    db.session.rollback()
    unverified = make_member(OrgKind.NGO, verified=False)
    for user, org in ((unverified, org_of(unverified)), (world["sponsor"], org_of(world["sponsor"])),
                      (world["ngo"], org_of(world["ngo2"]))):
        with pytest.raises(PermissionDenied):
            service.submit_offer(user, draft, org, offer_data())


def test_only_the_ngo_withdraws_its_offer(world, need):
    made = offer(world, need)
    for who in ("ngo2", "poster", "committee"):
        with pytest.raises(PermissionDenied):
            service.withdraw_offer(world[who], made)
    service.withdraw_offer(world["ngo"], made)
    with pytest.raises(InvalidTransition):
        service.withdraw_offer(world["ngo"], made)


# --- accepting -----------------------------------------------------------------------------------

def test_accepting_one_declines_the_rest_and_tells_every_ngo(world, need, outbox):
    chosen, other, gone = offer(world, need), offer(world, need, "ngo2", price="48000"), offer(world, need, "ngo3")
    service.withdraw_offer(world["ngo3"], gone)
    accepted = service.accept_offer(world["poster"], chosen)
    for row in (chosen, other, gone, need):
        db.session.refresh(row)
    assert accepted.status == OfferStatus.ACCEPTED and need.status == NeedStatus.AWARDED and need.decided_at
    assert other.status == OfferStatus.DECLINED and gone.status == OfferStatus.WITHDRAWN
    assert actions(need)[-1] == "need.awarded" and "need_offer.accepted" in actions(chosen)
    assert actions(other)[-1] == "need_offer.declined"
    won = db.session.query(Notification).filter_by(user_id=world["ngo"].id).one()
    lost = db.session.query(Notification).filter_by(user_id=world["ngo2"].id).one()
    assert "已被选定" in won.title and "未被选中" in lost.title
    assert lost.link == f"http://localhost/matching/needs/{need.id}"
    assert not db.session.query(Notification).filter_by(user_id=world["ngo3"].id).count()
    assert {to for mail in outbox for to in mail["to"]} >= {world["ngo"].email, world["ngo2"].email}


def test_a_need_is_awarded_once(world, need):
    first, second = offer(world, need), offer(world, need, "ngo2")
    service.accept_offer(world["committee"], first)
    with pytest.raises(InvalidTransition):
        service.accept_offer(world["poster"], second)
    db.session.rollback()
    db.session.refresh(second)
    assert second.status == OfferStatus.DECLINED


@pytest.mark.parametrize("who", ["ngo", "ngo2", "sponsor", "other_department", "other_committee"])
def test_only_the_poster_or_the_sessions_committee_accepts(world, need, who):
    made = offer(world, need)
    with pytest.raises(PermissionDenied):
        service.accept_offer(world[who], made)


def test_a_withdrawn_offer_cannot_be_accepted(world, need):
    made = offer(world, need)
    service.withdraw_offer(world["ngo"], made)
    with pytest.raises(DomainError, match="撤回"):
        service.accept_offer(world["poster"], made)
    db.session.rollback()
    assert need.status == NeedStatus.OPEN


# --- what the session report reads -----------------------------------------------------------------

def test_commissioned_projects_and_the_summary_are_sums_of_the_accepted_offers(world):
    user = world["poster"]

    def awarded(who, price):
        posted = service.post_need(user, world["session"], world["department"], need_data(), publish=True)
        return service.accept_offer(user, offer(world, posted, who, price=price))

    projects = [awarded("ngo", "55000"), awarded("ngo", "30000.50"), awarded("ngo2", "12000")]
    service.post_need(user, world["session"], world["department"], need_data(), publish=True)  # open, not taken on
    service.post_need(user, world["session"], world["department"], need_data())  # a draft: not counted
    cancelled = service.post_need(user, world["session"], world["department"], need_data(), publish=True)
    service.cancel_need(user, cancelled, "不再需要")
    other_session = make_session(status=SessionStatus.OPEN)
    service.post_need(other_session.test_committee_user, other_session, world["department"], need_data(), publish=True)

    listed = service.commissioned_projects(world["session"])
    assert [p.id for p in listed] == [p.id for p in projects]
    assert all(p.status == OfferStatus.ACCEPTED and p.need.department.name for p in listed)
    summary = service.needs_summary(world["session"])
    assert summary == (4, 3, 2, Decimal("97000.50"))
    assert summary.amount == sum(p.price for p in projects)
    assert service.needs_summary(other_session) == (1, 0, 0, Decimal("0"))


# --- races on PostgreSQL ---------------------------------------------------------------------------

def test_two_acceptances_at_once_award_the_need_once(pg_app):
    world = make_world()
    need = open_need(world)
    ids = [offer(world, need).id, offer(world, need, "ngo2").id]
    user_id = world["poster"].id

    def accept(i):
        from portal.accounts.models import User

        return service.accept_offer(db.session.get(User, user_id), db.session.get(NeedOffer, ids[i])).id

    outcomes = in_parallel(pg_app, accept)
    refusals = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refusals) == 1 and isinstance(refusals[0], DomainError), outcomes
    db.session.expire_all()
    assert [o.status for o in db.session.query(NeedOffer).order_by(NeedOffer.id)].count(OfferStatus.ACCEPTED) == 1


def test_one_ngo_offering_twice_at_once_makes_one_offer(pg_app):
    world = make_world()
    need = open_need(world)
    user_id, need_id = world["ngo"].id, need.id

    def submit(i):
        from portal.accounts.models import User

        user = db.session.get(User, user_id)
        return service.submit_offer(user, db.session.get(Need, need_id), org_of(user), offer_data(price=str(50000 + i))).id

    outcomes = in_parallel(pg_app, submit)
    assert sum(isinstance(o, int) for o in outcomes) == 1, outcomes
    assert db.session.query(NeedOffer).count() == 1
