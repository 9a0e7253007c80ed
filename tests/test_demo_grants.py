"""The demo's grants: drafted through the services from the 2025 call's awards and the settled 对接会,
one completed, several active with tranches paid and pending, a report overdue, an evaluation asking
for rectification, a mentor account with check-ins on several grants; every figure agrees with its rows."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.demo import load_demo
from portal.demo.data import PASSWORD, USERS
from portal.demo.grants_data import MENTOR
from portal.extensions import db
from portal.grants import ledger, tranches
from portal.grants.models import (
    Disbursement,
    DisbursementReversal,
    DisbursementStatus,
    Grant,
    GrantStatus,
    SourceKind,
    TrancheStatus,
)
from portal.grants.reminders import send_reminders
from portal.grants.report_models import (
    CheckIn,
    Evaluation,
    EvaluationConclusion,
    Expense,
    GrantReport,
    ReportFile,
    ReportKind,
    ReportStatus,
)
from portal.storage import sniff_type, storage
from portal.types import SHANGHAI, utcnow

ZERO = Decimal("0.00")


@pytest.fixture
def grants(app):
    load_demo(reset=True)
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Grant).order_by(Grant.reference)))


def _today():
    return utcnow().astimezone(SHANGHAI).date()


def _rows(model, *where):
    return list(db.session.scalars(sa.select(model).where(*where).order_by(model.id)))


def test_loading_the_demo_mails_nobody(outbox, grants):
    """The services the loader calls notify as they would for real; the demo's addresses are made up."""
    assert grants and outbox == []


def test_the_grants_and_their_states(grants):
    assert len(grants) >= 5
    assert {g.call.code for g in grants} == {"PH2025"}
    statuses = [g.status for g in grants]
    assert statuses.count(GrantStatus.COMPLETED) == 1
    assert statuses.count(GrantStatus.ACTIVE) >= 3
    assert GrantStatus.SIGNED in statuses and GrantStatus.DRAFTED in statuses
    kinds = {s.kind for g in grants for s in g.sources}
    assert {SourceKind.SPONSOR, SourceKind.MATCH, SourceKind.COMMITTEE_FUND} <= kinds
    # The 一等奖 paid by the foundation and the association, with the session's pledges on top.
    first_prize = next(g for g in grants if g.award_id and g.award.tier.name == "一等奖")
    assert {s.funder.name for s in first_prize.sources if s.funder} >= {"平湖市青苹果公益基金会", "平湖市青年企业家协会"}
    assert not any(s.kind == SourceKind.COMMITTEE_FUND for s in first_prize.sources)
    for grant in grants:
        actions = {e.action for e in _rows(AuditEvent, AuditEvent.entity_type == "grants", AuditEvent.entity_id == grant.id)}
        assert "grant.drafted" in actions
        if grant.status != GrantStatus.DRAFTED:
            assert {"grant.updated", "grant.budget_set", "grant.tranches_set", "grant.scan_uploaded", "grant.signed"} <= actions
            assert grant.signed_scan_key and sniff_type(storage().read(grant.signed_scan_key)) == "pdf"
            assert grant.created_at < grant.signed_at < utcnow()


def test_the_completed_grant(grants):
    (grant,) = [g for g in grants if g.status == GrantStatus.COMPLETED]
    assert all(t.status == TrancheStatus.PAID for t in grant.tranches)
    assert ledger.paid_of_grant(grant) == ledger.grant_amount(grant)
    assert tranches.latest_conclusion(grant, ReportKind.FINAL) == EvaluationConclusion.PASSED
    assert all(r.status == ReportStatus.EVALUATED for r in grant.reports)
    assert grant.signed_at < grant.activated_at < grant.completed_at < utcnow()
    assert ZERO < ledger.spent_of_grant(grant) <= ledger.grant_amount(grant)


def test_active_grants_have_tranches_paid_and_pending(grants):
    active = [g for g in grants if g.status == GrantStatus.ACTIVE]
    for grant in active:
        states = {t.status for t in grant.tranches}
        assert TrancheStatus.PAID in states and TrancheStatus.PLANNED in states, grant.title
        for tranche in grant.tranches:
            # A gated tranche is paid only once its gate is met (the demo never overrides one).
            if tranche.status == TrancheStatus.PAID:
                assert tranches.gate_met(tranche), (grant.title, tranche.label)
    assert any(sum(t.status == TrancheStatus.PAID for t in g.tranches) >= 2 for g in active)
    # A payment prepared by one committee member waits for the other's approval.
    waiting = _rows(Disbursement, Disbursement.status == DisbursementStatus.PREPARED)
    committee = db.session.scalar(sa.select(User).where(User.email == USERS["committee"]["email"]))
    assert waiting and all(d.prepared_by_id != committee.id for d in waiting)


def test_maker_and_checker_differ_and_a_failed_payment_was_retried(grants):
    paid = _rows(Disbursement, Disbursement.status == DisbursementStatus.PAID)
    assert paid
    for payment in paid:
        assert payment.prepared_by_id != payment.decided_by_id
        assert payment.prepared_at < payment.decided_at < payment.paid_at < utcnow()
        assert payment.bank_reference and payment.payee_account == payment.grant.payee_account
    assert any(p.failure_reason for p in paid)
    retried = {e.entity_id for e in _rows(AuditEvent, AuditEvent.action == "disbursement.failed")}
    assert retried and retried <= {p.id for p in paid}


def test_overdue_report_and_rectification(grants):
    today = _today()
    overdue = [r for g in grants for r in g.reports if r.is_overdue(today)]
    assert len(overdue) >= 1 and all(r.grant.status == GrantStatus.ACTIVE for r in overdue)
    rectify = _rows(Evaluation, Evaluation.conclusion == EvaluationConclusion.RECTIFY)
    assert len(rectify) == 1
    (evaluation,) = rectify
    assert evaluation.rectify_by > today and evaluation.total < evaluation.pass_mark
    assert evaluation.report.status == ReportStatus.EVALUATED
    gated = [t for t in evaluation.grant.tranches if t.gate.value == "midterm_passed"]
    assert gated and all(t.status == TrancheStatus.PLANNED and not tranches.gate_met(t) for t in gated)
    for e in _rows(Evaluation):
        weighted = sum(s.score * s.weight for s in e.scores) / 100
        assert e.total == weighted.quantize(Decimal("0.01"))
        assert (e.total >= e.pass_mark) == (e.conclusion == EvaluationConclusion.PASSED)
        assert e.created_at > e.report.submitted_at


def test_the_mentor_account_with_check_ins(grants, client):
    mentor = db.session.scalar(sa.select(User).where(User.email == MENTOR["email"]))
    assert mentor is not None and not mentor.is_judge
    mine = [g for g in grants if any(m.user_id == mentor.id for m in g.mentors)]
    assert len(mine) >= 2
    for grant in mine:
        assert _rows(CheckIn, CheckIn.grant_id == grant.id, CheckIn.created_by_id == mentor.id), grant.title
    assert len({c.mentor.user_id for c in _rows(CheckIn)}) >= 2  # another mentor too
    response = client.post("/login", data={"email": mentor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(f"/grants/{mine[0].id}").status_code == 200


def test_receipts_and_photos_are_files_in_the_storage(grants):
    expenses = _rows(Expense)
    assert expenses
    kinds = set()
    for expense in expenses:
        if expense.receipt_key:
            kind = sniff_type(storage().read(expense.receipt_key))
            assert kind in ("png", "pdf") and expense.receipt_type == {"png": "image/png", "pdf": "application/pdf"}[kind]
            kinds.add(kind)
    assert kinds == {"png", "pdf"}
    assert any(e.receipt_key is None for e in expenses)  # the rectification's missing receipt
    for photo in _rows(ReportFile):
        assert sniff_type(storage().read(photo.storage_key)) == "png" and photo.size == len(storage().read(photo.storage_key))


def test_each_grants_figures_agree_with_its_rows(grants):
    for grant in grants:
        amount = sum((s.amount for s in grant.sources if s.withdrawn_at is None), ZERO)
        assert ledger.grant_amount(grant) == amount
        assert sum((t.amount for t in grant.tranches), ZERO) == amount, grant.title
        assert sum((line.amount for line in grant.budget_lines), ZERO) == amount, grant.title
        payments = _rows(Disbursement, Disbursement.grant_id == grant.id)
        reversed_ = sum((r.amount for r in _rows(DisbursementReversal, DisbursementReversal.grant_id == grant.id)), ZERO)
        paid = sum((d.amount for d in payments if d.status == DisbursementStatus.PAID), ZERO) - reversed_
        spent = sum((e.amount for e in _rows(Expense, Expense.grant_id == grant.id)), ZERO)
        figures = ledger.grant_figures(grant)
        assert (figures.amount, figures.paid, figures.spent) == (amount, paid, spent), grant.title
        for tranche in grant.tranches:
            tranche_paid = sum((d.amount for d in payments if d.tranche_id == tranche.id
                                and d.status == DisbursementStatus.PAID), ZERO)
            assert tranche_paid <= tranche.amount
            assert (tranche.status == TrancheStatus.PAID) == (tranche_paid == tranche.amount)
        for source in ledger.live_sources(grant):
            assert ledger.paid_of_source(source) <= source.amount
        entries = ledger.ledger(grant)
        assert entries.undisbursed == figures.undisbursed and entries.held_by_ngo == figures.held_by_ngo


def test_the_demo_reports_have_their_schedule_and_reminders_go_once(grants, outbox):
    for grant in grants:
        if grant.status == GrantStatus.DRAFTED:
            assert not grant.reports
            continue
        assert {ReportKind.MIDTERM, ReportKind.FINAL} <= {r.kind for r in grant.reports}
        # Due within the period, a final report at most a month or two after it ends.
        assert all(grant.starts_on <= r.due_on <= grant.ends_on + timedelta(days=60) for r in grant.reports), grant.title
        for report in grant.reports:
            filed = report.status != ReportStatus.SCHEDULED
            assert filed == (report.submitted_at is not None)
    first = send_reminders()
    assert first.overdue >= 1 and first.rectify == 0  # the rectification is due in two weeks
    assert first.due >= 1  # a mid-term report due within the week
    count = len(outbox)
    again = send_reminders()
    assert (again.due, again.overdue, again.rectify) == (0, 0, 0) and len(outbox) == count
    assert db.session.scalar(sa.select(sa.func.count(GrantReport.id)).where(
        GrantReport.reminded_overdue_at.is_not(None))) == first.overdue
