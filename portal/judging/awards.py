"""Awards (奖项) from the final ranking: the proposal, the committee's choice and the totals vs the pool.

- propose_awards(call): the LAST round's ranking (results.round_results, rank order) fills the
  non-popularity tiers in tier order, `places` per tier, skipping unranked rows.
- assign_awards(actor, call, pairs): replaces the call's non-popularity awards with the committee's
  choice; only while the call is JUDGING, only applications entered in the last round, at most one
  non-popularity tier per application, never more than a tier's places. Audited, one commit.
- award_summary(call): per tier places / awarded / amount / subtotal, the grand total (Σ the amount
  of every award, popularity ones included) against call.total_pool.

Popularity tiers (人气奖) are filled by the public vote when the results are finalized (notice.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import audit
from ..accounts.models import OrgKind, User
from ..applications.models import Application, ApplicationStatus
from ..calls.models import Call, CallStatus
from .models import Award, AwardTier, Round, RoundEntry, RoundStatus
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..i18n import N_
from ..types import format_money, format_wan
from .results import round_results
from .services import lock_row
from .permissions import can_manage_judging


def lock_call(call: Call) -> None:
    """Serialize state changes of one call and re-read its status."""
    lock_row(call, "status")


def last_round(call: Call) -> Round | None:
    return max(call.rounds, key=lambda r: r.position, default=None)


def _last_round_results(call: Call):
    round_ = last_round(call)
    if round_ is None:
        return None
    return round_results(round_)


def ranking_rows(call: Call) -> list:
    """The last round's ResultRows in rank order (unranked ones included), [] without rounds."""
    results = _last_round_results(call)
    return list(results.rows) if results is not None else []


def _ranked_rows(call: Call) -> list:
    return [row for row in ranking_rows(call) if row.rank is not None]


def regular_tiers(call: Call) -> list[AwardTier]:
    return [tier for tier in call.award_tiers if not tier.is_popularity]


def propose_awards(call: Call) -> list[tuple[AwardTier, Application, int]]:
    """(tier, application, rank) filling the non-popularity tiers in order from the final ranking."""
    rows = _ranked_rows(call)
    applications = {
        app.id: app for app in db.session.scalars(
            sa.select(Application).options(joinedload(Application.organization))
            .where(Application.id.in_([row.application_id for row in rows]))
        )
    } if rows else {}
    proposal: list[tuple[AwardTier, Application, int]] = []
    queue = iter(rows)
    for tier in regular_tiers(call):
        for _ in range(tier.places):
            row = next(queue, None)
            if row is None:
                return proposal
            proposal.append((tier, applications[row.application_id], row.rank))
    return proposal


def candidates(call: Call) -> list[Application]:
    """The applications entered in the last round (who may be given a tier), in running order."""
    round_ = last_round(call)
    if round_ is None:
        return []
    return list(db.session.scalars(
        sa.select(Application).join(RoundEntry, RoundEntry.application_id == Application.id)
        .options(joinedload(Application.organization))
        .where(RoundEntry.round_id == round_.id).order_by(RoundEntry.position, Application.id)
    ))


def call_awards(call: Call) -> list[Award]:
    """The call's awards in tier order, with tier, application and organization loaded."""
    return list(db.session.scalars(
        sa.select(Award).join(AwardTier, Award.tier_id == AwardTier.id)
        .options(joinedload(Award.tier), joinedload(Award.application).joinedload(Application.organization))
        .where(Award.call_id == call.id)
        .order_by(AwardTier.position, AwardTier.id, Award.rank.is_(None), Award.rank, Award.id)
    ))


def _check_choice(call: Call, pairs: list[tuple[int, int]]) -> None:
    tiers = {tier.id: tier for tier in regular_tiers(call)}
    allowed = {app.id for app in candidates(call)}
    errors: dict[str, list[str]] = {}
    per_tier: dict[int, int] = {}
    seen: dict[int, int] = {}
    for tier_id, application_id in pairs:
        tier = tiers.get(tier_id)
        if tier is None:
            raise DomainError(N_("所选奖项不属于本次征集，或是由公众投票产生的人气奖。"))
        key = f"tier{tier_id}"
        if application_id not in allowed:
            errors.setdefault(key, []).append(N_("只能从最后一轮的参评项目中选择。"))
            continue
        if application_id in seen:
            errors.setdefault(key, []).append(N_("同一个项目只能获得一个奖项（人气奖除外）。"))
            continue
        seen[application_id] = tier_id
        per_tier[tier_id] = per_tier.get(tier_id, 0) + 1
        if per_tier[tier_id] > tier.places:
            errors.setdefault(key, []).append(N_("“%(name)s”只有 %(n)s 个名额。", name=tier.name, n=tier.places))
    if errors:
        raise ValidationFailed(errors)


def assign_awards(actor: User, call: Call, pairs: list[tuple[int, int]]) -> list[Award]:
    """Replace the call's non-popularity awards with `pairs` of (tier_id, application_id)."""
    if not can_manage_judging(actor, call):
        raise PermissionDenied(N_("只有主办该征集的组委会成员才能评定奖项。"))
    lock_call(call)
    if call.status != CallStatus.JUDGING:
        raise DomainError(N_("只有评审中的征集可以评定奖项（当前：%(status)s）。", status=call.status.label))
    pairs = list(dict.fromkeys((int(t), int(a)) for t, a in pairs))  # drop exact repeats, keep order
    _check_choice(call, pairs)
    ranks = {row.application_id: row.rank for row in _ranked_rows(call)}
    tier_ids = [tier.id for tier in regular_tiers(call)]
    before = sorted(db.session.execute(
        sa.select(Award.tier_id, Award.application_id).where(Award.call_id == call.id, Award.tier_id.in_(tier_ids))
    ).all())
    db.session.execute(sa.delete(Award).where(Award.call_id == call.id, Award.tier_id.in_(tier_ids)))
    awards = [Award(call_id=call.id, tier_id=tier_id, application_id=app_id, rank=ranks.get(app_id),
                    assigned_by_id=actor.id) for tier_id, app_id in pairs]
    db.session.add_all(awards)
    audit.record(actor, "awards.assigned", call, f"评定奖项：{len(awards)} 个获奖项目",
                 {"before": [list(p) for p in before], "after": [list(p) for p in pairs]})
    db.session.commit()
    return awards


@dataclass
class TierLine:
    tier: AwardTier
    places: int
    awarded: list[Award]
    amount: Decimal
    subtotal: Decimal

    @property
    def open_places(self) -> int:
        return max(self.places - len(self.awarded), 0)


@dataclass
class AwardSummary:
    tiers: list[TierLine]
    total: Decimal
    pool: Decimal
    awards: list[Award] = field(default_factory=list)

    @property
    def over_pool(self) -> bool:
        return self.total > self.pool

    @property
    def remaining(self) -> Decimal:
        return self.pool - self.total

    @property
    def warning(self) -> str:
        if not self.over_pool:
            return ""
        excess = self.total - self.pool
        return N_("奖金合计 %(total)s（%(total_wan)s）超出创投资金总额 %(pool)s（%(pool_wan)s）%(excess)s，请调整奖项。",
                  total=format_money(self.total), total_wan=format_wan(self.total), pool=format_money(self.pool),
                  pool_wan=format_wan(self.pool), excess=format_money(excess))


def award_summary(call: Call) -> AwardSummary:
    awards = call_awards(call)
    by_tier: dict[int, list[Award]] = {}
    for award in awards:
        by_tier.setdefault(award.tier_id, []).append(award)
    lines = []
    for tier in call.award_tiers:
        awarded = by_tier.get(tier.id, [])
        lines.append(TierLine(tier, tier.places, awarded, tier.amount, tier.amount * len(awarded)))
    total = sum((award.tier.amount for award in awards), Decimal("0.00"))
    return AwardSummary(lines, total, call.total_pool, awards)


# --- what an NGO sees of its own results -------------------------------------------------------

PUBLISHED = (CallStatus.NOTICE, CallStatus.FINAL)


@dataclass
class MyApplication:
    application: Application
    rounds: list[tuple[Round, str]]  # (round, 未参加 / 已入围 / 评审中 / 已晋级 / 未晋级 / 已完成评审)
    awards: list[Award] | None  # None until the call's results are published


def _round_state(round_: Round, entry: RoundEntry | None, has_next: bool) -> str:
    if entry is None:
        return N_("未参加")
    if entry.advanced:
        return N_("已晋级")
    if round_.status == RoundStatus.LOCKED:
        return N_("未晋级") if has_next else N_("已完成评审")
    return N_("评审中") if round_.status == RoundStatus.OPEN else N_("已入围")


def my_results(user: User) -> list[MyApplication]:
    """The user's NGOs' submitted applications, their progress per round and (once published) awards.

    Four queries whatever the number of applications; nothing about other organizations."""
    org_ids = [m.organization_id for m in user.memberships if m.organization.kind == OrgKind.NGO]
    if not org_ids:
        return []
    applications = list(db.session.scalars(
        sa.select(Application).options(joinedload(Application.call))
        .where(Application.organization_id.in_(org_ids), Application.status != ApplicationStatus.DRAFT)
        .order_by(Application.created_at.desc(), Application.id.desc())
    ))
    if not applications:
        return []
    call_ids = {app.call_id for app in applications}
    app_ids = [app.id for app in applications]
    rounds: dict[int, list[Round]] = {}
    for round_ in db.session.scalars(sa.select(Round).where(Round.call_id.in_(call_ids)).order_by(Round.position)):
        rounds.setdefault(round_.call_id, []).append(round_)
    entries = {(e.round_id, e.application_id): e for e in db.session.scalars(
        sa.select(RoundEntry).where(RoundEntry.application_id.in_(app_ids)))}
    awards: dict[int, list[Award]] = {}
    for award in db.session.scalars(
        sa.select(Award).join(Call, Award.call_id == Call.id).options(joinedload(Award.tier))
        .where(Award.application_id.in_(app_ids), Call.status.in_(PUBLISHED))
    ):
        awards.setdefault(award.application_id, []).append(award)
    result = []
    for app in applications:
        call_rounds = rounds.get(app.call_id, [])
        states = [(r, _round_state(r, entries.get((r.id, app.id)), i + 1 < len(call_rounds)))
                  for i, r in enumerate(call_rounds)]
        published = app.call.status in PUBLISHED
        result.append(MyApplication(app, states, awards.get(app.id, []) if published else None))
    return result
