"""Judges of a call (评委) and their conflicts of interest (回避).

A judge is invited to a call by email. An existing account is reused (and made a judge); a new
email gets the portal's judge invitation, and the CallJudge row waits (user_id NULL) until an account
answers to that email — registered, or created by accepting the invitation: accounts announces it
(accounts.signals.account_ready) and bind_pending_judges() links the row in the same transaction.

A conflict is declared by the judge with a reason and holds for every call; membership of an
organization is a conflict too, found from memberships and never stored.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.invitations import invite_judge
from ..accounts.models import Membership, Organization, User
from ..accounts.notifications import notify_organization, notify_users
from .permissions import can_manage_judging
from ..accounts.services import find_user_by_email, normalize_email
from ..accounts.signals import account_ready
from ..applications.models import Application, ApplicationStatus
from ..audit import record
from ..calls.models import Call
from .models import Assignment, CallJudge, Conflict, Round, RoundStatus, ScoreSheet, SheetStatus
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..links import absolute_url

NAME_MAX = 100
REASON_MAX = 300


def _require_committee(actor: User, call: Call) -> None:
    if not can_manage_judging(actor, call):
        raise PermissionDenied(N_("只有主办该征集的组委会成员才能管理评委。"))


# --- judges of a call ----------------------------------------------------------------------------

def invite_judge_to_call(actor: User, call: Call, email: str, name: str | None) -> CallJudge:
    """Add a judge to the call by email: a new email gets an invitation link; an existing account is
    told and sent to the judge's list."""
    _require_committee(actor, call)
    email = normalize_email(email)
    name = (name or "").strip()
    if not email or "@" not in email or len(email) > 254:
        raise DomainError(N_("请输入有效的电子邮箱。"), field="email")
    if len(name) > NAME_MAX:
        raise DomainError(N_("姓名不能超过 %(n)s 个字。", n=NAME_MAX), field="name")
    duplicate = db.session.scalar(
        sa.select(CallJudge.id).where(CallJudge.call_id == call.id, CallJudge.email == email)
    )
    if duplicate is not None:
        raise DomainError(N_("该邮箱已被邀请为本征集的评委。"), field="email")
    user = find_user_by_email(email)
    call_judge = CallJudge(call_id=call.id, email=email, user_id=user.id if user else None, invited_by_id=actor.id)
    db.session.add(call_judge)
    if user is not None:
        user.is_judge = True
        record(actor, "call_judge.added", call_judge, f"邀请 {user.display_name}（{email}）担任“{call.title}”的评委",
               {"call_id": call.id, "user_id": user.id, "email": email})
        notify_users([user], f"您已受邀担任“{call.title}”的评委",
                     f"{actor.display_name} 邀请您担任“{call.title}”的评审专家。分配给您的项目会出现在评审列表中。",
                     absolute_url("judging.judge_home"))
        db.session.commit()
        return call_judge
    record(actor, "call_judge.invited", call_judge, f"邀请 {email} 担任“{call.title}”的评委",
           {"call_id": call.id, "email": email, "name": name or None})
    invite_judge(actor, email, name=name or None)  # queues the mail and commits our rows too
    return call_judge


def bind_pending_judges(user: User) -> int:
    """Link the CallJudge rows invited under this user's email to the account; returns how many.
    Runs in the caller's transaction, which commits: accounts announces account_ready when the
    account is created or accepts a judge invitation (below), and nothing binds on reading a page.
    A row bound to an account makes it a judge of the call only with is_judge, which accepting the
    emailed invitation gives (registering under an invited address proves nothing)."""
    result = db.session.execute(
        sa.update(CallJudge)
        .where(CallJudge.user_id.is_(None), CallJudge.email == normalize_email(user.email))
        .values(user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


@account_ready.connect
def _bind_on_account_ready(user: User, **_extra) -> None:
    bind_pending_judges(user)


def call_judges(call: Call) -> list[CallJudge]:
    """The call's judges with their accounts, judging ones first by name, then pending invitations."""
    rows = db.session.scalars(
        sa.select(CallJudge).where(CallJudge.call_id == call.id).options(joinedload(CallJudge.user))
    ).all()
    return sorted(rows, key=lambda cj: (cj.judge is None, cj.judge.name if cj.judge else cj.email, cj.id))


def _started_sheets(judge_id: int, round_ids: list[int]) -> list[ScoreSheet]:
    if not round_ids:
        return []
    query = sa.select(ScoreSheet).where(ScoreSheet.judge_id == judge_id, ScoreSheet.round_id.in_(round_ids))
    return list(db.session.scalars(query.options(joinedload(ScoreSheet.scores)).order_by(ScoreSheet.id)).unique())


def sheet_record(sheet: ScoreSheet) -> dict:
    """What the audit log keeps of a deleted sheet: its scores, status and comment."""
    return {
        "sheet_id": sheet.id, "round_id": sheet.round_id, "application_id": sheet.application_id,
        "judge_id": sheet.judge_id, "status": sheet.status, "comment": sheet.comment,
        "scores": {str(score.criterion_id): str(score.value) for score in sorted(sheet.scores, key=lambda s: s.criterion_id)},
        "started_at": sheet.started_at, "submitted_at": sheet.submitted_at,
    }


MEMBER_CONFLICT = N_("本人是该组织成员")  # the reason shown for a conflict that comes from a membership


class NeedsConfirmation(DomainError):
    """The action would delete started score sheets: ask the committee to confirm first."""

    def __init__(self, message: str, sheets: list[ScoreSheet]):
        super().__init__(message)
        self.sheets = sheets


def remove_judge_from_call(actor: User, call_judge: CallJudge, confirmed: bool = False) -> None:
    """Take a judge off the call with their assignments in rounds not yet locked. Started sheets in
    those rounds are deleted only when `confirmed` (their content stays in the audit log); locked
    rounds keep their assignments and sheets, since their results stand."""
    call = call_judge.call
    _require_committee(actor, call)
    round_ids = list(db.session.scalars(
        sa.select(Round.id).where(Round.call_id == call.id, Round.status != RoundStatus.LOCKED)
    ))
    sheets = _started_sheets(call_judge.user_id, round_ids) if call_judge.user_id else []
    if sheets and not confirmed:
        raise NeedsConfirmation(N_("该评委已开始填写 %(n)s 份评分表，移除后这些评分将从结果中删除（操作日志中保留）。",
                                   n=len(sheets)), sheets)
    removed = 0
    if call_judge.user_id and round_ids:
        for sheet in sheets:
            db.session.delete(sheet)
        removed = db.session.execute(
            sa.delete(Assignment).where(Assignment.judge_id == call_judge.user_id, Assignment.round_id.in_(round_ids))
            .execution_options(synchronize_session=False)
        ).rowcount or 0
    who = call_judge.user.display_name if call_judge.user else call_judge.email
    record(actor, "call_judge.removed", ("calls", call.id), f"将 {who} 移出“{call.title}”的评委",
           {"call_judge_id": call_judge.id, "user_id": call_judge.user_id, "email": call_judge.email,
            "assignments_removed": removed, "sheets_removed": [sheet_record(s) for s in sheets]})
    db.session.delete(call_judge)
    db.session.commit()


# --- conflicts (回避) ----------------------------------------------------------------------------

@dataclass
class ConflictRow:
    organization: Organization
    conflict: Conflict | None  # None: a membership, not a declaration
    reason: str

    @property
    def automatic(self) -> bool:
        return self.conflict is None


def conflicted_organizations(judge: User) -> list[ConflictRow]:
    """The judge's conflicts: declared ones and the organizations they are a member of, by name."""
    rows: dict[int, ConflictRow] = {}
    for membership in db.session.scalars(
        sa.select(Membership).where(Membership.user_id == judge.id).options(joinedload(Membership.organization))
    ):
        rows[membership.organization_id] = ConflictRow(membership.organization, None, MEMBER_CONFLICT)
    for conflict in db.session.scalars(
        sa.select(Conflict).where(Conflict.judge_id == judge.id).options(joinedload(Conflict.organization))
    ):
        rows.setdefault(conflict.organization_id, ConflictRow(conflict.organization, conflict, conflict.reason))
    return sorted(rows.values(), key=lambda row: (row.organization.name, row.organization.id))


def applicant_organizations(judge: User) -> list[Organization]:
    """Organizations with a (non-draft) application in a call this judge judges: whom they may declare."""
    call_ids = sa.select(CallJudge.call_id).where(CallJudge.user_id == judge.id)
    org_ids = sa.select(Application.organization_id).where(
        Application.call_id.in_(call_ids), Application.status != ApplicationStatus.DRAFT
    )
    return list(db.session.scalars(
        sa.select(Organization).where(Organization.id.in_(org_ids)).order_by(Organization.name, Organization.id)
    ))


def declare_conflict(judge: User, organization_id, reason: str) -> tuple[Conflict, list[Assignment]]:
    """Declare a conflict with an applicant organization. The judge's assignments to its
    applications in rounds not yet locked are removed when no sheet was started; those with a
    started sheet are returned (and the committee told) for the committee to decide."""
    if not judge.is_judge:
        raise PermissionDenied(N_("只有评委可以声明回避。"))
    try:
        organization_id = int(organization_id)
    except (TypeError, ValueError):
        raise DomainError(N_("请选择要回避的组织。"), field="organization_id") from None
    organization = next((o for o in applicant_organizations(judge) if o.id == organization_id), None)
    if organization is None:
        raise DomainError(N_("请选择您所评审征集中的申报组织。"), field="organization_id")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(N_("请填写回避理由。"), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(N_("回避理由不能超过 %(n)s 个字。", n=REASON_MAX), field="reason")
    exists = db.session.scalar(
        sa.select(Conflict.id).where(Conflict.judge_id == judge.id, Conflict.organization_id == organization_id)
    )
    if exists is not None:
        raise DomainError(N_("您已声明回避该组织。"), field="organization_id")
    conflict = Conflict(judge_id=judge.id, organization_id=organization_id, reason=reason)
    db.session.add(conflict)

    assignments = list(db.session.scalars(
        sa.select(Assignment).join(Assignment.round).join(Assignment.application)
        .where(Assignment.judge_id == judge.id, Application.organization_id == organization_id,
               Round.status != RoundStatus.LOCKED)
        .options(joinedload(Assignment.round).joinedload(Round.call), joinedload(Assignment.application))
        .order_by(Assignment.id)
    ))
    started = {(s.round_id, s.application_id) for s in db.session.scalars(
        sa.select(ScoreSheet).where(ScoreSheet.judge_id == judge.id,
                                    ScoreSheet.round_id.in_([a.round_id for a in assignments] or [-1]))
    )}
    kept = [a for a in assignments if (a.round_id, a.application_id) in started]
    removed = [a for a in assignments if (a.round_id, a.application_id) not in started]
    removed_ids = [a.id for a in removed]
    record(judge, "conflict.declared", conflict, f"{judge.display_name} 声明回避“{organization.name}”（{reason}）",
           {"organization_id": organization_id, "reason": reason, "assignments_removed": removed_ids,
            "assignments_with_sheets": [a.id for a in kept]})
    for assignment in removed:
        db.session.delete(assignment)
    for committee_id, items in _by_committee(kept).items():
        titles = "、".join(f"{a.round.name}：{a.application.reference or a.application.title}" for a in items)
        round_ids = {a.round_id for a in items}
        link = absolute_url("judging.round_assignment", round_id=items[0].round_id) if len(round_ids) == 1 else None
        notify_organization(db.session.get(Organization, committee_id), f"评委 {judge.display_name} 声明回避",
                            f"{judge.display_name} 声明回避“{organization.name}”，但已开始评分：{titles}。请在评委与分配页面处理。",
                            link)
    db.session.commit()
    return conflict, kept


def _by_committee(assignments: list[Assignment]) -> dict[int, list[Assignment]]:
    grouped: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        grouped.setdefault(assignment.round.call.committee_id, []).append(assignment)
    return dict(sorted(grouped.items()))


def withdraw_conflict(judge: User, conflict: Conflict) -> None:
    if conflict.judge_id != judge.id:
        raise PermissionDenied(N_("只能撤回自己的回避声明。"))
    record(judge, "conflict.withdrawn", conflict, f"{judge.display_name} 撤回对“{conflict.organization.name}”的回避声明",
           {"organization_id": conflict.organization_id, "reason": conflict.reason})
    db.session.delete(conflict)
    db.session.commit()


def conflicted_assignments(round_: Round) -> list[Assignment]:
    """Assignments of the round whose judge is (now) conflicted with the application's organization."""
    from .services import conflicted_org_ids

    assignments = list(db.session.scalars(
        sa.select(Assignment).where(Assignment.round_id == round_.id)
        .options(joinedload(Assignment.application), joinedload(Assignment.judge)).order_by(Assignment.id)
    ))
    conflicts = conflicted_org_ids(sorted({a.judge_id for a in assignments}))
    return [a for a in assignments if a.application.organization_id in conflicts.get(a.judge_id, set())]


# --- the committee's overview --------------------------------------------------------------------

def judge_loads(judge_ids: list[int], round_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{judge_id: (assigned, submitted)} over the given rounds, two GROUP BY queries."""
    loads = {judge_id: (0, 0) for judge_id in judge_ids}
    if not judge_ids or not round_ids:
        return loads
    assigned = dict(db.session.execute(
        sa.select(Assignment.judge_id, sa.func.count(Assignment.id))
        .where(Assignment.judge_id.in_(judge_ids), Assignment.round_id.in_(round_ids)).group_by(Assignment.judge_id)
    ).all())
    submitted = dict(db.session.execute(
        sa.select(ScoreSheet.judge_id, sa.func.count(ScoreSheet.id))
        .join(Assignment, sa.and_(Assignment.round_id == ScoreSheet.round_id, Assignment.judge_id == ScoreSheet.judge_id,
                                  Assignment.application_id == ScoreSheet.application_id))
        .where(ScoreSheet.judge_id.in_(judge_ids), ScoreSheet.round_id.in_(round_ids),
               ScoreSheet.status == SheetStatus.SUBMITTED)
        .group_by(ScoreSheet.judge_id)
    ).all())
    return {judge_id: (assigned.get(judge_id, 0), submitted.get(judge_id, 0)) for judge_id in judge_ids}


@dataclass
class CallConflict:
    judge: User
    organization: Organization
    reason: str
    automatic: bool  # a membership, not a declaration


def call_conflicts(call: Call, judges: list[User]) -> list[CallConflict]:
    """The judges' conflicts with organizations applying to this call (declared and memberships)."""
    if not judges:
        return []
    by_id = {judge.id: judge for judge in judges}
    applicants = sa.select(Application.organization_id).where(
        Application.call_id == call.id, Application.status != ApplicationStatus.DRAFT
    )
    rows = [
        CallConflict(by_id[c.judge_id], c.organization, c.reason, False)
        for c in db.session.scalars(
            sa.select(Conflict).where(Conflict.judge_id.in_(list(by_id)), Conflict.organization_id.in_(applicants))
            .options(joinedload(Conflict.organization))
        )
    ]
    declared = {(row.judge.id, row.organization.id) for row in rows}
    rows += [
        CallConflict(by_id[m.user_id], m.organization, MEMBER_CONFLICT, True)
        for m in db.session.scalars(
            sa.select(Membership).where(Membership.user_id.in_(list(by_id)), Membership.organization_id.in_(applicants))
            .options(joinedload(Membership.organization))
        )
        if (m.user_id, m.organization_id) not in declared
    ]
    return sorted(rows, key=lambda row: (row.judge.name, row.judge.id, row.organization.name, row.organization.id))
