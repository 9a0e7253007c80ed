"""The public results of settled sessions (对接会成果): read models only.

session_results(session) is the public page of a settled session: the funded projects, their
backers' display names, and the totals — each a sum of rows (funding.py).
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.models import Organization
from ..applications.models import Application
from ..extensions import db
from .board import display_names, sponsor_names
from .funding import ZERO, project_figures
from .models import MatchAllocation, MatchingSession, Pledge, PledgeKind, PledgeStatus, SessionProject, SessionStatus
from .naming import approved_names

_SHOWN = (
    sa.select(SessionProject.id, SessionProject.goal, SessionProject.application_id, SessionProject.position,
              Application.title, Organization.name.label("organization"))
    .join(Application, Application.id == SessionProject.application_id)
    .join(Organization, Organization.id == Application.organization_id)
    .where(SessionProject.session_id == sa.bindparam("session_id"), SessionProject.withdrawn_at.is_(None))
    .order_by(SessionProject.position, SessionProject.id)
)


def shown_projects(session: MatchingSession) -> list:
    """The session's projects not withdrawn, in running order: rows with the project's id, goal,
    application_id and position, its application's title and its NGO's name (organization)."""
    return db.session.execute(_SHOWN, {"session_id": session.id}).all()


def session_results(session: MatchingSession) -> dict:
    """The public results of a settled session: the projects with a confirmed pledge, their backers
    (confirmed pledges only) and the totals, each a sum of rows."""
    projects = shown_projects(session)
    figures = project_figures(projects, received=False)
    names = sponsor_names(set().union(*(f.confirmed_sponsor_ids for f in figures.values())))
    namings = approved_names(figures)
    funded = [(p, figures[p.id]) for p in projects if figures[p.id].confirmed_sponsor_ids]
    sponsors = set().union(*(f.confirmed_sponsor_ids for _, f in funded)) if funded else set()
    # A settled session has no pending pledge left: its live cash is confirmed cash, its in kind confirmed.
    return {
        "projects": [
            {"id": p.id, "title": p.title, "naming": namings.get(p.id) or "", "organization": p.organization,
             "cash": f.cash_confirmed, "match": f.match, "in_kind": f.in_kind_total, "awarded": f.awarded,
             "backers": display_names(f.confirmed_sponsor_ids, names)}
            for p, f in funded
        ],
        "shown": len(projects),
        "funded": len(funded),
        "sponsors": len(sponsors),
        "cash": sum((f.cash_confirmed for _, f in funded), ZERO),
        "match": sum((f.match for _, f in funded), ZERO),
        "in_kind": sum((f.in_kind_total for _, f in funded), ZERO),
    }


def settled_sessions(limit: int | None = None) -> list[tuple[MatchingSession, Decimal, Decimal]]:
    """Settled sessions, newest first, each with its confirmed cash and its match (two sums)."""
    query = (sa.select(MatchingSession).where(MatchingSession.status == SessionStatus.SETTLED)
             .options(joinedload(MatchingSession.committee).load_only(Organization.id, Organization.name))
             .order_by(MatchingSession.settled_at.desc(), MatchingSession.id.desc()))
    sessions = list(db.session.scalars(query.limit(limit) if limit else query))
    if not sessions:
        return []
    ids = [s.id for s in sessions]
    cash = dict(db.session.execute(
        sa.select(Pledge.session_id, sa.func.sum(Pledge.amount))
        .join(SessionProject, SessionProject.id == Pledge.project_id)
        .where(Pledge.session_id.in_(ids), Pledge.kind == PledgeKind.CASH, Pledge.status == PledgeStatus.CONFIRMED,
               SessionProject.withdrawn_at.is_(None))
        .group_by(Pledge.session_id)
    ).all())
    match = dict(db.session.execute(
        sa.select(MatchAllocation.session_id, sa.func.sum(MatchAllocation.amount))
        .where(MatchAllocation.session_id.in_(ids)).group_by(MatchAllocation.session_id)
    ).all())
    return [(s, Decimal(cash.get(s.id) or 0), Decimal(match.get(s.id) or 0)) for s in sessions]
