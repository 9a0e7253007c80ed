"""The venue board (大屏) and the public results of a settled session: read models only.

board_state(session) is what the projector page shows and polls once a second (static/js/board.js):
every shown project in running order with its bar (创投资金, cash pledged, accepted in-kind value and
match as segments of the goal), its in-kind value beside, its backers' display names and 已满额 once
its gap is zero; the session totals; the match pool; the newest live pledges. It is read in four
statements whatever the number of projects and pledges (_BOARD: the projects with all their figures,
then the backers' names, the pool, the ticker), and nothing is kept in process memory, so any number of app servers answer alike. Amounts and texts are
formatted here, in the reader's language: the script only places them.

session_results(session) is the public page of a settled session: the funded projects, their
backers' display names, and the totals — each a sum of rows (funding.py).
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import get_locale, gettext
from sqlalchemy.orm import joinedload

from ..accounts.models import Organization
from ..applications.models import Application
from ..audit import AuditEvent
from ..extensions import db
from ..i18n import translate
from ..judging.models import Award, AwardTier
from ..types import format_yuan, to_local
from .funding import PLEDGE_SUMS, ZERO, ProjectFigures, money_of, match_used, project_figures, set_pledge_sums
from .models import (
    LIVE_PLEDGE_STATUSES,
    MatchAllocation,
    MatchingSession,
    MatchMode,
    NamingRequest,
    NamingStatus,
    Pledge,
    PledgeKind,
    PledgeStatus,
    SessionProject,
    SessionStatus,
)
from .naming import approved_names

TICKER_SIZE = 8  # the newest live pledges on the board


_SHOWN = (
    sa.select(SessionProject.id, SessionProject.goal, SessionProject.application_id, SessionProject.position,
              Application.title, Organization.name.label("organization"))
    .join(Application, Application.id == SessionProject.application_id)
    .join(Organization, Organization.id == Application.organization_id)
    .where(SessionProject.session_id == sa.bindparam("session_id"), SessionProject.withdrawn_at.is_(None))
    .order_by(SessionProject.position, SessionProject.id)
)
_SPONSORS = sa.select(Organization.id, Organization.name, Organization.board_name, Organization.board_anonymous,
                      Organization.legal_form).where(Organization.id.in_(sa.bindparam("ids", expanding=True)))


def _board_query() -> sa.Select:
    """Every shown project of a session with its figures, in one statement (the board is read once a
    second by every screen in the room): the live pledges and the match rows are each summed in one
    pass over a covering index (migration 0007), the award and the approved name looked up per row."""
    session_id = sa.bindparam("session_id")
    shown = (sa.select(SessionProject.id).where(SessionProject.session_id == session_id,
                                                SessionProject.withdrawn_at.is_(None)).scalar_subquery())
    pledges = (
        sa.select(Pledge.project_id.label("project_id"), *(column.label(name) for name, column in PLEDGE_SUMS))
        .where(Pledge.project_id.in_(shown), Pledge.status.in_(LIVE_PLEDGE_STATUSES))
        .group_by(Pledge.project_id).subquery("live_pledges")
    )
    match = (
        sa.select(MatchAllocation.project_id, sa.func.sum(MatchAllocation.amount).label("amount"))
        .where(MatchAllocation.project_id.in_(shown)).group_by(MatchAllocation.project_id).subquery("match")
    )
    awarded = (sa.select(sa.func.sum(AwardTier.amount)).join(Award, Award.tier_id == AwardTier.id)
               .where(Award.application_id == SessionProject.application_id).scalar_subquery())
    naming = (sa.select(NamingRequest.name).where(NamingRequest.project_id == SessionProject.id,
                                                  NamingRequest.status == NamingStatus.APPROVED)
              .limit(1).scalar_subquery())
    return (
        sa.select(SessionProject.id, SessionProject.goal, Application.title, Organization.name.label("organization"),
                  naming.label("naming"), awarded.label("awarded"), match.c.amount.label("match"),
                  *(pledges.c[name] for name, _ in PLEDGE_SUMS))
        .join(Application, Application.id == SessionProject.application_id)
        .join(Organization, Organization.id == Application.organization_id)
        .outerjoin(pledges, pledges.c.project_id == SessionProject.id)
        .outerjoin(match, match.c.project_id == SessionProject.id)
        .where(SessionProject.session_id == session_id, SessionProject.withdrawn_at.is_(None))
        .order_by(SessionProject.position, SessionProject.id)
    )


_BOARD = _board_query()
_TICKER = (
    sa.select(Pledge.id, Pledge.project_id, Pledge.sponsor_id, Pledge.kind, Pledge.amount, Pledge.is_claim,
              Pledge.in_kind_description, Pledge.in_kind_quantity, Pledge.created_at)
    .join(SessionProject, SessionProject.id == Pledge.project_id)
    .where(Pledge.session_id == sa.bindparam("session_id"), Pledge.status.in_(LIVE_PLEDGE_STATUSES),
           SessionProject.withdrawn_at.is_(None))
    .order_by(Pledge.id.desc())  # rows are appended: the last id is the newest, read from the index backwards
    .limit(TICKER_SIZE)
)


def shown_projects(session: MatchingSession) -> list:
    """The session's projects not withdrawn, in running order: rows with the project's id, goal,
    application_id and position, its application's title and its NGO's name (organization)."""
    return db.session.execute(_SHOWN, {"session_id": session.id}).all()


def sponsor_names(sponsor_ids) -> dict[int, str]:
    """Each sponsor's display name (Organization.public_name), in the reader's language."""
    ids = set(sponsor_ids)
    if not ids:
        return {}
    rows = db.session.connection().execute(_SPONSORS, {"ids": list(ids)})
    public_name = Organization.public_name.fget  # the same rule as the model's, on a plain row
    anonymous: dict[object, str] = {}  # the one or two anonymous names, translated once
    names = {}
    for row in rows:
        name = public_name(row)
        if row.board_anonymous:
            name = anonymous.get(name) or anonymous.setdefault(name, translate(name))
        names[row.id] = name
    return names


def _names(ids, names: dict[int, str]) -> list[str]:
    """Display names sorted, an anonymous name shown once however many sponsors chose it."""
    return sorted({names[i] for i in ids if i in names})


class _Texts:
    """The board's texts, translated once per state (not once per project)."""

    def __init__(self):
        self.segments = {"awarded": gettext("创投资金"), "cash": gettext("认捐"),
                         "in_kind": gettext("物资/服务（已认可）"), "match": gettext("配捐")}
        self.full = gettext("已满额")
        self.gap = gettext("仍需 %(gap)s")
        self.progress = gettext("已筹 %(raised)s / 目标 %(goal)s")
        self.in_kind = gettext("物资/服务 %(value)s")
        self.goods = gettext("%(goods)s（估值 %(value)s）")
        self.goods_unnamed = gettext("物资/服务")
        self.claim = gettext("认领 %(amount)s")


def _segments(f: ProjectFigures, cash: Decimal, texts: _Texts) -> list[dict]:
    """The bar's parts as shares of the goal, laid end to end and never past 100 %."""
    segments, x = [], 0.0
    for kind, amount in (("awarded", f.awarded), ("cash", cash), ("in_kind", f.in_kind_accepted), ("match", f.match)):
        if amount <= 0:
            continue
        width = min(100.0 - x, f.share(amount))
        if width <= 0:
            continue
        segments.append({"kind": kind, "x": round(x, 2), "width": round(width, 2),
                         "label": f"{texts.segments[kind]} {format_yuan(amount)}"})
        x += width
    return segments


def _percent(goal: Decimal, gap: Decimal) -> int:
    if goal <= 0:
        return 0
    if gap <= 0:
        return 100
    return min(99, int((goal - gap) * 100 / goal))


def _project(number: int, project, f: ProjectFigures, names: dict[int, str], texts: _Texts) -> dict:
    """One project's card. Each figure is computed once: the board builds fifty of these a second."""
    goal, cash = f.goal, f.cash_pledged
    raised = cash + f.in_kind_accepted + f.match
    gap = max(ZERO, goal - f.awarded - raised)
    full = goal > 0 and gap == 0
    goal_text = format_yuan(goal)
    return {
        "id": project.id,
        "number": number,
        "title": project.title,
        "naming": project.naming or "",
        "organization": project.organization,
        "goal": goal_text,
        "percent": _percent(goal, gap),
        "full": full,
        "progress_text": texts.progress % {"raised": format_yuan(f.awarded + raised), "goal": goal_text},
        "gap_text": texts.full if full else texts.gap % {"gap": format_yuan(gap)},
        "segments": _segments(f, cash, texts),
        "in_kind": texts.in_kind % {"value": format_yuan(f.in_kind_total)} if f.in_kind_total > 0 else "",
        "backers": _names(f.sponsor_ids, names),
    }


def _pool(session: MatchingSession) -> dict | None:
    """The match pool: what is left, or that it is used up (配捐资金池已用完)."""
    if not session.has_match:
        return None
    left = max(ZERO, session.match_pool - match_used(session))
    if session.match_mode == MatchMode.PRO_RATA and session.status != SessionStatus.SETTLED:
        text = gettext("配捐资金池 %(pool)s，结算时按比例分配", pool=format_yuan(session.match_pool))
        return {"exhausted": False, "left": format_yuan(left), "text": text}
    if left <= 0:
        return {"exhausted": True, "left": format_yuan(ZERO), "text": gettext("配捐资金池已用完")}
    return {"exhausted": False, "left": format_yuan(left),
            "text": gettext("配捐资金池剩余 %(left)s（共 %(pool)s）", left=format_yuan(left), pool=format_yuan(session.match_pool))}


def _what(texts: _Texts, kind: PledgeKind, amount: Decimal, is_claim: bool, description: str, quantity: str) -> str:
    """A ticker line's gift: an amount of cash, a claim, or the goods or service it is."""
    if kind == PledgeKind.IN_KIND:
        goods = " ".join(part for part in (description, quantity) if part) or texts.goods_unnamed
        return texts.goods % {"goods": goods, "value": format_yuan(amount)}
    if is_claim:
        return texts.claim % {"amount": format_yuan(amount)}
    return format_yuan(amount)


def _ticker(connection, session: MatchingSession, titles: dict[int, str], names: dict[int, str],
            texts: _Texts) -> list[dict]:
    """The newest live pledges to shown projects, newest (the last written) first."""
    rows = connection.execute(_TICKER, {"session_id": session.id})
    return [
        {"id": pledge_id, "sponsor": names.get(sponsor_id, ""), "project": titles.get(project_id, ""),
         "in_kind": kind == PledgeKind.IN_KIND, "what": _what(texts, kind, amount, is_claim, description, quantity),
         "time": to_local(created_at).strftime("%H:%M")}
        for pledge_id, project_id, sponsor_id, kind, amount, is_claim, description, quantity, created_at in rows
    ]


def _totals(figures: list[ProjectFigures]) -> dict:
    sponsors = set().union(*(f.sponsor_ids for f in figures))
    return {
        "pledged": format_yuan(sum((f.cash_pledged for f in figures), ZERO)),
        "matched": format_yuan(sum((f.match for f in figures), ZERO)),
        "in_kind": format_yuan(sum((f.in_kind_total for f in figures), ZERO)),
        "funded": sum(1 for f in figures if f.cash_pledged > 0),
        "projects": len(figures),
        "sponsors": len(sponsors),
    }


_LAST_EVENT = sa.select(sa.func.max(AuditEvent.id))


def state_version(session: MatchingSession) -> str:
    """What the state depends on, in one indexed read: every change to a session, its projects,
    pledges, match, namings, awards and sponsors is audited (portal.audit), so the latest audit
    event moves whenever the board may have changed (and sometimes when it has not). With the
    session's status (a draft's board is not an open one's) and the reader's language."""
    last = db.session.scalar(_LAST_EVENT) or 0
    return f"{session.id}-{session.status.value}-{last}-{get_locale()}"


def _board_figures(connection, session: MatchingSession) -> list[tuple]:
    """(row, figures) of each shown project in running order, from one statement (_BOARD)."""
    shown = []
    for row in connection.execute(_BOARD, {"session_id": session.id}):
        figure = ProjectFigures(project_id=row.id, goal=money_of(row.goal), awarded=money_of(row.awarded),
                                match=money_of(row.match))
        set_pledge_sums(figure, *row[-len(PLEDGE_SUMS):])
        shown.append((row, figure))
    return shown


def board_state(session: MatchingSession) -> dict:
    """Everything the board shows, JSON-ready, in four statements (the session's own aside) whatever
    the number of projects and pledges: the projects with their figures, the backers' names, the
    match used, the ticker."""
    connection = db.session.connection()
    shown = _board_figures(connection, session)
    ordered = [figure for _, figure in shown]
    names = sponsor_names(set().union(*(f.sponsor_ids for f in ordered)))
    texts = _Texts()
    return {
        "session": {"id": session.id, "title": session.title, "status": session.status.value,
                    "status_label": gettext(session.status.label), "open": session.accepts_pledges},
        "totals": _totals(ordered),
        "pool": _pool(session),
        "projects": [_project(n, row, figure, names, texts) for n, (row, figure) in enumerate(shown, 1)],
        "ticker": _ticker(connection, session, {row.id: row.naming or row.title for row, _ in shown}, names, texts),
    }


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
             "backers": _names(f.confirmed_sponsor_ids, names)}
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
