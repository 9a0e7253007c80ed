"""Building matching sessions for tests: a committee's session over a call, shown projects, sponsors."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.extensions import db
from portal.matching.models import (
    MatchingSession,
    SessionKind,
    SessionProject,
    SessionStatus,
)
from portal.types import utcnow

from ..factories import make_application, make_call, make_member


def make_sponsor(name: str = "爱心企业", **user_kw):
    """A verified sponsor and its member (the user)."""
    user = make_member(OrgKind.COMPANY, name=user_kw.pop("user_name", f"{name}联系人"), **user_kw)
    org = user.memberships[0].organization
    org.name = name
    return user, org


def make_session(committee_user=None, call=None, status: SessionStatus = SessionStatus.OPEN, **rule) -> MatchingSession:
    """A session of the committee over `call` (made when not given), with `rule` as its match fields."""
    if committee_user is None:
        committee_user = make_member(OrgKind.COMMITTEE, name="团市委干部")
    committee = committee_user.memberships[0].organization
    call = call or make_call(committee=committee)
    session = MatchingSession(
        committee_id=committee.id, title="公益创投项目对接会", kind=SessionKind.EVENT, status=status,
        held_at=utcnow() + timedelta(days=1), venue="市民中心", **rule,
    )
    session.calls = [call]
    db.session.add(session)
    db.session.flush()
    session.test_committee_user = committee_user
    return session


def add_project(session: MatchingSession, goal="50000.00", org=None, title: str = "四点半学校") -> SessionProject:
    call = session.calls[0]
    application = make_application(call=call, org=org, status=ApplicationStatus.ELIGIBLE, title=title)
    project = SessionProject(session=session, application=application, goal=Decimal(goal),
                             position=len(session.projects) + 1)
    db.session.add(project)
    db.session.commit()
    return project
