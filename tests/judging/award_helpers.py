"""Shared set-up for the awards and notice tests: a call in judging whose last round is scored."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.calls.models import CallStatus
from portal.judging.models import AwardTier, RoundStatus
from portal.extensions import db
from portal.types import utcnow

from ..factories import (make_application, make_assignment, make_call, make_call_judge, make_entry, make_member,
                         make_round, make_sheet)

TIERS = (("一等奖", 1, "50000.00", False), ("二等奖", 2, "20000.00", False), ("人气奖", 1, "5000.00", True))


def judged_call(scores=(90, 80, 70, 60, None), tiers=TIERS, pool="1000000.00"):
    """A JUDGING call, one locked round with one judge; an application per score (None = no sheet)."""
    committee = make_member(OrgKind.COMMITTEE, name="组委会")
    now = utcnow()
    call = make_call(committee=committee.memberships[0].organization, status=CallStatus.JUDGING,
                     opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30), total_pool=Decimal(pool))
    round_ = make_round(call, 1, name="决赛", criteria=[("综合", 100)], status=RoundStatus.LOCKED)
    judge = make_call_judge(call)
    owners, apps = [], []
    for index, score in enumerate(scores):
        owner = make_member(OrgKind.NGO, name=f"负责人{index}")
        app = make_application(call=call, org=owner.memberships[0].organization,
                               status=ApplicationStatus.ELIGIBLE, title=f"项目{index}")
        make_entry(round_, app, index + 1)
        if score is not None:
            make_assignment(round_, app, judge)
            make_sheet(round_, app, judge, values=[score])
        owners.append(owner)
        apps.append(app)
    tier_rows = [AwardTier(call=call, position=i, name=name, places=places, amount=Decimal(amount), is_popularity=pop)
                 for i, (name, places, amount, pop) in enumerate(tiers)]
    db.session.add_all(tier_rows)
    db.session.commit()
    return SimpleNamespace(call=call, round=round_, committee=committee, judge=judge, owners=owners, apps=apps,
                           tiers=tier_rows)

