"""Screening views (资格审查): the committee's queue and decisions, on the applications blueprint."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload, selectinload
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .. import audit
from ..accounts.models import Membership, Organization
from ..accounts.permissions import access, acting_user, require
from .permissions import can_screen_application
from ..errors import DomainError, InvalidTransition, PermissionDenied
from ..extensions import db
from ..form_errors import attach_error, flash_error
from ..i18n import N_
from ..request_args import int_arg
from . import screening
from .models import Application, ApplicationStatus
from .views import bp

REASON_LENGTH = Length(max=screening.REASON_MAX, message=_l("不能超过 %(n)s 个字。", n=screening.REASON_MAX))


class EligibleForm(FlaskForm):
    reason = TextAreaField(_l("审查意见（可选）"), validators=[Optional(), REASON_LENGTH])


class IneligibleForm(FlaskForm):
    reason = TextAreaField(_l("不通过的理由"), validators=[DataRequired(_l("请填写不通过的理由。")), REASON_LENGTH])


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("需要修改的内容"), validators=[DataRequired(_l("请填写需要修改的内容。")), REASON_LENGTH])


DECISION_FORMS = {"eligible": EligibleForm, "ineligible": IneligibleForm, "return": ReturnForm}
DECISION_TARGETS = {
    "eligible": ApplicationStatus.ELIGIBLE,
    "ineligible": ApplicationStatus.INELIGIBLE,
    "return": ApplicationStatus.RETURNED,
}
DECISION_SERVICES = {
    "eligible": (screening.mark_eligible, N_("已标记为资格审查通过，已通知申报组织。")),
    "ineligible": (screening.mark_ineligible, N_("已标记为资格审查未通过，已通知申报组织。")),
    "return": (screening.return_for_changes, N_("已退回修改，已通知申报组织。")),
}


@bp.route("/committee/screening")
@access("committee")
def screening_queue():
    user = acting_user()
    filters = screening.QueueFilters(
        call_id=int_arg("call"),
        status=request.args.get("status", ""),
        category_id=int_arg("category"),
        q=request.args.get("q", "")[:100],
    )
    page = screening.screening_queue(user, filters, page=int_arg("page") or 1)
    args = {k: v for k, v in {"call": filters.call_id, "status": filters.status, "category": filters.category_id,
                              "q": filters.q}.items() if v}
    return render_template(
        "applications/screening/queue.html",
        page=page,
        filters=filters,
        args=args,
        calls=screening.committee_calls(user),
        categories=screening.all_categories(),
        status_choices=screening.STATUS_CHOICES,
    )


def _load_for_review(application_id: int) -> Application:
    return db.first_or_404(
        sa.select(Application)
        .where(Application.id == application_id)
        .options(
            joinedload(Application.call),
            joinedload(Application.category),
            joinedload(Application.organization).selectinload(Organization.memberships).joinedload(Membership.user),
            selectinload(Application.activities),
            selectinload(Application.team_members),
            selectinload(Application.budget_lines),
            selectinload(Application.attachments),
            selectinload(Application.versions),
            selectinload(Application.messages),
        )
    )


def _render_review(application: Application, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    for name, form_class in DECISION_FORMS.items():
        forms.setdefault(name, form_class(prefix=name, formdata=None))
    return render_template(
        "applications/screening/review.html",
        application=application,
        organization=application.organization,
        versions=screening.version_history(application),
        history=audit.history("applications", application.id),
        forms=forms,
        can_decide=application.status == ApplicationStatus.SUBMITTED,
    ), status


@bp.route("/committee/screening/<int:application_id>")
@access("committee")
def screening_review(application_id: int):
    application = _load_for_review(application_id)
    require(can_screen_application(acting_user(), application))
    if application.status == ApplicationStatus.DRAFT:
        abort(404)  # the committee never sees drafts
    return _render_review(application)


@bp.route("/committee/screening/<int:application_id>/<any(eligible, ineligible, return):decision>", methods=["POST"])
@access("committee")
def screening_decide(application_id: int, decision: str):
    application = _load_for_review(application_id)
    user = acting_user()
    require(can_screen_application(user, application))
    try:
        application.status.check_transition(DECISION_TARGETS[decision])
    except InvalidTransition as exc:
        flash_error(exc)
        return redirect(url_for("applications.screening_review", application_id=application_id))
    form = DECISION_FORMS[decision](prefix=decision)
    if not form.validate():
        return _render_review(application, {decision: form}, status=400)
    service, done = DECISION_SERVICES[decision]
    try:
        service(user, application, form.reason.data)
    except PermissionDenied:
        abort(403)
    except InvalidTransition as exc:
        db.session.rollback()
        flash_error(exc)
        return redirect(url_for("applications.screening_review", application_id=application_id))
    except DomainError as exc:
        db.session.rollback()
        if attach_error(form, exc):
            return _render_review(_load_for_review(application_id), {decision: form}, status=400)
        flash_error(exc)
        return redirect(url_for("applications.screening_review", application_id=application_id))
    flash(_(done), "success")
    return redirect(url_for("applications.screening_review", application_id=application_id))
