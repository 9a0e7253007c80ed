"""The venue board (大屏): the projector page and the JSON state it polls once a second
(static/js/board.js). Public once the session is open — it shows what the room sees — and to the
session's committee also while it is a draft; a draft is a 404 to everyone else."""
from __future__ import annotations

from flask import abort, jsonify, render_template

from ..accounts.permissions import access, acting_user
from ..extensions import db
from . import board
from .models import MatchingSession
from .permissions import can_view_board
from .views import bp


def _board_session_or_404(session_id: int) -> MatchingSession:
    session = db.get_or_404(MatchingSession, session_id)
    if not can_view_board(acting_user(), session):
        abort(404)
    return session


@bp.route("/sessions/<int:session_id>/board")
@access("public")
def board_page(session_id: int):
    session = _board_session_or_404(session_id)
    return render_template("matching/board.html", session=session, state=board.board_state(session))


@bp.route("/sessions/<int:session_id>/board/state")
@access("public")
def board_state(session_id: int):
    session = _board_session_or_404(session_id)
    response = jsonify(board.board_state(session))
    response.headers["Cache-Control"] = "no-store"
    return response
