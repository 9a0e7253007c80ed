"""Pledges: a sponsor pledges cash (≥ ¥100, never past the gap), claims the whole gap (认领), or
pledges in kind; changes and withdrawals until the session closes; the committee records pledges on
a sponsor's behalf, confirms them (which matches them, first come first served) or marks them lapsed.

The gap is checked with the project's row locked (SELECT … FOR UPDATE on PostgreSQL), so sponsors
pressing at the same moment are served one after another and none takes the project past its goal.
A pledge's amount is never edited: a change is a new row replacing the old one.
"""
from __future__ import annotations

from decimal import Decimal

from ..accounts.models import Organization, User
from ..accounts.notifications import notify_organization
from ..applications.models import BUDGET_CATEGORIES
from ..audit import record
from ..errors import DomainError, InvalidTransition, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..links import absolute_url
from ..locks import lock_row
from ..parsing import FieldErrors, clean_text, parse_decimal
from ..types import format_yuan, utcnow
from .funding import figures_of
from .match import allocate_on_confirmation
from .models import (
    MINIMUM_PLEDGE,
    MatchingSession,
    Pledge,
    PledgeKind,
    PledgeStatus,
    SessionProject,
    SessionStatus,
)
from .permissions import can_change_pledge, can_manage_session, can_pledge_for

MAX_AMOUNT = Decimal("99999999.99")


class GapExceeded(DomainError):
    """The amount is more than the project can still take; `remaining` is what it can."""

    def __init__(self, remaining: Decimal):
        if remaining <= 0:
            message = N_("该项目已满额，不能再认捐。")
        else:
            message = N_("仅剩 %(remaining)s 可认捐。", remaining=format_yuan(remaining))
        super().__init__(message, field="amount")
        self.remaining = remaining


def _check_open(project: SessionProject) -> None:
    if project.session.status != SessionStatus.OPEN:
        raise DomainError(N_("本场对接已不接受认捐。"))
    if project.is_withdrawn:
        raise DomainError(N_("该项目已退出本场对接。"))


def _clean_extras(data: dict, errors: FieldErrors) -> dict:
    purpose = clean_text(data.get("purpose"))
    if purpose and purpose not in BUDGET_CATEGORIES:
        errors.add("purpose", N_("请从列表中选择。"))
    message = clean_text(data.get("message"))
    if len(message) > 500:
        errors.add("message", N_("最多 500 个字。"))
    return {"purpose": purpose, "message": message}


def _parse_amount(value, errors: FieldErrors, field: str = "amount") -> Decimal | None:
    return parse_decimal(value, errors, field, Decimal("0"), MAX_AMOUNT, low_open=True)


def _check_amount(amount: Decimal, gap: Decimal, whole_gap_allowed: bool = True) -> None:
    """≥ ¥100 (or exactly the whole remaining gap when that is less), and never more than the gap."""
    if amount > gap:
        raise GapExceeded(gap)
    if amount < MINIMUM_PLEDGE and not (whole_gap_allowed and amount == gap):
        raise DomainError(N_("每笔认捐不少于 %(minimum)s。", minimum=format_yuan(MINIMUM_PLEDGE)), field="amount")


def _notify_ngo(pledge: Pledge, title: str, body: str) -> None:
    link = absolute_url("matching.my_pledges_received")
    notify_organization(pledge.application.organization, title, body, link)


def _describe(pledge: Pledge) -> dict:
    return {
        "project_id": pledge.project_id, "application_id": pledge.application_id, "sponsor_id": pledge.sponsor_id,
        "kind": pledge.kind.value, "amount": str(pledge.amount), "is_claim": pledge.is_claim,
        "on_behalf": pledge.on_behalf, "replaces_id": pledge.replaces_id,
    }


def _add_pledge(actor: User, project: SessionProject, sponsor: Organization, amount: Decimal, *, kind: PledgeKind,
                extras: dict, is_claim: bool = False, on_behalf: bool = False, replaces: Pledge | None = None,
                in_kind: dict | None = None) -> Pledge:
    pledge = Pledge(
        session_id=project.session_id, project=project, application_id=project.application_id, sponsor=sponsor,
        kind=kind, amount=amount, is_claim=is_claim, on_behalf=on_behalf, created_by_id=actor.id,
        replaces=replaces, status=PledgeStatus.PENDING, **extras, **(in_kind or {}),
    )
    db.session.add(pledge)
    verb = {PledgeKind.CASH: "认领" if is_claim else "认捐", PledgeKind.IN_KIND: "物资认捐"}[kind]
    summary = f"{sponsor.name}{verb}“{project.application.title}” {format_yuan(amount)}"
    if on_behalf:
        summary += f"（由{actor.display_name}代为登记）"
    record(actor, "pledge.changed" if replaces else "pledge.created", pledge, summary, _describe(pledge))
    return pledge


def _sponsor_for(actor: User, sponsor: Organization) -> None:
    if not can_pledge_for(actor, sponsor):
        raise PermissionDenied(N_("只有通过认证的爱心企业可以认捐。"))


def pledge_cash(actor: User, project: SessionProject, sponsor: Organization, data: dict) -> Pledge:
    """A cash pledge of data["amount"], with an optional purpose (budget category) and message."""
    _sponsor_for(actor, sponsor)
    errors = FieldErrors()
    amount = _parse_amount(data.get("amount"), errors)
    extras = _clean_extras(data, errors)
    errors.raise_if_any()
    lock_row(project)
    _check_open(project)
    _check_amount(amount, figures_of(project).gap)
    pledge = _add_pledge(actor, project, sponsor, amount, kind=PledgeKind.CASH, extras=extras)
    _notify_ngo(pledge, N_("收到一笔认捐"), N_("%(sponsor)s认捐您的项目“%(title)s” %(amount)s。", sponsor=sponsor.public_name,
                title=project.application.title, amount=format_yuan(amount)))
    db.session.commit()
    return pledge


def claim_gap(actor: User, project: SessionProject, sponsor: Organization, data: dict) -> Pledge:
    """认领: pledge the whole gap as it is at this moment (it may have shrunk since the page was read;
    the pledge says what it took)."""
    _sponsor_for(actor, sponsor)
    errors = FieldErrors()
    extras = _clean_extras(data, errors)
    errors.raise_if_any()
    lock_row(project)
    _check_open(project)
    gap = figures_of(project).gap
    if gap <= 0:
        raise GapExceeded(gap)
    pledge = _add_pledge(actor, project, sponsor, gap, kind=PledgeKind.CASH, extras=extras, is_claim=True)
    _notify_ngo(pledge, N_("您的项目被认领"), N_("%(sponsor)s认领了您的项目“%(title)s”剩余缺口 %(amount)s。",
                sponsor=sponsor.public_name, title=project.application.title, amount=format_yuan(gap)))
    db.session.commit()
    return pledge


def _in_kind_values(data: dict, errors: FieldErrors) -> tuple[Decimal | None, dict]:
    description = clean_text(data.get("in_kind_description"))
    if not description:
        errors.add("in_kind_description", N_("请说明捐赠的物资或服务。"))
    elif len(description) > 300:
        errors.add("in_kind_description", N_("最多 300 个字。"))
    quantity = clean_text(data.get("in_kind_quantity"))
    if len(quantity) > 60:
        errors.add("in_kind_quantity", N_("最多 60 个字。"))
    value = _parse_amount(data.get("amount"), errors)
    return value, {"in_kind_description": description, "in_kind_quantity": quantity}


def pledge_in_kind(actor: User, project: SessionProject, sponsor: Organization, data: dict) -> Pledge:
    """物资 / 服务 with an estimated value: shown apart from cash, not counted toward the gap until the
    committee accepts its value."""
    _sponsor_for(actor, sponsor)
    errors = FieldErrors()
    value, in_kind = _in_kind_values(data, errors)
    extras = _clean_extras(data, errors)
    errors.raise_if_any()
    lock_row(project)
    _check_open(project)
    pledge = _add_pledge(actor, project, sponsor, value, kind=PledgeKind.IN_KIND, extras=extras, in_kind=in_kind)
    _notify_ngo(pledge, N_("收到一笔物资认捐"), N_("%(sponsor)s为您的项目“%(title)s”认捐物资/服务：%(what)s。",
                sponsor=sponsor.public_name, title=project.application.title, what=in_kind["in_kind_description"]))
    db.session.commit()
    return pledge


def record_on_behalf(actor: User, project: SessionProject, sponsor: Organization, data: dict) -> Pledge:
    """The committee records a pledge for a sponsor (a show of hands in the room, no account): marked
    as recorded by whom. Cash within the gap, or in kind."""
    if not can_manage_session(actor, project.session):
        raise PermissionDenied(N_("只有本场对接会的主办方可以代为登记认捐。"))
    kind = PledgeKind.IN_KIND if data.get("kind") == PledgeKind.IN_KIND.value else PledgeKind.CASH
    errors = FieldErrors()
    if kind == PledgeKind.CASH:
        amount, in_kind = _parse_amount(data.get("amount"), errors), None
    else:
        amount, in_kind = _in_kind_values(data, errors)
    extras = _clean_extras(data, errors)
    errors.raise_if_any()
    lock_row(project)
    _check_open(project)
    if kind == PledgeKind.CASH:
        _check_amount(amount, figures_of(project).gap)
    pledge = _add_pledge(actor, project, sponsor, amount, kind=kind, extras=extras, on_behalf=True, in_kind=in_kind)
    db.session.commit()
    return pledge


def _decide(pledge: Pledge, target: PledgeStatus, actor: User, note: str = "") -> None:
    pledge.status.check_transition(target)
    pledge.status, pledge.decided_at, pledge.decided_by_id = target, utcnow(), actor.id
    pledge.decision_note = clean_text(note)[:500]


def change_pledge(actor: User, pledge: Pledge, data: dict) -> Pledge:
    """A new amount (and purpose, message) for a pending cash pledge: a new row replaces it."""
    if not can_change_pledge(actor, pledge):
        raise PermissionDenied(N_("只能修改自己的认捐。"))
    if pledge.kind != PledgeKind.CASH:
        raise DomainError(N_("物资认捐请撤回后重新登记。"))
    errors = FieldErrors()
    amount = _parse_amount(data.get("amount"), errors)
    extras = _clean_extras(data, errors)
    errors.raise_if_any()
    project = pledge.project
    lock_row(project)
    lock_row(pledge)
    _check_open(project)
    if pledge.status != PledgeStatus.PENDING:
        raise InvalidTransition(N_("该认捐已%(status)s，不能再修改。", status=pledge.status.label))
    _check_amount(amount, figures_of(project).gap + pledge.amount)
    _decide(pledge, PledgeStatus.REPLACED, actor)
    db.session.flush()
    new = _add_pledge(actor, project, pledge.sponsor, amount, kind=PledgeKind.CASH, extras=extras,
                      on_behalf=pledge.on_behalf, replaces=pledge)
    db.session.commit()
    return new


def withdraw_pledge(actor: User, pledge: Pledge, reason: str = "") -> Pledge:
    if not can_change_pledge(actor, pledge):
        raise PermissionDenied(N_("只能撤回自己的认捐。"))
    project = pledge.project
    if project is None:
        raise DomainError(N_("奖项出资不能在此撤回。"))
    lock_row(project)
    lock_row(pledge)
    if project.session.status != SessionStatus.OPEN:
        raise DomainError(N_("对接会已截止，认捐不能再撤回；请联系主办方。"))
    if pledge.status != PledgeStatus.PENDING:
        raise InvalidTransition(N_("该认捐已%(status)s，不能再撤回。", status=pledge.status.label))
    _decide(pledge, PledgeStatus.WITHDRAWN, actor, reason)
    record(actor, "pledge.withdrawn", pledge, f"{pledge.sponsor.name}撤回对“{pledge.application.title}”的认捐 "
           f"{format_yuan(pledge.amount)}", {"reason": pledge.decision_note})
    _notify_ngo(pledge, N_("一笔认捐已撤回"), N_("%(sponsor)s撤回了对项目“%(title)s”的认捐 %(amount)s。",
                sponsor=pledge.sponsor.public_name, title=pledge.application.title, amount=format_yuan(pledge.amount)))
    db.session.commit()
    return pledge


def _check_manager(actor: User, session: MatchingSession) -> None:
    if not can_manage_session(actor, session):
        raise PermissionDenied(N_("只有本场对接会的主办方可以确认认捐。"))


def confirm_pledge(actor: User, pledge: Pledge, note: str = "") -> Pledge:
    """The sponsor confirmed in writing. Matched now when the session matches first come first
    served; the session's row is locked so that concurrent confirmations never overspend the pool."""
    session = pledge.session
    if session is None:
        raise DomainError(N_("奖项出资在登记时即已确认。"))
    _check_manager(actor, session)
    # The pool: one confirmation at a time per session. FOR NO KEY UPDATE, not FOR UPDATE: a pledge
    # being made meanwhile holds its project's lock and inserts a row referencing the session, whose
    # foreign-key check FOR UPDATE would block — while this confirmation waits for that project.
    lock_row(session, key_share=True)
    lock_row(pledge.project)  # the gap: no pledge slips in between reading the room and matching
    lock_row(pledge)
    if session.status not in (SessionStatus.OPEN, SessionStatus.CLOSED):
        raise DomainError(N_("只能在对接会进行中或截止后、结算前确认认捐。"))
    _decide(pledge, PledgeStatus.CONFIRMED, actor, note)
    db.session.flush()
    allocation = allocate_on_confirmation(session, pledge)
    data = {"match": str(allocation.amount) if allocation else None,
            "match_limited_by": allocation.limited_by.value if allocation and allocation.limited_by else None}
    record(actor, "pledge.confirmed", pledge, f"确认{pledge.sponsor.name}对“{pledge.application.title}”的认捐 "
           f"{format_yuan(pledge.amount)}", data)
    _notify_ngo(pledge, N_("认捐已确认"), N_("%(sponsor)s对项目“%(title)s”的认捐 %(amount)s 已确认。",
                sponsor=pledge.sponsor.public_name, title=pledge.application.title, amount=format_yuan(pledge.amount)))
    db.session.commit()
    return pledge


def lapse_pledge(actor: User, pledge: Pledge, note: str = "") -> Pledge:
    """Never confirmed: the pledge lapses and frees its part of the gap."""
    session = pledge.session
    if session is None:
        raise DomainError(N_("奖项出资在登记时即已确认。"))
    _check_manager(actor, session)
    lock_row(pledge)
    if session.status == SessionStatus.SETTLED:
        raise DomainError(N_("对接会已结算。"))
    _decide(pledge, PledgeStatus.LAPSED, actor, note)
    record(actor, "pledge.lapsed", pledge, f"{pledge.sponsor.name}对“{pledge.application.title}”的认捐 "
           f"{format_yuan(pledge.amount)} 未确认，已失效", {"note": pledge.decision_note})
    db.session.commit()
    return pledge


def accept_in_kind_value(actor: User, pledge: Pledge) -> Pledge:
    """The committee accepts an in-kind pledge's estimated value: from now on it counts toward the gap
    (so it must fit in it)."""
    session = pledge.session
    if session is None or pledge.kind != PledgeKind.IN_KIND:
        raise DomainError(N_("只有物资认捐需要核定价值。"))
    _check_manager(actor, session)
    lock_row(pledge.project)
    lock_row(pledge)
    if pledge.status != PledgeStatus.PENDING or pledge.value_accepted_at is not None:
        raise DomainError(N_("只能在确认前核定一次物资价值。"))
    gap = figures_of(pledge.project).gap
    if pledge.amount > gap:
        raise DomainError(N_("物资估值超过项目剩余缺口（%(gap)s），不能计入。", gap=format_yuan(gap)))
    pledge.value_accepted_at, pledge.value_accepted_by_id = utcnow(), actor.id
    record(actor, "pledge.in_kind_accepted", pledge, f"核定{pledge.sponsor.name}物资认捐价值 {format_yuan(pledge.amount)}",
           {"amount": str(pledge.amount)})
    db.session.commit()
    return pledge
