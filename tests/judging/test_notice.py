"""The public notice (公示): publishing, objections, votes, withdrawing, finalizing; what NGOs see."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.audit import AuditEvent
from portal.calls.models import CallStatus
from portal.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.judging import awards, notice as notices
from portal.judging.models import Award, Objection, ObjectionStatus, PublicNotice, Vote
from portal.types import utcnow

from ..conftest import login, make_test_app
from ..factories import make_user
from .award_helpers import judged_call


def awarded(w):
    first, second, _ = w.tiers
    awards.assign_awards(w.committee, w.call, [(first.id, w.apps[0].id), (second.id, w.apps[1].id)])
    return w


def publish(w, vote=True, days=7):
    now = utcnow()
    return notices.publish_results(w.committee, w.call, now - timedelta(minutes=1), now + timedelta(days=days),
                                   "现将评审结果予以公示。", vote)


def end_period(notice):
    notice.starts_at, notice.ends_at = utcnow() - timedelta(days=8), utcnow() - timedelta(minutes=1)
    db.session.commit()


def confirmed_user(**kw):
    user = make_user(email_confirmed_at=utcnow(), **kw)
    db.session.commit()
    return user


def test_publishing_needs_an_award_and_a_sensible_period(app):
    w = judged_call()
    with pytest.raises(DomainError, match="至少一个奖项"):
        publish(w)
    awarded(w)
    now = utcnow()
    with pytest.raises(DomainError) as failure:
        notices.publish_results(w.committee, w.call, now, now - timedelta(days=1), "", False)
    assert failure.value.field == "ends_at"
    with pytest.raises(PermissionDenied):
        notices.publish_results(w.owners[0], w.call, now, now + timedelta(days=7), "", False)
    assert w.call.status == CallStatus.JUDGING


def test_publishing_moves_to_notice_and_tells_every_applicant(app, outbox):
    w = awarded(judged_call())
    notice = publish(w)
    assert w.call.status == CallStatus.NOTICE and notice.vote_enabled
    by_address = {m["to"][0]: m for m in outbox}
    assert "获奖结果公示" in by_address[w.owners[0].email]["subject"] and "一等奖" in by_address[w.owners[0].email]["body"]
    assert "二等奖" in by_address[w.owners[1].email]["body"]
    for owner in w.owners[2:]:
        assert "评审结果公示" in by_address[owner.email]["subject"] and "获奖" not in by_address[owner.email]["subject"]
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "notice.published")).one()
    with pytest.raises(InvalidTransition):
        publish(w)


def test_public_page_404s_before_publication_and_shows_awards_after(app, client):
    w = awarded(judged_call())
    assert client.get(f"/calls/{w.call.id}/results").status_code == 404
    assert "评审结果公示" not in client.get(f"/calls/{w.call.id}").get_data(as_text=True)
    publish(w)
    page = client.get(f"/calls/{w.call.id}/results").get_data(as_text=True)
    assert "现将评审结果予以公示" in page and "一等奖" in page and "项目0" in page and w.apps[0].reference in page
    assert "项目3" not in page.split("人气奖投票")[0]  # only awarded projects in the list
    assert "¥50,000.00" in page and w.apps[0].organization.name in page
    assert f"/calls/{w.call.id}/results" in client.get(f"/calls/{w.call.id}").get_data(as_text=True)


def test_objections_only_during_the_period_with_checked_fields(app):
    w = awarded(judged_call())
    notice = publish(w)
    with pytest.raises(ValidationFailed) as failure:
        notices.lodge_objection(notice, "", "x" * 201, "  ", w.apps[3].id)
    assert failure.value.errors == {"name": ["请填写姓名。"], "contact": ["联系方式不能超过 200 个字。"],
                                    "body": ["请填写异议内容。"], "application_id": ["请选择公示名单中的项目。"]}
    objection = notices.lodge_objection(notice, "市民张三", "13800000000", "该项目预算明显偏高。", w.apps[0].id)
    assert objection.status == ObjectionStatus.PENDING
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "objection.lodged")).one()
    assert event.actor_id is None
    end_period(notice)
    with pytest.raises(DomainError, match="不在公示期内"):
        notices.lodge_objection(notice, "李四", "li@example.cn", "迟到的异议", None)


def test_objection_form_on_the_public_page(app, client):
    w = awarded(judged_call())
    publish(w)
    url = f"/calls/{w.call.id}/results/objections"
    bad = client.post(url, data={"name": "", "contact": "", "body": "", "application_id": "abc"})
    assert bad.status_code == 400 and "请填写姓名。" in bad.get_data(as_text=True)
    ok = client.post(url, data={"name": "王五", "contact": "13900000000", "body": "获奖项目与申报内容不符。",
                                "application_id": str(w.apps[1].id)})
    assert ok.status_code == 302
    assert db.session.scalars(db.select(Objection)).one().application_id == w.apps[1].id


def test_objections_are_rate_limited_per_address(tmp_path):
    limited = make_test_app("sqlite://", tmp_path, RATELIMIT_ENABLED=True)
    with limited.app_context():
        db.create_all()
        w = awarded(judged_call())
        publish(w)
        client = limited.test_client()
        url = f"/calls/{w.call.id}/results/objections"
        codes = [client.post(url, data={"name": "甲", "contact": "1", "body": f"第{i}条"}).status_code for i in range(6)]
        other = client.post(url, data={"name": "乙", "contact": "2", "body": "另一个地址"},
                            environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code
        db.session.remove()
    assert codes[:5] == [302] * 5 and codes[5] == 429 and other == 302


def test_answering_an_objection_needs_a_reply_and_shows_publicly(app, client, outbox):
    w = awarded(judged_call())
    notice = publish(w)
    objection = notices.lodge_objection(notice, "市民", "13800000000", "预算偏高，质疑评审。", w.apps[0].id)
    outbox.clear()
    with pytest.raises(DomainError) as failure:
        notices.answer_objection(w.committee, objection, False, "  ")
    assert failure.value.field == "reply"
    with pytest.raises(PermissionDenied):
        notices.answer_objection(w.owners[0], objection, False, "不成立")
    notices.answer_objection(w.committee, objection, False, "经复核，预算符合征集要求。")
    assert objection.status == ObjectionStatus.DISMISSED and outbox == []
    page = client.get(f"/calls/{w.call.id}/results").get_data(as_text=True)
    assert "经复核，预算符合征集要求。" in page and "异议不成立" in page and "13800000000" not in page
    with pytest.raises(InvalidTransition):
        notices.answer_objection(w.committee, objection, True, "改判")


def test_finalize_refuses_with_every_reason_then_succeeds(app, outbox):
    w = awarded(judged_call())
    notice = publish(w, vote=False)
    objection = notices.lodge_objection(notice, "市民", "1", "质疑", None)
    with pytest.raises(DomainError) as failure:
        notices.finalize(w.committee, w.call)
    assert "公示期至" in failure.value.message and "还有 1 条异议未答复" in failure.value.message
    end_period(notice)
    with pytest.raises(DomainError, match="异议未答复"):
        notices.finalize(w.committee, w.call)
    notices.answer_objection(w.committee, objection, False, "不成立")
    outbox.clear()
    notices.finalize(w.committee, w.call)
    assert w.call.status == CallStatus.FINAL and notice.finalized_at is not None
    assert sorted(m["to"][0] for m in outbox) == sorted([w.owners[0].email, w.owners[1].email])
    assert all("获奖结果已确定" in m["subject"] for m in outbox)
    with pytest.raises(InvalidTransition):
        notices.finalize(w.committee, w.call)


def test_votes_one_per_confirmed_account_and_counted(app):
    w = awarded(judged_call())
    notice = publish(w)
    unconfirmed = make_user()
    with pytest.raises(DomainError, match="确认您的电子邮箱"):
        notices.cast_vote(unconfirmed, notice, w.apps[0].id)
    voter = confirmed_user()
    notices.cast_vote(voter, notice, w.apps[2].id)  # listed in the last round, not awarded: still votable
    with pytest.raises(DomainError, match="只能投一票"):
        notices.cast_vote(voter, notice, w.apps[0].id)
    notices.cast_vote(confirmed_user(), notice, w.apps[2].id)
    notices.cast_vote(confirmed_user(), notice, w.apps[0].id)
    assert notices.vote_counts(notice) == {w.apps[2].id: 2, w.apps[0].id: 1}
    from ..factories import make_application
    stranger = make_application(call=w.call, title="未入围")
    with pytest.raises(DomainError, match="公示名单"):
        notices.cast_vote(confirmed_user(), notice, stranger.id)
    end_period(notice)
    with pytest.raises(DomainError, match="投票时间"):
        notices.cast_vote(confirmed_user(), notice, w.apps[0].id)


def test_votes_refused_when_the_poll_is_off(app):
    w = awarded(judged_call())
    notice = publish(w, vote=False)
    with pytest.raises(DomainError, match="未开启"):
        notices.cast_vote(confirmed_user(), notice, w.apps[0].id)


def test_voting_through_the_page_and_the_live_counts(app, client):
    w = awarded(judged_call())
    publish(w)
    voter = make_user()
    db.session.commit()
    login(client, voter)
    page = client.get(f"/calls/{w.call.id}/results").get_data(as_text=True)
    assert "请先确认您的电子邮箱再投票" in page and "发送确认邮件" in page
    voter.email_confirmed_at = utcnow()
    db.session.commit()
    assert "js/vote.js" in client.get(f"/calls/{w.call.id}/results").get_data(as_text=True)
    client.post(f"/calls/{w.call.id}/results/vote", data={"application_id": str(w.apps[1].id)})
    again = client.post(f"/calls/{w.call.id}/results/vote", data={"application_id": str(w.apps[0].id)},
                        follow_redirects=True)
    assert "每个账号只能投一票" in again.get_data(as_text=True)
    data = client.get(f"/calls/{w.call.id}/results/votes.json").get_json()
    assert data == {"counts": {str(w.apps[1].id): 1}, "total": 1, "open": True}


def test_popularity_goes_to_the_top_voted_and_ties_to_the_earlier_last_vote(app, outbox):
    w = awarded(judged_call())
    notice = publish(w)
    now = utcnow()
    # apps[3] and apps[2] both get 2 votes; apps[3]'s last vote came earlier, so it wins.
    for app_id, minutes in ((w.apps[2].id, 50), (w.apps[3].id, 40), (w.apps[3].id, 30), (w.apps[2].id, 20), (w.apps[0].id, 10)):
        db.session.add(Vote(notice_id=notice.id, application_id=app_id, user_id=confirmed_user().id,
                            created_at=now - timedelta(minutes=minutes)))
    db.session.commit()
    end_period(notice)
    outbox.clear()
    notices.finalize(w.committee, w.call)
    popularity = w.tiers[2]
    winners = db.session.scalars(db.select(Award.application_id).where(Award.tier_id == popularity.id)).all()
    assert winners == [w.apps[3].id]
    assert w.owners[3].email in {m["to"][0] for m in outbox}
    summary = awards.award_summary(w.call)
    assert summary.total == 50000 + 20000 + 5000


def test_withdraw_after_an_upheld_objection_and_publish_again(app, client):
    w = awarded(judged_call())
    notice = publish(w)
    objection = notices.lodge_objection(notice, "市民", "1", "获奖项目存在抄袭", w.apps[1].id)
    with pytest.raises(DomainError, match="异议成立"):
        notices.withdraw_notice(w.committee, w.call)
    notices.answer_objection(w.committee, objection, True, "经核实异议成立，将调整奖项。")
    notices.withdraw_notice(w.committee, w.call)
    assert w.call.status == CallStatus.JUDGING
    page = client.get(f"/calls/{w.call.id}/results").get_data(as_text=True)
    assert "公示已撤回" in page and "项目1" not in page.split("异议与答复")[0]
    first, second, _ = w.tiers
    awards.assign_awards(w.committee, w.call, [(first.id, w.apps[0].id), (second.id, w.apps[2].id)])
    again = publish(w)
    assert again.id == notice.id and w.call.status == CallStatus.NOTICE
    assert db.session.scalar(db.select(db.func.count(PublicNotice.id))) == 1
    assert db.session.scalars(db.select(Objection)).one().status == ObjectionStatus.UPHELD


def test_committee_pages_publish_answer_and_finalize(app, client):
    w = awarded(judged_call())
    login(client, w.committee)
    page = client.get(f"/judging/calls/{w.call.id}/awards").get_data(as_text=True)
    assert "发布公示" in page and 'name="ends_at"' in page
    start = (utcnow() + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")  # Shanghai is UTC+8
    bad = client.post(f"/judging/calls/{w.call.id}/publish", data={"starts_at": start, "ends_at": start, "text": "公示"})
    assert bad.status_code == 400 and "公示结束时间必须晚于开始时间" in bad.get_data(as_text=True)
    end = (utcnow() + timedelta(days=7, hours=8)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/judging/calls/{w.call.id}/publish", data={"starts_at": start, "ends_at": end, "text": "公示"})
    assert response.status_code == 302 and w.call.status == CallStatus.NOTICE
    notice = notices.get_notice(w.call)
    assert abs((notice.starts_at - utcnow()).total_seconds()) < 120  # entered in Beijing time, stored in UTC
    objection = Objection(notice_id=notice.id, name="市民", contact="1", body="质疑")
    db.session.add(objection)
    db.session.commit()
    page = client.get(f"/judging/calls/{w.call.id}/objections").get_data(as_text=True)
    assert "暂不能确定" in page and "还有 1 条异议未答复" in page and "disabled" in page
    missing = client.post(f"/judging/objections/{objection.id}/answer", data={f"o{objection.id}-decision": "dismissed"})
    assert missing.status_code == 400 and "请填写答复内容" in missing.get_data(as_text=True)
    client.post(f"/judging/objections/{objection.id}/answer",
                data={f"o{objection.id}-decision": "dismissed", f"o{objection.id}-reply": "不成立"})
    assert objection.status == ObjectionStatus.DISMISSED
    refused = client.post(f"/judging/calls/{w.call.id}/finalize", follow_redirects=True).get_data(as_text=True)
    assert "公示期至" in refused and w.call.status == CallStatus.NOTICE
    end_period(notice)
    client.post(f"/judging/calls/{w.call.id}/finalize")
    assert w.call.status == CallStatus.FINAL
    assert "评审结果已确定" in client.get(f"/calls/{w.call.id}/results").get_data(as_text=True)


def test_ngos_see_only_their_own_progress_and_awards_after_publication(app, client):
    w = awarded(judged_call())
    login(client, w.owners[0])
    page = client.get("/judging/my-results").get_data(as_text=True)
    assert "项目0" in page and "项目1" not in page and "评审结果尚未公布" in page
    assert "一等奖" not in page and "已完成评审" in page
    publish(w)
    page = client.get("/judging/my-results").get_data(as_text=True)
    assert "一等奖" in page and "公示中" in page and "项目1" not in page
    client.post("/logout")
    login(client, w.owners[3])
    page = client.get("/judging/my-results").get_data(as_text=True)
    assert "本项目未获奖" in page and "一等奖" not in page


def test_my_results_takes_the_same_queries_for_one_or_many_applications(app, count_queries):
    from portal.accounts.models import User
    from ..factories import make_application, make_entry

    w = awarded(judged_call())
    publish(w)
    owner = db.session.get(User, w.owners[0].id)
    _ = [m.organization.kind for m in owner.memberships]  # the login loads these with the user
    with count_queries() as one:
        assert len(awards.my_results(owner)) == 1
    org = owner.memberships[0].organization
    for index in range(3):
        extra = make_application(call=w.call, org=org, status=w.apps[0].status, title=f"追加{index}")
        make_entry(w.round, extra)
    db.session.commit()
    owner = db.session.get(User, owner.id)
    _ = [m.organization.kind for m in owner.memberships]
    with count_queries() as many:
        assert len(awards.my_results(owner)) == 4
    assert many.count == one.count == 4


def test_a_period_shorter_than_the_minimum_needs_a_reason_which_is_audited_and_shown(app, client):
    w = awarded(judged_call())
    now = utcnow()
    with pytest.raises(DomainError) as refused:
        notices.publish_results(w.committee, w.call, now, now + timedelta(minutes=2), "", False)
    assert refused.value.field == "short_reason" and w.call.status == CallStatus.JUDGING
    db.session.rollback()
    with pytest.raises(DomainError) as bad_minimum:
        notices.publish_results(w.committee, w.call, now, now + timedelta(days=9), "", False, minimum_days=0)
    assert bad_minimum.value.field == "minimum_days"
    db.session.rollback()
    notice = notices.publish_results(w.committee, w.call, now, now + timedelta(days=3), "", False,
                                     minimum_days=5, short_reason="决赛后需在市级评选前确定名单")
    assert notice.minimum_days == 5 and notice.short_period_reason == "决赛后需在市级评选前确定名单"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "notice.published"))
    assert event.data["short_period_reason"] == "决赛后需在市级评选前确定名单" and event.data["minimum_days"] == 5
    page = client.get(f"/calls/{w.call.id}/results").get_data(as_text=True)
    assert "公示期短于规定的 5 天" in page and "决赛后需在市级评选前确定名单" in page


def test_a_long_enough_period_keeps_no_reason_and_the_form_asks_for_one_when_short(app, client):
    w = awarded(judged_call())
    login(client, w.committee)
    start = (utcnow() + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    short = (utcnow() + timedelta(hours=8, minutes=2)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(f"/judging/calls/{w.call.id}/publish", data={"starts_at": start, "ends_at": short,
                                                                       "text": "公示", "minimum_days": "5"})
    assert refused.status_code == 400 and "请填写缩短公示期的理由" in refused.get_data(as_text=True)
    assert w.call.status == CallStatus.JUDGING
    notice = publish(w, days=7)
    assert notice.short_period_reason == "" and notice.minimum_days == 5
