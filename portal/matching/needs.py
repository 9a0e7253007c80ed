"""Needs (服务需求 / 领办): a verified department (政府部门 / 街道 / 社区 / 村) — or the session's committee
on its behalf — posts a need in an open matching session; verified NGOs offer to take it on (a short
plan, a team, a price within the budget) until the deadline; the poster compares the offers and
accepts one, which becomes a commissioned project (领办项目) with its price as the amount; the others
are declined and told.

    need:  draft → open → awarded | cancelled         (NeedStatus)
    offer: submitted → accepted | declined | withdrawn (OfferStatus)

One service call per transition: it checks the actor's permission and the transition, changes the
rows, writes the audit events, and commits once. Offers and the acceptance lock the need's row, so
that two acceptances (or an offer and an edit) at the same moment are served one after the other.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.models import Organization, OrgKind, User
from ..accounts.notifications import notify_organization
from ..accounts.permissions import is_member
from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..links import absolute_url
from ..locks import lock_row
from ..parsing import FieldErrors, clean_text, parse_decimal, parse_moment
from ..types import format_yuan, to_local, utcnow
from .models import MatchingSession, SessionStatus
from .need_models import Need, NeedOffer, NeedStatus, OfferStatus
from .permissions import can_manage_need, can_offer_for, can_post_need, can_withdraw_offer

MAX_MONEY = Decimal("99999999.99")
NEED_FIELDS = ("title", "service", "target_group", "place", "period_start", "period_end", "budget", "offers_due")
TEXT_LIMITS = {"title": 200, "service": 5000, "target_group": 300, "place": 300}
PLAN_MAX, TEAM_MAX, REASON_MAX = 3000, 1000, 500


# --- validation ------------------------------------------------------------------------------------

def _limited_text(data: Mapping, field: str, limit: int, errors: FieldErrors, required: bool = True) -> str:
    value = clean_text(data.get(field))
    if required and not value:
        errors.add(field, N_("请填写此项。"))
    elif len(value) > limit:
        errors.add(field, N_("最多 %(limit)s 个字。", limit=limit))
    return value


def _date(data: Mapping, field: str, errors: FieldErrors):
    value = data.get(field)
    if value is None or value == "":
        errors.add(field, N_("请选择日期。"))
        return None
    if not hasattr(value, "isoformat") or hasattr(value, "hour"):
        errors.add(field, N_("请选择有效的日期。"))
        return None
    return value


def _validate_need(data: Mapping) -> dict:
    errors = FieldErrors()
    values = {field: _limited_text(data, field, limit, errors) for field, limit in TEXT_LIMITS.items()}
    values["period_start"] = _date(data, "period_start", errors)
    values["period_end"] = _date(data, "period_end", errors)
    if values["period_start"] and values["period_end"] and values["period_end"] < values["period_start"]:
        errors.add("period_end", N_("结束日期不能早于开始日期。"))
    values["budget"] = parse_decimal(data.get("budget"), errors, "budget", Decimal("0"), MAX_MONEY, low_open=True)
    due = data.get("offers_due")
    if due is None or due == "":
        errors.add("offers_due", N_("请选择报价截止时间。"))
        values["offers_due"] = None
    else:
        values["offers_due"] = parse_moment(due, errors, "offers_due")
        if values["offers_due"] is not None and values["offers_due"] <= utcnow():
            errors.add("offers_due", N_("报价截止时间必须晚于现在。"))
    errors.raise_if_any()
    return values


def _check_manager(actor: User | None, need: Need) -> None:
    if not can_manage_need(actor, need):
        raise PermissionDenied(N_("只有发布需求的需求方或本场对接会的主办方可以操作。"))


def _need_link(need: Need) -> str:
    return absolute_url("matching.need_detail", need_id=need.id)


def _due_text(need: Need) -> str:
    return to_local(need.offers_due).strftime("%Y-%m-%d %H:%M")


# --- needs -----------------------------------------------------------------------------------------

def post_need(actor: User, session: MatchingSession | None, department: Organization | None, data: Mapping,
              publish: bool = False) -> Need:
    """A new need in an open session, saved as a draft or published at once. Posted by a member of the
    (verified) department, or by the session's committee on its behalf (on_behalf)."""
    if actor is None:
        raise PermissionDenied(N_("请先登录。"))
    errors = FieldErrors()
    if session is None:
        errors.add("session_id", N_("请选择对接会。"))
    if department is None or department.kind != OrgKind.DEPARTMENT:
        errors.add("department_id", N_("请选择需求方。"))
    errors.raise_if_any()
    if not department.is_verified:
        raise DomainError(N_("需求方通过主办方认证后才能发布需求。"), field="department_id")
    if not can_post_need(actor, session, department):
        raise PermissionDenied(N_("只有需求方的成员或本场对接会的主办方可以发布需求。"))
    if session.status != SessionStatus.OPEN:
        raise DomainError(N_("只能在进行中的对接会发布需求。"), field="session_id")
    values = _validate_need(data)
    on_behalf = not is_member(actor, department)
    need = Need(session=session, department=department, posted_by_id=actor.id, on_behalf=on_behalf,
                status=NeedStatus.DRAFT, **values)
    db.session.add(need)
    summary = f"{department.name}发布需求“{need.title}”，预算 {format_yuan(need.budget)}"
    if on_behalf:
        summary += f"（由{actor.display_name}代为发布）"
    record(actor, "need.created", need, summary, {"session_id": session.id, "department_id": department.id,
                                                    "budget": need.budget, "on_behalf": on_behalf})
    if publish:
        need.status.check_transition(NeedStatus.OPEN)
        need.status = NeedStatus.OPEN
        record(actor, "need.published", need, f"需求“{need.title}”开始征集报价，截止 {_due_text(need)}")
    db.session.commit()
    return need


def live_offer_count(need: Need) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(NeedOffer)
        .where(NeedOffer.need_id == need.id, NeedOffer.status == OfferStatus.SUBMITTED)
    )


def editable(need: Need) -> bool:
    """A draft, or an open need that no NGO has (still) offered to take on."""
    return need.status == NeedStatus.DRAFT or (need.status == NeedStatus.OPEN and live_offer_count(need) == 0)


def update_need(actor: User, need: Need, data: Mapping) -> Need:
    _check_manager(actor, need)
    lock_row(need)
    if not editable(need):
        raise DomainError(N_("已有组织报价或需求已结束，不能再修改。"))
    old = {field: getattr(need, field) for field in NEED_FIELDS}
    values = _validate_need({**old, **{k: v for k, v in data.items() if k in NEED_FIELDS}})
    changes = {field: [str(old[field]), str(value)] for field, value in values.items() if old[field] != value}
    for field, value in values.items():
        setattr(need, field, value)
    record(actor, "need.updated", need, f"修改需求“{need.title}”", changes)
    db.session.commit()
    return need


def publish_need(actor: User, need: Need) -> Need:
    """DRAFT → OPEN: NGOs see it and may offer until the deadline."""
    _check_manager(actor, need)
    lock_row(need)
    need.status.check_transition(NeedStatus.OPEN)
    if need.session.status != SessionStatus.OPEN:
        raise DomainError(N_("只能在进行中的对接会发布需求。"))
    if need.offers_due <= utcnow():
        raise DomainError(N_("报价截止时间已过，请先修改截止时间。"))
    need.status = NeedStatus.OPEN
    record(actor, "need.published", need, f"需求“{need.title}”开始征集报价，截止 {_due_text(need)}")
    db.session.commit()
    return need


def _decline(actor: User, offer: NeedOffer, why: str) -> None:
    offer.status.check_transition(OfferStatus.DECLINED)
    offer.status, offer.decided_at = OfferStatus.DECLINED, utcnow()
    record(actor, "need_offer.declined", offer, f"{offer.ngo.name}对“{offer.need.title}”的报价未被选中（{why}）")


def _submitted_offers(need: Need) -> list[NeedOffer]:
    """The need's offers as they are now (read again after the need's row is locked)."""
    return list(db.session.scalars(
        sa.select(NeedOffer).where(NeedOffer.need_id == need.id).options(joinedload(NeedOffer.ngo))
        .order_by(NeedOffer.id).execution_options(populate_existing=True)
    ))


def cancel_need(actor: User, need: Need, reason: str) -> Need:
    """DRAFT/OPEN → CANCELLED with a reason; offers still standing are declined and their NGOs told."""
    _check_manager(actor, need)
    reason = clean_text(reason)
    if not reason:
        raise DomainError(N_("请填写取消原因。"), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(N_("最多 %(limit)s 个字。", limit=REASON_MAX), field="reason")
    lock_row(need)
    need.status.check_transition(NeedStatus.CANCELLED)
    need.status, need.cancel_reason, need.decided_at = NeedStatus.CANCELLED, reason, utcnow()
    record(actor, "need.cancelled", need, f"取消需求“{need.title}”", {"reason": reason})
    for offer in _submitted_offers(need):
        if offer.status == OfferStatus.SUBMITTED:
            _decline(actor, offer, "需求已取消")
            notify_organization(offer.ngo, f"需求“{need.title}”已取消",
                                f"{need.department.name}取消了该需求，您的报价不再有效。原因：{reason}", _need_link(need))
    db.session.commit()
    return need


# --- offers ----------------------------------------------------------------------------------------

def _check_taking_offers(need: Need) -> None:
    if need.status != NeedStatus.OPEN:
        raise DomainError(N_("该需求已不接受报价。"))
    if utcnow() >= need.offers_due:
        raise DomainError(N_("报价已于 %(due)s 截止。", due=_due_text(need)))


def submit_offer(actor: User, need: Need, ngo: Organization | None, data: Mapping) -> NeedOffer:
    """A verified NGO offers to take the need on: a short plan, its team, a price within the budget.
    One live offer per NGO and need; none after the deadline."""
    if ngo is None or not can_offer_for(actor, ngo):
        raise PermissionDenied(N_("只有通过认证的公益组织可以报价。"))
    errors = FieldErrors()
    plan = _limited_text(data, "plan", PLAN_MAX, errors)
    team = _limited_text(data, "team", TEAM_MAX, errors)
    price = parse_decimal(data.get("price"), errors, "price", Decimal("0"), MAX_MONEY, low_open=True)
    errors.raise_if_any()
    lock_row(need)
    _check_taking_offers(need)
    if price > need.budget:
        raise DomainError(N_("报价不能超过预算 %(budget)s。", budget=format_yuan(need.budget)), field="price")
    if any(o.ngo_id == ngo.id and o.status == OfferStatus.SUBMITTED for o in _submitted_offers(need)):
        raise DomainError(N_("贵组织已对该需求报价；如需修改，请先撤回原报价。"))
    offer = NeedOffer(need=need, ngo=ngo, plan=plan, team=team, price=price, submitted_by_id=actor.id,
                      status=OfferStatus.SUBMITTED)
    db.session.add(offer)
    record(actor, "need_offer.submitted", offer, f"{ngo.name}报价领办“{need.title}” {format_yuan(price)}",
           {"need_id": need.id, "ngo_id": ngo.id, "price": price})
    notify_organization(need.department, f"“{need.title}”收到新的领办报价",
                        f"{ngo.name}报价 {format_yuan(price)}。报价截止后请比较各家报价并选定一家。",
                        absolute_url("matching.need_offers", need_id=need.id))
    db.session.commit()
    return offer


def withdraw_offer(actor: User, offer: NeedOffer) -> NeedOffer:
    """The NGO takes its offer back, while the need is open and before the deadline."""
    if not can_withdraw_offer(actor, offer):
        raise PermissionDenied(N_("只有报价的组织可以撤回报价。"))
    need = offer.need
    lock_row(need)
    db.session.refresh(offer)
    _check_taking_offers(need)
    offer.status.check_transition(OfferStatus.WITHDRAWN)
    offer.status, offer.decided_at = OfferStatus.WITHDRAWN, utcnow()
    record(actor, "need_offer.withdrawn", offer, f"{offer.ngo.name}撤回对“{need.title}”的报价")
    db.session.commit()
    return offer


def accept_offer(actor: User, offer: NeedOffer) -> NeedOffer:
    """The poster chooses one offer: it is accepted (a commissioned project for its price), the need is
    awarded, every other standing offer declined; each NGO is told. The need's row is locked first,
    so two acceptances at the same moment cannot both win."""
    need = offer.need
    _check_manager(actor, need)
    lock_row(need)
    need.status.check_transition(NeedStatus.AWARDED)
    offers = _submitted_offers(need)
    offer = next(o for o in offers if o.id == offer.id)
    if offer.status != OfferStatus.SUBMITTED:
        raise DomainError(N_("该报价已撤回或已处理，不能选定。"))
    now = utcnow()
    offer.status, offer.decided_at = OfferStatus.ACCEPTED, now
    need.status, need.decided_at = NeedStatus.AWARDED, now
    record(actor, "need.awarded", need, f"需求“{need.title}”由{offer.ngo.name}领办，金额 {format_yuan(offer.price)}",
           {"offer_id": offer.id, "ngo_id": offer.ngo_id, "amount": offer.price})
    record(actor, "need_offer.accepted", offer, f"选定{offer.ngo.name}领办“{need.title}”")
    link = _need_link(need)
    notify_organization(offer.ngo, f"您的报价已被选定：“{need.title}”",
                        f"{need.department.name}选定贵组织领办该需求，金额 {format_yuan(offer.price)}。", link)
    for other in offers:
        if other.status == OfferStatus.SUBMITTED:
            _decline(actor, other, "已选定其他组织")
            notify_organization(other.ngo, f"报价未被选中：“{need.title}”",
                                f"{need.department.name}已选定其他组织领办该需求。感谢贵组织的报价。", link)
    db.session.commit()
    return offer


# --- what the session report reads ------------------------------------------------------------------

class NeedsSummary(NamedTuple):
    needs: int  # needs posted (published: open or taken on; drafts and cancelled ones are not counted)
    taken_on: int  # needs taken on (awarded)
    organizations: int  # distinct NGOs taking needs on
    amount: Decimal  # the sum of the accepted offers' prices


def commissioned_projects(session: MatchingSession) -> list[NeedOffer]:
    """The commissioned projects (领办项目) of a session: each need's accepted offer — the NGO, the
    need and its department loaded with it — whose price is the project's amount; in the order the
    needs were taken on."""
    return list(db.session.scalars(
        sa.select(NeedOffer).join(Need, Need.id == NeedOffer.need_id)
        .where(Need.session_id == session.id, Need.status == NeedStatus.AWARDED,
               NeedOffer.status == OfferStatus.ACCEPTED)
        .options(joinedload(NeedOffer.ngo), joinedload(NeedOffer.need).joinedload(Need.department))
        .order_by(Need.decided_at, Need.id)
    ))


def needs_summary(session: MatchingSession) -> NeedsSummary:
    """(number of needs, number taken on, organizations, amount) of a session, for its report: needs
    published in it (open or awarded), those taken on, the distinct NGOs taking them on, and the sum
    of their accepted prices (a sum of the rows commissioned_projects returns). Two queries."""
    needs = db.session.scalar(
        sa.select(sa.func.count()).select_from(Need)
        .where(Need.session_id == session.id, Need.status.in_((NeedStatus.OPEN, NeedStatus.AWARDED)))
    )
    projects = commissioned_projects(session)
    amount = sum((offer.price for offer in projects), Decimal("0.00"))
    return NeedsSummary(needs or 0, len(projects), len({offer.ngo_id for offer in projects}), amount)
