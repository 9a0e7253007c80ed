"""Expenses with receipts: the grant's budget categories only, receipts checked by content, append-only
reversal, and budget against actual with its 10 % and administrative-cap warnings."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.audit import AuditEvent
from portal.errors import DomainError, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.grants import expenses, ledger
from portal.grants.report_models import Expense, ReportKind
from portal.storage import storage

from ..factories import make_member
from .helpers import signed_grant

D = Decimal
PDF = b"%PDF-1.4\n% invoice\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DAY = (date.today() - timedelta(days=3)).isoformat()


def _midterm(grant):
    return next(r for r in grant.reports if r.kind == ReportKind.MIDTERM)


def _spend(world, grant, category, amount, receipt=("发票.pdf", PDF), item="场地租用"):
    return expenses.record_expense(world.ngo_user, _midterm(grant), {
        "category": category, "item": item, "amount": amount, "spent_on": DAY, "receipt": receipt})


def test_the_ngo_records_an_expense_with_its_receipt_beyond_what_it_was_paid(app):
    world, grant = signed_grant()
    assert ledger.paid_of_grant(grant) == 0  # nothing paid yet: the NGO spends its own money first
    expense = _spend(world, grant, "活动费", "1200.50")
    assert (expense.amount, expense.category, expense.report_id, expense.receipt_type) == (
        D("1200.50"), "活动费", _midterm(grant).id, "pdf")
    assert storage().read(expense.receipt_key) == PDF
    photo = _spend(world, grant, "管理费", "80", receipt=("小票.png", PNG))
    assert photo.receipt_type == "png" and photo.receipt_name == "小票.png"
    assert ledger.spent_by_category(grant) == {"活动费": D("1200.50"), "管理费": D("80.00")}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "grant.expense_recorded"))
    assert event.data["amount"] == "1200.50" and event.actor_id == world.ngo_user.id


@pytest.mark.parametrize("field, data", [
    ("category", {"category": "宣传费"}),  # not in this grant's budget
    ("category", {"category": "吃喝"}),
    ("amount", {"amount": "0"}),
    ("amount", {"amount": "-5"}),
    ("amount", {"amount": "1.001"}),
    ("item", {"item": " "}),
    ("spent_on", {"spent_on": (date.today() + timedelta(days=1)).isoformat()}),
    ("receipt", {"receipt": None}),
    ("receipt", {"receipt": ("发票.docx", b"PK\x03\x04 not really")}),
    ("receipt", {"receipt": ("发票.pdf", b"MZ\x90\x00 an exe named pdf")}),
])
def test_an_expense_is_refused_on_its_field(app, field, data):
    world, grant = signed_grant()
    row = {"category": "活动费", "item": "场地", "amount": "100", "spent_on": DAY, "receipt": ("发票.pdf", PDF), **data}
    with pytest.raises(ValidationFailed) as refused:
        expenses.record_expense(world.ngo_user, _midterm(grant), row)
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Expense.id))) == 0


def test_only_the_recipient_records_expenses(app):
    world, grant = signed_grant()
    for someone in (world.maker, world.sponsors[0].user, make_member()):
        with pytest.raises(PermissionDenied):
            expenses.record_expense(someone, _midterm(grant), {"category": "活动费", "item": "x", "amount": "1",
                                                               "spent_on": DAY, "receipt": ("a.pdf", PDF)})


def test_a_wrong_expense_is_reversed_by_a_new_row_never_edited(app):
    world, grant = signed_grant()
    wrong = _spend(world, grant, "活动费", "500.00")
    with pytest.raises(DomainError):
        expenses.reverse_expense(world.ngo_user, wrong, "  ")  # a reason is required
    with pytest.raises(PermissionDenied):
        expenses.reverse_expense(world.sponsors[0].user, wrong, "不是我们的")
    reversal = expenses.reverse_expense(world.ngo_user, wrong, "重复登记")
    db.session.refresh(wrong)
    assert (wrong.amount, wrong.reason, wrong.reverses_id) == (D("500.00"), "", None)
    assert (reversal.amount, reversal.reverses_id, reversal.reason, reversal.category) == (
        D("-500.00"), wrong.id, "重复登记", "活动费")
    assert ledger.spent_of_grant(grant) == 0
    assert [e.id for e in expenses.expenses_of(grant)] == [wrong.id, reversal.id]
    assert expenses.reversed_of(expenses.expenses_of(grant)) == {wrong.id}
    with pytest.raises(DomainError):
        expenses.reverse_expense(world.ngo_user, wrong, "再冲一次")
    with pytest.raises(DomainError):
        expenses.reverse_expense(world.ngo_user, reversal, "冲销冲销")
    other = _spend(world, grant, "活动费", "70.00")
    assert expenses.reverse_expense(world.maker, other, "票据不合规").created_by_id == world.maker.id  # the committee too
    assert ledger.spent_of_grant(grant) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "grant.expense_reversed")) == 2


def test_budget_against_actual_warns_past_ten_percent_over_a_category(app):
    world, grant = signed_grant()
    budget = {line.category: line.amount for line in grant.budget_lines}
    assert budget == {"活动费": D("23750.00"), "管理费": D("1250.00")}
    _spend(world, grant, "活动费", "26125.00")  # exactly 10 % over: no warning yet
    _spend(world, grant, "管理费", "1400.00")  # 12 % over its budget, but 5.1 % of what was spent
    figures = expenses.budget_vs_actual(grant)
    by_category = {row.category: row for row in figures.rows}
    assert by_category["活动费"].spent == D("26125.00") and not by_category["活动费"].over
    assert by_category["活动费"].used_pct == D("110.0")
    assert by_category["管理费"].over
    assert [str(w) for w in figures.warnings] == ["“管理费”已支出 ¥1,400，超出预算 ¥1,250 的 10% 以上。"]
    _spend(world, grant, "活动费", "0.01")
    figures = expenses.budget_vs_actual(grant)
    assert len(figures.warnings) == 2 and "活动费" in figures.warnings[0]
    assert (figures.budget, figures.spent) == (D("25000.00"), D("27525.01"))


def test_budget_against_actual_warns_when_the_admin_share_passes_the_cap(app):
    world, grant = signed_grant()
    assert grant.admin_cap_pct == D("10.00")
    _spend(world, grant, "活动费", "900.00")
    _spend(world, grant, "管理费", "100.00")  # exactly 10 % of what was spent
    figures = expenses.budget_vs_actual(grant)
    assert figures.admin_pct == D("10.00") and not figures.admin_over and figures.warnings == []
    _spend(world, grant, "管理费", "1.00")
    figures = expenses.budget_vs_actual(grant)
    assert figures.admin_over and figures.admin_pct == D("10.09")
    assert [str(w) for w in figures.warnings] == ["管理费占已支出的 10.09%，超过 10% 的上限。"]
