"""评审设置: the committee's rounds, rubrics and award tiers of a call, on the calls blueprint.

Starting judging and opening a round are judging's (portal/judging/round_views.py); this page only
shows their buttons.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user, can_manage_call, require
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..form_errors import flash_error, show_error
from . import rounds
from .models import Call, Round
from .round_forms import CopyRubricForm, RoundForm, TokenForm, parse_rows
from .views import bp, managed_call

CRITERION_FIELDS = ("name", "guidance", "max_score", "weight")
TIER_FIELDS = ("name", "places", "amount")


def _managed_round(round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    require(can_manage_call(acting_user(), round_.call))
    return round_


def _setup_url(call: Call) -> str:
    return url_for("calls.judging_setup", call_id=call.id)


@bp.route("/<int:call_id>/judging-setup")
@access("committee")
def judging_setup(call_id: int):
    call = managed_call(call_id)
    return render_template(
        "calls/rounds.html", call=call, rows=rounds.setup_rows(call), totals=rounds.tier_totals(call),
        rule_text=rounds.rule_text,
    )


def _round_page(form: RoundForm, call: Call, round_: Round | None):
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("calls/round_form.html", form=form, call=call, round=round_), status


@bp.route("/<int:call_id>/rounds/new", methods=["GET", "POST"])
@access("committee")
def round_new(call_id: int):
    call = managed_call(call_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            round_ = rounds.create_round(acting_user(), call, form.values())
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash(_("已添加第 %(n)s 轮“%(name)s”，请接着设置评分表。", n=round_.position, name=round_.name), "success")
            return redirect(url_for("calls.rubric", round_id=round_.id))
    return _round_page(form, call, None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@access("committee")
def round_edit(round_id: int):
    round_ = _managed_round(round_id)
    form = RoundForm()
    if request.method == "GET":
        form.load(round_)
    elif form.validate_on_submit():
        try:
            rounds.update_round(acting_user(), round_, form.values())
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash(_("评审轮次已保存。"), "success")
            return redirect(_setup_url(round_.call))
    return _round_page(form, round_.call, round_)


def _round_action(round_id: int, action, done: str):
    round_ = _managed_round(round_id)
    call = round_.call
    try:
        action(round_)
        flash(done, "success")
    except DomainError as exc:
        db.session.rollback()
        flash_error(exc)
    return redirect(_setup_url(call))


@bp.route("/rounds/<int:round_id>/delete", methods=["POST"])
@access("committee")
def round_delete(round_id: int):
    return _round_action(round_id, lambda r: rounds.delete_round(acting_user(), r), _("评审轮次已删除。"))


@bp.route("/rounds/<int:round_id>/move/<any(up, down):direction>", methods=["POST"])
@access("committee")
def round_move(round_id: int, direction: str):
    return _round_action(round_id, lambda r: rounds.move_round(acting_user(), r, direction), _("已调整轮次顺序。"))


def _rubric_page(round_: Round, rows: list[dict], errors: dict | None = None, status: int = 200):
    copy_form = CopyRubricForm(formdata=None)
    sources = rounds.copy_sources(round_)
    copy_form.source_round_id.choices = [
        (str(r.id), _("%(call)s · %(round)s（%(n)s 项，满分 %(total)s）", call=r.call.title, round=r.name,
                      n=len(r.criteria), total=f"{r.max_total.normalize():f}"))
        for r in sources
    ]
    return render_template(
        "calls/rubric.html", round=round_, call=round_.call, rows=rows, errors=errors or {}, form=TokenForm(),
        copy_form=copy_form, has_sources=bool(sources), lock_reason=rounds.rubric_lock_reason(round_),
        max_total=rounds.rubric_max_total(rows),
    ), status


def _criterion_rows(round_: Round) -> list[dict]:
    return [{"name": c.name, "guidance": c.guidance, "max_score": f"{c.max_score.normalize():f}",
             "weight": f"{c.weight.normalize():f}", "breaks_ties": c.breaks_ties} for c in round_.criteria]


@bp.route("/rounds/<int:round_id>/rubric", methods=["GET", "POST"])
@access("committee")
def rubric(round_id: int):
    round_ = _managed_round(round_id)
    if request.method == "GET":
        return _rubric_page(round_, _criterion_rows(round_))
    rows = parse_rows(request.form, "criteria", CRITERION_FIELDS, flags=("breaks_ties",))
    if not TokenForm().validate_on_submit():
        abort(400)
    try:
        rounds.save_rubric(acting_user(), round_, rows)
    except PermissionDenied:
        abort(403)
    except ValidationFailed as exc:
        db.session.rollback()
        return _rubric_page(round_, rows, exc.errors, 400)
    except DomainError as exc:
        db.session.rollback()
        flash_error(exc)
        return _rubric_page(round_, rows, status=400)
    flash(_("评分表已保存，满分 %(total)s 分。", total=f"{round_.max_total.normalize():f}"), "success")
    return redirect(_setup_url(round_.call))


@bp.route("/rounds/<int:round_id>/rubric/copy", methods=["POST"])
@access("committee")
def rubric_copy(round_id: int):
    round_ = _managed_round(round_id)
    form = CopyRubricForm()
    raw = form.source_round_id.data or ""
    source = db.session.get(Round, int(raw)) if form.validate_on_submit() and raw.isascii() and raw.isdigit() else None
    if source is None:
        flash(_("请选择要复制的评分表。"), "error")
        return redirect(url_for("calls.rubric", round_id=round_.id))
    try:
        rounds.copy_rubric(acting_user(), round_, source)
        flash(_("已复制“%(name)s”的评分表，可继续修改。", name=source.name), "success")
    except PermissionDenied:
        abort(403)
    except DomainError as exc:
        db.session.rollback()
        flash_error(exc)
    return redirect(url_for("calls.rubric", round_id=round_.id))


def _tier_rows(call: Call) -> list[dict]:
    return [{"name": t.name, "places": str(t.places), "amount": f"{t.amount:.2f}", "is_popularity": t.is_popularity}
            for t in call.award_tiers]


@bp.route("/<int:call_id>/award-tiers", methods=["GET", "POST"])
@access("committee")
def award_tiers(call_id: int):
    call = managed_call(call_id)
    rows, errors, status = _tier_rows(call), {}, 200
    if request.method == "POST":
        rows = parse_rows(request.form, "tiers", TIER_FIELDS, flags=("is_popularity",))
        if not TokenForm().validate_on_submit():
            abort(400)
        try:
            totals = rounds.save_award_tiers(acting_user(), call, rows)
        except PermissionDenied:
            abort(403)
        except ValidationFailed as exc:
            db.session.rollback()
            errors, status = exc.errors, 400
        except DomainError as exc:
            db.session.rollback()
            flash_error(exc)
            status = 400
        else:
            flash(_("奖项设置已保存。"), "success")
            if totals.warning:
                flash(totals.warning, "warning")
            return redirect(_setup_url(call))
    return render_template("calls/award_tiers.html", call=call, rows=rows, errors=errors, form=TokenForm(),
                           totals=rounds.tier_totals(call)), status
