"""The public results page of a call (公示): the notice, awarded projects by tier, objections (异议)
and the popularity vote (人气奖) with live counts. On the public blueprint.

Before the results are first published the page is a 404. A withdrawn notice (the call went back to
judging after an upheld objection) shows that it was withdrawn and the answered objections only.
"""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from ..accounts.permissions import access, acting_user
from ..calls.models import Call, CallStatus
from ..calls.organizers import organizers_by_role
from ..actions import attempt, perform
from ..extensions import db, limiter
from ..judging import awards as award_service
from ..judging import notice as notice_service
from ..judging.models import PublicNotice
from ..request_args import int_arg
from .views import bp

OBJECTION_LIMIT = "5 per hour"


class ObjectionForm(FlaskForm):
    name = StringField(_l("姓名"))
    contact = StringField(_l("联系方式"), description=_l("电话或电子邮箱，仅主办方可见。"))
    application_id = SelectField(_l("针对的项目（可选）"), validate_choice=False)
    body = TextAreaField(_l("异议内容"), description=_l("请写明事实和理由。"))


def _published_notice(call_id: int) -> tuple[Call, PublicNotice]:
    call = db.get_or_404(Call, call_id)
    notice = notice_service.get_notice(call)
    if notice is None or call.status not in (CallStatus.NOTICE, CallStatus.FINAL, CallStatus.JUDGING):
        abort(404)
    return call, notice


def _objection_form(summary, formdata=None) -> ObjectionForm:
    form = ObjectionForm(formdata=formdata) if formdata is not None else ObjectionForm(formdata=None)
    form.application_id.choices = [("", _("不指定"))] + [
        (str(award.application_id), f"{award.application.reference or ''} {award.application.title}")
        for award in summary.awards
    ]
    return form


def _render(call: Call, notice: PublicNotice, form: ObjectionForm | None = None, status: int = 200):
    user = acting_user()
    withdrawn = call.status == CallStatus.JUDGING
    summary = award_service.award_summary(call)
    vote_apps = []
    if notice.vote_enabled and not withdrawn:  # what notice.votable_ids allows: the awarded, then the last round
        vote_apps = sorted({a.application_id: a.application for a in summary.awards}.values(),
                           key=lambda app: app.reference or "")
        listed = {app.id for app in vote_apps}
        vote_apps += [app for app in award_service.candidates(call) if app.id not in listed]
    return render_template(
        "public/results.html", call=call, notice=notice, withdrawn=withdrawn, final=call.status == CallStatus.FINAL,
        summary=summary, open=notice_service.is_open(notice), form=form or _objection_form(summary),
        answered=notice_service.objections(notice, answered_only=True), vote_apps=vote_apps,
        counts=notice_service.vote_counts(notice) if notice.vote_enabled else {},
        refusal=notice_service.vote_refusal(user, notice), my_vote=notice_service.user_vote(user, notice),
        organizers=organizers_by_role(call),
    ), status


@bp.route("/calls/<int:call_id>/results")
@access("public")
def results(call_id: int):
    return _render(*_published_notice(call_id))


@bp.route("/calls/<int:call_id>/results/objections", methods=["POST"])
@limiter.limit(OBJECTION_LIMIT, error_message="提交异议过于频繁，请稍后再试。")
@access("public")
def lodge_objection(call_id: int):
    call, notice = _published_notice(call_id)
    form = _objection_form(award_service.award_summary(call), request.form)
    if not form.validate():  # CSRF
        flash(_("表单已过期，请刷新页面后重新提交。"), "error")
        return redirect(url_for("public.results", call_id=call.id))
    raw = (form.application_id.data or "").strip()
    application_id = int_arg("application_id", request.form) or (-1 if raw else None)  # junk: a field error
    outcome = attempt(lambda: notice_service.lodge_objection(notice, form.name.data, form.contact.data, form.body.data,
                                                             application_id), form=form)
    if outcome.field_errors:
        return _render(call, notice, form, status=400)
    if not outcome:  # the notice period is over, or the like
        return redirect(url_for("public.results", call_id=call.id))
    flash(_("异议已提交。主办方答复后将在本页面公开。"), "success")
    return redirect(url_for("public.results", call_id=call.id, _anchor="objections"))


@bp.route("/calls/<int:call_id>/results/vote", methods=["POST"])
@access("user")
def vote(call_id: int):
    call, notice = _published_notice(call_id)
    application_id = int_arg("application_id", request.form)
    return perform(lambda: notice_service.cast_vote(acting_user(), notice, application_id),
                   done=_("投票成功，感谢您的参与。"), then=url_for("public.results", call_id=call.id, _anchor="vote"))


@bp.route("/calls/<int:call_id>/results/votes.json")
@access("public")
def vote_counts(call_id: int):
    call, notice = _published_notice(call_id)
    if not notice.vote_enabled or call.status == CallStatus.JUDGING:
        abort(404)
    counts = notice_service.vote_counts(notice)
    response = jsonify(counts={str(k): v for k, v in counts.items()}, total=sum(counts.values()),
                       open=notice_service.is_open(notice))
    response.headers["Cache-Control"] = "no-store"
    return response
