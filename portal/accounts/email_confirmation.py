"""Email confirmation: a signed link proves the account's address (public votes count only confirmed
accounts). Accepting an invitation or resetting a password by the emailed link proves it too
(invitations.accept_invitation and services.reset_password set email_confirmed_at themselves).

The token is itsdangerous' URLSafeTimedSerializer over the app's SECRET_KEY, salt "confirm-email",
valid 3 days, and bound to the address it was sent to (a changed address needs a new link).
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..actions import attempt, run
from ..audit import record
from ..errors import DomainError
from ..extensions import db, limiter
from ..i18n import N_
from ..links import absolute_url, safe_next
from ..mail import queue_mail
from ..types import utcnow
from .models import User
from .permissions import access, acting_user
from .views import bp

SALT = "confirm-email"
MAX_AGE = 3 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_confirmation_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "email": user.email})


def send_confirmation(user: User) -> None:
    """Mail a confirmation link to the user's address."""
    if user.email_confirmed_at is not None:
        raise DomainError(N_("您的电子邮箱已经确认过了。"))
    link = absolute_url("accounts.confirm_email", token=make_confirmation_token(user))
    queue_mail(user.email, "【益创】确认您的电子邮箱",
               f"请在 3 天内打开以下链接确认您的电子邮箱：\n{link}\n\n如非本人操作，请忽略本邮件。")
    record(user, "user.confirmation_sent", user, "发送邮箱确认邮件")
    db.session.commit()


def confirm_email(token: str) -> User:
    """The account the token was issued for, its address now confirmed; DomainError when invalid."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except SignatureExpired:
        raise DomainError(N_("确认链接已过期，请登录后重新发送。")) from None
    except BadSignature:
        raise DomainError(N_("确认链接无效。")) from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) and isinstance(data.get("uid"), int) else None
    if user is None or not user.active or user.email != data.get("email"):
        raise DomainError(N_("确认链接无效。"))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record(user, "user.email_confirmed", user, "确认电子邮箱")
        db.session.commit()
    return user


# --- routes on the accounts blueprint ----------------------------------------------------------

def _user_key() -> str:
    user = acting_user()
    return f"user:{user.id}" if user else "anonymous"


@bp.route("/email/confirm/<token>", endpoint="confirm_email")
@access("public")
def confirm_email_view(token: str):
    confirmed = run(lambda: confirm_email(token))
    if not confirmed:
        return render_template("accounts/message.html", title=N_("链接无效"), message=confirmed.error.message), 410
    flash(_("电子邮箱 %(email)s 已确认。", email=confirmed.value.email), "success")
    return redirect(url_for("accounts.dashboard") if current_user.is_authenticated else url_for("accounts.login"))


@bp.route("/email/confirm", methods=["POST"], endpoint="send_confirmation")
@limiter.limit("3 per hour", key_func=_user_key, error_message="发送太频繁，请稍后再试。")
@access("user")
def send_confirmation_view():
    user = acting_user()
    if attempt(lambda: send_confirmation(user), category="info"):  # "already confirmed" is news, not a failure
        flash(_("确认邮件已发送到 %(email)s，请在 3 天内打开邮件中的链接。", email=user.email), "info")
    return redirect(safe_next(url_for("accounts.dashboard")))
