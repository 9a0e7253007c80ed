"""Races on PostgreSQL: two tabs of one judge saving a first sheet at once, and one account voting
twice at once — each ends in one row and a clear answer, never an error page."""
from __future__ import annotations

import threading
from datetime import timedelta

from portal.applications.models import ApplicationStatus
from portal.calls.models import CallStatus
from portal.judging.models import AwardTier
from portal.errors import DomainError
from portal.extensions import db
from portal.judging import notice, scoring
from portal.judging.models import Award, PublicNotice, ScoreSheet, Vote
from portal.types import utcnow

from ..factories import make_application, make_assignment, make_call, make_call_judge, make_entry, make_round, make_user


def in_parallel(app, work, n: int = 2) -> list:
    """Run work(i) in n threads, each with its own app context (own session and connection), at once."""
    barrier, outcomes = threading.Barrier(n), [None] * n

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                outcomes[i] = work(i)
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
                db.session.rollback()
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_tabs_saving_the_first_sheet_make_one_sheet(pg_app):
    call = make_call(status=CallStatus.JUDGING)
    round_ = make_round(call, criteria=[("必要性", 20), ("可行性", 30)])
    application = make_application(call=call, status=ApplicationStatus.ELIGIBLE)
    make_entry(round_, application)
    judge = make_call_judge(call)
    make_assignment(round_, application, judge)
    db.session.commit()
    ids = (round_.id, application.id, judge.id, [c.id for c in round_.criteria])

    def save(i):
        from portal.accounts.models import User
        from portal.applications.models import Application
        from portal.judging.models import Round

        r, a, u = db.session.get(Round, ids[0]), db.session.get(Application, ids[1]), db.session.get(User, ids[2])
        return scoring.save_sheet(u, r, a, {ids[3][0]: str(10 + i), ids[3][1]: "20"}, "", submit=True).id

    outcomes = in_parallel(pg_app, save)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert db.session.scalar(db.select(db.func.count()).select_from(ScoreSheet)) == 1


def test_one_account_voting_twice_at_once_counts_once(pg_app):
    call = make_call(status=CallStatus.NOTICE, opens_at=utcnow() - timedelta(days=60), closes_at=utcnow() - timedelta(days=30))
    round_ = make_round(call)
    application = make_application(call=call, status=ApplicationStatus.ELIGIBLE)
    make_entry(round_, application)
    tier = AwardTier(call=call, name="一等奖", places=1)
    db.session.add_all([tier, Award(call=call, tier=tier, application=application, rank=1)])
    board = PublicNotice(call=call, starts_at=utcnow() - timedelta(days=1), ends_at=utcnow() + timedelta(days=5),
                         vote_enabled=True)
    voter = make_user(email_confirmed_at=utcnow())
    db.session.add(board)
    db.session.commit()
    ids = (voter.id, board.id, application.id)

    def vote(i):
        from portal.accounts.models import User

        return notice.cast_vote(db.session.get(User, ids[0]), db.session.get(PublicNotice, ids[1]), ids[2])

    outcomes = in_parallel(pg_app, vote)
    refusals = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refusals) == 1 and isinstance(refusals[0], DomainError), outcomes
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 1
