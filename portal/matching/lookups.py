"""The object of a URL for matching's views: 404 when it does not exist, 403 when the user may not
act on it (the object-level rules are matching.permissions')."""
from __future__ import annotations

from flask import abort

from ..accounts.permissions import acting_user, require
from ..extensions import db
from .models import MatchingSession, NamingRequest, Pledge, SessionProject
from .permissions import can_manage_session, can_view_pledge, can_view_project


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def managed_session_or_404(session_id: int) -> MatchingSession:
    session = _get(MatchingSession, session_id)
    require(can_manage_session(acting_user(), session))
    return session


def managed_project_or_404(project_id: int) -> SessionProject:
    project = _get(SessionProject, project_id)
    require(can_manage_session(acting_user(), project.session))
    return project


def visible_project_or_404(project_id: int) -> SessionProject:
    """A shown project the user may read; a withdrawn one only for its committee."""
    project = _get(SessionProject, project_id)
    user = acting_user()
    if not can_view_project(user, project):
        abort(404)
    if project.is_withdrawn and not can_manage_session(user, project.session):
        abort(404)
    return project


def session_pledge_or_404(pledge_id: int) -> Pledge:
    """A pledge of a session the user's committee runs."""
    pledge = _get(Pledge, pledge_id)
    if pledge.session is None:
        abort(404)
    require(can_manage_session(acting_user(), pledge.session))
    return pledge


def visible_pledge_or_404(pledge_id: int) -> Pledge:
    pledge = _get(Pledge, pledge_id)
    if not can_view_pledge(acting_user(), pledge):
        abort(404)
    return pledge


def managed_naming_or_404(request_id: int) -> NamingRequest:
    request = _get(NamingRequest, request_id)
    require(can_manage_session(acting_user(), request.project.session))
    return request
