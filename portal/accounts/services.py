"""Account rules: authentication, registration, organizations, memberships, invitations."""
from __future__ import annotations

import sqlalchemy as sa

from ..audit import record
from ..extensions import db
from ..types import utcnow
from .models import User


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. The login is audited."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    record(user, "user.login", user, "登录")
    db.session.commit()
    return user
