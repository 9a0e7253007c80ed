"""Tell people things: an in-app notification and an email (sent after commit) to each recipient."""
from __future__ import annotations

from ..extensions import db
from ..mail import queue_mail
from .models import Notification, Organization, User


def notify_users(users: list[User], title: str, body: str = "", link: str | None = None) -> None:
    """Add a Notification per user and queue the same text as mail. The caller commits."""
    seen: set[int] = set()
    for user in users:
        if user.id in seen or not user.active:
            continue
        seen.add(user.id)
        db.session.add(Notification(user_id=user.id, title=title, body=body, link=link))
        text = body + (f"\n\n查看详情：{link}" if link else "")
        queue_mail(user.email, f"【益创】{title}", text)


def notify_organization(org: Organization, title: str, body: str = "", link: str | None = None) -> None:
    """Every member of the organization is told."""
    notify_users([membership.user for membership in org.memberships], title, body, link)
