"""The demo's matching data: a settled 对接会 whose figures obey its match rule and the gap, and an open
standing catalogue where two demo sponsors can pledge; needs taken on; the pages show it all."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.accounts.models import Organization, OrgKind, User
from portal.applications.models import Application, ApplicationStatus
from portal.calls.models import CallStatus
from portal.demo import load_demo
from portal.demo.data import PASSWORD, USERS
from portal.extensions import db
from portal.judging.models import Award
from portal.matching.funding import project_figures
from portal.matching.models import (
    Bookmark,
    MatchAllocation,
    MatchingSession,
    NamingRequest,
    NamingStatus,
    Need,
    NeedStatus,
    OfferStatus,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Receipt,
    SessionKind,
    SessionStatus,
)
from portal.matching.naming import funds_in_full
from portal.types import SHANGHAI, utcnow

ZERO = Decimal("0")


@pytest.fixture
def demo(app):
    load_demo(reset=True)
    db.session.expire_all()
    sessions = {s.kind: s for s in db.session.scalars(sa.select(MatchingSession))}
    return sessions[SessionKind.EVENT], sessions[SessionKind.CATALOGUE]


def _pledges(session):
    return list(db.session.scalars(sa.select(Pledge).where(Pledge.session_id == session.id).order_by(Pledge.id)))


def _user(key):
    return db.session.scalar(sa.select(User).where(User.email == USERS[key]["email"]))


def _check_figures(session):
    """Every project within its goal — figures summed here from the rows, and funding.py agreeing."""
    pledges = _pledges(session)
    allocations = list(db.session.scalars(sa.select(MatchAllocation).where(MatchAllocation.session_id == session.id)))
    figures = project_figures(session.projects)
    awarded = defaultdict(lambda: ZERO)
    for award in db.session.scalars(sa.select(Award)):
        awarded[award.application_id] += award.tier.amount
    for project in session.projects:
        live = [p for p in pledges if p.project_id == project.id and p.status in (PledgeStatus.PENDING, PledgeStatus.CONFIRMED)]
        cash = sum((p.amount for p in live if p.kind == PledgeKind.CASH), ZERO)
        kind = sum((p.amount for p in live if p.kind == PledgeKind.IN_KIND and p.value_accepted_at), ZERO)
        match = sum((a.amount for a in allocations if a.project_id == project.id), ZERO)
        f = figures[project.id]
        assert (f.cash_pledged, f.in_kind_accepted, f.match, f.awarded) == (cash, kind, match, awarded[project.application_id])
        assert project.goal - awarded[project.application_id] - cash - kind - match >= 0, project.application.title
    return figures, allocations


def test_the_settled_session(demo):
    settled, _ = demo
    call = settled.calls[0]
    assert settled.status == SessionStatus.SETTLED and call.status == CallStatus.FINAL and settled.venue
    awarded_ids = set(db.session.scalars(sa.select(Award.application_id).where(Award.call_id == call.id)))
    assert 9 <= len(settled.projects) <= 12
    assert all(p.application.status == ApplicationStatus.ELIGIBLE or p.application_id in awarded_ids for p in settled.projects)
    assert awarded_ids <= {p.application_id for p in settled.projects}

    pledges = _pledges(settled)
    assert {p.status for p in pledges} == set(PledgeStatus) - {PledgeStatus.PENDING}  # settled: nothing left pending
    assert {p.kind for p in pledges} == set(PledgeKind)
    in_kind = [p for p in pledges if p.kind == PledgeKind.IN_KIND]
    assert {p.value_accepted_at is not None for p in in_kind} == {True, False}
    assert any(p.is_claim for p in pledges) and any(p.on_behalf for p in pledges)
    replaced = [p for p in pledges if p.status == PledgeStatus.REPLACED]
    assert all(any(q.replaces_id == p.id for q in pledges) for p in replaced)
    # Pledged during the event, decided afterwards, settled last.
    for pledge in pledges:
        assert settled.opened_at <= pledge.created_at <= settled.closed_at
        assert pledge.created_at <= pledge.decided_at <= settled.settled_at

    figures, allocations = _check_figures(settled)
    confirmed = {p.id for p in pledges if p.status == PledgeStatus.CONFIRMED}
    assert {a.pledge_id for a in allocations} == confirmed  # one match row per confirmed pledge
    used = sum((a.amount for a in allocations), ZERO)
    assert ZERO < used < settled.match_pool  # partly used
    by_project, by_sponsor = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for allocation in allocations:
        assert allocation.amount <= allocation.pledge.amount * settled.match_ratio
        assert allocation.amount <= settled.match_cap_per_pledge
        by_project[allocation.project_id] += allocation.amount
        by_sponsor[allocation.sponsor_id] += allocation.amount
    assert max(by_project.values()) <= settled.match_cap_per_project
    assert max(by_sponsor.values()) <= settled.match_cap_per_sponsor
    assert len({a.limited_by for a in allocations if a.limited_by}) >= 3
    assert any(f.is_full for f in figures.values()) and any(f.gap > 0 for f in figures.values())

    receipts = list(db.session.scalars(sa.select(Receipt).join(Pledge).where(Pledge.session_id == settled.id)))
    received = defaultdict(lambda: ZERO)
    for receipt in receipts:
        assert receipt.pledge.status == PledgeStatus.CONFIRMED and receipt.pledge.kind == PledgeKind.CASH
        assert receipt.received_on >= receipt.pledge.decided_at.astimezone(SHANGHAI).date()
        received[receipt.pledge_id] += receipt.amount
    assert all(total <= db.session.get(Pledge, pid).amount for pid, total in received.items())
    assert {total == db.session.get(Pledge, pid).amount for pid, total in received.items()} == {True, False}  # partial too

    naming = db.session.scalar(sa.select(NamingRequest))
    assert naming.status == NamingStatus.APPROVED and funds_in_full(naming.project, naming.sponsor)


def test_sponsors_award_funding_and_needs(demo):
    settled, catalogue = demo
    sponsors = {p.sponsor for p in _pledges(settled)}
    assert {s.legal_form for s in sponsors} == {"企业", "基金会", "社会团体", "个人爱心人士"}
    anonymous = [s for s in sponsors if s.board_anonymous]
    assert [s.public_name for s in anonymous] == ["爱心人士"] and not anonymous[0].memberships
    assert any(s.board_name and s.public_name == s.board_name for s in sponsors)

    funding = list(db.session.scalars(sa.select(Pledge).where(Pledge.award_id.is_not(None))))
    assert {p.sponsor.legal_form for p in funding} == {"基金会", "社会团体"}
    assert all(p.session_id is None and p.status == PledgeStatus.CONFIRMED for p in funding)
    award = funding[0].award
    assert award.call_id == settled.calls[0].id and sum(p.amount for p in funding) <= award.tier.amount

    needs = list(db.session.scalars(sa.select(Need).order_by(Need.id)))
    taken = [n for n in needs if n.session_id == settled.id]
    assert len(taken) == 2 and all(n.status == NeedStatus.AWARDED for n in taken)
    for need in taken:
        assert need.department.kind == OrgKind.DEPARTMENT and need.department.is_verified
        assert len(need.offers) >= 3
        statuses = [o.status for o in need.offers]
        assert statuses.count(OfferStatus.ACCEPTED) == 1 and statuses.count(OfferStatus.DECLINED) == len(statuses) - 1
        assert all(o.price <= need.budget and need.created_at < o.created_at < need.offers_due for o in need.offers)
    waiting = [n for n in needs if n.session_id == catalogue.id]
    assert [n.status for n in waiting] == [NeedStatus.OPEN] and waiting[0].offers_due > utcnow()
    assert {o.status for o in waiting[0].offers} == {OfferStatus.SUBMITTED}
    assert waiting[0].department.memberships[0].user.email == USERS["department"]["email"]


def test_the_open_catalogue(demo):
    _, catalogue = demo
    today = utcnow().astimezone(SHANGHAI).date()
    call = catalogue.calls[0]
    assert catalogue.status == SessionStatus.OPEN and call.status == CallStatus.JUDGING
    assert catalogue.open_from <= today <= catalogue.open_until
    eligible = set(db.session.scalars(sa.select(Application.id).where(
        Application.call_id == call.id, Application.status == ApplicationStatus.ELIGIBLE)))
    assert {p.application_id for p in catalogue.projects} == eligible
    assert all(p.goal > 0 for p in catalogue.projects)
    pledges = _pledges(catalogue)
    assert PledgeStatus.PENDING in {p.status for p in pledges}
    figures, allocations = _check_figures(catalogue)
    assert sum(1 for f in figures.values() if f.is_full) == 1
    assert sum((a.amount for a in allocations), ZERO) < catalogue.match_pool  # pool left
    sponsor = _user("sponsor")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Bookmark).where(Bookmark.user_id == sponsor.id)) >= 2
    bank = sponsor.memberships[0].organization
    assert any(p.sponsor_id == bank.id and p.status == PledgeStatus.PENDING for p in pledges)
    assert all(p.created_at < utcnow() for p in pledges)


def test_two_sponsors_pledge_in_the_catalogue(demo, client):
    _, catalogue = demo
    figures = project_figures(catalogue.projects)
    project = next(p for p in catalogue.projects if figures[p.id].gap >= 1000)
    for key in ("sponsor", "sponsor2"):
        assert client.post("/login", data={"email": USERS[key]["email"], "password": PASSWORD}).status_code == 302
        page = client.get(f"/matching/sessions/{catalogue.id}/catalogue")
        assert page.status_code == 200 and project.application.title in page.get_data(as_text=True)
        assert client.post(f"/matching/projects/{project.id}/pledge", data={"cash-amount": "500"}).status_code == 302
        client.post("/logout")
    db.session.expire_all()
    new = [p for p in _pledges(catalogue) if p.project_id == project.id and p.amount == Decimal("500.00")]
    assert {p.sponsor.name for p in new} == {"浙江平湖农村商业银行股份有限公司", "嘉兴银建科技有限公司"}


def test_the_pages_show_the_demo(demo, client):
    settled, catalogue = demo
    named = db.session.scalar(sa.select(NamingRequest)).project
    client.post("/login", data={"email": USERS["sponsor"]["email"], "password": PASSWORD})
    for url, text in ((f"/matching/sessions/{catalogue.id}/catalogue", catalogue.title),
                      (f"/matching/projects/{catalogue.projects[0].id}", catalogue.projects[0].application.title),
                      (f"/matching/projects/{named.id}", "平湖农商银行·红色嘉园"),
                      ("/matching/my-pledges", "红色嘉园"), ("/matching/statement", "红色嘉园")):
        response = client.get(url)
        assert response.status_code == 200 and text in response.get_data(as_text=True), url
    client.post("/logout")
    client.post("/login", data={"email": USERS["committee"]["email"], "password": PASSWORD})
    for session in (settled, catalogue):
        for url in (f"/matching/sessions/{session.id}", f"/matching/sessions/{session.id}/pledges",
                    f"/matching/sessions/{session.id}/report"):
            response = client.get(url)
            assert response.status_code == 200 and session.title in response.get_data(as_text=True), url
        assert client.get(f"/matching/sessions/{session.id}/report.xlsx").status_code == 200


def test_loading_twice_keeps_the_same_matching_rows(app):
    counts = []
    for _ in range(2):
        load_demo(reset=True)
        counts.append([db.session.scalar(sa.select(sa.func.count()).select_from(model))
                       for model in (MatchingSession, Pledge, MatchAllocation, Receipt, Need, Organization)])
    assert counts[0] == counts[1] and counts[0][1] > 20
