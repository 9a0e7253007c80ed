"""Grants drafted from awards and pledges, the agreement before signing, and the lifecycle."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.audit import AuditEvent
from portal.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.grants import ledger, services, tranches
from portal.grants.models import GrantStatus, SourceKind, TrancheGate, TrancheStatus
from portal.grants.report_models import ReportKind

from ..factories import make_member
from .helpers import funded_project, ready_to_sign, signed_grant

D = Decimal


def test_split_by_shares_adds_up_exactly():
    assert tranches.split_by_shares(D("10000.00"), [D(50), D(30), D(20)]) == [D("5000.00"), D("3000.00"), D("2000.00")]
    parts = tranches.split_by_shares(D("100.00"), [D("33.33"), D("33.33"), D("33.34")])
    assert sum(parts) == D("100.00") and all(p.as_tuple().exponent == -2 for p in parts)
    odd = tranches.split_by_shares(D("0.05"), [D(50), D(50)])
    assert odd == [D("0.03"), D("0.02")]


def test_an_award_paid_by_two_sponsors_is_one_grant_with_two_sponsor_sources(app):
    world = funded_project()
    grant = services.draft_grant(world.maker, world.application)
    kinds = sorted((s.kind, s.funder.name, s.amount) for s in grant.sources)
    assert kinds == [(SourceKind.SPONSOR, "平湖市慈善基金会", D("15000.00")),
                     (SourceKind.SPONSOR, "平湖市青年企业家协会", D("10000.00"))]
    assert ledger.grant_amount(grant) == D("25000.00")
    assert [t.amount for t in grant.tranches] == [D("12500.00"), D("7500.00"), D("5000.00")]
    assert [t.gate for t in grant.tranches] == [TrancheGate.ON_SIGNING, TrancheGate.MIDTERM_PASSED, TrancheGate.FINAL_PASSED]
    assert sum(line.amount for line in grant.budget_lines) == D("25000.00")
    assert grant.reference == f"{world.call.code}-G001"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "grant.drafted")) is not None
    with pytest.raises(DomainError):
        services.draft_grant(world.maker, world.application)  # one grant per project


def test_the_committee_pays_what_sponsors_do_not(app):
    world = funded_project(award_amount="30000.00", sponsor_shares=("10000.00",))
    grant = services.draft_grant(world.maker, world.application)
    by_kind = {s.kind: s.amount for s in grant.sources}
    assert by_kind == {SourceKind.SPONSOR: D("10000.00"), SourceKind.COMMITTEE_FUND: D("20000.00")}


def test_only_the_committee_drafts_and_an_unfinished_award_is_not_funding(app):
    world = funded_project()
    with pytest.raises(PermissionDenied):
        services.draft_grant(world.ngo_user, world.application)
    world.call.award_tiers  # noqa: B018
    db.session.get(type(world.award), world.award.id)
    from portal.judging.models import PublicNotice

    db.session.scalar(sa.select(PublicNotice)).finalized_at = None
    db.session.commit()
    assert services.candidates(world.call) == []
    with pytest.raises(DomainError):
        services.draft_grant(world.maker, world.application)


def test_signing_needs_the_payee_the_budget_within_the_cap_and_the_scan(app):
    world = funded_project()
    grant = services.draft_grant(world.maker, world.application)
    blockers = services.signing_blockers(grant)
    assert any("收款账户" in b for b in blockers) and any("扫描件" in b for b in blockers)
    assert any("管理费" in b for b in blockers)  # the application asks 11 % for admin, the call caps it at 10 %
    with pytest.raises(DomainError):
        services.sign_grant(world.maker, grant)
    assert grant.status == GrantStatus.DRAFTED
    ready_to_sign(world, grant)
    assert services.signing_blockers(grant) == []
    services.sign_grant(world.maker, grant)
    assert grant.status == GrantStatus.SIGNED and grant.signed_at is not None
    assert {r.kind for r in grant.reports} == {ReportKind.MIDTERM, ReportKind.FINAL}
    with pytest.raises(DomainError):
        services.update_agreement(world.maker, grant, {"title": "改名"})


def test_bad_agreement_input_is_refused_on_its_field_and_changes_nothing(app):
    world = funded_project()
    grant = services.draft_grant(world.maker, world.application)
    with pytest.raises(ValidationFailed) as refused:
        services.update_agreement(world.maker, grant, {"title": "", "starts_on": "2027-02-30", "ends_on": "x\x00",
                                                       "self_funding": "-1", "payee_account": "abc"})
    assert set(refused.value.errors) >= {"title", "starts_on", "ends_on", "self_funding", "payee_account"}
    db.session.rollback()
    assert grant.title == "银龄食堂"


def test_tranches_by_share_or_amount_must_add_up_to_the_grant(app):
    world = funded_project()
    grant = services.draft_grant(world.maker, world.application)
    tranches.set_tranches(world.maker, grant, [
        {"label": "首期", "share": "60", "gate": "on_signing"}, {"label": "尾款", "share": "40", "gate": "final_passed"}])
    assert [t.amount for t in grant.tranches] == [D("15000.00"), D("10000.00")]
    short = [{"label": "首期", "amount": "20000", "gate": "on_signing"}, {"label": "尾款", "amount": "4000", "gate": "none"}]
    with pytest.raises(DomainError):
        tranches.set_tranches(world.maker, grant, short)
    db.session.rollback()
    with pytest.raises(DomainError):
        tranches.set_tranches(world.maker, grant, [{"label": "首期", "share": "90", "gate": "on_signing"}])
    db.session.rollback()
    assert sum(t.amount for t in grant.tranches) == D("25000.00")


def test_lifecycle_transitions_are_audited_and_checked(app):
    world, grant = signed_grant()
    with pytest.raises(DomainError):
        services.suspend_grant(world.maker, grant, "  ")
    services.suspend_grant(world.maker, grant, "负责人变更，待核实")
    assert grant.status == GrantStatus.SUSPENDED
    services.resume_grant(world.maker, grant)
    assert grant.status == GrantStatus.ACTIVE
    with pytest.raises(DomainError):
        services.complete_grant(world.maker, grant)  # the final evaluation has not passed
    outsider = make_member()
    with pytest.raises(PermissionDenied):
        services.terminate_grant(outsider, grant, "无权")
    releases = services.terminate_grant(world.maker, grant, "项目无法继续执行")
    assert grant.status == GrantStatus.TERMINATED
    assert sorted(r.amount for r in releases) == [D("10000.00"), D("15000.00")]
    assert all(t.status == TrancheStatus.STOPPED for t in grant.tranches)
    with pytest.raises(InvalidTransition):
        services.resume_grant(world.maker, grant)
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"grant.signed", "grant.suspended", "grant.resumed", "grant.terminated", "grant.source_released"} <= actions
