"""Live pitch views (决赛路演): the committee's stage screen and its controls, the judges' phone
sheet, and the JSON state both poll (static/js/live.js, once a second)."""
from __future__ import annotations

from flask import abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user, require
from ..actions import json_answer, perform, run
from .models import Round, RoundEntry, RoundKind
from ..extensions import db
from ..request_args import int_arg
from . import live
from .scoring import field_name, save_sheet
from .services import get_entry_or_404, get_round_or_404
from .permissions import can_manage_judging
from .views import bp

CONTROLS = {"next": live.next_entry, "previous": live.previous_entry, "restart": live.restart_timer}


def _pitch_round_or_404(round_id: int) -> Round:
    round_ = get_round_or_404(round_id)
    if round_.kind != RoundKind.PITCH:
        abort(404)
    return round_


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _state_or_403(round_: Round, as_judge: bool = False) -> dict:
    """The stage for this viewer; stage_state's PermissionDenied becomes the 403 page (portal.app)."""
    return live.stage_state(round_, acting_user(), as_judge=as_judge)


@bp.route("/rounds/<int:round_id>/live")
@access("committee")
def live_stage(round_id: int):
    round_ = _pitch_round_or_404(round_id)
    require(can_manage_judging(acting_user(), round_.call))
    return render_template("judging/live_stage.html", round_=round_, state=_state_or_403(round_))


@bp.route("/rounds/<int:round_id>/live/judge")
@access("judge")
def live_judge(round_id: int):
    round_ = _pitch_round_or_404(round_id)
    state = _state_or_403(round_, as_judge=True)
    criteria = [(criterion, field_name(criterion)) for criterion in round_.criteria]
    return render_template("judging/live_judge.html", round_=round_, state=state, criteria=criteria)


@bp.route("/rounds/<int:round_id>/live/state")
@access("user")
def live_state(round_id: int):
    round_ = _pitch_round_or_404(round_id)
    response = jsonify(_state_or_403(round_, as_judge=request.args.get("as") == "judge"))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rounds/<int:round_id>/live/<any(next, previous, restart):action>", methods=["POST"])
@access("committee")
def live_control(round_id: int, action: str):
    round_ = _pitch_round_or_404(round_id)
    return _run_control(round_, lambda: CONTROLS[action](acting_user(), round_))


def _run_control(round_: Round, control):
    """Run one stage control (the service checks who may): the stage screen's script gets the new
    state with the refusal, if any (409); the page without script a flash and the stage again."""
    if not _wants_json():
        return perform(control, done=None, then=url_for("judging.live_stage", round_id=round_.id))
    outcome = run(control)
    return json_answer(outcome, state=live.stage_state(round_, acting_user()))


@bp.route("/rounds/<int:round_id>/live/start", methods=["POST"])
@access("committee")
def live_start(round_id: int):
    round_ = _pitch_round_or_404(round_id)
    entry_id = int_arg("entry_id", request.form)
    entry = db.session.get(RoundEntry, entry_id) if entry_id else None
    return _run_control(round_, lambda: live.start_stage(acting_user(), round_, entry))


@bp.route("/rounds/<int:round_id>/live/sheet/<int:application_id>", methods=["POST"])
@access("judge")
def live_sheet(round_id: int, application_id: int):
    """A judge's sheet from the phone page: JSON in and out (the page never reloads)."""
    round_ = _pitch_round_or_404(round_id)
    entry = get_entry_or_404(round_, application_id)
    values = {c.id: request.form.get(field_name(c), "")[:40] for c in round_.criteria}
    submit = request.form.get("action") == "submit"
    outcome = run(lambda: save_sheet(acting_user(), round_, entry.application, values, request.form.get("comment", ""),
                                     submit))
    if not outcome:
        return json_answer(outcome)
    sheet = outcome.value
    return json_answer(outcome, message=_("评分已提交。") if submit else _("草稿已保存。"), status=sheet.status.value,
                       label=_(sheet.status.label))
