"""Judges of a call, conflicts (回避), assignment and reminders.

Committee: "评委与分配" — a call's judges (invite, remove, loads, conflicts) and each round's
assignment (by hand, automatic, reminders). Judges: "回避声明" — declare and withdraw conflicts.
Removing a started score sheet always goes through a confirmation page (confirm_unassign.html).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..accounts.models import User
from ..accounts.permissions import access, acting_user
from ..applications.models import Application
from ..calls.models import Call
from .models import Assignment, CallJudge, Conflict, RoundStatus
from ..actions import attempt, perform, run, show
from ..extensions import db
from ..i18n import translate
from ..request_args import int_arg
from . import assignment as assigning
from . import judges as judging
from .services import managed_call_or_404, managed_round_or_404
from .views import bp


class InviteJudgeForm(FlaskForm):
    email = EmailField(_l("评委邮箱"), validators=[DataRequired(_l("请填写评委邮箱。")), Email(_l("请输入有效的电子邮箱。")),
                                             Length(max=254, message=_l("邮箱过长。"))])
    name = StringField(_l("姓名（可选）"), validators=[Optional(), Length(max=judging.NAME_MAX, message=_l("姓名过长。"))])


class ConflictForm(FlaskForm):
    reason = TextAreaField(_l("回避理由"), validators=[
        DataRequired(_l("请填写回避理由。")),
        Length(max=judging.REASON_MAX, message=_l("不能超过 %(n)s 个字。", n=judging.REASON_MAX))])


# --- helpers -------------------------------------------------------------------------------------

def _int_field(name: str) -> int | None:
    return int_arg(name, request.form)


def _confirmed() -> bool:
    return request.form.get("confirmed") == "1"


# --- a call's judges -----------------------------------------------------------------------------

def _render_judges(call: Call, form: InviteJudgeForm | None = None, status: int = 200):
    call_judges = judging.call_judges(call)
    bound = [cj.judge for cj in call_judges if cj.judge is not None]
    round_ids = [r.id for r in call.rounds]
    return render_template(
        "judging/judges.html", call=call, form=form or InviteJudgeForm(formdata=None),
        call_judges=call_judges, loads=judging.judge_loads([u.id for u in bound], round_ids),
        conflicts=judging.call_conflicts(call, bound),
    ), status


@bp.route("/calls/<int:call_id>/judges")
@access("committee")
def call_judges(call_id: int):
    return _render_judges(managed_call_or_404(call_id))


@bp.route("/calls/<int:call_id>/judges/invite", methods=["POST"])
@access("committee")
def judge_invite(call_id: int):
    call = managed_call_or_404(call_id)
    form = InviteJudgeForm()
    if not form.validate():
        return _render_judges(call, form, 400)
    outcome = attempt(lambda: judging.invite_judge_to_call(acting_user(), call, form.email.data, form.name.data),
                      form=form)
    if not outcome:
        return _render_judges(call, form, 400)
    call_judge = outcome.value
    if call_judge.user_id:
        flash(_("已将 %(email)s 加入本征集的评委，并已通知。", email=call_judge.email), "success")
    else:
        flash(_("已向 %(email)s 发送评审邀请，对方接受后即成为本征集的评委。", email=call_judge.email), "success")
    return redirect(url_for("judging.call_judges", call_id=call.id))


@bp.route("/calls/<int:call_id>/judges/remove", methods=["POST"])
@access("committee")
def judge_remove(call_id: int):
    call = managed_call_or_404(call_id)
    call_judge_id = _int_field("call_judge_id")
    call_judge = db.session.get(CallJudge, call_judge_id) if call_judge_id else None
    if call_judge is None or call_judge.call_id != call.id:
        flash(_("请选择要移除的评委。"), "error")
        return redirect(url_for("judging.call_judges", call_id=call.id))
    who = call_judge.user.display_name if call_judge.user else call_judge.email
    return _remove(lambda: judging.remove_judge_from_call(acting_user(), call_judge, confirmed=_confirmed()),
                   title=_("移除评委 %(name)s", name=who), done=_("已将 %(name)s 移出本征集的评委。", name=who),
                   back=url_for("judging.call_judges", call_id=call.id),
                   again=url_for("judging.judge_remove", call_id=call.id), fields={"call_judge_id": call_judge.id})


def _remove(action, *, title: str, done: str, back: str, again: str, fields: dict):
    """Run a removal that asks first when it would delete started score sheets (NeedsConfirmation):
    then the confirmation page lists them and posts to `again` with confirmed=1."""
    outcome = run(action)
    if isinstance(outcome.error, judging.NeedsConfirmation):
        return render_template("judging/confirm_unassign.html", title=title, message=translate(outcome.error.message),
                               sheets=outcome.error.sheets, action=again, fields=fields, cancel_url=back)
    if show(outcome):
        flash(done, "success")
    return redirect(back)


# --- a round's assignment ------------------------------------------------------------------------

def _render_assignment(round_, plan=None, status: int = 200):
    overview = assigning.round_overview(round_)
    titles = {row.entry.application_id: row.entry.application for row in overview.rows}
    unassigned = [(titles.get(app_id), reason) for app_id, reason in plan.unassigned] if plan else None
    return render_template(
        "judging/assignment.html", round=round_, call=round_.call, overview=overview, plan=plan,
        unassigned=unassigned, editable=round_.status != RoundStatus.LOCKED, RoundStatus=RoundStatus,
    ), status


@bp.route("/rounds/<int:round_id>/assignment")
@access("committee")
def round_assignment(round_id: int):
    round_ = managed_round_or_404(round_id)
    return _render_assignment(round_)


@bp.route("/rounds/<int:round_id>/assignment/auto", methods=["POST"])
@access("committee")
def assignment_auto(round_id: int):
    round_ = managed_round_or_404(round_id)
    outcome = attempt(lambda: assigning.auto_assign(acting_user(), round_))
    if not outcome:
        return redirect(url_for("judging.round_assignment", round_id=round_.id))
    plan = outcome.value
    flash(_("自动分配完成：新增 %(n)s 条分配。", n=len(plan.pairs))
          + (_("有 %(n)s 个项目评委不足，见下方说明。", n=len(plan.unassigned)) if plan.unassigned else ""),
          "warning" if plan.unassigned else "success")
    return _render_assignment(round_, plan)


@bp.route("/rounds/<int:round_id>/assignment/add", methods=["POST"])
@access("committee")
def assignment_add(round_id: int):
    round_ = managed_round_or_404(round_id)
    application_id, judge_id = _int_field("application_id"), _int_field("judge_id")
    application = db.session.get(Application, application_id) if application_id else None
    judge = db.session.get(User, judge_id) if judge_id else None
    if application is None or judge is None:
        flash(_("请选择项目和评委。"), "error")
        return redirect(url_for("judging.round_assignment", round_id=round_.id))
    return perform(lambda: assigning.assign(acting_user(), round_, application, judge),
                   done=_("已将“%(project)s”分配给 %(name)s。", project=application.reference or application.title,
                          name=judge.display_name),
                   then=url_for("judging.round_assignment", round_id=round_.id) + f"#entry-{application.id}")


@bp.route("/assignments/<int:assignment_id>/remove", methods=["POST"])
@access("committee")
def assignment_remove(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    round_ = managed_round_or_404(assignment.round_id)
    back = url_for("judging.round_assignment", round_id=round_.id) + f"#entry-{assignment.application_id}"
    judge_name, application = assignment.judge.display_name, assignment.application
    return _remove(lambda: assigning.unassign(acting_user(), assignment, confirmed=_confirmed()),
                   title=_("取消分配：%(name)s · %(project)s", name=judge_name,
                           project=application.reference or application.title),
                   done=_("已取消 %(name)s 的这项分配。", name=judge_name), back=back,
                   again=url_for("judging.assignment_remove", assignment_id=assignment.id), fields={})


@bp.route("/rounds/<int:round_id>/assignment/remind", methods=["POST"])
@access("committee")
def assignment_remind(round_id: int):
    round_ = managed_round_or_404(round_id)
    return perform(lambda: assigning.remind_unfinished(acting_user(), round_),
                   done=lambda count: _("已提醒 %(n)s 位未完成评分的评委。", n=count) if count
                   else _("所有评委都已提交评分，无需提醒。"),
                   then=url_for("judging.round_assignment", round_id=round_.id))


# --- the judge's conflicts -----------------------------------------------------------------------

def _render_conflicts(form: ConflictForm | None = None, selected: int | None = None, status: int = 200):
    user = acting_user()
    rows = judging.conflicted_organizations(user)
    taken = {row.organization.id for row in rows}
    return render_template(
        "judging/conflicts.html", rows=rows, form=form or ConflictForm(formdata=None), selected=selected,
        organizations=[o for o in judging.applicant_organizations(user) if o.id not in taken],
    ), status


@bp.route("/conflicts")
@access("judge")
def my_conflicts():
    return _render_conflicts()


@bp.route("/conflicts/declare", methods=["POST"])
@access("judge")
def conflict_declare():
    form = ConflictForm()
    organization_id = _int_field("organization_id")
    if not form.validate():
        return _render_conflicts(form, organization_id, 400)
    outcome = attempt(lambda: judging.declare_conflict(acting_user(), organization_id, form.reason.data), form=form)
    if not outcome:
        return _render_conflicts(form, organization_id, 400)
    _conflict, kept = outcome.value
    flash(_("已登记回避声明。") + (_("您已开始评分的 %(n)s 个项目将由组委会处理。", n=len(kept)) if kept else ""), "success")
    return redirect(url_for("judging.my_conflicts"))


@bp.route("/conflicts/withdraw", methods=["POST"])
@access("judge")
def conflict_withdraw():
    conflict_id = _int_field("conflict_id")
    conflict = db.session.get(Conflict, conflict_id) if conflict_id else None
    if conflict is None or conflict.judge_id != acting_user().id:
        flash(_("没有找到这条回避声明。"), "error")
        return redirect(url_for("judging.my_conflicts"))
    return perform(lambda: judging.withdraw_conflict(acting_user(), conflict), done=_("已撤回回避声明。"),
                   then=url_for("judging.my_conflicts"))
