"""A call's award tiers (奖项设置): names, places and the venture funding (创投资金) of each place,
shown against the call's pool. Rows arrive as typed; errors come back keyed "tiers-<i>-<field>".
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Mapping

import sqlalchemy as sa

from ..audit import record
from ..calls.models import Call
from ..errors import DomainError
from ..extensions import db
from ..i18n import N_
from ..parsing import FieldErrors, clean_text, parse_decimal, parse_flag, parse_integer, row_value
from .models import Award, AwardTier
from .rounds import check_setup_editable
from .services import sync_rows

MAX_TIERS = 30


@dataclass
class TierTotals:
    total: Decimal
    pool: Decimal

    @property
    def over_pool(self) -> bool:
        return self.total > self.pool

    @property
    def warning(self) -> str | None:
        if not self.over_pool:
            return None
        return N_("奖项资金合计 ¥%(total)s 超出创投资金总额 ¥%(pool)s，请核对。", total=f"{self.total:,.2f}",
                  pool=f"{self.pool:,.2f}")


def tier_totals(call: Call, tiers: Iterable[AwardTier] | None = None) -> TierTotals:
    """Σ places × amount (derived, never stored) against the call's pool."""
    tiers = call.award_tiers if tiers is None else tiers
    return TierTotals(total=sum((t.places * t.amount for t in tiers), Decimal("0.00")), pool=call.total_pool)


def _validate_tiers(rows: list[Mapping]) -> list[dict]:
    errors, cleaned, names = FieldErrors(), [], set()
    if len(rows) > MAX_TIERS:
        errors.add("tiers", N_("奖项最多 %(n)s 个。", n=MAX_TIERS))
    for i, row in enumerate(rows[:MAX_TIERS]):
        key = f"tiers-{i}-"
        name = clean_text(row.get("name"))
        if not name:
            errors.add(key + "name", N_("请填写奖项名称。"))
        elif len(name) > 60:
            errors.add(key + "name", N_("最多 60 个字。"))
        elif name in names:
            errors.add(key + "name", N_("奖项名称重复。"))
        names.add(name)
        places = parse_integer(row_value(row, "places", ""), errors, key + "places", 1, 1000)
        amount = parse_decimal(row_value(row, "amount", ""), errors, key + "amount", Decimal("0"),
                          Decimal("10000000000"), label=N_("金额"))
        cleaned.append(dict(name=name, places=places, amount=amount, is_popularity=parse_flag(row.get("is_popularity"))))
    errors.raise_if_any()
    return cleaned


def save_award_tiers(actor, call: Call, rows: Iterable[Mapping]) -> TierTotals:
    """Replace the call's award tiers by these rows; the total may exceed the pool (the caller warns)."""
    check_setup_editable(actor, call)
    cleaned = _validate_tiers(list(rows))
    existing = list(call.award_tiers)
    dropped = [t.id for t in existing[len(cleaned):]]
    if dropped and db.session.scalar(sa.select(sa.func.count(Award.id)).where(Award.tier_id.in_(dropped))):
        raise DomainError(N_("要删除的奖项已有获奖项目，不能删除。"))
    sync_rows(call.award_tiers, cleaned, AwardTier)
    totals = tier_totals(call)
    record(actor, "call.award_tiers_saved", call, f"保存“{call.title}”的奖项设置", {
        "tiers": [[r["name"], r["places"], r["amount"], r["is_popularity"]] for r in cleaned],
        "total": totals.total, "pool": totals.pool, "over_pool": totals.over_pool,
    })
    db.session.commit()
    return totals
