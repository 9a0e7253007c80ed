"""益创 Yichuang: create_app builds the portal; it alone imports every blueprint, and only the entries
(portal.wsgi, portal.worker, the CLI) import it."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, has_request_context, render_template, request, session
from flask_wtf.csrf import CSRFError

from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .i18n import N_, MessageSessionInterface

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    if not has_request_context():
        return "zh_CN"  # services run from the CLI or tests: Chinese
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in ("zh_CN", "en"):
        return chosen
    return "zh_CN"  # Chinese first, whatever the browser says


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from .config import load_config

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    logging.basicConfig(level=logging.INFO)
    _warn_about_portal_url(app, set_here=bool(os.environ.get("PORTAL_URL") or (config and "PORTAL_URL" in config)))
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per layout step

    app.session_interface = MessageSessionInterface()  # a message kept for the next page stays translatable
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = N_("请先登录。")
    login_manager.login_message_category = "warning"
    from flask_babel import gettext

    login_manager.localize_callback = gettext  # the message above, in the reader's language
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)

    from flask_bootstrap import Bootstrap5

    Bootstrap5(app)

    from . import audit, mail  # noqa: F401 - models and the after-commit mail hook
    from .accounts import models as _accounts_models  # noqa: F401 - every table known to
    from .applications import models as _applications_models  # noqa: F401 - the metadata
    from .calls import models as _calls_models  # noqa: F401 - (migrations, create_all)
    from .judging import models as _judging_models  # noqa: F401
    from .matching import models as _matching_models  # noqa: F401
    from .grants import models as _grants_models  # noqa: F401
    from .accounts.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        # Memberships and their organizations come with the user: every permission check reads them.
        import sqlalchemy as sa
        from sqlalchemy.orm import selectinload

        from .accounts.models import Membership

        try:
            user_pk = int(user_id)
        except (TypeError, ValueError):
            return None
        return db.session.scalars(
            sa.select(User)
            .options(selectinload(User.memberships).joinedload(Membership.organization))
            .where(User.id == user_pk)
        ).first()

    from .request_args import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route: ids beyond the database's range are 404
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_error_pages(app)
    _register_security_headers(app)
    _register_input_guard(app)

    from .cli import register_cli

    register_cli(app)
    return app


def _warn_about_portal_url(app: Flask, set_here: bool) -> None:
    """Links in mail are built from PORTAL_URL: a production set-up without it mails links to
    the embedded default, which no one can open."""
    from .config import looks_like_production

    if not set_here and looks_like_production(app.config):
        logging.getLogger("portal").warning(
            "PORTAL_URL is not set: links in mail and notifications will point at %s. "
            "Set PORTAL_URL to the address people use to reach the portal, e.g. https://gongyi.example.cn",
            app.config["PORTAL_URL"])


def _register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .applications.views import bp as applications_bp
    from .audit_views import bp as audit_bp
    from .calls.views import bp as calls_bp
    from .certificates.views import bp as certificates_bp
    from .grants.views import bp as grants_bp
    from .judging.views import bp as judging_bp
    from .matching.views import bp as matching_bp
    from .public.views import bp as public_bp

    for bp in (public_bp, accounts_bp, calls_bp, applications_bp, judging_bp, matching_bp, grants_bp, certificates_bp,
               audit_bp):
        app.register_blueprint(bp)


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale
    from flask_login import current_user

    from .accounts.permissions import acting_user, cached_roles
    from .i18n import finalize, translate
    from .types import format_money, format_wan, to_local

    @app.context_processor
    def inject_roles():
        user = acting_user()
        return {
            "roles": cached_roles(user) if user else {},
            "current_locale": str(get_locale()),
            "unread_notifications": _unread_count(user),
        }

    @app.template_filter("translate")
    def translate_filter(value):
        """The catalogue's translation of a text held in a variable (a state label, a service's
        message, with its parameters: portal.i18n). Unlike Jinja's _(), which marks its result safe,
        the result is still escaped."""
        return translate(value)

    @app.template_filter("redact")
    def redact_filter(value, terms):
        """Blind review: the applicant's names in a text replaced (portal.applications.identity)."""
        from .applications.identity import redact

        return redact(value, terms)

    @app.template_filter("money")
    def money_filter(value):
        return format_money(value)

    @app.template_filter("wan")
    def wan_filter(value):
        return format_wan(value)

    @app.template_filter("local")
    def local_filter(value, fmt="%Y-%m-%d %H:%M"):
        local = to_local(value)
        return local.strftime(fmt) if local else "—"

    @app.template_filter("date")
    def date_filter(value):
        return value.strftime("%Y-%m-%d") if value else "—"

    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.finalize = finalize  # a service's message printed by {{ … }} shows in the reader's language


def _unread_count(user) -> int:
    if user is None:
        return 0
    import sqlalchemy as sa

    from .accounts.models import Notification

    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def _register_error_pages(app: Flask) -> None:
    from flask_babel import gettext

    messages = {
        400: (N_("请求无效"), N_("提交的内容无法处理，请返回重试。")),
        403: (N_("没有权限"), N_("您没有权限访问这个页面。")),
        404: (N_("页面不存在"), N_("您要找的页面不存在或已被删除。")),
        405: (N_("请求方式不允许"), N_("请通过页面上的按钮操作。")),
        413: (N_("文件太大"), N_("上传的文件超过了大小限制（每个文件最多 10 MB）。")),
        429: (N_("操作太频繁"), N_("尝试次数过多，请稍后再试。")),
        500: (N_("服务器出错"), N_("服务器遇到问题，我们已记录，请稍后再试。")),
    }

    def render_error(code: int):
        title, text = messages[code]
        return render_template("errors/error.html", code=code, title=gettext(title), text=gettext(text)), code

    for code in messages:
        app.register_error_handler(code, lambda exc, code=code: render_error(code))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_template("errors/error.html", code=400, title=gettext("页面已过期"),
                               text=gettext("表单已过期，请刷新页面后重新提交。")), 400

    from .errors import PermissionDenied

    @app.errorhandler(PermissionDenied)
    def permission_denied(exc):
        """A service's PermissionDenied that no view ran through portal.actions: nothing it did stays."""
        db.session.rollback()
        return render_error(403)


def _register_input_guard(app: Flask) -> None:
    """A NUL character in any input is refused here, once, with a clear message (400), instead of
    reaching a service or the database (PostgreSQL refuses NUL in text: a 500)."""
    from flask_babel import gettext

    from .request_args import has_nul_character

    @app.before_request
    def refuse_nul_characters():
        if has_nul_character():
            return render_template("errors/error.html", code=400, title=gettext("请求无效"),
                                   text=gettext("提交的内容含有不可见的控制字符（NUL），无法处理。请删除后重新提交。")), 400


def _register_security_headers(app: Flask) -> None:
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
