"""award_views (see judging.views): awards, publishing the notice (公示), objections, withdrawing and
finalizing (committee); the NGO's own results."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..accounts.permissions import access, acting_user, require
from ..calls.models import Call, CallStatus
from ..actions import attempt, perform
from ..errors import InvalidTransition, ValidationFailed
from ..extensions import db
from ..i18n import N_
from ..types import local_to_utc, to_local, utcnow
from . import awards as award_service
from . import notice as notice_service
from .models import Objection, ObjectionStatus
from .services import managed_call_or_404
from .permissions import can_manage_judging
from .views import bp

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class AwardsForm(FlaskForm):
    """CSRF only: the choice comes as repeated `tier<id>` selects, read in _parse_pairs."""


class PublishForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("公示开始（北京时间）"), format=LOCAL_FORMAT, validators=[InputRequired(_l("请选择开始时间。"))])
    ends_at = DateTimeLocalField(_l("公示结束（北京时间）"), format=LOCAL_FORMAT, validators=[InputRequired(_l("请选择结束时间。"))],
                                 description=_l("公示期通常为 5–7 天。"))
    text = TextAreaField(_l("公示说明"), validators=[Length(max=notice_service.TEXT_MAX, message=_l("公示说明过长。"))],
                         default="现将评审结果予以公示。公示期内如有异议，请通过本页面提出，并留下联系方式。")
    vote_enabled = BooleanField(_l("开启公众投票（人气奖）"))
    minimum_days = IntegerField(_l("规定的最短公示期（天）"), default=notice_service.MINIMUM_DAYS,
                                validators=[Optional(), NumberRange(1, notice_service.MINIMUM_DAYS_MAX,
                                                                    message=_l("请填写 1 到 30 之间的天数。"))],
                                render_kw={"inputmode": "numeric"})
    short_reason = TextAreaField(_l("公示期短于规定天数的理由"), description=_l("仅在公示期短于上面的天数时填写；理由将在公示页面公开。"))


class AnswerForm(FlaskForm):
    decision = RadioField(_l("答复结论"), choices=[("dismissed", _l("异议不成立")), ("upheld", _l("异议成立"))],
                          validators=[InputRequired(_l("请选择答复结论。"))], validate_choice=False)
    reply = TextAreaField(_l("答复内容（将在公示页面公开）"),
                          validators=[DataRequired(_l("请填写答复内容。")),
                                      Length(max=notice_service.REPLY_MAX, message=_l("答复过长。"))])


def _default_publish_form() -> PublishForm:
    start = to_local(utcnow()).replace(second=0, microsecond=0, tzinfo=None)
    return PublishForm(formdata=None, starts_at=start, ends_at=start + timedelta(days=notice_service.DEFAULT_DAYS))


def _current_choice(call: Call) -> tuple[dict[int, list[int]], bool]:
    """tier id → application ids: the saved awards, or the proposal when none is saved yet."""
    regular = {tier.id for tier in award_service.regular_tiers(call)}
    saved: dict[int, list[int]] = {}
    for award in award_service.call_awards(call):
        if award.tier_id in regular:
            saved.setdefault(award.tier_id, []).append(award.application_id)
    if saved or call.status != CallStatus.JUDGING:
        return saved, False
    proposal: dict[int, list[int]] = {}
    for tier, application, _rank in award_service.propose_awards(call):
        proposal.setdefault(tier.id, []).append(application.id)
    return proposal, bool(proposal)


def _render_awards(call: Call, choice=None, errors=None, publish_form=None, status=200):
    proposed = False
    if choice is None:
        choice, proposed = _current_choice(call)
    rows = award_service.ranking_rows(call)
    return render_template(
        "judging/awards.html", call=call, summary=award_service.award_summary(call),
        tiers=award_service.regular_tiers(call), candidates=award_service.candidates(call),
        ranks={row.application_id: row for row in rows}, choice=choice, proposed=proposed,
        errors=errors or {}, form=AwardsForm(), publish_form=publish_form or _default_publish_form(),
        notice=notice_service.get_notice(call), judging=call.status == CallStatus.JUDGING,
    ), status


def _parse_pairs(call: Call) -> list[tuple[int, int]]:
    pairs, errors = [], {}
    for tier in award_service.regular_tiers(call):
        for value in request.form.getlist(f"tier{tier.id}"):
            if not value.strip():
                continue
            try:
                pairs.append((tier.id, int(value)))
            except ValueError:
                errors[f"tier{tier.id}"] = [N_("请从列表中选择项目。")]
    if errors:
        raise ValidationFailed(errors)
    return pairs


@bp.route("/calls/<int:call_id>/awards", methods=["GET", "POST"])
@access("committee")
def awards(call_id: int):
    call = managed_call_or_404(call_id)
    if request.method == "GET":
        return _render_awards(call)
    form = AwardsForm()
    if not form.validate():
        flash(_("表单已过期，请刷新页面后重新提交。"), "error")
        return redirect(url_for("judging.awards", call_id=call.id))
    choice = {tier.id: request.form.getlist(f"tier{tier.id}") for tier in award_service.regular_tiers(call)}
    outcome = attempt(lambda: award_service.assign_awards(acting_user(), call, _parse_pairs(call)), rows=True)
    if outcome.field_errors:
        return _render_awards(call, choice=_int_choice(choice), errors=outcome.field_errors, status=400)
    if outcome:
        summary = award_service.award_summary(call)
        flash(_("奖项已保存。"), "success")
        if summary.over_pool:
            flash(summary.warning, "warning")
    return redirect(url_for("judging.awards", call_id=call.id))


def _int_choice(choice: dict[int, list[str]]) -> dict[int, list[int]]:
    return {tier_id: [int(v) for v in values if v.strip().isdigit()] for tier_id, values in choice.items()}


@bp.route("/calls/<int:call_id>/publish", methods=["POST"])
@access("committee")
def publish(call_id: int):
    call = managed_call_or_404(call_id)
    form = PublishForm()
    if not form.validate():
        return _render_awards(call, publish_form=form, status=400)
    outcome = attempt(lambda: notice_service.publish_results(
        acting_user(), call, local_to_utc(form.starts_at.data), local_to_utc(form.ends_at.data), form.text.data,
        form.vote_enabled.data, form.minimum_days.data or notice_service.MINIMUM_DAYS, form.short_reason.data),
        form=form)
    if outcome:
        flash(_("评审结果已发布公示，已通知申报组织。"), "success")
        return redirect(url_for("judging.objections", call_id=call.id))
    if isinstance(outcome.error, InvalidTransition):  # the call is past this step: nothing to correct on the form
        return redirect(url_for("judging.awards", call_id=call.id))
    return _render_awards(call, publish_form=form, status=400)


def _render_objections(call: Call, forms=None, status=200):
    notice = notice_service.get_notice(call)
    items = notice_service.objections(notice) if notice else []
    forms = forms or {}
    for item in items:
        if item.status == ObjectionStatus.PENDING:
            forms.setdefault(item.id, AnswerForm(prefix=f"o{item.id}", formdata=None))
    counts = notice_service.vote_counts(notice) if notice and notice.vote_enabled else {}
    return render_template(
        "judging/objections.html", call=call, notice=notice, objections=items, forms=forms,
        blockers=notice_service.finalize_blockers(call), counts=counts,
        summary=award_service.award_summary(call), can_withdraw=call.status == CallStatus.NOTICE
        and any(item.status == ObjectionStatus.UPHELD for item in items),
    ), status


@bp.route("/calls/<int:call_id>/objections")
@access("committee")
def objections(call_id: int):
    return _render_objections(managed_call_or_404(call_id))


@bp.route("/objections/<int:objection_id>/answer", methods=["POST"])
@access("committee")
def answer_objection(objection_id: int):
    objection = db.get_or_404(Objection, objection_id)
    call = objection.notice.call
    require(can_manage_judging(acting_user(), call))
    form = AnswerForm(prefix=f"o{objection.id}")
    if not form.validate() or form.decision.data not in ("upheld", "dismissed"):
        if form.decision.data not in ("upheld", "dismissed") and not form.decision.errors:
            form.decision.errors = [_("请选择答复结论。")]
        return _render_objections(call, {objection.id: form}, status=400)
    outcome = attempt(lambda: notice_service.answer_objection(acting_user(), objection, form.decision.data == "upheld",
                                                              form.reply.data), form=form)
    if outcome.on_form:
        return _render_objections(call, {objection.id: form}, status=400)
    if outcome:
        flash(_("答复已保存，并在公示页面公开。"), "success")
    return redirect(url_for("judging.objections", call_id=call.id))


def _transition(call_id: int, service, done: str, target: str):
    call = managed_call_or_404(call_id)
    return perform(lambda: service(acting_user(), call), done=done,
                   then=lambda outcome: url_for(target if outcome else "judging.objections", call_id=call.id))


@bp.route("/calls/<int:call_id>/withdraw-notice", methods=["POST"])
@access("committee")
def withdraw_notice(call_id: int):
    return _transition(call_id, notice_service.withdraw_notice, _("公示已撤回，可以调整奖项后重新发布。"), "judging.awards")


@bp.route("/calls/<int:call_id>/finalize", methods=["POST"])
@access("committee")
def finalize(call_id: int):
    return _transition(call_id, notice_service.finalize, _("评审结果已确定，已通知获奖组织。"), "judging.objections")


@bp.route("/my-results")
@access("ngo")
def my_results():
    return render_template("judging/my_results.html", items=award_service.my_results(acting_user()))
