"""The demo data: realistic, complete, loadable twice, and every demo account can log in."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from stdnum.cn import uscc

from portal.accounts.models import MemberRole, Organization, OrgKind, OrgStatus, User
from portal.applications.models import (
    Application,
    ApplicationStatus,
    ApplicationVersion,
)
from portal.audit import AuditEvent
from portal.calls.models import Call, CallStatus
from portal.demo import DEMO_ACCOUNTS, load_demo
from portal.extensions import db
from portal.types import utcnow

NOT_DRAFT = [s for s in ApplicationStatus if s != ApplicationStatus.DRAFT]


@pytest.fixture
def demo(app):
    text = load_demo(reset=True)
    db.session.expire_all()
    return text


def _all(model, *where):
    return list(db.session.scalars(sa.select(model).where(*where)))


def test_counts_and_states(demo):
    ngos = _all(Organization, Organization.kind == OrgKind.NGO)
    assert 8 <= len(ngos) <= 12
    statuses = [org.status for org in ngos]
    assert statuses.count(OrgStatus.PENDING) >= 2
    assert statuses.count(OrgStatus.REJECTED) == 1
    assert all(org.rejection_reason for org in ngos if org.status == OrgStatus.REJECTED)
    assert len(_all(Organization, Organization.kind == OrgKind.COMMITTEE)) == 1
    sponsors = _all(Organization, Organization.kind == OrgKind.COMPANY)
    assert {org.legal_form for org in sponsors} == {"企业", "基金会", "社会团体", "个人爱心人士"}
    assert all(org.is_verified for org in sponsors)
    assert {org.legal_form for org in _all(Organization, Organization.kind == OrgKind.DEPARTMENT)} == {"街道", "社区"}
    assert _all(User, User.is_judge.is_(True))

    calls = {call.code: call for call in _all(Call)}
    assert set(calls) == {"PH2026", "PH2025", "PHWX26", "PHCJ26"}
    assert calls["PH2026"].status == CallStatus.PUBLISHED and calls["PH2026"].is_open_at(utcnow())
    assert calls["PH2025"].status == CallStatus.FINAL
    assert calls["PHWX26"].status == CallStatus.JUDGING
    assert calls["PHCJ26"].status == CallStatus.NOTICE
    assert calls["PH2026"].funding_min == Decimal("10000.00") and calls["PH2026"].funding_max == Decimal("50000.00")

    applications = _all(Application)
    assert len(applications) == 40
    assert {a.status for a in applications} == set(ApplicationStatus)
    assert {a.call.code for a in applications} == set(calls)
    assert "committee@demo.yichuang.cn" in demo


def test_uscc_codes(demo):
    ngos = _all(Organization)
    flagged = [org for org in ngos if org.uscc_check_failed]
    assert len(flagged) == 1 and not uscc.is_valid(flagged[0].uscc)
    for org in ngos:
        if org.uscc and not org.uscc_check_failed:
            assert uscc.is_valid(org.uscc), org.name
    grass_roots = [org for org in ngos if org.uscc is None and org.kind == OrgKind.NGO]
    assert grass_roots and all(org.supervising_org for org in grass_roots)


def test_history_of_submitted_applications(demo):
    for code in ("PH2026", "PH2025", "PHWX26", "PHCJ26"):
        refs = sorted(
            a.reference for a in _all(Application, Application.status != ApplicationStatus.DRAFT) if a.call.code == code
        )
        assert refs == [f"{code}-{n:03d}" for n in range(1, len(refs) + 1)]
    for application in _all(Application):
        if application.status == ApplicationStatus.DRAFT:
            assert application.reference is None and not application.versions
            continue
        assert application.versions, application.title
        assert application.versions[-1].snapshot["title"] == application.title
        assert any(m.kind == "receipt" for m in application.messages)
        actions = {e.action for e in _all(AuditEvent, AuditEvent.entity_type == "applications", AuditEvent.entity_id == application.id)}
        assert "application.submit" in actions
        if application.status in (ApplicationStatus.RETURNED, ApplicationStatus.INELIGIBLE):
            assert application.screening_note
            assert any(m.kind == application.status.value for m in application.messages)
    returned = _all(Application, Application.status == ApplicationStatus.RETURNED)
    assert any(len(a.versions) == 2 and a.versions[0].snapshot != a.versions[1].snapshot for a in returned)


def test_submitted_budgets_obey_their_call(demo):
    checked = 0
    for application in _all(Application, Application.status.in_(NOT_DRAFT)):
        call = application.call
        total = application.budget_total
        assert total > 0
        for line in application.budget_lines:
            assert (line.unit_price * line.quantity).quantize(Decimal("0.01")) == line.amount
        assert call.funding_min <= application.requested_amount <= call.funding_max, application.title
        assert application.admin_total * 100 <= call.admin_cost_cap_pct * total, application.title
        assert application.self_funded_total * 100 >= call.min_self_funding_pct * total, application.title
        checked += 1
    assert checked >= 12
    # Not more than the allowed number of live applications per organization and call.
    live = _all(Application, Application.status != ApplicationStatus.WITHDRAWN)
    for call in _all(Call):
        for org_id in {a.organization_id for a in live if a.call_id == call.id}:
            assert sum(1 for a in live if a.call_id == call.id and a.organization_id == org_id) <= call.max_applications_per_org


def test_demo_accounts_log_in(demo, client):
    roles = {}
    for _label, email, password, _description in DEMO_ACCOUNTS:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        client.post("/logout")
        user = db.session.scalar(sa.select(User).where(User.email == email))
        roles[email.split("@")[0]] = user
    assert roles["judge"].is_judge
    kinds = {key: {(m.organization.kind, m.role) for m in user.memberships} for key, user in roles.items()}
    assert (OrgKind.COMMITTEE, MemberRole.OWNER) in kinds["committee"]
    assert (OrgKind.NGO, MemberRole.OWNER) in kinds["ngo"]
    assert (OrgKind.NGO, MemberRole.MEMBER) in kinds["ngo2"]
    assert (OrgKind.COMPANY, MemberRole.OWNER) in kinds["sponsor"]
    assert (OrgKind.COMPANY, MemberRole.OWNER) in kinds["sponsor2"]
    assert (OrgKind.DEPARTMENT, MemberRole.OWNER) in kinds["department"]
    assert all(m.organization.is_verified for key in ("sponsor", "sponsor2", "department") for m in roles[key].memberships)
    assert not roles["pending"].memberships[0].organization.is_verified
    ngo_org = roles["ngo"].memberships[0].organization
    assert ngo_org.is_verified
    states = {a.status for a in _all(Application, Application.organization_id == ngo_org.id)}
    assert len(states) >= 3


def test_load_twice(app):
    load_demo(reset=True)
    load_demo(reset=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 40
    assert db.session.scalar(sa.select(sa.func.count(ApplicationVersion.id))) == 37
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == len({u.email for u in _all(User)})


def test_judging_states_the_pages_can_show(demo):
    """The judge has unfinished sheets in an open blind round; results rank; a notice takes objections and votes."""
    from portal.judging.models import (
        Award,
        Objection,
        ObjectionStatus,
        PublicNotice,
        RoundStatus,
        ScoreSheet,
        SheetStatus,
        Vote,
    )
    from portal.judging.results import round_results

    calls = {call.code: call for call in _all(Call)}
    autumn_round = calls["PHWX26"].rounds[0]
    assert autumn_round.status == RoundStatus.OPEN and autumn_round.blind
    judge = db.session.scalar(sa.select(User).where(User.email == "judge@demo.yichuang.cn"))
    mine = _all(ScoreSheet, ScoreSheet.judge_id == judge.id, ScoreSheet.round_id == autumn_round.id)
    assert {s.status for s in mine} == {SheetStatus.SUBMITTED, SheetStatus.DRAFT}
    results = round_results(autumn_round)
    assert [row.rank for row in results.rows] == list(range(1, len(results.rows) + 1))
    assert {j.leaning for j in results.judges} >= {"harsh"}
    spring = calls["PHCJ26"]
    assert [r.status for r in spring.rounds] == [RoundStatus.LOCKED, RoundStatus.LOCKED]
    final_ranking = [row.application_id for row in round_results(spring.rounds[-1]).rows]
    awards = sorted(_all(Award, Award.call_id == spring.id), key=lambda a: a.rank)
    assert [a.application_id for a in awards] == final_ranking[: len(awards)] and len(awards) == 4
    notice = db.session.scalar(sa.select(PublicNotice).where(PublicNotice.call_id == spring.id))
    assert notice.vote_enabled and notice.starts_at < utcnow() < notice.ends_at
    assert {o.status for o in _all(Objection, Objection.notice_id == notice.id)} == {ObjectionStatus.PENDING, ObjectionStatus.DISMISSED}
    assert _all(Vote, Vote.notice_id == notice.id)
    assert _all(Award, Award.call_id == calls["PH2025"].id)
