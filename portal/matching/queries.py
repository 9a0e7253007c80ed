"""Read-side lookups of matching, each in a fixed number of queries: a committee's sessions, a
session's pledges, the pledges to an NGO's projects, a sponsor's pledges."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import OrgKind, User
from ..accounts.permissions import org_ids
from ..applications.models import Application
from ..extensions import db
from .models import MatchingSession, Pledge, SessionProject, SessionStatus


def committee_sessions(user: User) -> list[MatchingSession]:
    ids = org_ids(user, OrgKind.COMMITTEE)
    if not ids:
        return []
    return db.session.scalars(
        sa.select(MatchingSession).where(MatchingSession.committee_id.in_(ids))
        .options(selectinload(MatchingSession.calls))
        .order_by(MatchingSession.created_at.desc(), MatchingSession.id.desc())
    ).all()


def visible_sessions() -> list[MatchingSession]:
    """Sessions sponsors may browse: open ones first, then closed and settled."""
    order = sa.case((MatchingSession.status == SessionStatus.OPEN, 0), (MatchingSession.status == SessionStatus.CLOSED, 1), else_=2)
    return db.session.scalars(
        sa.select(MatchingSession).where(MatchingSession.status != SessionStatus.DRAFT)
        .order_by(order, MatchingSession.created_at.desc(), MatchingSession.id.desc())
    ).all()


def _pledge_options():
    return (
        joinedload(Pledge.sponsor),
        joinedload(Pledge.application).joinedload(Application.organization),
        joinedload(Pledge.session),
        joinedload(Pledge.created_by),
    )


def session_pledges(session: MatchingSession, statuses=None) -> list[Pledge]:
    query = sa.select(Pledge).where(Pledge.session_id == session.id).options(
        *_pledge_options(), selectinload(Pledge.match_allocations))
    if statuses:
        query = query.where(Pledge.status.in_(statuses))
    return db.session.scalars(query.order_by(Pledge.created_at.desc(), Pledge.id.desc())).all()


def pledges_to_my_projects(user: User) -> list[Pledge]:
    """Pledges (session or award funding) to the projects of the user's NGOs, newest first."""
    ids = org_ids(user, OrgKind.NGO)
    if not ids:
        return []
    return db.session.scalars(
        sa.select(Pledge).join(Application, Application.id == Pledge.application_id)
        .where(Application.organization_id.in_(ids))
        .options(*_pledge_options())
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    ).all()


def sponsor_pledges(sponsor_ids) -> list[Pledge]:
    ids = list(sponsor_ids)
    if not ids:
        return []
    return db.session.scalars(
        sa.select(Pledge).where(Pledge.sponsor_id.in_(ids)).options(*_pledge_options())
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    ).all()


def my_shown_projects(user: User) -> list[SessionProject]:
    ids = org_ids(user, OrgKind.NGO)
    if not ids:
        return []
    return db.session.scalars(
        sa.select(SessionProject).join(Application, Application.id == SessionProject.application_id)
        .where(Application.organization_id.in_(ids))
        .options(joinedload(SessionProject.session), joinedload(SessionProject.application))
        .order_by(SessionProject.id.desc())
    ).all()
