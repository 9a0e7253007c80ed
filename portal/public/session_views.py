"""The public results of settled matching sessions (对接会成果): a list, and one session's funded
projects with their backers' display names and the totals. On the public blueprint; a session
that is not settled is a 404 here (its venue board is public while it runs: matching.board_page)."""
from __future__ import annotations

from flask import abort, render_template

from ..accounts.permissions import access
from ..extensions import db
from ..matching import results
from ..matching.models import MatchingSession, SessionStatus
from .views import bp


@bp.route("/sessions/")
@access("public")
def sessions():
    return render_template("public/sessions.html", rows=results.settled_sessions())


@bp.route("/sessions/<int:session_id>")
@access("public")
def session_results(session_id: int):
    session = db.get_or_404(MatchingSession, session_id)
    if session.status != SessionStatus.SETTLED:
        abort(404)
    return render_template("public/session_results.html", session=session, results=results.session_results(session))
