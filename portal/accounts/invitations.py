"""Invitations: an emailed single-use link that joins an organization or makes a judge."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..links import absolute_url
from ..mail import queue_mail
from ..types import utcnow
from .models import Invitation, InvitationKind, MemberRole, Membership, Organization, User
from .permissions import can_manage_org, is_committee, is_member
from .signals import account_ready

VALID_DAYS = 7


class InvitationGone(DomainError):
    """Expired or already used (410)."""


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def _create(actor: User, kind: InvitationKind, email: str, org: Organization | None, name=None):
    from .services import normalize_email

    email = normalize_email(email)
    if not email or "@" not in email:
        raise DomainError(N_("请输入有效的电子邮箱。"), field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        kind=kind, email=email, name=name, organization=org, invited_by_id=actor.id,
        token_hash=hash_token(token), expires_at=utcnow() + timedelta(days=VALID_DAYS),
    )
    db.session.add(invitation)
    link = absolute_url("accounts.invitation", token=token)
    if kind == InvitationKind.MEMBER:
        subject = f"【益创】邀请您加入“{org.name}”"
        body = f"{actor.display_name} 邀请您加入“{org.name}”。请在 7 天内打开以下链接接受邀请：\n{link}"
    elif kind == InvitationKind.MENTOR:
        subject = "【益创】邀请您担任项目导师"
        body = f"{actor.display_name} 邀请您担任益创公益创投项目的跟踪指导导师。请在 7 天内打开以下链接接受邀请：\n{link}"
    else:
        subject = "【益创】邀请您担任评审专家"
        body = f"{actor.display_name} 邀请您担任益创评审专家。请在 7 天内打开以下链接接受邀请：\n{link}"
    queue_mail(email, subject, body)
    record(actor, f"invitation.{kind.value}_created", invitation, f"邀请 {email}", {"organization_id": getattr(org, "id", None)})
    db.session.commit()
    return invitation, token


def invite_member(actor: User, org: Organization, email: str) -> tuple[Invitation, str]:
    if not can_manage_org(actor, org):
        raise PermissionDenied(N_("只有组织负责人可以邀请成员。"))
    return _create(actor, InvitationKind.MEMBER, email, org)


def invite_judge(actor: User, email: str, name: str | None = None) -> tuple[Invitation, str]:
    if not is_committee(actor):
        raise PermissionDenied(N_("只有主办方可以邀请评审专家。"))
    return _create(actor, InvitationKind.JUDGE, email, None, name=name)


def invite_mentor(actor: User, email: str, name: str | None = None) -> tuple[Invitation, str]:
    """A funded project's mentor: the account is created (or attached) by the link; the grants domain
    binds its mentor rows on account_ready."""
    if not is_committee(actor):
        raise PermissionDenied(N_("只有主办方可以邀请项目导师。"))
    return _create(actor, InvitationKind.MENTOR, email, None, name=name)


def find_invitation(token: str) -> Invitation:
    """The open invitation for this token; DomainError (404) or InvitationGone (410)."""
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise DomainError(N_("邀请链接无效，请向邀请人确认。"))
    if invitation.accepted_at is not None:
        raise InvitationGone(N_("该邀请已被使用。"))
    if invitation.expires_at <= utcnow():
        raise InvitationGone(N_("该邀请已过期，请联系邀请人重新发送。"))
    return invitation


def accept_invitation(token: str, user: User | None = None, name: str | None = None, password: str | None = None) -> User:
    """Accept as the logged-in `user` (same email), or create a new account with name + password."""
    from .services import find_user_by_email

    invitation = find_invitation(token)
    created = user is None
    if user is None:
        if find_user_by_email(invitation.email) is not None:
            raise DomainError(N_("该邮箱已有账号，请先登录再接受邀请。"))
        if not (name or "").strip():
            raise DomainError(N_("请填写姓名。"), field="name")
        if len(password or "") < 8:
            raise DomainError(N_("密码至少 8 位。"), field="password")
        user = User(email=invitation.email, name=name.strip())
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    elif user.email != invitation.email:  # not a 403: the page tells the reader which account to use
        raise DomainError(N_("该邀请发给了其他邮箱，请使用被邀请的账号登录。"))
    if invitation.kind == InvitationKind.MEMBER:
        if not is_member(user, invitation.organization_id):
            db.session.add(Membership(user=user, organization_id=invitation.organization_id, role=MemberRole.MEMBER))
    elif invitation.kind == InvitationKind.JUDGE:
        user.is_judge = True
    invitation.accepted_at = utcnow()
    user.email_confirmed_at = user.email_confirmed_at or invitation.accepted_at  # the emailed link proves the address
    record(user, f"invitation.{invitation.kind.value}_accepted", invitation, f"{user.email} 接受邀请",
           {"organization_id": invitation.organization_id})
    if created or invitation.kind in (InvitationKind.JUDGE, InvitationKind.MENTOR):
        account_ready.send(user)
    db.session.commit()
    return user


def pending_invitations(kind: InvitationKind, org: Organization | None = None) -> list[Invitation]:
    query = sa.select(Invitation).where(
        Invitation.kind == kind, Invitation.accepted_at.is_(None), Invitation.expires_at > utcnow()
    ).order_by(Invitation.created_at.desc())
    if org is not None:
        query = query.where(Invitation.organization_id == org.id)
    return list(db.session.scalars(query))


def judges() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.is_judge.is_(True)).order_by(User.name)))
