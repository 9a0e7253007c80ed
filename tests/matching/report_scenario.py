"""A session with rows in every state, built through the services (so the rows are real): several
projects in three categories (one awarded, one withdrawn, one uncategorized), four sponsors, cash
pledges pending, confirmed, lapsed, withdrawn and replaced, a claim, in kind accepted and not, one
recorded on a sponsor's behalf, receipts (partial, to the fund and to the NGO), first-come match
limited by a cap and by the pool, award funding (outside the session), and needs taken on (and not)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from portal.accounts.models import OrgKind
from portal.extensions import db
from portal.judging.models import Award, AwardTier
from portal.matching import pledges as pledging
from portal.matching.award_funding import add_funder
from portal.matching.models import Need, NeedOffer, NeedStatus, OfferStatus
from portal.matching.receipts import record_receipt
from portal.matching.services import withdraw_project
from portal.types import utcnow

from ..factories import make_category, make_org
from .helpers import add_project, make_session, make_sponsor

TODAY = date.today()


def cash(user, project, sponsor, amount):
    return pledging.pledge_cash(user, project, sponsor, {"amount": amount})


def receive(committee, pledge, amount, payee="committee_fund"):
    return record_receipt(committee, pledge, {"amount": amount, "received_on": TODAY, "payee": payee,
                                              "reference": f"HZ{pledge.id}"})


def add_needs(session, ngo_a, ngo_b):
    department = make_org(OrgKind.DEPARTMENT, name="当湖街道")
    due = utcnow() + timedelta(days=10)

    def need(title, budget, status):
        item = Need(session=session, department=department, title=title, budget=Decimal(budget), offers_due=due,
                    status=status)
        db.session.add(item)
        return item

    meals, tutoring, cleanup = need("独居老人助餐", "60000", NeedStatus.AWARDED), need("课后托管", "40000", NeedStatus.AWARDED), \
        need("河道清洁", "20000", NeedStatus.OPEN)
    db.session.flush()
    db.session.add_all([
        NeedOffer(need=meals, ngo=ngo_a, plan="送餐队", price=Decimal("55000.00"), status=OfferStatus.ACCEPTED),
        NeedOffer(need=meals, ngo=ngo_b, plan="中央厨房", price=Decimal("58000.00"), status=OfferStatus.DECLINED),
        NeedOffer(need=tutoring, ngo=ngo_b, plan="四点半课堂", price=Decimal("36500.50"), status=OfferStatus.ACCEPTED),
        NeedOffer(need=cleanup, ngo=ngo_a, plan="志愿者巡河", price=Decimal("18000.00")),
    ])
    db.session.commit()


def build() -> dict:
    session = make_session(match_ratio=Decimal("1"), match_pool=Decimal("25000.00"),
                           match_cap_per_pledge=Decimal("8000.00"))
    committee = session.test_committee_user
    call = session.calls[0]
    elderly, children, environment = make_category("助老"), make_category("关爱儿童"), make_category("环境保护")
    ngo_a, ngo_b = make_org(OrgKind.NGO, name="阳光社工"), make_org(OrgKind.NGO, name="绿色家园")

    def project(title, goal, category, org):
        item = add_project(session, goal=goal, org=org, title=title)
        item.application.category = category
        db.session.commit()
        return item

    p1 = project("银龄食堂", "60000.00", elderly, ngo_a)
    p2 = project("四点半学校", "30000.00", children, ngo_b)
    p3 = project("河小青护河", "40000.00", environment, ngo_b)
    p4 = project("长者数字课堂", "20000.00", elderly, ngo_a)
    p5 = project("退出的项目", "10000.00", children, ngo_a)
    p6 = project("社区议事会", "25000.00", None, ngo_b)
    tier = AwardTier(call_id=call.id, name="一等奖", places=1, amount=Decimal("10000.00"))
    db.session.add(tier)
    db.session.flush()
    db.session.add(Award(call_id=call.id, tier_id=tier.id, application_id=p1.application_id, rank=1))
    db.session.commit()

    u1, s1 = make_sponsor("平湖农商银行")
    u2, s2 = make_sponsor("嘉兴青年企业家协会")
    u3, s3 = make_sponsor("爱心基金会")
    u4, s4 = make_sponsor("无名氏")
    s4.board_anonymous = True
    db.session.commit()

    a = cash(u1, p1, s1, "20000")
    pledging.confirm_pledge(committee, a)  # match 8000: the cap per pledge
    receive(committee, a, "15000")
    receive(committee, a, "5000", payee="ngo")
    b = cash(u2, p1, s2, "5000")
    b2 = pledging.change_pledge(u2, b, {"amount": "6000"})  # b replaced
    pledging.confirm_pledge(committee, b2)
    cash(u3, p1, s3, "3000")  # stays pending
    c = pledging.claim_gap(u2, p2, s2, {})
    pledging.confirm_pledge(committee, c)
    receive(committee, c, "10000", payee="ngo")
    pledging.lapse_pledge(committee, cash(u3, p3, s3, "10000"))
    pledging.withdraw_pledge(u4, cash(u4, p3, s4, "12000"), "预算调整")
    goods = pledging.pledge_in_kind(u4, p3, s4, {"in_kind_description": "净水设备", "in_kind_quantity": "2 台",
                                                 "amount": "5000"})
    pledging.accept_in_kind_value(committee, goods)
    pledging.confirm_pledge(committee, goods)
    pledging.pledge_in_kind(u1, p3, s1, {"in_kind_description": "宣传册印制", "amount": "2000"})  # not accepted
    d = cash(u1, p3, s1, "15000")
    pledging.confirm_pledge(committee, d)
    receive(committee, d, "7000.50")
    e = cash(u3, p6, s3, "9000")
    pledging.confirm_pledge(committee, e)  # what the pool has left
    cash(u2, p5, s2, "1000")
    withdraw_project(committee, p5, "项目暂停")  # its pending pledge lapses with it
    pledging.record_on_behalf(committee, p6, s4, {"amount": "1000"})
    add_funder(committee, tier, {"sponsor_id": str(s1.id), "amount": "4000"})  # award funding: no session
    add_needs(session, ngo_a, ngo_b)
    return dict(session=session, committee=committee, call=call, tier=tier, projects=[p1, p2, p3, p4, p5, p6],
                users=[u1, u2, u3, u4], sponsors=[s1, s2, s3, s4])
