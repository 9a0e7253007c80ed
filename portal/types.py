"""Column types shared by every domain: UTC timestamps and money."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone, so we store naive UTC)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def Money(**kw) -> sa.Numeric:  # noqa: N802 - reads like a type
    """Yuan, two decimals, returned as Decimal."""
    return sa.Numeric(14, 2, asdecimal=True, **kw)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_today() -> date:
    """Today in China (the day deadlines, reports and certificates are dated by)."""
    return utcnow().astimezone(SHANGHAI).date()


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(SHANGHAI) if value else None


def local_to_utc(value: datetime) -> datetime:
    """A naive Asia/Shanghai datetime (from a form) as aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(timezone.utc)


def quantize(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None) -> str:
    """¥12,345.00"""
    if amount is None:
        return "—"
    return "¥{:,.2f}".format(quantize(amount))


def format_wan(amount: Decimal | None) -> str:
    """Amounts the UI speaks of in 万元: 12.35 万元"""
    if amount is None:
        return "—"
    wan = (Decimal(amount) / Decimal(10000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{wan:,.2f} 万元"


def format_yuan(amount: Decimal | None) -> str:
    """¥3,000 for whole yuan, ¥3,000.50 otherwise: how people say an amount in a sentence."""
    if amount is None:
        return "—"
    if not isinstance(amount, Decimal) or amount.as_tuple().exponent < -2:  # amounts from the database need no rounding
        amount = quantize(amount)
    text = f"{amount:,.2f}"
    return "¥" + (text[:-3] if text.endswith(".00") else text)
