"""Accounts blueprint: login, registration, organizations, verification, notifications."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import selectinload

from ..actions import attempt, perform, run
from ..extensions import db, limiter
from ..i18n import N_
from ..links import safe_next, safe_target
from ..types import utcnow
from . import invitations, services
from . import organizations as orgs
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    OrganizationForm,
    RegisterForm,
    RejectForm,
    ResetPasswordForm,
)
from .models import (
    InvitationKind,
    Membership,
    Notification,
    Organization,
    OrgKind,
    OrgStatus,
)
from .permissions import access, can_manage_org, can_verify_org, can_view_org, require

bp = Blueprint("accounts", __name__)


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
            form.password.errors.append(_("邮箱或密码不正确。"))
        else:
            login_user(user, remember=form.remember.data)
            flash(_("欢迎回来，%(name)s。", name=user.display_name), "success")
            return redirect(safe_next(url_for("accounts.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access("user")
def logout():
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("public.home"))


@bp.route("/register", methods=["GET", "POST"])
@access("public")
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.register_user(form.name.data, form.email.data, form.password.data,
                                                         form.phone.data), form=form)
        if outcome:
            login_user(outcome.value)
            flash(_("注册成功。"), "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/form.html", form=form, title=N_("注册账号"), submit=N_("注册"))


@bp.route("/password", methods=["GET", "POST"])
@access("user")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and attempt(
            lambda: services.change_password(current_user, form.current_password.data, form.password.data), form=form):
        flash(_("密码已修改。"), "success")
        return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/form.html", form=form, title=N_("修改密码"), submit=N_("保存"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@access("public")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("如果该邮箱已注册，我们已发送一封重置密码的邮件，请在 2 小时内查收。"), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/form.html", form=form, title=N_("找回密码"), submit=N_("发送重置邮件"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access("public")
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        return render_template("accounts/message.html", title=N_("链接无效"),
                               message=N_("重置链接无效、已过期或已使用，请重新申请。")), 410
    form = ResetPasswordForm()
    if form.validate_on_submit() and attempt(lambda: services.reset_password(token, form.password.data), form=form):
        flash(_("密码已重置，请用新密码登录。"), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/form.html", form=form, title=N_("设置新密码"), submit=N_("保存"))


@bp.route("/me")
@access("user")
def dashboard():
    memberships = list(db.session.scalars(
        sa.select(Membership).where(Membership.user_id == current_user.id).options(selectinload(Membership.organization))))
    committee = any(m.organization.kind == OrgKind.COMMITTEE for m in memberships)
    pending = orgs.pending_count() if committee else 0
    return render_template("accounts/dashboard.html", memberships=memberships, committee=committee,
                           pending=pending, OrgStatus=OrgStatus, OrgKind=OrgKind)


@bp.route("/notifications")
@access("user")
def notifications():
    items = list(db.session.scalars(sa.select(Notification).where(Notification.user_id == current_user.id)
                                    .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(200)))
    return render_template("accounts/notifications.html", items=items)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@access("user")
def notification_read(notification_id: int):
    item = db.get_or_404(Notification, notification_id)
    if item.user_id != current_user.id:
        abort(404)
    if item.read_at is None:
        item.read_at = utcnow()
        db.session.commit()
    back = url_for("accounts.notifications")
    # A stored link is absolute (under PORTAL_URL, portal.links); older rows hold a local path.
    return redirect(safe_target(item.link, back) if request.form.get("go") else back)


@bp.route("/notifications/read-all", methods=["POST"])
@access("user")
def notifications_read_all():
    db.session.execute(sa.update(Notification).where(Notification.user_id == current_user.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    flash(_("已全部标为已读。"), "success")
    return redirect(url_for("accounts.notifications"))


# --- organizations -----------------------------------------------------------------------------

def _org_form_response(form, org=None, title=N_("登记组织")):
    return render_template("accounts/org_form.html", form=form, org=org, title=title)


@bp.route("/organizations/new", methods=["GET", "POST"])
@access("user")
def org_new():
    form = OrganizationForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: orgs.register_organization(current_user, OrgKind(form.kind.data), form.org_data(),
                                                             confirm_uscc=form.confirm_uscc.data), form=form)
        if outcome:
            flash(_("组织已登记，等待主办方审核。"), "success")
            return redirect(url_for("accounts.org_detail", org_id=outcome.value.id))
        form.needs_confirm = isinstance(outcome.error, orgs.UsccNeedsConfirmation)
    return _org_form_response(form)


@bp.route("/organizations/<int:org_id>")
@access("org_member")
def org_detail(org_id: int):
    org = db.get_or_404(Organization, org_id)
    require(can_view_org(current_user, org))
    members = list(db.session.scalars(sa.select(Membership).where(Membership.organization_id == org.id)
                                      .options(selectinload(Membership.user)).order_by(Membership.id)))
    manage = can_manage_org(current_user, org)
    pending = invitations.pending_invitations(InvitationKind.MEMBER, org) if manage else []
    return render_template("accounts/org_detail.html", org=org, members=members, manage=manage,
                           pending=pending, invite_form=InviteForm(), OrgStatus=OrgStatus,
                           verify=can_verify_org(current_user, org))


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@access("org_member")
def org_edit(org_id: int):
    org = db.get_or_404(Organization, org_id)
    require(can_manage_org(current_user, org))
    form = OrganizationForm(obj=org).for_kind(org.kind.value)
    if form.validate_on_submit():
        outcome = attempt(lambda: orgs.update_organization(current_user, org, form.org_data(),
                                                           confirm_uscc=form.confirm_uscc.data), form=form)
        if outcome:
            flash(_("组织信息已保存。"), "success")
            return redirect(url_for("accounts.org_detail", org_id=org.id))
        form.needs_confirm = isinstance(outcome.error, orgs.UsccNeedsConfirmation)
    return _org_form_response(form, org, N_("修改组织信息"))


@bp.route("/organizations/<int:org_id>/invite", methods=["POST"])
@access("org_member")
def org_invite(org_id: int):
    org = db.get_or_404(Organization, org_id)
    require(can_manage_org(current_user, org))
    form = InviteForm()
    back = url_for("accounts.org_detail", org_id=org.id)
    if not form.validate_on_submit():
        for error in form.email.errors:
            flash(error, "danger")
        return redirect(back)
    return perform(lambda: invitations.invite_member(current_user, org, form.email.data), done=_("邀请邮件已发送。"),
                   then=back)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access("public")
def invitation(token: str):
    found = run(lambda: invitations.find_invitation(token))
    if not found:
        gone = isinstance(found.error, invitations.InvitationGone)
        return render_template("accounts/message.html", title=N_("邀请已失效") if gone else N_("邀请无效"),
                               message=found.error.message), 410 if gone else 404
    inv = found.value
    existing = services.find_user_by_email(inv.email)
    form = AcceptInvitationForm() if existing is None else None
    accepted = None
    if request.method == "POST" and existing is not None:
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        accepted = attempt(lambda: invitations.accept_invitation(token, user=current_user))
    elif request.method == "POST" and form.validate_on_submit():
        accepted = attempt(lambda: invitations.accept_invitation(token, name=form.name.data, password=form.password.data),
                           form=form)
        if accepted:
            login_user(accepted.value)
    if accepted:
        flash(_("已接受邀请。"), "success")
        return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/invitation.html", inv=inv, form=form, existing=existing, InvitationKind=InvitationKind)


# --- committee -----------------------------------------------------------------------------------

@bp.route("/committee/organizations")
@access("committee")
def verification_queue():
    kind = request.args.get("kind")
    kind_enum = OrgKind(kind) if kind in ("ngo", "company", "department") else None
    items = orgs.pending_organizations(kind_enum)
    return render_template("accounts/queue.html", items=items, kind=kind_enum)


@bp.route("/committee/organizations/<int:org_id>")
@access("committee")
def verification_detail(org_id: int):
    org = db.get_or_404(Organization, org_id)
    require(can_verify_org(current_user, org))
    return redirect(url_for("accounts.org_detail", org_id=org.id))


@bp.route("/committee/organizations/<int:org_id>/verify", methods=["POST"])
@access("committee")
def org_verify(org_id: int):
    org = db.get_or_404(Organization, org_id)
    return perform(lambda: orgs.verify_organization(current_user, org), then=url_for("accounts.verification_queue"),
                   done=lambda verified: _("已认证“%(name)s”。", name=verified.name))


@bp.route("/committee/organizations/<int:org_id>/reject", methods=["POST"])
@access("committee")
def org_reject(org_id: int):
    org = db.get_or_404(Organization, org_id)
    require(can_verify_org(current_user, org))
    form = RejectForm()
    if not form.validate_on_submit():
        for error in form.reason.errors:
            flash(error, "danger")
        return redirect(url_for("accounts.org_detail", org_id=org.id))
    return perform(lambda: orgs.reject_organization(current_user, org, form.reason.data),
                   then=url_for("accounts.verification_queue"),
                   done=lambda rejected: _("已驳回“%(name)s”。", name=rejected.name))


@bp.route("/committee/judges", methods=["GET", "POST"])
@access("committee")
def judges():
    form = InviteForm()
    if form.validate_on_submit() and attempt(lambda: invitations.invite_judge(current_user, form.email.data), form=form):
        flash(_("评审邀请已发送。"), "success")
        return redirect(url_for("accounts.judges"))
    return render_template("accounts/judges.html", form=form, judges=invitations.judges(),
                           pending=invitations.pending_invitations(InvitationKind.JUDGE))


from . import email_confirmation  # noqa: E402,F401 - its routes register on bp
