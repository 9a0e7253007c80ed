"""Screening views (资格审查): the committee's queue and decisions, on the applications blueprint."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .. import audit
from ..accounts.permissions import access, acting_user
from ..actions import attempt
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
    """404 when there is nothing to review (a draft included), 403 for another committee (screening decides)."""
    return screening.application_for_review(acting_user(), application_id) or abort(404)


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
    return _render_review(_load_for_review(application_id))


@bp.route("/committee/screening/<int:application_id>/<any(eligible, ineligible, return):decision>", methods=["POST"])
@access("committee")
def screening_decide(application_id: int, decision: str):
    application = _load_for_review(application_id)
    form = DECISION_FORMS[decision](prefix=decision)
    if not form.validate():
        return _render_review(application, {decision: form}, status=400)
    service, done = DECISION_SERVICES[decision]
    outcome = attempt(lambda: service(acting_user(), application, form.reason.data), form=form)
    if outcome.on_form:
        return _render_review(_load_for_review(application_id), {decision: form}, status=400)
    if outcome:
        flash(_(done), "success")
    return redirect(url_for("applications.screening_review", application_id=application_id))
