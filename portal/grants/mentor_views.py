"""Mentoring pages (see grants.views): the committee's mentors of a grant (assign by email, remove),
the mentor's projects, the check-ins of a grant (the mentor's form on a phone, the list for whoever
sees the grant) and the project's timeline."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user, require
from ..actions import attempt, perform
from ..extensions import db
from . import mentoring, timeline
from .lookups import managed_grant_or_404, visible_grant_or_404
from .mentor_forms import CheckInEntryForm, MentorForm
from .permissions import can_manage_grant
from .report_models import GrantMentor
from .views import bp


@bp.app_context_processor
def _mentoring_helpers() -> dict:
    """For the navigation and the grant page's links: asked only where a template calls them."""
    def is_mentoring() -> bool:
        # Once per request: kept in the request's environ, as `g` outlives a request where an app
        # context was already pushed (tests, the CLI).
        key = "yichuang.is_mentoring"
        if key not in request.environ:
            request.environ[key] = mentoring.is_mentoring(acting_user())
        return request.environ[key]

    def may_manage_mentors(grant) -> bool:
        return can_manage_grant(acting_user(), grant)

    def may_check_in(grant) -> bool:
        return mentoring.mentor_row(acting_user(), grant) is not None

    return {"is_mentoring": is_mentoring, "may_manage_mentors": may_manage_mentors, "may_check_in": may_check_in}


@bp.route("/<int:grant_id>/mentors", methods=["GET", "POST"])
@access("committee")
def mentors(grant_id: int):
    grant = managed_grant_or_404(grant_id)
    form = MentorForm()
    if form.validate_on_submit():
        email, name = form.values()
        outcome = attempt(lambda: mentoring.assign_mentor(acting_user(), grant, email, name), form=form)
        if outcome:
            mentor = outcome.value
            flash(_("已指派导师。") if mentor.user_id else _("已发出邀请，对方注册后即成为本项目导师。"), "success")
            return redirect(url_for("grants.mentors", grant_id=grant.id))
    return render_template("grants/mentors.html", grant=grant, form=form,
                           rows=mentoring.mentors_of(grant, include_removed=True),
                           closed=grant.status in mentoring.CLOSED_STATUSES)


@bp.route("/mentors/<int:mentor_id>/remove", methods=["POST"])
@access("committee")
def mentor_remove(mentor_id: int):
    mentor = db.get_or_404(GrantMentor, mentor_id)
    require(can_manage_grant(acting_user(), mentor.grant))
    return perform(lambda: mentoring.remove_mentor(acting_user(), mentor), done=_("已移除导师。"),
                   then=url_for("grants.mentors", grant_id=mentor.grant_id))


@bp.route("/mentoring")
@access("user")
def mentor_projects():
    """The mentor's projects (我辅导的项目): status, next report due, overdue, last check-in."""
    return render_template("grants/mentor_projects.html", rows=mentoring.my_projects(acting_user()),
                           today=mentoring.local_today())


@bp.route("/<int:grant_id>/check-ins", methods=["GET", "POST"])
@access("user")
def check_ins(grant_id: int):
    """The grant's check-ins; its mentors log one here (the form first, for a phone)."""
    grant = visible_grant_or_404(grant_id)
    user = acting_user()
    mentor = mentoring.mentor_row(user, grant)
    form = CheckInEntryForm(today=mentoring.local_today())
    if form.is_submitted():
        require(mentor is not None)
    if mentor is not None and form.validate_on_submit():
        if attempt(lambda: mentoring.log_check_in(user, grant, form.values()), form=form):
            flash(_("已登记跟踪记录。"), "success")
            return redirect(url_for("grants.check_ins", grant_id=grant.id))
    return render_template("grants/check_ins.html", grant=grant, form=form if mentor else None,
                           rows=mentoring.check_ins_of(grant), closed=grant.status in mentoring.CLOSED_STATUSES)


@bp.route("/<int:grant_id>/timeline")
@access("user")
def timeline_page(grant_id: int):
    grant = visible_grant_or_404(grant_id)
    return render_template("grants/timeline.html", grant=grant, entries=timeline.timeline_for(acting_user(), grant),
                           kinds=timeline.KINDS)
