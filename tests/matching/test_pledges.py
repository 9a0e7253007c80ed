"""Pledges against the gap: amounts, claims, in kind, changes, withdrawals, confirmations, receipts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.audit import AuditEvent
from portal.errors import DomainError, InvalidTransition, PermissionDenied
from portal.extensions import db
from portal.matching import pledges as service
from portal.matching.funding import figures_of
from portal.matching.models import Pledge, PledgeKind, PledgeStatus, SessionStatus
from portal.matching.receipts import record_receipt

from .helpers import add_project, make_session, make_sponsor


@pytest.fixture
def world(app):
    session = make_session()
    project = add_project(session, goal="50000.00")
    sponsor_user, sponsor = make_sponsor("平湖农商银行")
    other_user, other = make_sponsor("嘉兴青年企业家协会")
    db.session.commit()
    return dict(session=session, project=project, committee=session.test_committee_user,
                sponsor_user=sponsor_user, sponsor=sponsor, other_user=other_user, other=other)


def test_a_cash_pledge_lowers_the_gap_and_is_audited(world):
    pledge = service.pledge_cash(world["sponsor_user"], world["project"], world["sponsor"], {"amount": "20000"})
    assert pledge.status == PledgeStatus.PENDING and pledge.amount == Decimal("20000.00")
    assert figures_of(world["project"]).gap == Decimal("30000.00")
    event = db.session.query(AuditEvent).filter_by(action="pledge.created", entity_id=pledge.id).one()
    assert event.actor_id == world["sponsor_user"].id


def test_a_pledge_past_the_gap_is_refused_with_what_is_left(world):
    service.pledge_cash(world["sponsor_user"], world["project"], world["sponsor"], {"amount": "47000"})
    with pytest.raises(service.GapExceeded) as refused:
        service.pledge_cash(world["other_user"], world["project"], world["other"], {"amount": "5000"})
    db.session.rollback()
    assert refused.value.remaining == Decimal("3000.00")
    assert "仅剩 ¥3,000 可认捐" in str(refused.value.message)
    assert refused.value.field == "amount"
    assert db.session.query(Pledge).count() == 1


def test_less_than_a_hundred_yuan_is_refused_unless_it_is_the_whole_rest(world):
    with pytest.raises(DomainError):
        service.pledge_cash(world["sponsor_user"], world["project"], world["sponsor"], {"amount": "99.99"})
    db.session.rollback()
    service.pledge_cash(world["sponsor_user"], world["project"], world["sponsor"], {"amount": "49950"})
    last = service.pledge_cash(world["other_user"], world["project"], world["other"], {"amount": "50"})
    assert last.amount == Decimal("50.00") and figures_of(world["project"]).gap == 0


def test_a_claim_takes_the_whole_gap_as_it_is_now(world):
    service.pledge_cash(world["other_user"], world["project"], world["other"], {"amount": "12000"})
    claim = service.claim_gap(world["sponsor_user"], world["project"], world["sponsor"], {})
    assert claim.is_claim and claim.amount == Decimal("38000.00")
    assert figures_of(world["project"]).is_full
    with pytest.raises(service.GapExceeded, match="已满额"):
        service.claim_gap(world["other_user"], world["project"], world["other"], {})


def test_in_kind_counts_toward_the_gap_only_once_accepted(world):
    pledge = service.pledge_in_kind(world["sponsor_user"], world["project"], world["sponsor"], {
        "in_kind_description": "图书", "in_kind_quantity": "500 册", "amount": "8000"})
    figures = figures_of(world["project"])
    assert figures.in_kind_total == Decimal("8000.00") and figures.gap == Decimal("50000.00")
    service.accept_in_kind_value(world["committee"], pledge)
    assert figures_of(world["project"]).gap == Decimal("42000.00")


def test_a_change_is_a_new_row_and_the_old_one_stays(world):
    first = service.pledge_cash(world["sponsor_user"], world["project"], world["sponsor"], {"amount": "10000"})
    second = service.change_pledge(world["sponsor_user"], first, {"amount": "50000"})
    db.session.refresh(first)
    assert first.status == PledgeStatus.REPLACED and first.amount == Decimal("10000.00")
    assert second.replaces_id == first.id and second.amount == Decimal("50000.00")
    assert figures_of(world["project"]).gap == 0


def test_only_the_sponsor_changes_or_withdraws_its_pledge(world):
    pledge = service.pledge_cash(world["sponsor_user"], world["project"], world["sponsor"], {"amount": "10000"})
    with pytest.raises(PermissionDenied):
        service.withdraw_pledge(world["other_user"], pledge)
    with pytest.raises(PermissionDenied):
        service.pledge_cash(world["other_user"], world["project"], world["sponsor"], {"amount": "100"})


def test_no_pledge_changes_once_the_session_closed(world):
    pledge = service.pledge_cash(world["sponsor_user"], world["project"], world["sponsor"], {"amount": "10000"})
    world["session"].status = SessionStatus.CLOSED
    db.session.commit()
    with pytest.raises(DomainError):
        service.withdraw_pledge(world["sponsor_user"], pledge)
    with pytest.raises(DomainError):
        service.pledge_cash(world["sponsor_user"], world["project"], world["sponsor"], {"amount": "100"})


def test_confirm_lapse_and_receipts(world):
    pledge = service.pledge_cash(world["sponsor_user"], world["project"], world["sponsor"], {"amount": "10000"})
    other = service.pledge_cash(world["other_user"], world["project"], world["other"], {"amount": "5000"})
    service.confirm_pledge(world["committee"], pledge)
    service.lapse_pledge(world["committee"], other)
    with pytest.raises(InvalidTransition):
        service.withdraw_pledge(world["sponsor_user"], pledge)
    db.session.rollback()
    record_receipt(world["committee"], pledge, {"amount": "4000", "received_on": date.today(), "payee": "committee_fund"})
    with pytest.raises(DomainError, match="6,000"):
        record_receipt(world["committee"], pledge, {"amount": "7000", "received_on": date.today(), "payee": "ngo"})
    db.session.rollback()
    figures = figures_of(world["project"])
    assert figures.cash_confirmed == Decimal("10000.00") and figures.cash_pending == 0 and figures.received == Decimal("4000.00")


def test_the_committee_records_a_pledge_on_a_sponsors_behalf(world):
    pledge = service.record_on_behalf(world["committee"], world["project"], world["other"], {"amount": "3000"})
    assert pledge.on_behalf and pledge.created_by_id == world["committee"].id
    with pytest.raises(PermissionDenied):
        service.record_on_behalf(world["sponsor_user"], world["project"], world["other"], {"amount": "3000"})
    assert pledge.kind == PledgeKind.CASH
