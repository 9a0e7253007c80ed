"""The committee's sessions: list, create, edit, the lifecycle buttons, the projects shown (goal,
running order, withdrawal), and choosing projects from the session's calls."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.models import OrgKind
from ..accounts.permissions import access, acting_user, organizations
from ..actions import attempt, perform
from ..calls.models import Call
from ..extensions import db
from . import queries, services
from .catalogue import rows_for
from .forms import GoalForm, ReasonForm, SessionForm
from .funding import match_left
from .lookups import managed_project_or_404, managed_session_or_404
from .models import SessionStatus
from .views import bp

# target → (service, what to say when it is done; said in the reader's language at that moment)
TRANSITIONS = {
    "open": (services.open_session, lambda _s: _("已开放认捐。")),
    "close": (services.close_session, lambda _s: _("已截止认捐。")),
    "settle": (services.settle_session, lambda _s: _("已结算：配捐已计算，报告已定稿。")),
}


def _manage_url(session) -> str:
    return url_for("matching.session_manage", session_id=session.id)


def _call_choices(committee_ids) -> list[tuple[str, str]]:
    calls = db.session.scalars(sa.select(Call).where(Call.committee_id.in_(committee_ids)).order_by(Call.id.desc())).all()
    return [(str(c.id), c.title) for c in calls]


@bp.route("/sessions")
@access("committee")
def sessions():
    return render_template("matching/sessions.html", sessions=queries.committee_sessions(acting_user()))


@bp.route("/sessions/new", methods=["GET", "POST"])
@access("committee")
def session_new():
    user = acting_user()
    committees = organizations(user, OrgKind.COMMITTEE)
    form = SessionForm()
    form.call_ids.choices = _call_choices([c.id for c in committees])
    if form.validate_on_submit():
        outcome = attempt(lambda: services.create_session(user, committees[0], form.values()), form=form)
        if outcome:
            flash(_("已创建，请接着选择要展示的项目。"), "success")
            return redirect(_manage_url(outcome.value))
    status = 400 if request.method == "POST" else 200
    return render_template("matching/session_form.html", form=form, session=None), status


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@access("committee")
def session_edit(session_id: int):
    session = managed_session_or_404(session_id)
    form = SessionForm()
    form.call_ids.choices = _call_choices([session.committee_id])
    if request.method == "GET":
        form.load(session)
    elif form.validate_on_submit() and attempt(lambda: services.update_session(acting_user(), session, form.values()),
                                               form=form):
        flash(_("已保存。"), "success")
        return redirect(_manage_url(session))
    status = 400 if request.method == "POST" else 200
    return render_template("matching/session_form.html", form=form, session=session), status


@bp.route("/sessions/<int:session_id>")
@access("committee")
def session_manage(session_id: int):
    session = managed_session_or_404(session_id)
    rows = rows_for(acting_user(), [p.id for p in session.projects])
    return render_template(
        "matching/session_manage.html", session=session, rows=rows, candidates=services.candidate_applications(session),
        pending=services.pending_pledge_count(session), goal_form=GoalForm(), reason_form=ReasonForm(),
        match_left=match_left(session), Status=SessionStatus,
    )


@bp.route("/sessions/<int:session_id>/state/<target>", methods=["POST"])
@access("committee")
def session_transition(session_id: int, target: str):
    session = managed_session_or_404(session_id)
    if target not in TRANSITIONS:
        abort(404)
    action, done = TRANSITIONS[target]
    return perform(lambda: action(acting_user(), session), done=done, then=_manage_url(session))


@bp.route("/sessions/<int:session_id>/projects", methods=["POST"])
@access("committee")
def projects_add(session_id: int):
    session = managed_session_or_404(session_id)
    chosen = request.form.getlist("application_ids")[:500]
    return perform(lambda: services.add_projects(acting_user(), session, chosen), then=_manage_url(session),
                   done=lambda added: _("已添加 %(n)s 个项目。", n=len(added)))


@bp.route("/projects/<int:project_id>/goal", methods=["POST"])
@access("committee")
def project_goal(project_id: int):
    project = managed_project_or_404(project_id)
    return perform(lambda: services.set_goal(acting_user(), project, request.form.get("goal", "")),
                   done=_("筹款目标已更新。"), then=_manage_url(project.session))


@bp.route("/projects/<int:project_id>/move/<direction>", methods=["POST"])
@access("committee")
def project_move(project_id: int, direction: str):
    project = managed_project_or_404(project_id)
    if direction not in ("up", "down"):
        abort(404)
    return perform(lambda: services.move_project(acting_user(), project, direction), done=None,
                   then=_manage_url(project.session))


@bp.route("/projects/<int:project_id>/withdraw", methods=["POST"])
@access("committee")
def project_withdraw(project_id: int):
    project = managed_project_or_404(project_id)
    return perform(lambda: services.withdraw_project(acting_user(), project, request.form.get("reason", "")),
                   done=_("项目已退出本场对接。"), then=_manage_url(project.session))
