"""Read-side lookups of needs (领办), each in a fixed number of queries: the needs an NGO may take on,
a department's needs and a session's with their offer counts, an NGO's offers, a need's offers."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.models import Organization, OrgKind, OrgStatus, User
from ..accounts.permissions import org_ids
from ..extensions import db
from ..types import utcnow
from .models import MatchingSession, SessionStatus
from .need_models import Need, NeedOffer, NeedStatus, OfferStatus


@dataclass
class NeedRow:
    need: Need
    offers: int  # standing (submitted) offers
    accepted: NeedOffer | None = None


def open_sessions() -> list[MatchingSession]:
    """Sessions a need may be posted in."""
    return list(db.session.scalars(
        sa.select(MatchingSession).where(MatchingSession.status == SessionStatus.OPEN)
        .order_by(MatchingSession.created_at.desc(), MatchingSession.id.desc())
    ))


def verified_departments() -> list[Organization]:
    """The departments the committee may post a need for."""
    return list(db.session.scalars(
        sa.select(Organization).where(Organization.kind == OrgKind.DEPARTMENT, Organization.status == OrgStatus.VERIFIED)
        .order_by(Organization.name, Organization.id)
    ))


def _need_options():
    return (joinedload(Need.department), joinedload(Need.session))


def open_needs(session_id: int | None = None) -> list[Need]:
    """Needs taking offers now (open, before their deadline), the nearest deadline first."""
    query = (sa.select(Need).where(Need.status == NeedStatus.OPEN, Need.offers_due > utcnow())
             .options(*_need_options()).order_by(Need.offers_due, Need.id))
    if session_id is not None:
        query = query.where(Need.session_id == session_id)
    return list(db.session.scalars(query))


def sessions_with_open_needs() -> list[MatchingSession]:
    """The sessions to filter the open needs by."""
    ids = sa.select(Need.session_id).where(Need.status == NeedStatus.OPEN, Need.offers_due > utcnow())
    return list(db.session.scalars(
        sa.select(MatchingSession).where(MatchingSession.id.in_(ids)).order_by(MatchingSession.id.desc())
    ))


def _rows(needs: list[Need]) -> list[NeedRow]:
    """Each need with its number of standing offers and its accepted offer: two more queries."""
    ids = [need.id for need in needs]
    if not ids:
        return []
    counts = dict(db.session.execute(
        sa.select(NeedOffer.need_id, sa.func.count()).where(NeedOffer.need_id.in_(ids),
                                                            NeedOffer.status == OfferStatus.SUBMITTED)
        .group_by(NeedOffer.need_id)
    ).all())
    accepted = {offer.need_id: offer for offer in db.session.scalars(
        sa.select(NeedOffer).where(NeedOffer.need_id.in_(ids), NeedOffer.status == OfferStatus.ACCEPTED)
        .options(joinedload(NeedOffer.ngo))
    )}
    return [NeedRow(need, counts.get(need.id, 0), accepted.get(need.id)) for need in needs]


def department_needs(user: User) -> list[NeedRow]:
    """The needs of the user's departments (drafts included), newest first, with their offer counts."""
    ids = org_ids(user, OrgKind.DEPARTMENT)
    if not ids:
        return []
    needs = list(db.session.scalars(
        sa.select(Need).where(Need.department_id.in_(ids)).options(*_need_options())
        .order_by(Need.created_at.desc(), Need.id.desc())
    ))
    return _rows(needs)


def session_needs(session: MatchingSession) -> list[NeedRow]:
    needs = list(db.session.scalars(
        sa.select(Need).where(Need.session_id == session.id).options(*_need_options())
        .order_by(Need.created_at.desc(), Need.id.desc())
    ))
    return _rows(needs)


def _offer_options():
    return (joinedload(NeedOffer.ngo), joinedload(NeedOffer.need).joinedload(Need.department),
            joinedload(NeedOffer.need).joinedload(Need.session))


def ngo_offers(user: User) -> list[NeedOffer]:
    """The offers of the user's NGOs, newest first."""
    ids = org_ids(user, OrgKind.NGO)
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(NeedOffer).where(NeedOffer.ngo_id.in_(ids)).options(*_offer_options())
        .order_by(NeedOffer.created_at.desc(), NeedOffer.id.desc())
    ))


def offers_of(need: Need) -> list[NeedOffer]:
    """A need's offers for its managers' comparison: the standing and decided ones (not the withdrawn),
    the lowest price first."""
    return list(db.session.scalars(
        sa.select(NeedOffer).where(NeedOffer.need_id == need.id, NeedOffer.status != OfferStatus.WITHDRAWN)
        .options(joinedload(NeedOffer.ngo)).order_by(NeedOffer.price, NeedOffer.created_at, NeedOffer.id)
    ))


def my_offers(user: User, need: Need) -> list[NeedOffer]:
    """The user's NGOs' offers to one need, newest first (a withdrawn one and its successor)."""
    ids = org_ids(user, OrgKind.NGO)
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(NeedOffer).where(NeedOffer.need_id == need.id, NeedOffer.ngo_id.in_(ids))
        .options(joinedload(NeedOffer.ngo)).order_by(NeedOffer.created_at.desc(), NeedOffer.id.desc())
    ))
