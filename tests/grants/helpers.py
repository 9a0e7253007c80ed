"""Shared set-up for the grants tests: a committee of two (a maker and a checker), an NGO's project
awarded ¥25,000 in a finalized call, the award paid by two sponsors (¥15,000 and ¥10,000) — or in
part by the committee's fund — and the grant drafted from it, ready to sign."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.calls.models import CallStatus
from portal.extensions import db
from portal.grants import services
from portal.grants.models import Grant
from portal.judging.models import Award, AwardTier, PublicNotice
from portal.matching.models import Pledge, PledgeStatus
from portal.types import utcnow

from ..factories import add_member, make_application, make_call, make_member, make_user

D = Decimal
PDF = b"%PDF-1.4\n% signed agreement\n"


def make_sponsor_org(name: str):
    user = make_member(OrgKind.COMPANY, name=f"{name}联系人")
    org = user.memberships[0].organization
    org.name = name
    return user, org


def funded_project(award_amount="25000.00", sponsor_shares=("15000.00", "10000.00")):
    """A finalized call with one award of `award_amount` to an NGO's project, paid by one sponsor per
    share (the rest is the committee's fund)."""
    maker = make_member(OrgKind.COMMITTEE, name="团市委干部甲")
    committee = maker.memberships[0].organization
    committee.name = "共青团平湖市委员会"
    checker = make_user(name="团市委干部乙")
    add_member(checker, committee)
    now = utcnow()
    call = make_call(committee=committee, status=CallStatus.CLOSED, opens_at=now - timedelta(days=90),
                     closes_at=now - timedelta(days=60))
    ngo_user = make_member(OrgKind.NGO, name="社工机构负责人")
    ngo = ngo_user.memberships[0].organization
    ngo.name = "平湖市阳光社工服务中心"
    application = make_application(call=call, org=ngo, status=ApplicationStatus.ELIGIBLE, title="银龄食堂")
    tier = AwardTier(call=call, position=0, name="最佳项目奖", places=1, amount=D(award_amount))
    db.session.add(tier)
    db.session.flush()
    award = Award(call=call, tier=tier, application=application, rank=1)
    notice = PublicNotice(call=call, starts_at=now - timedelta(days=20), ends_at=now - timedelta(days=10),
                          finalized_at=now - timedelta(days=9))
    db.session.add_all([award, notice])
    db.session.flush()
    sponsors = []
    for i, share in enumerate(sponsor_shares):
        user, org = make_sponsor_org(["平湖市慈善基金会", "平湖市青年企业家协会", "第三家企业"][i])
        db.session.add(Pledge(application=application, award=award, sponsor=org, amount=D(share),
                              status=PledgeStatus.CONFIRMED, on_behalf=True, decided_at=now))
        sponsors.append(SimpleNamespace(user=user, org=org))
    db.session.commit()
    return SimpleNamespace(maker=maker, checker=checker, committee=committee, call=call, ngo_user=ngo_user, ngo=ngo,
                           application=application, award=award, tier=tier, sponsors=sponsors)


def ready_to_sign(world, grant: Grant) -> Grant:
    """Payee account, a budget within the call's admin cap adding up to the grant, the signed scan."""
    services.update_agreement(world.maker, grant, {
        "title": grant.title, "terms": "按协议执行", "starts_on": date(2027, 3, 1).isoformat(),
        "ends_on": date(2027, 12, 31).isoformat(), "self_funding": "4000",
        "payee_name": world.ngo.name, "payee_bank": "平湖农商银行当湖支行", "payee_account": "6230 1234 5678 9012"})
    total = sum(s.amount for s in grant.sources)
    admin = (total * D("0.05")).quantize(D("0.01"))
    services.set_budget(world.maker, grant, [{"category": "活动费", "amount": str(total - admin)},
                                             {"category": "管理费", "amount": str(admin)}])
    services.upload_signed_scan(world.maker, grant, "协议.pdf", PDF)
    return grant


def signed_grant(world=None) -> tuple[SimpleNamespace, Grant]:
    world = world or funded_project()
    grant = services.draft_grant(world.maker, world.application)
    ready_to_sign(world, grant)
    services.sign_grant(world.maker, grant)
    return world, grant
