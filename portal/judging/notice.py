"""The public notice (公示) of a call's results: publishing, objections (异议), the popularity vote
(人气奖) and finalizing.

Decisions taken here:
- Withdrawal keeps the PublicNotice row (its objections and votes hang on it and would be deleted by
  the cascade): the call going back from NOTICE to JUDGING is what marks the notice as withdrawn
  (plus the audit event). Publishing again reuses the same row (call_id is unique): new period,
  text and vote switch, published_at/by renewed, finalized_at cleared. Votes already cast are kept
  (still one per account per notice); answered objections stay visible.
- Popularity tie rule: more votes first; equal counts → the application whose latest vote came
  earlier (it reached that count first); still equal → the smaller application id. Only
  applications with at least one vote can win.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import audit
from ..accounts.models import Organization, User
from ..accounts.notifications import notify_organization
from ..applications.models import Application, ApplicationStatus
from ..calls.models import Call, CallStatus
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..i18n import N_, joined
from ..links import absolute_url
from ..types import format_money, to_local, utcnow
from .awards import call_awards, last_round, lock_call
from .models import Award, Objection, ObjectionStatus, PublicNotice, RoundEntry, Vote
from .permissions import can_manage_judging

DEFAULT_DAYS = 7  # the usual notice period is 5–7 days
TEXT_MAX = 5000
NAME_MAX = 100
CONTACT_MAX = 200
BODY_MAX = 2000
REPLY_MAX = 2000
MINIMUM_DAYS = 5  # 公示 lasts at least this many days unless the committee gives a reason
MINIMUM_DAYS_MAX = 30


def results_link(call: Call) -> str:
    """The call's public results page (absolute: it goes into mail and notifications)."""
    return absolute_url("public.results", call_id=call.id)


def get_notice(call: Call) -> PublicNotice | None:
    return db.session.scalar(sa.select(PublicNotice).where(PublicNotice.call_id == call.id))


def is_open(notice: PublicNotice, now: datetime | None = None) -> bool:
    """The notice period is running and the call is still under notice."""
    now = now or utcnow()
    return notice.call.status == CallStatus.NOTICE and notice.starts_at <= now < notice.ends_at


def _require_manager(actor: User, call: Call) -> None:
    if not can_manage_judging(actor, call):
        raise PermissionDenied(N_("只有主办该征集的组委会成员才能管理评审结果。"))


def _local(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


# --- publishing and withdrawing ----------------------------------------------------------------

def _check_period(starts_at: datetime, ends_at: datetime, minimum_days, short_reason: str) -> str:
    """The reason kept for a period shorter than the minimum ("" when the period is long enough)."""
    if not isinstance(minimum_days, int) or not 1 <= minimum_days <= MINIMUM_DAYS_MAX:
        raise DomainError(N_("最短公示期应为 1 到 30 天。"), field="minimum_days")
    if ends_at - starts_at >= timedelta(days=minimum_days):
        return ""
    short_reason = (short_reason or "").strip()
    if not short_reason:
        raise DomainError(N_("公示期短于规定的最短天数，请填写缩短公示期的理由。"), field="short_reason")
    if len(short_reason) > REPLY_MAX:
        raise DomainError(N_("理由不能超过 2000 个字。"), field="short_reason")
    return short_reason


def publish_results(actor: User, call: Call, starts_at: datetime, ends_at: datetime, text: str,
                    vote_enabled: bool, minimum_days: int = MINIMUM_DAYS, short_reason: str = "") -> PublicNotice:
    """JUDGING → NOTICE: the awards go public for a period; every applicant NGO is told.

    The period is held against `minimum_days` (the committee's rule, 5 days by default): a shorter one
    needs a reason, which is audited and shown on the public page."""
    _require_manager(actor, call)
    lock_call(call)
    call.status.check_transition(CallStatus.NOTICE)
    awards = call_awards(call)
    if not awards:
        raise DomainError(N_("请先评定至少一个奖项，再发布公示。"))
    if starts_at is None or ends_at is None:
        raise DomainError(N_("请填写公示的开始和结束时间。"), field="ends_at")
    if ends_at <= starts_at:
        raise DomainError(N_("公示结束时间必须晚于开始时间。"), field="ends_at")
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(N_("公示说明不能超过 %(n)s 个字。", n=TEXT_MAX), field="text")
    short_reason = _check_period(starts_at, ends_at, minimum_days, short_reason)
    if vote_enabled and not any(tier.is_popularity for tier in call.award_tiers):
        raise DomainError(N_("本次征集没有设置人气奖，无需开启公众投票。"), field="vote_enabled")
    notice = get_notice(call)
    republished = notice is not None
    if notice is None:
        notice = PublicNotice(call_id=call.id)
        db.session.add(notice)
    notice.starts_at, notice.ends_at, notice.text, notice.vote_enabled = starts_at, ends_at, text, bool(vote_enabled)
    notice.published_by_id, notice.published_at = actor.id, utcnow()
    notice.minimum_days, notice.short_period_reason = minimum_days, short_reason
    notice.finalized_at = notice.finalized_by_id = None
    call.status = CallStatus.NOTICE
    period = f"{_local(starts_at)} 至 {_local(ends_at)}（北京时间）"
    awarded: dict[int, list[Award]] = {}
    for award in awards:
        awarded.setdefault(award.application.organization_id, []).append(award)
    for org in _applicant_organizations(call):
        if org.id in awarded:
            lines = "\n".join(f"“{a.application.title}”（{a.application.reference}）：{a.tier.name}"
                              for a in awarded[org.id])
            body = f"“{call.title}”评审结果进入公示，您的获奖项目：\n{lines}\n公示期：{period}。公示期满且无异议后结果确定。"
            notify_organization(org, f"获奖结果公示：{call.title}", body, results_link(call))
        else:
            body = f"“{call.title}”评审结果已进入公示，公示期：{period}。"
            notify_organization(org, f"评审结果公示：{call.title}", body, results_link(call))
    audit.record(actor, "notice.published", notice, f"发布评审结果公示：{period}",
                 {"call_id": call.id, "starts_at": starts_at, "ends_at": ends_at, "vote_enabled": bool(vote_enabled),
                  "minimum_days": minimum_days, "short_period_reason": short_reason,
                  "awards": len(awards), "republished": republished})
    db.session.commit()
    return notice


def _applicant_organizations(call: Call) -> list[Organization]:
    """Every organization with a submitted (non-draft, not withdrawn) application to the call."""
    org_ids = sa.select(Application.organization_id).where(
        Application.call_id == call.id,
        Application.status.not_in([ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]),
    )
    return list(db.session.scalars(sa.select(Organization).where(Organization.id.in_(org_ids)).order_by(Organization.id)))


def withdraw_notice(actor: User, call: Call) -> PublicNotice:
    """NOTICE → JUDGING after an upheld objection, so that the awards can be changed and published again."""
    _require_manager(actor, call)
    lock_call(call)
    call.status.check_transition(CallStatus.JUDGING)
    notice = get_notice(call)
    upheld = db.session.scalar(sa.select(sa.func.count(Objection.id)).where(
        Objection.notice_id == notice.id, Objection.status == ObjectionStatus.UPHELD)) if notice else 0
    if not upheld:
        raise DomainError(N_("只有在异议成立、需要调整奖项时才能撤回公示。"))
    call.status = CallStatus.JUDGING
    audit.record(actor, "notice.withdrawn", notice, "撤回评审结果公示（异议成立，调整奖项）",
                 {"call_id": call.id, "upheld_objections": upheld})
    db.session.commit()
    return notice


# --- objections --------------------------------------------------------------------------------

def lodge_objection(notice: PublicNotice, name: str, contact: str, body: str,
                    application_id: int | None = None) -> Objection:
    """Anyone, during the notice period. Audited without an actor."""
    if not is_open(notice):
        raise DomainError(N_("不在公示期内，不能提出异议。"))
    name, contact, body = (name or "").strip(), (contact or "").strip(), (body or "").strip()
    errors: dict[str, list[str]] = {}
    for key, value, label, maximum in (("name", name, N_("姓名"), NAME_MAX),
                                       ("contact", contact, N_("联系方式"), CONTACT_MAX),
                                       ("body", body, N_("异议内容"), BODY_MAX)):
        if not value:
            errors[key] = [N_("请填写%(label)s。", label=label)]
        elif len(value) > maximum:
            errors[key] = [N_("%(label)s不能超过 %(n)s 个字。", label=label, n=maximum)]
    if application_id is not None and application_id not in {a.application_id for a in call_awards(notice.call)}:
        errors["application_id"] = [N_("请选择公示名单中的项目。")]
    if errors:
        raise ValidationFailed(errors)
    objection = Objection(notice_id=notice.id, application_id=application_id, name=name, contact=contact, body=body)
    db.session.add(objection)
    audit.record(None, "objection.lodged", objection, f"{name} 提出异议",
                 {"notice_id": notice.id, "application_id": application_id})
    db.session.commit()
    return objection


def answer_objection(actor: User, objection: Objection, upheld: bool, reply: str) -> Objection:
    """PENDING → UPHELD / DISMISSED with a reply shown on the public page (the objector gets no mail)."""
    _require_manager(actor, objection.notice.call)
    target = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.status.check_transition(target)
    reply = (reply or "").strip()
    if not reply:
        raise DomainError(N_("请填写答复内容，答复会在公示页面公开。"), field="reply")
    if len(reply) > REPLY_MAX:
        raise DomainError(N_("答复不能超过 %(n)s 个字。", n=REPLY_MAX), field="reply")
    objection.status, objection.reply = target, reply
    objection.answered_by_id, objection.answered_at = actor.id, utcnow()
    audit.record(actor, "objection.answered", objection, f"答复异议：{target.label}",
                 {"status": target, "reply": reply})
    db.session.commit()
    return objection


def objections(notice: PublicNotice, answered_only: bool = False) -> list[Objection]:
    query = (sa.select(Objection).options(joinedload(Objection.application))
             .where(Objection.notice_id == notice.id).order_by(Objection.created_at, Objection.id))
    if answered_only:
        query = query.where(Objection.status != ObjectionStatus.PENDING)
    return list(db.session.scalars(query))


# --- votes -------------------------------------------------------------------------------------

def votable_ids(notice: PublicNotice) -> set[int]:
    """Awarded applications of the call and those entered in its last round."""
    ids = {a.application_id for a in call_awards(notice.call)}
    round_ = last_round(notice.call)
    if round_ is not None:
        ids |= set(db.session.scalars(sa.select(RoundEntry.application_id).where(RoundEntry.round_id == round_.id)))
    return ids


def vote_refusal(user: User | None, notice: PublicNotice) -> str | None:
    """Why this user may not vote now (None when they may)."""
    if not notice.vote_enabled:
        return N_("本次公示未开启公众投票。")
    if not is_open(notice):
        return N_("不在投票时间内。")
    if user is None:
        return N_("请先登录再投票。")
    if user.email_confirmed_at is None:
        return N_("请先确认您的电子邮箱再投票。")
    return None


def cast_vote(user: User | None, notice: PublicNotice, application_id: int | None) -> Vote:
    if application_id is None:
        raise DomainError(N_("请选择要投票的项目。"))
    refusal = vote_refusal(user, notice)
    if refusal:
        raise PermissionDenied(refusal) if user is None else DomainError(refusal)
    if application_id not in votable_ids(notice):
        raise DomainError(N_("只能为公示名单中的项目投票。"))
    vote = Vote(notice_id=notice.id, application_id=application_id, user_id=user.id)
    db.session.add(vote)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(N_("每个账号只能投一票，您已经投过了。")) from None
    audit.record(user, "vote.cast", vote, "公众投票", {"notice_id": notice.id, "application_id": application_id})
    db.session.commit()
    return vote


def vote_counts(notice: PublicNotice) -> dict[int, int]:
    """application_id → votes, in one GROUP BY."""
    return dict(db.session.execute(
        sa.select(Vote.application_id, sa.func.count(Vote.id)).where(Vote.notice_id == notice.id)
        .group_by(Vote.application_id)
    ).all())


def user_vote(user: User | None, notice: PublicNotice) -> int | None:
    if user is None:
        return None
    return db.session.scalar(sa.select(Vote.application_id).where(Vote.notice_id == notice.id, Vote.user_id == user.id))


def popularity_ranking(notice: PublicNotice) -> list[tuple[int, int]]:
    """(application_id, votes) by the tie rule in the module docstring."""
    last_vote = sa.func.max(Vote.created_at)
    return [(app_id, count) for app_id, count, _ in db.session.execute(
        sa.select(Vote.application_id, sa.func.count(Vote.id), last_vote).where(Vote.notice_id == notice.id)
        .group_by(Vote.application_id).order_by(sa.func.count(Vote.id).desc(), last_vote, Vote.application_id)
    )]


# --- finalizing --------------------------------------------------------------------------------

def finalize_blockers(call: Call, now: datetime | None = None) -> list[str]:
    """Why the results cannot be finalized now (empty when they can)."""
    now = now or utcnow()
    if call.status != CallStatus.NOTICE:
        return [N_("只有公示中的结果可以确定（当前：%(status)s）。", status=call.status.label)]
    notice = get_notice(call)
    reasons = []
    if now < notice.ends_at:
        reasons.append(N_("公示期至 %(end)s（北京时间）才结束", end=_local(notice.ends_at)))
    pending = db.session.scalar(sa.select(sa.func.count(Objection.id)).where(
        Objection.notice_id == notice.id, Objection.status == ObjectionStatus.PENDING))
    if pending:
        reasons.append(N_("还有 %(n)s 条异议未答复", n=pending))
    return reasons


def finalize(actor: User, call: Call) -> list[Award]:
    """NOTICE → FINAL; popularity tiers go to the top-voted applications; the awarded NGOs are told."""
    _require_manager(actor, call)
    lock_call(call)
    call.status.check_transition(CallStatus.FINAL)
    reasons = finalize_blockers(call)
    if reasons:
        raise DomainError(N_("暂不能确定结果：%(reasons)s。", reasons=joined(N_("；"), reasons)))
    notice = get_notice(call)
    popularity = [tier for tier in call.award_tiers if tier.is_popularity]
    winners: dict[int, list[int]] = {}
    if notice.vote_enabled and popularity:
        ranking = [app_id for app_id, _ in popularity_ranking(notice)]
        db.session.execute(sa.delete(Award).where(Award.tier_id.in_([t.id for t in popularity])))
        start = 0
        for tier in popularity:  # several popularity tiers take the ranking in tier order
            winners[tier.id] = ranking[start:start + tier.places]
            start += tier.places
            db.session.add_all(Award(call_id=call.id, tier_id=tier.id, application_id=app_id, assigned_by_id=actor.id)
                               for app_id in winners[tier.id])
        db.session.flush()
    notice.finalized_at, notice.finalized_by_id = utcnow(), actor.id
    call.status = CallStatus.FINAL
    awards = call_awards(call)
    by_org: dict[int, list[Award]] = {}
    for award in awards:
        by_org.setdefault(award.application.organization_id, []).append(award)
    for org_awards in by_org.values():
        lines = "\n".join(f"“{a.application.title}”（{a.application.reference}）：{a.tier.name}，"
                          f"创投资金 {format_money(a.tier.amount)}" for a in org_awards)
        notify_organization(org_awards[0].application.organization, f"获奖结果已确定：{call.title}",
                            f"“{call.title}”公示期满，获奖结果已确定：\n{lines}", results_link(call))
    audit.record(actor, "notice.finalized", notice, f"确定评审结果：{len(awards)} 个奖项",
                 {"call_id": call.id, "awards": [[a.tier_id, a.application_id] for a in awards],
                  "popularity": winners})
    db.session.commit()
    return awards
