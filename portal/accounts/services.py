"""Account rules: authentication, registration, organizations, memberships, invitations."""
from __future__ import annotations

import sqlalchemy as sa

from ..audit import record
from ..extensions import db
from ..types import utcnow
from .models import User
from .signals import account_ready


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


# --- registration and passwords ---------------------------------------------------------------

from flask import current_app  # noqa: E402
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer  # noqa: E402

from ..errors import DomainError  # noqa: E402
from ..i18n import N_  # noqa: E402

RESET_MAX_AGE = 2 * 3600
RESET_SALT = "password-reset"


def register_user(name: str, email: str, password: str, phone: str | None = None) -> User:
    email = normalize_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(N_("该邮箱已注册，请直接登录或找回密码。"), field="email")
    if len(password or "") < 8:
        raise DomainError(N_("密码至少 8 位。"), field="password")
    user = User(email=email, name=(name or "").strip(), phone=(phone or "").strip() or None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    account_ready.send(user)  # e.g. judge invitations of calls sent to this address before
    record(user, "user.registered", user, "注册账号")
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise DomainError(N_("当前密码不正确。"), field="current_password")
    if len(new or "") < 8:
        raise DomainError(N_("密码至少 8 位。"), field="password")
    user.set_password(new)
    record(user, "user.password_changed", user, "修改密码")
    db.session.commit()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    import hashlib

    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    """Signed, expires in 2 h, and single-use: bound to the current password hash."""
    return _serializer().dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=RESET_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active or data.get("pw") != _password_fingerprint(user):
        return None
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way."""
    from ..links import absolute_url
    from ..mail import queue_mail

    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    link = absolute_url("accounts.reset_password", token=make_reset_token(user))
    queue_mail(user.email, "【益创】重置密码", f"请在 2 小时内打开以下链接设置新密码：\n{link}\n\n如非本人操作，请忽略本邮件。")
    record(user, "user.password_reset_requested", user, "申请重置密码")
    db.session.commit()


def reset_password(token: str, new: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise DomainError(N_("重置链接无效、已过期或已使用，请重新申请。"))
    if len(new or "") < 8:
        raise DomainError(N_("密码至少 8 位。"), field="password")
    user.set_password(new)
    user.email_confirmed_at = user.email_confirmed_at or utcnow()  # the emailed link proves the address
    record(user, "user.password_reset", user, "通过邮件链接重置密码")
    db.session.commit()
    return user


# Re-exported for demo data / the CLI and callers that only know `services`.
from .organizations import create_committee, register_organization  # noqa: E402,F401
from .uscc import check_uscc  # noqa: E402,F401
