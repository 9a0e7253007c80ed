"""Who may do what in matching: the session's committee runs it; verified sponsors browse its
catalogue and pledge for their own organization; an NGO sees the pledges to its own projects; a
department sees the offers to its own needs. Built on the membership primitives in accounts."""
from __future__ import annotations

from ..accounts.models import Organization, OrgKind, User
from ..accounts.permissions import is_member, organizations
from .models import MatchingSession, Pledge, SessionProject, SessionStatus
from .need_models import Need, NeedOffer, NeedStatus


def can_manage_session(user: User | None, session: MatchingSession) -> bool:
    """Create, set up, confirm pledges, settle: members of the committee that runs the session."""
    return is_member(user, session.committee_id)


def sponsor_organizations(user: User | None) -> list[Organization]:
    """The verified sponsors the user may pledge for."""
    return [org for org in organizations(user, OrgKind.COMPANY) if org.is_verified]


def is_verified_sponsor(user: User | None) -> bool:
    return bool(sponsor_organizations(user))


def can_pledge_for(user: User | None, sponsor: Organization) -> bool:
    return sponsor.kind == OrgKind.COMPANY and sponsor.is_verified and is_member(user, sponsor)


def can_browse_catalogue(user: User | None, session: MatchingSession) -> bool:
    """Verified sponsors once the session is open (also after it closed); its committee always."""
    if can_manage_session(user, session):
        return True
    return session.status != SessionStatus.DRAFT and is_verified_sponsor(user)


def can_view_project(user: User | None, project: SessionProject) -> bool:
    """The sponsor's profile of a shown project: the catalogue's readers, and the NGO itself."""
    return can_browse_catalogue(user, project.session) or is_member(user, project.application.organization_id)


def is_project_owner(user: User | None, project: SessionProject) -> bool:
    return is_member(user, project.application.organization_id)


def can_view_pledge(user: User | None, pledge: Pledge) -> bool:
    """The sponsor's members, the NGO whose project it backs, the committee."""
    if is_member(user, pledge.sponsor_id) or is_member(user, pledge.application.organization_id):
        return True
    return is_member(user, pledge.application.call.committee_id)


def can_change_pledge(user: User | None, pledge: Pledge) -> bool:
    """The sponsor's own pledge; one recorded on a sponsor's behalf is the committee's to change."""
    if pledge.on_behalf:
        return pledge.session is not None and can_manage_session(user, pledge.session)
    return is_member(user, pledge.sponsor_id)


def can_view_board(user: User | None, session: MatchingSession) -> bool:
    """The venue board is shown on a projector in the room and carries only what the room sees
    (projects, amounts, sponsors' display names): anyone once the session is open, closed or
    settled; its committee also while it is being prepared."""
    return session.status != SessionStatus.DRAFT or can_manage_session(user, session)


# --- needs (领办) ----------------------------------------------------------------------------------

def department_organizations(user: User | None) -> list[Organization]:
    """The verified departments (需求方) the user may post needs for."""
    return [org for org in organizations(user, OrgKind.DEPARTMENT) if org.is_verified]


def ngo_organizations(user: User | None) -> list[Organization]:
    """The verified NGOs the user may offer to take needs on for."""
    return [org for org in organizations(user, OrgKind.NGO) if org.is_verified]


def can_post_need(user: User | None, session: MatchingSession, department: Organization) -> bool:
    """A verified department's member, or the session's committee on the department's behalf."""
    if department.kind != OrgKind.DEPARTMENT or not department.is_verified:
        return False
    return is_member(user, department) or can_manage_session(user, session)


def can_manage_need(user: User | None, need: Need) -> bool:
    """Edit, publish, cancel, compare and accept offers: the department's members, and the committee
    of the session the need is posted in."""
    return is_member(user, need.department_id) or can_manage_session(user, need.session)


def can_offer_for(user: User | None, ngo: Organization) -> bool:
    return ngo.kind == OrgKind.NGO and ngo.is_verified and is_member(user, ngo)


def offered_by_user(user: User | None, need: Need) -> bool:
    """One of the user's NGOs has made an offer to the need (in any state)."""
    return any(is_member(user, offer.ngo_id) for offer in need.offers)


def can_view_need(user: User | None, need: Need) -> bool:
    """Its managers; verified NGOs while it takes offers; an NGO that made an offer, always."""
    if can_manage_need(user, need) or offered_by_user(user, need):
        return True
    return need.status == NeedStatus.OPEN and bool(ngo_organizations(user))


def can_view_offer(user: User | None, offer: NeedOffer) -> bool:
    """The NGO that made it and the need's managers — no other NGO, department or sponsor."""
    return is_member(user, offer.ngo_id) or can_manage_need(user, offer.need)


def can_withdraw_offer(user: User | None, offer: NeedOffer) -> bool:
    return is_member(user, offer.ngo_id)
