"""Grants: drafted from a project's awards and a settled session's confirmed pledges and match (or by
hand for a need taken on), edited until signed, then signed → active → completed, or suspended /
terminated. Each transition is one audited call; a termination returns what is undisbursed to each
source (SourceRelease). Payments are in disbursements.py, the schedule in tranches.py."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ..accounts.models import Organization, User
from ..applications.attachments import clean_filename
from ..applications.models import ADMIN_BUDGET_CATEGORY, BUDGET_CATEGORIES, Application
from ..audit import record
from ..calls.models import Call
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..judging.models import Award, PublicNotice
from ..locks import lock_row
from ..matching.models import MatchAllocation, MatchingSession, Pledge, PledgeKind, PledgeStatus, SessionProject, SessionStatus
from ..matching.need_models import NeedOffer, OfferStatus
from ..parsing import FieldErrors, clean_text, parse_day, parse_decimal
from ..storage import check_upload, storage
from ..types import format_yuan, utcnow
from . import ledger, tranches
from .models import (
    Disbursement,
    DisbursementStatus,
    FundingSource,
    Grant,
    GrantBudgetLine,
    GrantStatus,
    SourceKind,
    SourceRelease,
    TrancheStatus,
)
from .permissions import can_manage_grant
from .report_models import EvaluationConclusion, GrantReport, ReportKind, ScheduleKind

MAX_AMOUNT = Decimal("99999999.99")
OPEN_DISBURSEMENTS = (DisbursementStatus.PREPARED, DisbursementStatus.CHANGES_REQUESTED,
                      DisbursementStatus.APPROVED, DisbursementStatus.FAILED)


def _require_manager(actor: User | None, grant: Grant | None = None, committee_id: int | None = None) -> None:
    allowed = can_manage_grant(actor, grant) if grant is not None else (
        actor is not None and any(m.organization_id == committee_id for m in actor.memberships))
    if not allowed:
        raise PermissionDenied(N_("只有主办方组委会成员可以管理资助协议。"))


# --- what a project is funded by -------------------------------------------------------------------

@dataclass
class SourceDraft:
    kind: SourceKind
    funder: Organization | None
    label: str
    amount: Decimal = Decimal("0.00")
    pledge_ids: list[int] = field(default_factory=list)


def final_awards(application: Application) -> list[Award]:
    """The application's awards once its call's results are final (公示期满)."""
    return db.session.scalars(
        sa.select(Award).join(PublicNotice, PublicNotice.call_id == Award.call_id)
        .where(Award.application_id == application.id, PublicNotice.finalized_at.is_not(None))
        .order_by(Award.id)).all()


def settled_projects(application: Application) -> list[SessionProject]:
    return db.session.scalars(
        sa.select(SessionProject).join(MatchingSession, MatchingSession.id == SessionProject.session_id)
        .where(SessionProject.application_id == application.id, SessionProject.withdrawn_at.is_(None),
               MatchingSession.status == SessionStatus.SETTLED)
        .order_by(SessionProject.id)).all()


def funding_of(application: Application) -> list[SourceDraft]:
    """Every source that funds the project, one per funder and kind: the committee's share of each
    final award (the award less what sponsors pay of it), each sponsor's confirmed cash pledges (award
    funding and settled sessions alike), and the match funding allocated to them."""
    drafts: dict[tuple, SourceDraft] = {}

    def add(kind: SourceKind, funder: Organization | None, amount: Decimal, pledge_id: int | None = None, label: str = ""):
        key = (kind, funder.id if funder else None)
        draft = drafts.setdefault(key, SourceDraft(kind, funder, label))
        draft.amount += amount
        if pledge_id is not None:
            draft.pledge_ids.append(pledge_id)

    awards = final_awards(application)
    award_ids = [award.id for award in awards]
    project_ids = [project.id for project in settled_projects(application)]
    conditions = []
    if award_ids:
        conditions.append(Pledge.award_id.in_(award_ids))
    if project_ids:
        conditions.append(Pledge.project_id.in_(project_ids))
    pledges = db.session.scalars(
        sa.select(Pledge).where(sa.or_(*conditions), Pledge.status == PledgeStatus.CONFIRMED,
                                Pledge.kind == PledgeKind.CASH).order_by(Pledge.id)).all() if conditions else []
    award_paid = defaultdict(Decimal)
    for pledge in pledges:
        add(SourceKind.SPONSOR, pledge.sponsor, pledge.amount, pledge.id)
        if pledge.award_id is not None:
            award_paid[pledge.award_id] += pledge.amount
    for award in awards:
        share = award.tier.amount - award_paid[award.id]
        if share > 0:
            add(SourceKind.COMMITTEE_FUND, None, share, label=award.tier.name)
    if pledges:
        for allocation in db.session.scalars(sa.select(MatchAllocation).where(
                MatchAllocation.pledge_id.in_([p.id for p in pledges]), MatchAllocation.amount > 0)):
            add(SourceKind.MATCH, None, allocation.amount, allocation.pledge_id)
    return [draft for draft in drafts.values() if draft.amount > 0]


def grant_of(application: Application) -> Grant | None:
    return db.session.scalar(sa.select(Grant).where(Grant.application_id == application.id))


def candidates(call: Call) -> list[Application]:
    """The call's projects that are funded (a final award, or confirmed pledges in a settled session)
    and have no grant yet."""
    funded = sa.union(
        sa.select(Award.application_id).join(PublicNotice, PublicNotice.call_id == Award.call_id)
        .where(Award.call_id == call.id, PublicNotice.finalized_at.is_not(None)),
        sa.select(Pledge.application_id).join(SessionProject, SessionProject.id == Pledge.project_id)
        .join(MatchingSession, MatchingSession.id == SessionProject.session_id)
        .where(MatchingSession.status == SessionStatus.SETTLED, Pledge.status == PledgeStatus.CONFIRMED,
               Pledge.kind == PledgeKind.CASH),
    ).subquery()
    return db.session.scalars(
        sa.select(Application).where(Application.call_id == call.id, Application.id.in_(sa.select(funded.c[0])),
                                     ~sa.exists().where(Grant.application_id == Application.id))
        .order_by(Application.reference, Application.id)).all()


# --- drafting ----------------------------------------------------------------------------------------

def _next_reference(call: Call | None, committee_id: int) -> str:
    prefix = f"{call.code}-G" if call is not None else f"XQ{date.today().year}-G"
    taken = db.session.scalar(sa.select(sa.func.count(Grant.id)).where(Grant.reference.like(f"{prefix}%")))
    return f"{prefix}{taken + 1:03d}"


def _scaled_budget(application: Application, total: Decimal) -> list[GrantBudgetLine]:
    """The application's budget by category, for the part the grant funds (its lines less what the
    NGO funds itself), scaled to the grant's amount so that it adds up to it exactly."""
    asked = defaultdict(Decimal)
    for line in application.budget_lines:
        asked[line.category] += line.amount - line.self_funded
    categories = [c for c in BUDGET_CATEGORIES if asked.get(c, 0) > 0] + \
        sorted(c for c in asked if c not in BUDGET_CATEGORIES and asked[c] > 0)
    whole = sum(asked[c] for c in categories)
    if not categories or whole <= 0:
        return []
    shares = [asked[c] * 100 / whole for c in categories]
    amounts = tranches.split_by_shares(total, shares)
    return [GrantBudgetLine(position=i, category=c, amount=a, is_admin=(c == ADMIN_BUDGET_CATEGORY))
            for i, (c, a) in enumerate(zip(categories, amounts), start=1)]


def _period(application: Application) -> tuple[date, date]:
    starts = [a.starts_on for a in application.activities if a.starts_on]
    ends = [a.ends_on for a in application.activities if a.ends_on]
    start = min(starts) if starts else date.today()
    end = max(ends) if ends and max(ends) > start else start + timedelta(days=365)
    return start, end


def _settings_into(grant: Grant, call: Call | None) -> None:
    settings = tranches.settings_of(call)
    grant.pass_mark = settings.pass_mark if settings else Decimal("60")
    grant.evaluation_dimensions = list(settings.evaluation_dimensions) if settings and settings.evaluation_dimensions \
        else [dict(d) for d in tranches.DEFAULT_DIMENSIONS]
    grant.admin_cap_pct = call.admin_cost_cap_pct if call is not None else Decimal("100")


def draft_grant(actor: User, application: Application) -> Grant:
    """The grant of a funded project, its sources drawn from its awards, pledges and match, its budget
    from the application, its tranches from the call's plan."""
    call = application.call
    _require_manager(actor, committee_id=call.committee_id)
    lock_row(call, "id", key_share=True)
    if grant_of(application) is not None:
        raise DomainError(N_("该项目已有资助协议。"))
    drafts = funding_of(application)
    if not drafts:
        raise DomainError(N_("该项目还没有确定的资金来源（奖项结果未确定，或没有已确认的认捐）。"))
    total = sum(d.amount for d in drafts)
    start, end = _period(application)
    projects = settled_projects(application)
    awards = final_awards(application)
    grant = Grant(committee_id=call.committee_id, recipient_id=application.organization_id, application=application,
                  call=call, session_id=projects[0].session_id if len(projects) == 1 else None,
                  award_id=awards[0].id if awards else None, reference=_next_reference(call, call.committee_id),
                  title=application.title[:200], starts_on=start, ends_on=end,
                  self_funding=application.self_funded_total, payee_name=application.organization.name[:200],
                  created_by_id=actor.id)
    _settings_into(grant, call)
    grant.sources = [FundingSource(kind=d.kind, funder=d.funder, label=d.label[:200], amount=d.amount,
                                   pledge_ids=d.pledge_ids) for d in drafts]
    grant.budget_lines = _scaled_budget(application, total)
    db.session.add(grant)
    db.session.flush()
    tranches.apply_plan(grant, tranches.plan_of(call))
    record(actor, "grant.drafted", grant, f"起草资助协议 {grant.reference}：{grant.title} {format_yuan(total)}",
           {"amount": total, "sources": [{"kind": s.kind.value, "funder_id": s.funder_id, "amount": s.amount}
                                         for s in grant.sources]})
    db.session.commit()
    return grant


def draft_commissioned_grant(actor: User, offer: NeedOffer) -> Grant:
    """A need taken on (领办): the accepted offer's price, funded by the department that posted it."""
    need = offer.need
    _require_manager(actor, committee_id=need.session.committee_id)
    if offer.status != OfferStatus.ACCEPTED:
        raise DomainError(N_("只有已选定的承接方案才能签订资助协议。"))
    if db.session.scalar(sa.select(Grant.id).where(Grant.need_offer_id == offer.id)) is not None:
        raise DomainError(N_("该项目已有资助协议。"))
    start = need.period_start or date.today()
    end = need.period_end if need.period_end and need.period_end > start else start + timedelta(days=365)
    grant = Grant(committee_id=need.session.committee_id, recipient_id=offer.ngo_id, need_offer_id=offer.id,
                  session_id=need.session_id, reference=_next_reference(None, need.session.committee_id),
                  title=need.title[:200], starts_on=start, ends_on=end, payee_name=offer.ngo.name[:200],
                  created_by_id=actor.id)
    _settings_into(grant, None)
    grant.sources = [FundingSource(kind=SourceKind.OTHER, funder=need.department, label=need.department.name[:200],
                                   amount=offer.price)]
    grant.budget_lines = [GrantBudgetLine(position=1, category="活动费", amount=offer.price)]
    db.session.add(grant)
    db.session.flush()
    tranches.apply_plan(grant, tranches.plan_of(None))
    record(actor, "grant.drafted", grant, f"起草领办项目资助协议 {grant.reference}：{grant.title} {format_yuan(offer.price)}",
           {"amount": offer.price, "need_offer_id": offer.id})
    db.session.commit()
    return grant


# --- the agreement, before signing -------------------------------------------------------------------

def update_agreement(actor: User, grant: Grant, data: dict) -> Grant:
    """Title, terms, period, the NGO's self-funding and the payee account."""
    _require_manager(actor, grant)
    if not grant.is_editable:
        raise DomainError(N_("协议签订后不能再修改。"))
    errors = FieldErrors()
    title = clean_text(data.get("title"))
    if not title:
        errors.add("title", N_("请填写项目名称。"))
    elif len(title) > 200:
        errors.add("title", N_("不能超过 %(n)s 个字。", n=200))
    terms = clean_text(data.get("terms"))
    if len(terms) > 20000:
        errors.add("terms", N_("不能超过 %(n)s 个字。", n=20000))
    starts_on = parse_day(data.get("starts_on"), errors, "starts_on")
    ends_on = parse_day(data.get("ends_on"), errors, "ends_on")
    if starts_on and ends_on and ends_on <= starts_on:
        errors.add("ends_on", N_("结束日期须晚于开始日期。"))
    self_funding = parse_decimal(data.get("self_funding") or "0", errors, "self_funding", Decimal("0"), MAX_AMOUNT)
    payee = {}
    for key, limit in (("payee_name", 200), ("payee_bank", 200), ("payee_account", 40)):
        payee[key] = clean_text(data.get(key))
        if len(payee[key]) > limit:
            errors.add(key, N_("不能超过 %(n)s 个字。", n=limit))
    if payee["payee_account"] and not payee["payee_account"].replace(" ", "").replace("-", "").isdigit():
        errors.add("payee_account", N_("银行账号只能包含数字。"))
    errors.raise_if_any()
    grant.title, grant.terms, grant.starts_on, grant.ends_on, grant.self_funding = (
        title, terms, starts_on, ends_on, self_funding)
    for key, value in payee.items():
        setattr(grant, key, value)
    record(actor, "grant.updated", grant, f"修改资助协议 {grant.reference}",
           {"starts_on": starts_on, "ends_on": ends_on, "self_funding": self_funding, "payee_account": payee["payee_account"]})
    db.session.commit()
    return grant


def set_budget(actor: User, grant: Grant, rows: list[dict]) -> list[GrantBudgetLine]:
    """The budget by category: rows of category and amount (管理费 counted against the call's cap)."""
    _require_manager(actor, grant)
    if not grant.is_editable:
        raise DomainError(N_("协议签订后不能再修改预算。"))
    errors, seen, lines = FieldErrors(), set(), []
    for i, row in enumerate(rows[:20]):
        category = clean_text(row.get("category"))[:20]
        if category not in BUDGET_CATEGORIES:
            errors.add(f"budget-{i}-category", N_("请从列表中选择。"))
        elif category in seen:
            errors.add(f"budget-{i}-category", N_("每个类别只填一行。"))
        seen.add(category)
        amount = parse_decimal(row.get("amount"), errors, f"budget-{i}-amount", Decimal("0"), MAX_AMOUNT)
        lines.append((category, amount))
    errors.raise_if_any()
    grant.budget_lines.clear()
    db.session.flush()
    for position, (category, amount) in enumerate(lines, start=1):
        grant.budget_lines.append(GrantBudgetLine(position=position, category=category, amount=amount,
                                                  is_admin=category == ADMIN_BUDGET_CATEGORY))
    record(actor, "grant.budget_set", grant, f"修改预算：{grant.title}",
           {"lines": [{"category": c, "amount": a} for c, a in lines]})
    db.session.commit()
    return grant.budget_lines


def upload_signed_scan(actor: User, grant: Grant, filename: str, data: bytes) -> Grant:
    _require_manager(actor, grant)
    if not grant.is_editable:
        raise DomainError(N_("协议已签订。"))
    try:
        kind = check_upload(data, {"pdf", "jpeg", "png"})
    except DomainError as exc:
        raise DomainError(exc.message, field="scan") from exc
    grant.signed_scan_key = storage().save(data, suffix="." + kind)
    grant.signed_scan_name = clean_filename(filename)[:200]
    record(actor, "grant.scan_uploaded", grant, f"上传签字盖章的协议：{grant.signed_scan_name}", {"size": len(data)})
    db.session.commit()
    return grant


def signing_blockers(grant: Grant) -> list[str]:
    """What must be settled before the agreement can be signed (empty when it can)."""
    total = ledger.grant_amount(grant)
    blockers = []
    if total <= 0:
        blockers.append(N_("没有资金来源。"))
    if not tranches.tranches_add_up(grant):
        blockers.append(N_("各期拨付金额合计须等于资助金额 %(total)s。", total=format_yuan(total)))
    budget = sum((line.amount for line in grant.budget_lines), Decimal("0"))
    if budget != total:
        blockers.append(N_("预算合计 %(budget)s 须等于资助金额 %(total)s。", budget=format_yuan(budget),
                           total=format_yuan(total)))
    admin = sum((line.amount for line in grant.budget_lines if line.is_admin), Decimal("0"))
    if total > 0 and admin * 100 > grant.admin_cap_pct * total:
        blockers.append(N_("管理费超过资助金额的 %(cap)s%%。", cap=f"{grant.admin_cap_pct.normalize():f}"))
    if not (grant.payee_name and grant.payee_bank and grant.payee_account):
        blockers.append(N_("请填写收款账户（户名、开户行、账号）。"))
    if not grant.starts_on or not grant.ends_on:
        blockers.append(N_("请填写执行期。"))
    if not grant.signed_scan_key:
        blockers.append(N_("请上传签字盖章的协议扫描件。"))
    return blockers


def _transition(actor: User | None, grant: Grant, target: GrantStatus, action: str, summary: str, data: dict | None = None):
    grant.status.check_transition(target)
    previous, grant.status = grant.status, target
    record(actor, action, grant, summary, {"from": previous.value, "to": target.value, **(data or {})})


def _default_reports(grant: Grant) -> None:
    """A new agreement owes a mid-term report halfway through and a final one at its end."""
    if grant.reports:
        return
    middle = grant.starts_on + (grant.ends_on - grant.starts_on) / 2
    db.session.add_all([
        GrantReport(grant=grant, kind=ReportKind.MIDTERM, title="中期报告", due_on=middle, schedule=ScheduleKind.MILESTONE,
                    milestone="执行期过半"),
        GrantReport(grant=grant, kind=ReportKind.FINAL, title="结项报告", due_on=grant.ends_on,
                    schedule=ScheduleKind.MILESTONE, milestone="执行期结束"),
    ])


def sign_grant(actor: User, grant: Grant) -> Grant:
    _require_manager(actor, grant)
    lock_row(grant, "status", key_share=True)
    blockers = signing_blockers(grant)
    if blockers:
        raise DomainError(blockers[0])
    _transition(actor, grant, GrantStatus.SIGNED, "grant.signed", f"签订资助协议 {grant.reference}：{grant.title}",
                {"amount": ledger.grant_amount(grant)})
    grant.signed_at = utcnow()
    _default_reports(grant)
    db.session.commit()
    return grant


def activate(actor: User | None, grant: Grant) -> None:
    """A signed grant becomes active with its first payment (the caller commits)."""
    if grant.status == GrantStatus.SIGNED:
        _transition(actor, grant, GrantStatus.ACTIVE, "grant.activated", f"项目开始执行：{grant.title}")
        grant.activated_at = utcnow()


def _reason(reason: str) -> str:
    reason = clean_text(reason)
    if not reason:
        raise DomainError(N_("请填写原因。"), field="reason")
    return reason[:2000]


def suspend_grant(actor: User, grant: Grant, reason: str) -> Grant:
    _require_manager(actor, grant)
    reason = _reason(reason)
    lock_row(grant, "status", key_share=True)
    _transition(actor, grant, GrantStatus.SUSPENDED, "grant.suspended", f"暂停资助：{grant.title}", {"reason": reason})
    grant.status_reason, grant.ended_at = reason, utcnow()
    db.session.commit()
    return grant


def resume_grant(actor: User, grant: Grant) -> Grant:
    _require_manager(actor, grant)
    lock_row(grant, "status", key_share=True)
    _transition(actor, grant, GrantStatus.ACTIVE, "grant.resumed", f"恢复资助：{grant.title}")
    grant.ended_at = None
    grant.activated_at = grant.activated_at or utcnow()
    db.session.commit()
    return grant


def terminate_grant(actor: User, grant: Grant, reason: str) -> list[SourceRelease]:
    """End the grant: open payments declined, planned tranches stopped, and each source's
    undisbursed commitment released back to it."""
    _require_manager(actor, grant)
    reason = _reason(reason)
    lock_row(grant, "status", key_share=True)
    _transition(actor, grant, GrantStatus.TERMINATED, "grant.terminated", f"终止资助：{grant.title}", {"reason": reason})
    grant.status_reason, grant.ended_at = reason, utcnow()
    for d in db.session.scalars(sa.select(Disbursement).where(Disbursement.grant_id == grant.id,
                                                              Disbursement.status.in_(OPEN_DISBURSEMENTS))):
        d.status.check_transition(DisbursementStatus.DECLINED)
        d.status, d.decided_by_id, d.decided_at, d.decision_note = DisbursementStatus.DECLINED, actor.id, utcnow(), reason[:500]
        record(actor, "disbursement.declined", d, f"协议终止，取消拨付 {format_yuan(d.amount)}", {"reason": reason})
    tranches.stop_tranches(actor, grant, reason)
    releases = []
    for figures in ledger.source_figures(grant):
        release = SourceRelease(source_id=figures.source.id, grant_id=grant.id, amount=figures.amount - figures.paid,
                                created_by_id=actor.id)
        db.session.add(release)
        releases.append(release)
        record(actor, "grant.source_released", grant, f"释放未拨付资金 {format_yuan(release.amount)}",
               {"source_id": figures.source.id, "amount": release.amount})
    db.session.commit()
    return releases


def completion_blockers(grant: Grant) -> list[str]:
    blockers = []
    if tranches.latest_conclusion(grant, ReportKind.FINAL) != EvaluationConclusion.PASSED:
        blockers.append(N_("结项评估尚未通过。"))
    if any(t.status == TrancheStatus.PLANNED for t in grant.tranches):
        blockers.append(N_("还有未拨付完的分期。"))
    if db.session.scalar(sa.select(Disbursement.id).where(Disbursement.grant_id == grant.id,
                                                          Disbursement.status.in_(OPEN_DISBURSEMENTS)).limit(1)):
        blockers.append(N_("还有未完成的拨付。"))
    return blockers


def complete_grant(actor: User, grant: Grant) -> Grant:
    _require_manager(actor, grant)
    lock_row(grant, "status", key_share=True)
    blockers = completion_blockers(grant)
    if blockers:
        raise DomainError(blockers[0])
    _transition(actor, grant, GrantStatus.COMPLETED, "grant.completed", f"项目结项：{grant.title}",
                {"paid": ledger.paid_of_grant(grant), "spent": ledger.spent_of_grant(grant)})
    grant.completed_at = utcnow()
    db.session.commit()
    return grant


def grants_of_call(call: Call) -> list[Grant]:
    return db.session.scalars(sa.select(Grant).where(Grant.call_id == call.id).order_by(Grant.reference)).all()
