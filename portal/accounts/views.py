"""Accounts blueprint: login, registration, organizations, verification, notifications."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from ..extensions import limiter
from . import services
from .forms import LoginForm
from .permissions import access

bp = Blueprint("accounts", __name__)


def safe_next(default: str) -> str:
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _login_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message="登录尝试过多，请稍后再试。")
@access("public")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("邮箱或密码不正确。")
        else:
            login_user(user, remember=form.remember.data)
            flash("欢迎回来，" + user.display_name + "。", "success")
            return redirect(safe_next(url_for("accounts.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access("user")
def logout():
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("public.home"))


@bp.route("/register", methods=["GET", "POST"])
@access("public")
def register():
    return render_template("accounts/placeholder.html", title="注册")


@bp.route("/me")
@access("user")
def dashboard():
    return render_template("accounts/placeholder.html", title="我的工作台")


@bp.route("/notifications")
@access("user")
def notifications():
    return render_template("accounts/placeholder.html", title="消息")


@bp.route("/committee/organizations")
@access("committee")
def verification_queue():
    return render_template("accounts/placeholder.html", title="组织审核")
