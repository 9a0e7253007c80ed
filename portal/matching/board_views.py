"""The venue board (大屏): the projector page and the JSON state it polls once a second
(static/js/board.js). Public once the session is open — it shows what the room sees — and to the
session's committee also while it is a draft; a draft is a 404 to everyone else.

The state carries an ETag (board.state_version: the latest audit event and the language): a screen
that asks again with If-None-Match gets 304 without the state being read, until anything changes.
Nothing is kept by the server, so every app server answers alike."""
from __future__ import annotations

import json

from flask import Response, abort, render_template, request

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
    state, labels = board.board_state(board.board_session(session.id)), board.card_labels()
    return render_template("matching/board.html", session=session, state=state, card_labels=labels,
                           cards=[board.card(project, labels) for project in state["projects"]])


@bp.route("/sessions/<int:session_id>/board/state")
@access("public")
def board_state(session_id: int):
    session = board.board_session(session_id)  # a row, not the ORM object: polled once a second per screen
    # (and with it the latest audit event, the state's version)
    if session is None or not can_view_board(acting_user(), session):
        abort(404)
    version = board.state_version(session)
    headers = {"Cache-Control": "private, no-cache", "ETag": f'"{version}"'}
    if request.if_none_match.contains(version):
        return Response(status=304, headers=headers)
    body = json.dumps(board.board_state(session), ensure_ascii=False, separators=(",", ":"))
    return Response(body, mimetype="application/json", headers=headers)
