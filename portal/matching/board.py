"""The venue board (大屏): read models only.

board_state(session) is what the projector page polls once a second from every screen in the room
(static/js/board.js): every shown project in running order with its goal, 创投资金, cash pledged,
accepted in-kind value, match, its in-kind value beside, its gap and percent, its backers' display
names; the session totals; the match pool; the newest live pledges. It is read in three statements
besides the session's row, whatever the number of projects and pledges (_BOARD: the projects with all
their figures and the pool's use; then the backers' names and the ticker), and nothing is kept in process memory, so any number of app
servers answer alike.

Each project's figures are exact amounts (strings of yuan, computed here with Decimal); their
wording (已筹 … / 目标 …, 仍需 …, the bar's segments) is put together by the script from templates the
page carries in the reader's language, and by card() for the page's first paint — the poll stays
cheap. Totals, the pool and the ticker come worded from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import get_locale, gettext

from ..accounts.models import Organization
from ..applications.models import Application
from ..audit import AuditEvent
from ..extensions import db
from ..i18n import translate
from ..judging.models import Award, AwardTier
from ..types import format_yuan, to_local
from .funding import ZERO, id_set, ids_where, match_used, money_of, sum_where
from .models import (
    LIVE_PLEDGE_STATUSES,
    MatchAllocation,
    MatchingSession,
    MatchMode,
    NamingRequest,
    NamingStatus,
    Pledge,
    PledgeKind,
    SessionProject,
    SessionStatus,
)

TICKER_SIZE = 8  # the newest live pledges on the board

_SPONSORS = sa.select(Organization.id, Organization.name, Organization.board_name, Organization.board_anonymous,
                      Organization.legal_form).where(Organization.id.in_(sa.bindparam("ids", expanding=True)))

_IN_KIND = Pledge.kind != PledgeKind.CASH
# What the board sums of a project's live pledges: fewer sums than funding.PLEDGE_SUMS (it needs no
# pending/confirmed split), so the pass over the covering index is cheaper.
_BOARD_SUMS = (
    ("cash", sum_where(Pledge.kind == PledgeKind.CASH)),
    ("in_kind_accepted", sum_where(_IN_KIND & Pledge.value_accepted_at.is_not(None))),
    ("in_kind", sum_where(_IN_KIND)),
    ("sponsor_ids", ids_where()),
)


def _board_query() -> sa.Select:
    """Every shown project of a session with its figures, in one statement: the live pledges and the
    match rows each summed in one pass over a covering index (migration 0007), the award and the
    approved name looked up per row."""
    session_id = sa.bindparam("session_id")
    shown = (sa.select(SessionProject.id).where(SessionProject.session_id == session_id,
                                                SessionProject.withdrawn_at.is_(None)).scalar_subquery())
    pledges = (
        sa.select(Pledge.project_id.label("project_id"), *(column.label(name) for name, column in _BOARD_SUMS))
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
    pool_used = (sa.select(sa.func.coalesce(sa.func.sum(MatchAllocation.amount), 0))
                 .where(MatchAllocation.session_id == session_id).scalar_subquery())  # the pool's, read once
    return (
        sa.select(SessionProject.id, SessionProject.goal, Application.title, Organization.name.label("organization"),
                  naming.label("naming"), awarded.label("awarded"), match.c.amount.label("match"),
                  pool_used.label("match_used"),
                  *(pledges.c[name] for name, _ in _BOARD_SUMS))
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
# With the latest audit event, which the state's version is made of (state_version).
_SESSION = sa.select(MatchingSession.id, MatchingSession.title, MatchingSession.status, MatchingSession.committee_id,
                     MatchingSession.match_ratio, MatchingSession.match_pool, MatchingSession.match_mode,
                     sa.select(sa.func.max(AuditEvent.id)).scalar_subquery()
                     ).where(MatchingSession.id == sa.bindparam("session_id"))


@dataclass(frozen=True, slots=True)
class BoardSession:
    """What the polled state needs of its session, read as one row (an ORM object costs the poll
    more than the row): its permission (can_view_board), its version, its pool. The page reads it too,
    so that its first paint is the poll's state."""

    id: int
    title: str
    status: SessionStatus
    committee_id: int
    match_ratio: Decimal
    match_pool: Decimal
    match_mode: MatchMode
    last_event: int | None  # the latest audit event when the row was read

    has_match = property(MatchingSession.has_match.fget)
    accepts_pledges = property(MatchingSession.accepts_pledges.fget)


def board_session(session_id: int) -> BoardSession | None:
    row = db.session.connection().execute(_SESSION, {"session_id": session_id}).first()
    return BoardSession(*row) if row else None


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


def display_names(ids, names: dict[int, str]) -> list[str]:
    """Display names sorted, an anonymous name shown once however many sponsors chose it."""
    return sorted({names[i] for i in ids if i in names})


def _percent(goal: Decimal, gap: Decimal) -> int:
    if goal <= 0:
        return 0
    if gap <= 0:
        return 100
    return min(99, int((goal - gap) * 100 / goal))


def _pool(session: BoardSession, used: Decimal | None) -> dict | None:
    """The match pool: what is left, or that it is used up (配捐资金池已用完). `used`: the match
    allocated in the session, read with the projects (None when it shows none)."""
    if not session.has_match:
        return None
    left = max(ZERO, session.match_pool - (match_used(session) if used is None else used))
    if session.match_mode == MatchMode.PRO_RATA and session.status != SessionStatus.SETTLED:
        text = gettext("配捐资金池 %(pool)s，结算时按比例分配", pool=format_yuan(session.match_pool))
        return {"exhausted": False, "left": format_yuan(left), "text": text}
    if left <= 0:
        return {"exhausted": True, "left": format_yuan(ZERO), "text": gettext("配捐资金池已用完")}
    return {"exhausted": False, "left": format_yuan(left),
            "text": gettext("配捐资金池剩余 %(left)s（共 %(pool)s）", left=format_yuan(left), pool=format_yuan(session.match_pool))}


def _what(kind: PledgeKind, amount: Decimal, is_claim: bool, description: str, quantity: str) -> str:
    """A ticker line's gift: an amount of cash, a claim, or the goods or service it is."""
    if kind == PledgeKind.IN_KIND:
        goods = " ".join(part for part in (description, quantity) if part) or gettext("物资/服务")
        return gettext("%(goods)s（估值 %(value)s）", goods=goods, value=format_yuan(amount))
    if is_claim:
        return gettext("认领 %(amount)s", amount=format_yuan(amount))
    return format_yuan(amount)


def _ticker(connection, session, titles: dict[int, str], names: dict[int, str]) -> list[dict]:
    """The newest live pledges to shown projects, newest (the last written) first."""
    rows = connection.execute(_TICKER, {"session_id": session.id})
    return [
        {"id": pledge_id, "sponsor": names.get(sponsor_id, ""), "project": titles.get(project_id, ""),
         "in_kind": kind == PledgeKind.IN_KIND, "what": _what(kind, amount, is_claim, description, quantity),
         "time": to_local(created_at).strftime("%H:%M")}
        for pledge_id, project_id, sponsor_id, kind, amount, is_claim, description, quantity, created_at in rows
    ]


def state_version(session: BoardSession) -> str:
    """What the state depends on, read with the session's row: every change to a session, its
    projects, pledges, match, namings, awards and sponsors is audited (portal.audit), so the latest
    audit event moves whenever the board may have changed (and sometimes when it has not). With the
    session's status (a draft's board is not an open one's) and the reader's language."""
    return f"{session.id}-{session.status.value}-{session.last_event or 0}-{get_locale()}"


def board_state(session: BoardSession) -> dict:
    """Everything the board shows, JSON-ready, in three statements (the session's own aside) whatever
    the number of projects and pledges. Amounts are strings of exact yuan ("12345.60")."""
    connection = db.session.connection()
    rows = connection.execute(_BOARD, {"session_id": session.id}).all()
    backers = [id_set(row.sponsor_ids) for row in rows]
    sponsors = set().union(*backers)
    names = sponsor_names(sponsors)
    projects, pledged, matched, in_kind_total, funded = [], ZERO, ZERO, ZERO, 0
    for number, (row, ids) in enumerate(zip(rows, backers), 1):
        goal, awarded, match = money_of(row.goal), money_of(row.awarded), money_of(row.match)
        cash, accepted, in_kind = money_of(row.cash), money_of(row.in_kind_accepted), money_of(row.in_kind)
        raised = cash + accepted + match
        gap = max(ZERO, goal - awarded - raised)
        projects.append({
            "id": row.id, "number": number, "title": row.title, "naming": row.naming or "",
            "organization": row.organization, "goal": str(goal), "awarded": str(awarded), "cash": str(cash),
            "in_kind_accepted": str(accepted), "match": str(match), "in_kind": str(in_kind),
            "raised": str(awarded + raised), "gap": str(gap), "percent": _percent(goal, gap),
            "full": goal > 0 and gap == 0, "backers": display_names(ids, names),
        })
        pledged, matched, in_kind_total, funded = pledged + cash, matched + match, in_kind_total + in_kind, funded + (cash > 0)
    return {
        "session": {"id": session.id, "title": session.title, "status": session.status.value,
                    "status_label": gettext(session.status.label), "open": session.accepts_pledges},
        "totals": {"pledged": format_yuan(pledged), "matched": format_yuan(matched), "in_kind": format_yuan(in_kind_total),
                   "funded": funded, "projects": len(rows), "sponsors": len(sponsors)},
        "pool": _pool(session, money_of(rows[0].match_used) if rows else None),
        "projects": projects,
        "ticker": _ticker(connection, session, {row.id: row.naming or row.title for row in rows}, names),
    }


# --- the wording of a project's card (the page's first paint; board.js words the polls alike) --------

# The bar's segments (kind: the field it shows), laid end to end in this order.
SEGMENTS = (("awarded", "awarded"), ("cash", "cash"), ("in_kind", "in_kind_accepted"), ("match", "match"))


def card_labels() -> dict[str, str]:
    """The templates a card is worded from, in the reader's language: given to board.js once, in
    the page (data-labels), and used by card() for the first paint."""
    return {
        "segment_awarded": gettext("创投资金"), "segment_cash": gettext("认捐"),
        "segment_in_kind": gettext("物资/服务（已认可）"), "segment_match": gettext("配捐"),
        "full": gettext("已满额"), "gap": gettext("仍需 %(gap)s"),
        "progress": gettext("已筹 %(raised)s / 目标 %(goal)s"), "in_kind": gettext("物资/服务 %(value)s"),
    }


def card(project: dict, labels: dict[str, str]) -> dict:
    """A project of board_state with its wording: the progress and gap texts, the in-kind line and the
    bar's segments (kind, x and width as shares of the goal, never past 100 %, and a label)."""
    goal = Decimal(project["goal"])
    segments, x = [], 0.0
    for kind, field in SEGMENTS:
        amount = Decimal(project[field])
        width = min(100.0 - x, float(min(Decimal(100), amount * 100 / goal))) if amount > 0 and goal > 0 else 0.0
        if width <= 0:
            continue
        segments.append({"kind": kind, "x": round(x, 2), "width": round(width, 2),
                         "label": f"{labels['segment_' + kind]} {format_yuan(amount)}"})
        x += width
    in_kind = Decimal(project["in_kind"])
    return dict(
        project,
        progress_text=labels["progress"] % {"raised": format_yuan(Decimal(project["raised"])), "goal": format_yuan(goal)},
        gap_text=labels["full"] if project["full"] else labels["gap"] % {"gap": format_yuan(Decimal(project["gap"]))},
        in_kind_text=labels["in_kind"] % {"value": format_yuan(in_kind)} if in_kind > 0 else "",
        segments=segments,
    )
