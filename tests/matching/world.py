"""The matching part of the access test's world: an open session of the committee showing one of
NGO A's projects, pledges by the sponsor ("company") and a second sponsor ("other_company"), a
receipt, a naming request, award funding; a draft and a settled session; a department
("department") with a need and NGO A's offer to it."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.extensions import db
from portal.matching.models import (
    MatchingSession,
    NamingRequest,
    Need,
    NeedOffer,
    NeedStatus,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Receipt,
    ReceiptPayee,
    SessionKind,
    SessionProject,
    SessionStatus,
)
from portal.types import utcnow

from ..factories import make_application, make_member


def _session(committee, call, status, title):
    session = MatchingSession(committee_id=committee.id, title=title, kind=SessionKind.EVENT, status=status,
                              held_at=utcnow() + timedelta(days=1), venue="市民中心",
                              match_ratio=Decimal("1"), match_pool=Decimal("20000.00"))
    session.calls = [call]
    db.session.add(session)
    return session


def add_matching_world(world: dict) -> dict:
    users = world["users"]
    committee, ngo_org, call = world["committee_org"], world["ngo_org"], world["call"]
    users["other_company"] = make_member(OrgKind.COMPANY, name="第二家企业联系人")
    users["department"] = make_member(OrgKind.DEPARTMENT, name="街道干部")
    sponsor = users["company"].memberships[0].organization
    other_sponsor = users["other_company"].memberships[0].organization
    department = users["department"].memberships[0].organization

    session = _session(committee, call, SessionStatus.OPEN, "公益创投对接会")
    draft_session = _session(committee, call, SessionStatus.DRAFT, "筹备中的对接会")
    settled_session = _session(committee, call, SessionStatus.SETTLED, "已结算的对接会")
    shown_app = make_application(call=call, org=ngo_org, status=ApplicationStatus.ELIGIBLE, title="甲的展示项目")
    project = SessionProject(session=session, application=shown_app, goal=Decimal("50000.00"), position=1)
    settled_project = SessionProject(session=settled_session, application=shown_app, goal=Decimal("30000.00"), position=1)
    db.session.add_all([project, settled_project])
    db.session.flush()
    pledge = Pledge(session=session, project=project, application=shown_app, sponsor=sponsor, amount=Decimal("10000.00"),
                    created_by_id=users["company"].id, message="祝项目顺利")
    other_pledge = Pledge(session=session, project=project, application=shown_app, sponsor=other_sponsor,
                          amount=Decimal("5000.00"), created_by_id=users["other_company"].id)
    confirmed_pledge = Pledge(session=session, project=project, application=shown_app, sponsor=sponsor,
                              amount=Decimal("2000.00"), status=PledgeStatus.CONFIRMED, decided_at=utcnow(),
                              created_by_id=users["company"].id)
    in_kind_pledge = Pledge(session=session, project=project, application=shown_app, sponsor=sponsor,
                            kind=PledgeKind.IN_KIND, amount=Decimal("3000.00"), in_kind_description="图书 300 册",
                            created_by_id=users["company"].id)
    settled_pledge = Pledge(session=settled_session, project=settled_project, application=shown_app, sponsor=sponsor,
                            amount=Decimal("30000.00"), status=PledgeStatus.CONFIRMED, decided_at=utcnow())
    db.session.add_all([pledge, other_pledge, confirmed_pledge, in_kind_pledge, settled_pledge])
    db.session.flush()
    receipt = Receipt(pledge=confirmed_pledge, amount=Decimal("1000.00"), received_on=date.today(),
                      payee=ReceiptPayee.COMMITTEE_FUND)
    naming = NamingRequest(project=settled_project, sponsor=sponsor, name="农商银行·四点半学校")
    award_pledge = Pledge(application=world["awarded_app"], award=world["award"], sponsor=sponsor,
                          amount=Decimal("20000.00"), status=PledgeStatus.CONFIRMED, on_behalf=True, decided_at=utcnow())
    need = Need(session=session, department=department, title="社区助老送餐", service="为独居老人每日送餐",
                budget=Decimal("60000.00"), offers_due=utcnow() + timedelta(days=10), status=NeedStatus.OPEN,
                posted_by_id=users["department"].id)
    db.session.add_all([receipt, naming, award_pledge, need])
    db.session.flush()
    offer = NeedOffer(need=need, ngo=ngo_org, plan="组建志愿者送餐队", team="5 名社工", price=Decimal("55000.00"),
                      submitted_by_id=users["ngo"].id)
    db.session.add(offer)
    db.session.commit()
    world.update(
        matching_session=session, draft_session=draft_session, settled_session=settled_session,
        shown_project=project, settled_project=settled_project, pledge=pledge, other_pledge=other_pledge,
        confirmed_pledge=confirmed_pledge, in_kind_pledge=in_kind_pledge, settled_pledge=settled_pledge,
        receipt=receipt, naming=naming, award_pledge=award_pledge, need=need, offer=offer,
        sponsor_org=sponsor, other_sponsor_org=other_sponsor, department_org=department,
    )
    return world
