"""The judging part of the access test's world: a call in judging with a blind online round and a
live pitch round, an assigned judge ("judge") and an unassigned one ("other_judge"), sheets, awards,
and a second call whose results are under public notice with an objection."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from portal.applications.models import ApplicationStatus
from portal.calls.models import CallStatus
from portal.judging.models import AwardTier, RoundKind, RoundStatus
from portal.extensions import db
from portal.judging.models import Award, Objection, PublicNotice
from portal.types import utcnow

from ..factories import (
    make_application,
    make_assignment,
    make_call,
    make_call_judge,
    make_entry,
    make_round,
    make_sheet,
    make_user,
)


def add_judging_world(world: dict) -> dict:
    users = world["users"]
    committee = world["committee_org"]
    ngo_org = world["ngo_org"]
    other_org = users["other_ngo"].memberships[0].organization
    now = utcnow()
    users["other_judge"] = make_user(name="另一位评委", is_judge=True)

    call = make_call(committee=committee, status=CallStatus.JUDGING,
                     opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=10))
    round1 = make_round(call, 1, name="初审", blind=True, judges_per_application=1)
    round2 = make_round(call, 2, name="决赛路演", kind=RoundKind.PITCH, status=RoundStatus.PLANNED,
                        criteria=[("项目展示", 40), ("答辩表现", 30), ("社会价值", 30)])
    judged_app = make_application(call=call, org=ngo_org, status=ApplicationStatus.ELIGIBLE, title="甲的参评项目")
    other_app = make_application(call=call, org=other_org, status=ApplicationStatus.ELIGIBLE, title="乙的参评项目")
    entry = make_entry(round1, judged_app, 1)
    make_entry(round1, other_app, 2)
    pitch_entry = make_entry(round2, judged_app, 1)
    for judge in (users["judge"], users["other_judge"]):
        make_call_judge(call, judge)
    assignment = make_assignment(round1, judged_app, users["judge"])
    make_assignment(round1, other_app, users["other_judge"])
    sheet = make_sheet(round1, judged_app, users["judge"], submitted=False)
    other_sheet = make_sheet(round1, other_app, users["other_judge"])
    tier = AwardTier(call=call, position=0, name="一等奖", places=1, amount=Decimal("50000.00"))
    db.session.add(tier)
    # An OPEN live pitch (its own call, so the rounds above keep their states): judge scores live_app.
    live_call = make_call(committee=committee, status=CallStatus.JUDGING,
                          opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=10))
    live_round = make_round(live_call, 1, name="现场路演", kind=RoundKind.PITCH, status=RoundStatus.OPEN)
    live_app = make_application(call=live_call, org=ngo_org, status=ApplicationStatus.ELIGIBLE, title="甲的路演项目")
    make_entry(live_round, live_app, 1)
    for judge in (users["judge"], users["other_judge"]):
        make_call_judge(live_call, judge)
    make_assignment(live_round, live_app, users["judge"])

    notice_call = make_call(committee=committee, status=CallStatus.NOTICE,
                            opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=60))
    notice_round = make_round(notice_call, 1, name="决赛", status=RoundStatus.LOCKED)
    awarded_app = make_application(call=notice_call, org=ngo_org, status=ApplicationStatus.ELIGIBLE, title="甲的获奖项目")
    make_entry(notice_round, awarded_app, 1)
    notice_tier = AwardTier(call=notice_call, position=0, name="一等奖", places=1, amount=Decimal("80000.00"))
    award = Award(call=notice_call, tier=notice_tier, application=awarded_app, rank=1)
    notice = PublicNotice(call=notice_call, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=6),
                          text="现将评审结果予以公示。", vote_enabled=True)
    objection = Objection(notice=notice, application=awarded_app, name="市民", contact="13800000001", body="预算偏高")
    db.session.add_all([notice_tier, award, notice, objection])
    db.session.commit()
    world.update(
        judging_call=call, round1=round1, round2=round2, judged_app=judged_app, other_app=other_app,
        entry=entry, pitch_entry=pitch_entry, assignment=assignment, sheet=sheet, other_sheet=other_sheet,
        tier=tier, notice_call=notice_call, notice_round=notice_round, awarded_app=awarded_app,
        notice_tier=notice_tier, award=award, notice=notice, objection=objection,
        judged_attachment=_judged_attachment(world, judged_app),
        live_round=live_round, live_app=live_app,
    )
    return world


def _judged_attachment(world: dict, application):
    """An attachment of judged_app with a name a blind round must never show (SHEETS)."""
    from portal.applications.models import Attachment

    attachment = Attachment(application=application, storage_key=world["submitted_attachment"].storage_key,
                            filename="甲组织章程.pdf", kind="pdf", size=13)
    db.session.add(attachment)
    db.session.commit()
    return attachment
