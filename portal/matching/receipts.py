"""Money received for confirmed pledges (到账): partial receipts allowed, never more than pledged."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ..accounts.models import User
from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..locks import lock_row
from ..parsing import FieldErrors, clean_text, parse_choice, parse_decimal
from ..types import format_yuan
from .models import Pledge, PledgeKind, PledgeStatus, Receipt, ReceiptPayee
from .permissions import can_manage_session


def received_total(pledge: Pledge) -> Decimal:
    return Decimal(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Receipt.amount), 0)).where(Receipt.pledge_id == pledge.id)
    ))


def record_receipt(actor: User, pledge: Pledge, data: dict) -> Receipt:
    """到账: amount, date, bank reference, and whether it went to the committee's fund or the NGO."""
    if pledge.session is None or not can_manage_session(actor, pledge.session):
        raise PermissionDenied(N_("只有本场对接会的主办方可以登记到账。"))
    if pledge.kind != PledgeKind.CASH:
        raise DomainError(N_("物资认捐不登记到账金额。"))
    errors = FieldErrors()
    amount = parse_decimal(data.get("amount"), errors, "amount", Decimal("0"), Decimal("99999999.99"), low_open=True)
    received_on = data.get("received_on")
    if not isinstance(received_on, date):
        errors.add("received_on", N_("请选择有效的日期。"))
    elif received_on > date.today():
        errors.add("received_on", N_("到账日期不能晚于今天。"))
    reference = clean_text(data.get("reference"))
    if len(reference) > 100:
        errors.add("reference", N_("最多 100 个字。"))
    payee = parse_choice(ReceiptPayee, data.get("payee"), errors, "payee")
    errors.raise_if_any()
    lock_row(pledge)
    if pledge.status != PledgeStatus.CONFIRMED:
        raise DomainError(N_("只能为已确认的认捐登记到账。"))
    left = pledge.amount - received_total(pledge)
    if amount > left:
        raise DomainError(N_("到账金额超过尚未到账的 %(left)s。", left=format_yuan(left)), field="amount")
    receipt = Receipt(pledge=pledge, amount=amount, received_on=received_on, reference=reference, payee=payee,
                      recorded_by_id=actor.id)
    db.session.add(receipt)
    record(actor, "pledge.received", receipt, f"{pledge.sponsor.name}对“{pledge.application.title}”的认捐到账 "
           f"{format_yuan(amount)}", {"pledge_id": pledge.id, "amount": str(amount), "payee": payee.value,
                                       "reference": reference, "received_on": received_on.isoformat()})
    db.session.commit()
    return receipt
