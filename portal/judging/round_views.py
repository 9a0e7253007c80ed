"""round_views: the committee starts judging a call and opens a round (buttons on the calls' 评审设置 page)."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user
from ..calls import rounds as call_rounds
from ..calls.models import Call
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..form_errors import flash_error
from . import rounds
from .services import managed_call_or_404, managed_round_or_404
from .views import bp

call_rounds.register_round_stats(rounds.rounds_overview)  # the set-up page's per-round counts


def _run(call: Call, action, done) -> object:
    try:
        result = action()
    except PermissionDenied:
        abort(403)
    except DomainError as exc:
        db.session.rollback()
        flash_error(exc)
    else:
        flash(done(result), "success")
    return redirect(url_for("calls.judging_setup", call_id=call.id))


@bp.route("/calls/<int:call_id>/start", methods=["POST"])
@access("committee")
def start_judging(call_id: int):
    call = managed_call_or_404(call_id)
    return _run(call, lambda: rounds.start_judging(acting_user(), call),
                lambda n: _("评审已开始，%(n)s 个项目进入第一轮。下一步：邀请评委、分配项目，然后开始评分。", n=n))


@bp.route("/rounds/<int:round_id>/open", methods=["POST"])
@access("committee")
def open_round(round_id: int):
    round_ = managed_round_or_404(round_id)
    return _run(round_.call, lambda: rounds.open_round(acting_user(), round_),
                lambda r: _("“%(name)s”已开始评分。", name=r.name))
