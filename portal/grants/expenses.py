"""Expenses (支出 / 票据): what the NGO spent from a grant, per budget category, each with its receipt
(an image or a PDF, type checked by content), recorded with a report.

Money rows are append-only: an expense is never edited or deleted; a wrong one is cancelled by a
new row of the opposite amount that names it (reverses_id) and says why. An expense is not held to
what the NGO has received so far (NGOs spend their own money first too), but only the grant's
budget categories are accepted.

Budget against actual per category (budget_vs_actual) warns where a category runs more than 10 %
over its budget, and where the administrative share (管理费) of what was spent passes the cap.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ..accounts.models import User
from ..applications.attachments import clean_filename
from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..locks import lock_row
from ..parsing import FieldErrors, clean_text, parse_day, parse_decimal
from ..storage import ALLOWED_TYPES, MAX_FILE_SIZE, check_upload, storage
from ..types import format_yuan
from . import ledger
from .models import Grant
from .permissions import can_file_report, can_manage_grant
from .report_models import Expense, GrantReport

RECEIPT_TYPES = {"pdf", "jpeg", "png"}
MAX_EXPENSE = Decimal("99999999.99")
MAX_ROWS = 40
OVERRUN_TOLERANCE = Decimal("0.10")  # a category may run 10 % over its budget before a warning
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def categories(grant: Grant) -> list[str]:
    return [line.category for line in grant.budget_lines]


def _receipt(upload, errors: FieldErrors, key: str) -> tuple[str, bytes, str] | None:
    if not upload or not upload[1]:
        errors.add(key, N_("请上传票据（图片或 PDF）。"))
        return None
    filename, data = upload
    try:
        kind = check_upload(data, RECEIPT_TYPES)
    except DomainError:
        errors.add(key, N_("票据只接受 PDF、JPEG 或 PNG 文件（按文件内容检查），不超过 %(n)s MB。",
                           n=MAX_FILE_SIZE // (1024 * 1024)))
        return None
    return clean_filename(filename), data, kind


def parse_rows(grant: Grant, rows: list[dict], errors: FieldErrors, prefix: str = "expenses") -> list[dict]:
    """New expenses as typed: category (one of the grant's budget), item, amount (> 0), spent_on (not
    after today), receipt=(filename, bytes). Errors keyed "<prefix>-<i>-<field>"."""
    allowed = set(categories(grant))
    parsed = []
    if len(rows) > MAX_ROWS:
        errors.add(prefix, N_("一次最多登记 %(n)s 笔支出。", n=MAX_ROWS))
    for i, row in enumerate(rows[:MAX_ROWS]):
        key = f"{prefix}-{i}"
        category = clean_text(row.get("category"))
        if category not in allowed:
            errors.add(f"{key}-category", N_("请选择协议预算中的科目。"))
        item = clean_text(row.get("item"))
        if not item:
            errors.add(f"{key}-item", N_("请填写支出事项。"))
        elif len(item) > 200:
            errors.add(f"{key}-item", N_("不能超过 %(n)s 个字。", n=200))
        amount = parse_decimal(row.get("amount"), errors, f"{key}-amount", Decimal("0"), MAX_EXPENSE, low_open=True)
        spent_on = parse_day(row.get("spent_on"), errors, f"{key}-spent_on")
        if spent_on and spent_on > date.today():
            errors.add(f"{key}-spent_on", N_("支出日期不能晚于今天。"))
        receipt = _receipt(row.get("receipt"), errors, f"{key}-receipt")
        parsed.append({"category": category, "item": item, "amount": amount, "spent_on": spent_on, "receipt": receipt})
    return parsed


def add_expense(actor: User, report: GrantReport, row: dict) -> Expense:
    """One parsed row stored with its receipt (the caller checked the permission and commits)."""
    filename, data, kind = row["receipt"]
    key = storage().save(data, suffix="." + kind)
    expense = Expense(grant_id=report.grant_id, report=report, category=row["category"], item=row["item"],
                      amount=row["amount"], spent_on=row["spent_on"], receipt_key=key, receipt_name=filename,
                      receipt_type=kind, created_by_id=actor.id)
    db.session.add(expense)
    record(actor, "grant.expense_recorded", expense,
           f"登记支出：{report.grant.title} {expense.category} · {expense.item} {format_yuan(expense.amount)}",
           {"report_id": report.id, "category": expense.category, "amount": expense.amount,
            "spent_on": expense.spent_on, "receipt": filename})
    return expense


def record_expense(actor: User, report: GrantReport, data: dict) -> Expense:
    """One expense of the report: category, item, amount, spent_on, receipt=(filename, bytes)."""
    from .reports import _require_open

    _require_open(actor, report)
    errors = FieldErrors()
    rows = parse_rows(report.grant, [data], errors)
    if errors:  # the fields as the one-expense form names them
        FieldErrors({name.removeprefix("expenses-0-"): messages for name, messages in errors.items()}).raise_if_any()
    expense = add_expense(actor, report, rows[0])
    db.session.commit()
    return expense


def can_reverse(user: User | None, expense: Expense, reversed_ids: set[int]) -> bool:
    """For the page: an expense not yet reversed (of the ids `reversed_ids`), by the NGO or the committee."""
    grant = expense.grant
    return (expense.amount > 0 and expense.id not in reversed_ids
            and (can_file_report(user, grant) or can_manage_grant(user, grant)))


def reverse_expense(actor: User, expense: Expense, reason: str) -> Expense:
    """Cancel a wrong expense by an opposite row with the reason; the expense itself stays as it was."""
    grant = expense.grant
    if not (can_file_report(actor, grant) or can_manage_grant(actor, grant)):
        raise PermissionDenied(N_("只有受资助机构或主办方可以冲销支出。"))
    reason = clean_text(reason)
    if not reason:
        raise DomainError(N_("请填写冲销原因。"), field="reason")
    if len(reason) > 2000:
        raise DomainError(N_("不能超过 %(n)s 个字。", n=2000), field="reason")
    lock_row(expense)
    if expense.amount < 0 or expense.reverses_id is not None:
        raise DomainError(N_("冲销记录本身不能再冲销。"))
    if db.session.scalar(sa.select(Expense.id).where(Expense.reverses_id == expense.id)) is not None:
        raise DomainError(N_("这笔支出已经冲销过了。"))
    reversal = Expense(grant_id=expense.grant_id, report_id=expense.report_id, category=expense.category,
                       item=expense.item, amount=-expense.amount, spent_on=date.today(), reverses_id=expense.id,
                       reason=reason, created_by_id=actor.id)
    db.session.add(reversal)
    record(actor, "grant.expense_reversed", reversal,
           f"冲销支出：{grant.title} {expense.category} · {expense.item} {format_yuan(expense.amount)}",
           {"reverses_id": expense.id, "amount": reversal.amount, "reason": reason})
    db.session.commit()
    return reversal


def expenses_of(grant: Grant, report: GrantReport | None = None) -> list[Expense]:
    """The grant's expense rows (of one report, when given), reversals included, in order."""
    query = sa.select(Expense).where(Expense.grant_id == grant.id)
    if report is not None:
        query = query.where(Expense.report_id == report.id)
    return list(db.session.scalars(query.order_by(Expense.id)))


def reversed_of(rows: list[Expense]) -> set[int]:
    """The ids of the expenses among `rows` that a row of `rows` reverses."""
    return {row.reverses_id for row in rows if row.reverses_id is not None}


# --- budget against actual ---------------------------------------------------------------------------

def _pct(part: Decimal, whole: Decimal, places: Decimal) -> Decimal | None:
    """part as a percentage of whole, rounded half up to `places` (None of nothing)."""
    if whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(places, rounding=ROUND_HALF_UP)


@dataclass
class CategoryFigures:
    category: str
    budget: Decimal
    spent: Decimal
    is_admin: bool = False

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.spent

    @property
    def used_pct(self) -> Decimal | None:
        return _pct(self.spent, self.budget, Decimal("0.1"))

    @property
    def over(self) -> bool:
        """More than 10 % over its budget (any spending on a category budgeted at nothing)."""
        return self.spent > self.budget * (1 + OVERRUN_TOLERANCE)


@dataclass
class BudgetFigures:
    rows: list[CategoryFigures]
    admin_cap_pct: Decimal
    warnings: list[str] = field(default_factory=list)

    @property
    def budget(self) -> Decimal:
        return sum((r.budget for r in self.rows), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((r.spent for r in self.rows), ZERO)

    @property
    def admin_spent(self) -> Decimal:
        return sum((r.spent for r in self.rows if r.is_admin), ZERO)

    @property
    def admin_pct(self) -> Decimal | None:
        return _pct(self.admin_spent, self.spent, Decimal("0.01"))

    @property
    def admin_over(self) -> bool:
        return self.spent > 0 and self.admin_spent * HUNDRED > self.admin_cap_pct * self.spent


def budget_vs_actual(grant: Grant) -> BudgetFigures:
    """Per budget category: the budget, what was spent (reversals netted) and the warnings."""
    spent = ledger.spent_by_category(grant)
    rows = [CategoryFigures(line.category, line.amount, spent.pop(line.category, ZERO), line.is_admin)
            for line in grant.budget_lines]
    rows += [CategoryFigures(category, ZERO, amount) for category, amount in sorted(spent.items()) if amount != 0]
    figures = BudgetFigures(rows, grant.admin_cap_pct)
    for row in rows:
        if row.over:
            figures.warnings.append(N_("“%(category)s”已支出 %(spent)s，超出预算 %(budget)s 的 10%% 以上。",
                                       category=row.category, spent=format_yuan(row.spent),
                                       budget=format_yuan(row.budget)))
    if figures.admin_over:
        figures.warnings.append(N_("管理费占已支出的 %(pct)s%%，超过 %(cap)s%% 的上限。",
                                   pct=figures.admin_pct, cap=f"{grant.admin_cap_pct.normalize():f}"))
    return figures


def receipt_mimetype(expense: Expense) -> str:
    return ALLOWED_TYPES.get(expense.receipt_type, "application/octet-stream")
