"""Races on PostgreSQL, with real parallel connections (one thread, app context, session and
connection each, released together by a barrier): twenty sponsors pledging or claiming at once never
take a project past its gap, and each refused one says what is left; twenty confirmations at once
never overspend the match pool or a cap; receipts never exceed their pledge; award funders never
exceed the award. SQLite serializes writers on its own, so these run only on PostgreSQL."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.extensions import db
from portal.judging.models import Award, AwardTier
from portal.matching import award_funding, receipts
from portal.matching import pledges as service
from portal.matching.models import (
    LIVE_PLEDGE_STATUSES,
    MatchAllocation,
    MatchLimit,
    MatchMode,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Receipt,
    SessionProject,
)

from ..conftest import _prepare_postgres, database_params, database_uri, make_test_app
from .helpers import add_project, make_session, make_sponsor

D = Decimal
N = 20


@pytest.fixture(params=[p for p in database_params() if p.id == "pg"])
def pg(request, tmp_path):
    """pg_app with a connection for each of the N threads and the test itself (the default pool has 15)."""
    application = make_test_app(database_uri(request.param), tmp_path,
                                SQLALCHEMY_ENGINE_OPTIONS={"pool_size": N + 2, "max_overflow": 0})
    with application.app_context():
        _prepare_postgres()
        yield application
        db.session.remove()
        db.engine.dispose()


def in_parallel(app, prepare, act, n: int = N) -> list:
    """prepare(i) loads what thread i needs (on its own connection); then all n threads act(i, loaded)
    at the same moment. An exception is the outcome of that thread, after its rollback."""
    barrier, outcomes = threading.Barrier(n, timeout=60), [None] * n

    def run(i):
        with app.app_context():
            try:
                loaded = prepare(i)
                db.session.connection()  # hold a connection before the start, so that all start at once
                barrier.wait()
                outcomes[i] = act(i, loaded)
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
                db.session.rollback()
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished (a deadlock?)"
    db.session.expire_all()
    return outcomes


def get(model, ident):
    return db.session.get(model, ident)


def live_cash(project_id: int) -> Decimal:
    """Summed here from the rows, not through portal.matching.funding."""
    return D(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Pledge.amount), 0)).where(
        Pledge.project_id == project_id, Pledge.kind == PledgeKind.CASH, Pledge.status.in_(LIVE_PLEDGE_STATUSES))))


def refusals(outcomes) -> list:
    unexpected = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, service.DomainError)]
    assert not unexpected, unexpected  # never a database error, a deadlock or a timeout
    return [o for o in outcomes if isinstance(o, service.DomainError)]


def sponsors_and_project(goal="50000.00", **rule):
    session = make_session(match_mode=MatchMode.FIRST_COME, **rule)
    project = add_project(session, goal=goal)
    sponsors = [make_sponsor(f"爱心企业{i}") for i in range(N)]
    db.session.commit()
    return session, project, [(user.id, org.id) for user, org in sponsors]


@pytest.mark.parametrize("amount, accepted, message", [
    ("5000", 10, "该项目已满额"),  # the tenth fills it exactly
    ("4000", 12, "仅剩 ¥2,000 可认捐"),  # twelve make 48,000: each refused one is offered the last 2,000
])
def test_twenty_pledges_at_once_never_pass_the_gap(pg, amount, accepted, message):
    session, project, sponsors = sponsors_and_project()

    def prepare(i):
        user_id, org_id = sponsors[i]
        return get(User, user_id), get(SessionProject, project.id), get(Organization, org_id)

    outcomes = in_parallel(pg, prepare, lambda i, a: service.pledge_cash(a[0], a[1], a[2], {"amount": amount}).id)
    refused = refusals(outcomes)
    assert len(refused) == N - accepted
    assert all(isinstance(r, service.GapExceeded) and r.field == "amount" for r in refused)
    assert all(message in str(r.message) for r in refused), [str(r.message) for r in refused]
    assert live_cash(project.id) == D(amount) * accepted <= D("50000")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == accepted


def test_claims_racing_pledges_fill_the_gap_exactly_once(pg):
    """Ten sponsors pledge ¥4,000 while ten others claim the whole gap, all at once: the first claim
    served takes what is left, every pledge served before it stands, and all after it are told 已满额."""
    session, project, sponsors = sponsors_and_project()

    def prepare(i):
        user_id, org_id = sponsors[i]
        return get(User, user_id), get(SessionProject, project.id), get(Organization, org_id)

    def act(i, loaded):
        user, shown, org = loaded
        if i % 2:
            return service.claim_gap(user, shown, org, {}).id
        return service.pledge_cash(user, shown, org, {"amount": "4000"}).id

    refused = refusals(in_parallel(pg, prepare, act))
    assert all(isinstance(r, service.GapExceeded) and r.remaining == 0 and "已满额" in str(r.message) for r in refused)
    rows = db.session.scalars(sa.select(Pledge).order_by(Pledge.id)).all()
    claims = [p for p in rows if p.is_claim]
    assert len(claims) == 1 and len(rows) == N - len(refused)
    assert all(not p.is_claim and p.amount == D(4000) for p in rows if p.id < claims[0].id)
    assert all(p.id < claims[0].id for p in rows if not p.is_claim)  # nothing slipped in after the claim
    assert claims[0].amount == D(50000) - D(4000) * (len(rows) - 1)
    assert live_cash(project.id) == D("50000")


# --- match funding under concurrent confirmations ---------------------------------------------------

RULE = dict(match_ratio=D(1), match_pool=D(15000), match_cap_per_pledge=D(1500), match_cap_per_sponsor_project=D(2500),
            match_cap_per_sponsor=D(4000), match_cap_per_project=D(9000))


def replay_first_come(allocations, pledges) -> None:
    """Each allocation, taken in the order written, is what the rule gives at that point: so no two
    confirmations were matched on the same stale usage."""
    used = {"pool": D(0)}
    for a in allocations:
        p = pledges[a.pledge_id]
        keys = {"sponsor_project": (p.sponsor_id, p.project_id), "sponsor": p.sponsor_id, "project": p.project_id}
        limits = {"sponsor_project": MatchLimit.CAP_SPONSOR_PROJECT, "sponsor": MatchLimit.CAP_SPONSOR,
                  "project": MatchLimit.CAP_PROJECT}
        heads = [(RULE["match_cap_per_pledge"], MatchLimit.CAP_PER_PLEDGE)] + [
            (RULE[f"match_cap_per_{name}"] - used.get(key, D(0)), limits[name]) for name, key in keys.items()]
        value, limit = p.amount * RULE["match_ratio"], None
        for head, reason in heads:
            if value > max(D(0), head):
                value, limit = max(D(0), head), reason
        if value > RULE["match_pool"] - used["pool"]:
            value, limit = RULE["match_pool"] - used["pool"], MatchLimit.POOL
        assert (a.amount, a.limited_by) == (value, limit), (a.pledge_id, a.amount, a.limited_by, value, limit)
        for key in (*keys.values(), "pool"):
            used[key] = used.get(key, D(0)) + value


def test_twenty_confirmations_at_once_never_overspend_the_pool_or_a_cap(pg):
    """Five sponsors × two projects × two pledges of ¥2,000, matched 1:1 with every cap and the pool
    smaller than the ¥40,000 they would take: confirmed all at once."""
    session = make_session(match_mode=MatchMode.FIRST_COME, **RULE)
    projects = [add_project(session, goal="100000.00", title=f"项目{i}") for i in range(2)]
    sponsors = [make_sponsor(f"爱心企业{i}")[1] for i in range(5)]
    pledge_ids = []
    for i in range(N):
        pledge = Pledge(session=session, project=projects[i % 2], application=projects[i % 2].application,
                        sponsor=sponsors[i // 4], amount=D(2000))
        db.session.add(pledge)
        db.session.flush()
        pledge_ids.append(pledge.id)
    db.session.commit()
    committee_id = session.test_committee_user.id

    outcomes = in_parallel(pg, lambda i: (get(User, committee_id), get(Pledge, pledge_ids[i])),
                           lambda i, a: service.confirm_pledge(*a).id)
    assert not refusals(outcomes)
    allocations = db.session.scalars(sa.select(MatchAllocation).order_by(MatchAllocation.id)).all()
    pledges = {p.id: p for p in db.session.scalars(sa.select(Pledge))}
    assert all(p.status == PledgeStatus.CONFIRMED for p in pledges.values())
    assert sorted(a.pledge_id for a in allocations) == sorted(pledge_ids)  # one each
    assert sum(a.amount for a in allocations) <= RULE["match_pool"]
    totals: dict = {}
    for a in allocations:
        for key in (("pledge", a.pledge_id), ("sponsor_project", a.sponsor_id, a.project_id), ("sponsor", a.sponsor_id),
                    ("project", a.project_id)):
            totals[key] = totals.get(key, D(0)) + a.amount
    for key, total in totals.items():
        assert total <= RULE["match_cap_per_pledge" if key[0] == "pledge" else f"match_cap_per_{key[0]}"], (key, total)
    replay_first_come(allocations, pledges)


def test_confirmations_racing_pledges_never_take_a_project_past_its_goal(pg):
    """Ten pending ¥1,500 pledges confirmed (matched 1:1) while ten more sponsors pledge ¥1,500 to the
    same ¥30,000 project: pledges and match together stay within the goal."""
    session, project, sponsors = sponsors_and_project(goal="30000.00", match_ratio=D(1), match_pool=D(100000))
    pending = [service.pledge_cash(get(User, user_id), project, get(Organization, org_id), {"amount": "1500"}).id
               for user_id, org_id in sponsors[:10]]
    committee_id = session.test_committee_user.id

    def prepare(i):
        if i < 10:
            return get(User, committee_id), get(Pledge, pending[i])
        user_id, org_id = sponsors[i]
        return get(User, user_id), get(SessionProject, project.id), get(Organization, org_id)

    def act(i, loaded):
        if i < 10:
            return service.confirm_pledge(*loaded).id
        return service.pledge_cash(*loaded, {"amount": "1500"}).id

    refused = refusals(in_parallel(pg, prepare, act))
    assert all(isinstance(r, service.GapExceeded) for r in refused)
    match = D(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(MatchAllocation.amount), 0))))
    assert live_cash(project.id) + match <= D(30000)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchAllocation)) == 10


def test_every_kind_of_change_at_once_keeps_the_project_within_its_goal(pg):
    """On one ¥30,000 project, all at once: five confirmations, three changes, two withdrawals, two
    acceptances of in-kind value and eight new pledges. No deadlock, no database error; pledges, accepted
    in-kind value and match together stay within the goal; every confirmation is matched once."""
    session, project, sponsors = sponsors_and_project(goal="30000.00", match_ratio=D(1), match_pool=D(100000))
    users = [(get(User, u), get(Organization, o)) for u, o in sponsors]
    pending = [service.pledge_cash(u, project, o, {"amount": "1500"}).id for u, o in users[:10]]
    in_kind = [service.pledge_in_kind(u, project, o, {"amount": "1000", "in_kind_description": "图书"}).id
               for u, o in users[10:12]]
    committee_id = session.test_committee_user.id

    def prepare(i):
        user_id, org_id = sponsors[i]
        if i < 10:
            return get(User, committee_id if i < 5 else user_id), get(Pledge, pending[i])
        if i < 12:
            return get(User, committee_id), get(Pledge, in_kind[i - 10])
        return get(User, user_id), get(SessionProject, project.id), get(Organization, org_id)

    def act(i, loaded):
        if i < 5:
            return service.confirm_pledge(*loaded).id
        if i < 8:
            return service.change_pledge(*loaded, {"amount": "3000"}).id
        if i < 10:
            return service.withdraw_pledge(*loaded).id
        if i < 12:
            return service.accept_in_kind_value(*loaded).id
        return service.pledge_cash(*loaded, {"amount": "1500"}).id

    outcomes = in_parallel(pg, prepare, act)
    refused = refusals(outcomes)
    assert all(isinstance(outcomes[i], int) for i in range(5)), outcomes[:5]  # confirmations are never refused
    assert all(isinstance(r, (service.GapExceeded, service.DomainError)) for r in refused)
    pledges = db.session.scalars(sa.select(Pledge).where(Pledge.status.in_(LIVE_PLEDGE_STATUSES))).all()
    counted = sum(p.amount for p in pledges if p.kind == PledgeKind.CASH or p.value_accepted_at is not None)
    allocations = db.session.scalars(sa.select(MatchAllocation)).all()
    assert counted + sum(a.amount for a in allocations) <= D(30000)
    confirmed = sorted(p.id for p in pledges if p.status == PledgeStatus.CONFIRMED)
    assert sorted(a.pledge_id for a in allocations) == confirmed and len(confirmed) == 5


# --- receipts and award funding ----------------------------------------------------------------------

def test_twenty_receipts_at_once_never_exceed_the_pledge(pg):
    session, project, sponsors = sponsors_and_project()
    user_id, org_id = sponsors[0]
    pledge = service.pledge_cash(get(User, user_id), project, get(Organization, org_id), {"amount": "10000"})
    committee = session.test_committee_user
    service.confirm_pledge(committee, pledge)
    ids = (committee.id, pledge.id)
    data = {"amount": "700", "received_on": date.today(), "payee": "committee_fund"}

    outcomes = in_parallel(pg, lambda i: (get(User, ids[0]), get(Pledge, ids[1])),
                           lambda i, a: receipts.record_receipt(*a, {**data, "reference": f"银行流水{i}"}).id)
    refused = refusals(outcomes)
    assert len(refused) == 6  # fourteen make 9,800
    assert all(r.field == "amount" and "¥200" in str(r.message) for r in refused), [str(r.message) for r in refused]
    total = db.session.scalar(sa.select(sa.func.sum(Receipt.amount)).where(Receipt.pledge_id == pledge.id))
    assert total == D(9800) <= D(10000)


def test_twenty_award_funders_at_once_never_exceed_the_award(pg):
    session, project, sponsors = sponsors_and_project()
    call = session.calls[0]
    tier = AwardTier(call=call, name="一等奖", places=1, amount=D(50000))
    db.session.add(tier)
    award = Award(call=call, tier=tier, application=project.application, rank=1)
    db.session.add_all([tier, award])
    db.session.commit()
    ids = (session.test_committee_user.id, tier.id, award.id)

    def prepare(i):
        return get(User, ids[0]), get(AwardTier, ids[1]), get(Award, ids[2])

    def act(i, loaded):
        user, tier_, award_ = loaded
        return award_funding.add_funder(user, tier_, {"amount": "4000", "sponsor_id": str(sponsors[i][1])}, award_)

    refused = refusals(in_parallel(pg, prepare, act))
    assert len(refused) == 8  # twelve make 48,000
    assert all(r.field == "amount" and "¥2,000" in str(r.message) for r in refused), [str(r.message) for r in refused]
    total = db.session.scalar(sa.select(sa.func.sum(Pledge.amount)).where(Pledge.award_id == award.id))
    assert total == D(48000) <= D(50000)
