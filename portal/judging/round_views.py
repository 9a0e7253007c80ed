"""评审设置: the committee's rounds, rubrics and award tiers of a call; starting judging and opening a round."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user
from ..actions import attempt, perform
from ..calls.models import Call
from ..extensions import db
from ..request_args import int_arg
from . import award_tiers, rounds, rubrics
from ..parsing import parse_rows
from .forms import CopyRubricForm, RoundForm, TokenForm
from .models import Round
from .services import managed_call_or_404, managed_round_or_404
from .views import bp

CRITERION_FIELDS = ("name", "guidance", "max_score", "weight")
TIER_FIELDS = ("name", "places", "amount")


def _setup_url(call: Call) -> str:
    return url_for("judging.setup", call_id=call.id)


@bp.route("/calls/<int:call_id>/setup")
@access("committee")
def setup(call_id: int):
    call = managed_call_or_404(call_id)
    return render_template(
        "judging/setup.html", call=call, rows=rounds.rounds_overview(call), totals=award_tiers.tier_totals(call),
        rule_text=rounds.rule_text,
    )


@bp.route("/calls/<int:call_id>/start", methods=["POST"])
@access("committee")
def start_judging(call_id: int):
    call = managed_call_or_404(call_id)
    return perform(lambda: rounds.start_judging(acting_user(), call), then=_setup_url(call),
                   done=lambda n: _("评审已开始，%(n)s 个项目进入第一轮。下一步：邀请评委、分配项目，然后开始评分。", n=n))


@bp.route("/rounds/<int:round_id>/open", methods=["POST"])
@access("committee")
def open_round(round_id: int):
    round_ = managed_round_or_404(round_id)
    return perform(lambda: rounds.open_round(acting_user(), round_), then=_setup_url(round_.call),
                   done=lambda r: _("“%(name)s”已开始评分。", name=r.name))


def _round_page(form: RoundForm, call: Call, round_: Round | None):
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("judging/round_form.html", form=form, call=call, round=round_), status


@bp.route("/calls/<int:call_id>/rounds/new", methods=["GET", "POST"])
@access("committee")
def round_new(call_id: int):
    call = managed_call_or_404(call_id)
    form = RoundForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: rounds.create_round(acting_user(), call, form.values()), form=form)
        if outcome:
            round_ = outcome.value
            flash(_("已添加第 %(n)s 轮“%(name)s”，请接着设置评分表。", n=round_.position, name=round_.name), "success")
            return redirect(url_for("judging.rubric", round_id=round_.id))
    return _round_page(form, call, None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@access("committee")
def round_edit(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = RoundForm()
    if request.method == "GET":
        form.load(round_)
    elif form.validate_on_submit() and attempt(lambda: rounds.update_round(acting_user(), round_, form.values()),
                                               form=form):
        flash(_("评审轮次已保存。"), "success")
        return redirect(_setup_url(round_.call))
    return _round_page(form, round_.call, round_)


@bp.route("/rounds/<int:round_id>/delete", methods=["POST"])
@access("committee")
def round_delete(round_id: int):
    round_ = managed_round_or_404(round_id)
    call = round_.call
    return perform(lambda: rounds.delete_round(acting_user(), round_), done=_("评审轮次已删除。"), then=_setup_url(call))


@bp.route("/rounds/<int:round_id>/move/<any(up, down):direction>", methods=["POST"])
@access("committee")
def round_move(round_id: int, direction: str):
    round_ = managed_round_or_404(round_id)
    return perform(lambda: rounds.move_round(acting_user(), round_, direction), done=_("已调整轮次顺序。"),
                   then=_setup_url(round_.call))


def _rubric_page(round_: Round, rows: list[dict], errors: dict | None = None, status: int = 200):
    copy_form = CopyRubricForm(formdata=None)
    sources = rubrics.copy_sources(round_)
    copy_form.source_round_id.choices = [
        (str(r.id), _("%(call)s · %(round)s（%(n)s 项，满分 %(total)s）", call=r.call.title, round=r.name,
                      n=len(r.criteria), total=f"{r.max_total.normalize():f}"))
        for r in sources
    ]
    return render_template(
        "judging/rubric.html", round=round_, call=round_.call, rows=rows, errors=errors or {}, form=TokenForm(),
        copy_form=copy_form, has_sources=bool(sources), lock_reason=rubrics.rubric_lock_reason(round_),
        max_total=rubrics.rubric_max_total(rows),
    ), status


def _criterion_rows(round_: Round) -> list[dict]:
    return [{"name": c.name, "guidance": c.guidance, "max_score": f"{c.max_score.normalize():f}",
             "weight": f"{c.weight.normalize():f}", "breaks_ties": c.breaks_ties} for c in round_.criteria]


@bp.route("/rounds/<int:round_id>/rubric", methods=["GET", "POST"])
@access("committee")
def rubric(round_id: int):
    round_ = managed_round_or_404(round_id)
    if request.method == "GET":
        return _rubric_page(round_, _criterion_rows(round_))
    rows = parse_rows(request.form, "criteria", CRITERION_FIELDS, flags=("breaks_ties",))
    if not TokenForm().validate_on_submit():
        abort(400)
    outcome = attempt(lambda: rubrics.save_rubric(acting_user(), round_, rows), rows=True)
    if not outcome:
        return _rubric_page(round_, rows, outcome.field_errors, 400)
    flash(_("评分表已保存，满分 %(total)s 分。", total=f"{round_.max_total.normalize():f}"), "success")
    return redirect(_setup_url(round_.call))


@bp.route("/rounds/<int:round_id>/rubric/copy", methods=["POST"])
@access("committee")
def rubric_copy(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = CopyRubricForm()
    source_id = int_arg(form.source_round_id.name, request.form) if form.validate_on_submit() else None
    source = db.session.get(Round, source_id) if source_id else None
    back = url_for("judging.rubric", round_id=round_.id)
    if source is None:
        flash(_("请选择要复制的评分表。"), "error")
        return redirect(back)
    return perform(lambda: rubrics.copy_rubric(acting_user(), round_, source), then=back,
                   done=_("已复制“%(name)s”的评分表，可继续修改。", name=source.name))


def _tier_rows(call: Call) -> list[dict]:
    return [{"name": t.name, "places": str(t.places), "amount": f"{t.amount:.2f}", "is_popularity": t.is_popularity}
            for t in call.award_tiers]


@bp.route("/calls/<int:call_id>/award-tiers", methods=["GET", "POST"], endpoint="award_tiers")
@access("committee")
def award_tiers_edit(call_id: int):
    call = managed_call_or_404(call_id)
    rows, errors, status = _tier_rows(call), {}, 200
    if request.method == "POST":
        rows = parse_rows(request.form, "tiers", TIER_FIELDS, flags=("is_popularity",))
        if not TokenForm().validate_on_submit():
            abort(400)
        outcome = attempt(lambda: award_tiers.save_award_tiers(acting_user(), call, rows), rows=True)
        if outcome:
            flash(_("奖项设置已保存。"), "success")
            if outcome.value.warning:
                flash(outcome.value.warning, "warning")
            return redirect(_setup_url(call))
        errors, status = outcome.field_errors, 400
    return render_template("judging/award_tiers.html", call=call, rows=rows, errors=errors, form=TokenForm(),
                           totals=award_tiers.tier_totals(call)), status
