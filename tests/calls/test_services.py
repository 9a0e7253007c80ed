"""Call rules, tested directly: every transition allowed and refused, deadlines, eligibility."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from portal.accounts.models import OrgKind
from portal.audit import history
from portal.calls import services
from portal.calls.models import CallStatus
from portal.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from portal.types import utcnow

from ..factories import make_call, make_category, make_member, make_org


def values(**overrides):
    now = utcnow()
    base = dict(
        title="2027 年平湖市青年公益创投大赛", code="PH2027", description="面向全市征集公益项目。",
        funding_min=Decimal("10000"), funding_max=Decimal("50000"), total_pool=Decimal("500000"),
        min_self_funding_pct=Decimal("10"), admin_cost_cap_pct=Decimal("10"), eligible_regions=["浙江省/嘉兴市"],
        verified_only=True, max_applications_per_org=2, opens_at=now, closes_at=now + timedelta(days=30),
        contact="0573-85000000",
    )
    base.update(overrides)
    return base


@pytest.fixture
def committee_user(app):
    return make_member(OrgKind.COMMITTEE)


def test_create_publish_close_are_audited(committee_user):
    committee = committee_user.memberships[0].organization
    category = make_category("助老")
    call = services.create_call(committee_user, committee, values(), [category.id])
    assert call.status == CallStatus.DRAFT and [c.name for c in call.categories] == ["助老"]
    services.publish_call(committee_user, call)
    assert call.status == CallStatus.PUBLISHED and call.published_at is not None
    services.close_call(committee_user, call)
    assert call.status == CallStatus.CLOSED
    actions = [event.action for event in history("calls", call.id)]
    assert actions == ["call.created", "call.published", "call.closed"]


def test_refused_transitions(committee_user):
    committee = committee_user.memberships[0].organization
    draft = make_call(committee=committee, status=CallStatus.DRAFT)
    with pytest.raises(InvalidTransition):
        services.close_call(committee_user, draft)  # a draft cannot close
    published = make_call(committee=committee)
    with pytest.raises(InvalidTransition):
        services.publish_call(committee_user, published)  # twice
    closed = make_call(committee=committee, status=CallStatus.CLOSED)
    with pytest.raises(InvalidTransition):
        services.publish_call(committee_user, closed)  # closed is final here


def test_publish_needs_categories_and_a_future_deadline(committee_user):
    committee = committee_user.memberships[0].organization
    call = make_call(committee=committee, status=CallStatus.DRAFT, categories=[])
    with pytest.raises(DomainError) as err:
        services.publish_call(committee_user, call)
    assert err.value.field == "categories"
    late = make_call(committee=committee, status=CallStatus.DRAFT, opens_at=utcnow() - timedelta(days=9),
                     closes_at=utcnow() - timedelta(days=1))
    with pytest.raises(DomainError) as err:
        services.publish_call(committee_user, late)
    assert err.value.field == "closes_at"


def test_other_committees_and_ngos_are_refused(committee_user):
    call = make_call(status=CallStatus.DRAFT)  # another committee's
    with pytest.raises(PermissionDenied):
        services.publish_call(committee_user, call)
    ngo_user = make_member(OrgKind.NGO)
    with pytest.raises(PermissionDenied):
        services.create_call(ngo_user, ngo_user.memberships[0].organization, values(), [])


def test_published_calls_are_not_edited_but_deadlines_extend(committee_user):
    committee = committee_user.memberships[0].organization
    call = make_call(committee=committee)
    with pytest.raises(DomainError):
        services.update_call(committee_user, call, values(code=call.code), [])
    later = call.closes_at + timedelta(days=7)
    services.extend_deadline(committee_user, call, later)
    assert call.closes_at == later
    with pytest.raises(DomainError):
        services.extend_deadline(committee_user, call, later - timedelta(days=1))


def test_rules_on_amounts_and_times(committee_user):
    committee = committee_user.memberships[0].organization
    with pytest.raises(ValidationFailed) as err:
        services.create_call(committee_user, committee, values(funding_min=Decimal("60000")), [])
    assert "funding_max" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        services.create_call(committee_user, committee, values(closes_at=utcnow() - timedelta(days=1)), [])
    assert "closes_at" in err.value.errors
    make_call(committee=committee, code="PH2027")
    with pytest.raises(DomainError) as err:
        services.create_call(committee_user, committee, values(code="ph2027"), [])
    assert err.value.field == "code"


def test_close_due_calls_at_the_deadline(app):
    call = make_call()
    assert services.close_due_calls(now=call.closes_at - timedelta(seconds=1)) == []
    assert call.status == CallStatus.PUBLISHED
    closed = services.close_due_calls(now=call.closes_at)
    assert closed == [call] and call.status == CallStatus.CLOSED
    assert history("calls", call.id)[-1].actor_name == "系统"


def test_accepting_and_region_eligibility(app):
    call = make_call(eligible_regions=["浙江省/嘉兴市"])
    now = utcnow()
    assert services.is_accepting_applications(call, now)
    assert not services.is_accepting_applications(call, call.closes_at)
    assert not services.is_accepting_applications(call, call.opens_at - timedelta(seconds=1))
    assert services.region_eligible(call, make_org(OrgKind.NGO, province="浙江省", city="嘉兴市", district="平湖市"))
    assert not services.region_eligible(call, make_org(OrgKind.NGO, province="浙江省", city="嘉兴", district="x"))
    assert not services.region_eligible(call, make_org(OrgKind.NGO, province="浙江省", city="杭州市", district="富阳区"))
    anywhere = make_call(eligible_regions=[])
    assert services.region_eligible(anywhere, make_org(OrgKind.NGO, province="贵州省", city="遵义市"))


def test_parse_regions():
    assert services.parse_regions("浙江省 嘉兴市\n\n浙江省/杭州市/富阳区\n") == ["浙江省/嘉兴市", "浙江省/杭州市/富阳区"]


def test_categories_are_managed_by_committees(committee_user):
    category = services.save_category(committee_user, "助残")
    with pytest.raises(DomainError):
        services.save_category(committee_user, "助残")
    services.toggle_category(committee_user, category)
    assert category.active is False and category not in services.active_categories()
    with pytest.raises(PermissionDenied):
        services.save_category(make_member(OrgKind.NGO), "环境保护")
