"""冠名: a sponsor that funds a project in full asks to name it; the committee approves or declines."""
from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import Organization, User
from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..locks import lock_row
from ..parsing import clean_text
from ..types import utcnow
from .funding import figures_of
from .models import (
    LIVE_PLEDGE_STATUSES,
    NamingRequest,
    NamingStatus,
    Pledge,
    PledgeKind,
    SessionProject,
)
from .permissions import can_manage_session, can_pledge_for


def funds_in_full(project: SessionProject, sponsor: Organization) -> bool:
    """The sponsor's live cash pledges are all the project raised, and its goal is met."""
    figures = figures_of(project)
    mine = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Pledge.amount), 0)).where(
            Pledge.project_id == project.id, Pledge.sponsor_id == sponsor.id, Pledge.kind == PledgeKind.CASH,
            Pledge.status.in_(LIVE_PLEDGE_STATUSES),
        )
    )
    return figures.is_full and mine > 0 and mine == figures.cash_pledged


def request_naming(actor: User, project: SessionProject, sponsor: Organization, name: str) -> NamingRequest:
    if not can_pledge_for(actor, sponsor):
        raise PermissionDenied(N_("只有通过认证的爱心企业可以申请冠名。"))
    name = clean_text(name)
    if not name:
        raise DomainError(N_("请填写冠名名称。"), field="name")
    if len(name) > 100:
        raise DomainError(N_("最多 100 个字。"), field="name")
    lock_row(project)
    if not funds_in_full(project, sponsor):
        raise DomainError(N_("只有全额资助本项目的爱心企业可以申请冠名。"))
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(NamingRequest).where(
        NamingRequest.project_id == project.id, NamingRequest.status != NamingStatus.DECLINED))
    if waiting:
        raise DomainError(N_("本项目已有冠名申请。"))
    request = NamingRequest(project=project, sponsor=sponsor, name=name, requested_by_id=actor.id)
    db.session.add(request)
    record(actor, "naming.requested", request, f"{sponsor.name}申请冠名“{project.application.title}”为“{name}”")
    db.session.commit()
    return request


def decide_naming(actor: User, request: NamingRequest, approve: bool, reason: str = "") -> NamingRequest:
    if not can_manage_session(actor, request.project.session):
        raise PermissionDenied(N_("只有主办方可以审批冠名。"))
    target = NamingStatus.APPROVED if approve else NamingStatus.DECLINED
    lock_row(request)
    request.status.check_transition(target)
    reason = clean_text(reason)
    if not approve and not reason:
        raise DomainError(N_("请填写不同意的原因。"), field="reason")
    request.status, request.decided_by_id, request.decided_at, request.reason = target, actor.id, utcnow(), reason[:500]
    record(actor, "naming.approved" if approve else "naming.declined", request,
           f"{'同意' if approve else '不同意'}{request.sponsor.name}冠名“{request.name}”", {"reason": request.reason})
    db.session.commit()
    return request


_APPROVED = sa.select(NamingRequest.project_id, NamingRequest.name).where(
    NamingRequest.project_id.in_(sa.bindparam("ids", expanding=True)), NamingRequest.status == NamingStatus.APPROVED)


def approved_names(project_ids) -> dict[int, str]:
    ids = list(project_ids)
    if not ids:
        return {}
    return dict(db.session.execute(_APPROVED, {"ids": ids}).all())
