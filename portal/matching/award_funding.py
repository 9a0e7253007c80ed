"""Awards paid by sponsors: an award tier (or one award) names its funders and their shares, kept as
confirmed pledges to the awarded projects (award_id set, no session), so that grants see every
source of every 分. The funders of one award never add up to more than its amount."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from ..accounts.models import Organization, OrgKind, User
from ..accounts.organizations import record_sponsor
from ..audit import record
from ..calls.models import Call
from ..calls.permissions import can_manage_call
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..judging.models import Award, AwardTier
from ..locks import lock_row
from ..parsing import FieldErrors, clean_text, parse_decimal
from ..types import format_yuan, utcnow
from .models import LIVE_PLEDGE_STATUSES, Pledge, PledgeKind, PledgeStatus


def award_pledges(call: Call) -> list[Pledge]:
    """The award funding of a call's awards, live ones, in award order."""
    return db.session.scalars(
        sa.select(Pledge).join(Award, Award.id == Pledge.award_id)
        .where(Award.call_id == call.id, Pledge.status.in_(LIVE_PLEDGE_STATUSES))
        .order_by(Award.tier_id, Award.id, Pledge.id)
    ).all()


def funded_by_sponsors(award: Award) -> Decimal:
    return Decimal(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Pledge.amount), 0))
        .where(Pledge.award_id == award.id, Pledge.status.in_(LIVE_PLEDGE_STATUSES))
    ))


def _sponsor(actor: User, data: dict) -> Organization:
    sponsor_id = str(data.get("sponsor_id") or "")
    if sponsor_id.isdigit() and int(sponsor_id) < 2**31:
        sponsor = db.session.get(Organization, int(sponsor_id))
        if sponsor is None or sponsor.kind != OrgKind.COMPANY:
            raise DomainError(N_("请从列表中选择。"), field="sponsor_id")
        return sponsor
    if clean_text(data.get("sponsor_name")):
        return record_sponsor(actor, data.get("sponsor_name"), clean_text(data.get("legal_form")) or "企业")
    raise DomainError(N_("请选择或填写出资的爱心企业。"), field="sponsor_id")


def _fund(actor: User, award: Award, sponsor: Organization, amount: Decimal) -> Pledge:
    lock_row(award)
    left = award.tier.amount - funded_by_sponsors(award)
    if amount > left:
        raise DomainError(N_("出资合计不能超过奖金；本奖项还可由爱心企业出资 %(left)s。", left=format_yuan(left)), field="amount")
    now = utcnow()
    pledge = Pledge(application_id=award.application_id, award_id=award.id, sponsor=sponsor, kind=PledgeKind.CASH,
                    amount=amount, status=PledgeStatus.CONFIRMED, created_by_id=actor.id, on_behalf=True,
                    decided_at=now, decided_by_id=actor.id)
    db.session.add(pledge)
    record(actor, "pledge.award_funded", pledge, f"{sponsor.name}出资“{award.application.title}”的{award.tier.name} "
           f"{format_yuan(amount)}", {"award_id": award.id, "sponsor_id": sponsor.id, "amount": str(amount)})
    return pledge


def add_funder(actor: User, tier: AwardTier, data: dict, award: Award | None = None) -> list[Pledge]:
    """A funder pays `amount` of each award of the tier (or of the one award given)."""
    if not can_manage_call(actor, tier.call):
        raise PermissionDenied(N_("只有主办方可以登记奖项出资方。"))
    errors = FieldErrors()
    amount = parse_decimal(data.get("amount"), errors, "amount", Decimal("0"), Decimal("99999999.99"), low_open=True)
    errors.raise_if_any()
    sponsor = _sponsor(actor, data)
    awards = [award] if award is not None else db.session.scalars(
        sa.select(Award).where(Award.tier_id == tier.id).order_by(Award.id)).all()
    if award is not None and award.tier_id != tier.id:
        raise DomainError(N_("请从列表中选择。"), field="award_id")
    if not awards:
        raise DomainError(N_("该奖项还没有获奖项目。"))
    pledges = [_fund(actor, a, sponsor, amount) for a in awards]
    db.session.commit()
    return pledges


def remove_funder(actor: User, pledge: Pledge, reason: str) -> Pledge:
    if pledge.award is None or not can_manage_call(actor, pledge.award.call):
        raise PermissionDenied(N_("只有主办方可以修改奖项出资方。"))
    reason = clean_text(reason)
    if not reason:
        raise DomainError(N_("请填写原因。"), field="reason")
    lock_row(pledge)
    pledge.status.check_transition(PledgeStatus.WITHDRAWN)
    pledge.status, pledge.decided_at, pledge.decided_by_id, pledge.decision_note = (
        PledgeStatus.WITHDRAWN, utcnow(), actor.id, reason[:500])
    record(actor, "pledge.award_funding_withdrawn", pledge, f"撤销{pledge.sponsor.name}对{pledge.award.tier.name}的出资",
           {"reason": pledge.decision_note})
    db.session.commit()
    return pledge
