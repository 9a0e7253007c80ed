"""Mentoring (孵化 / 全流程跟踪指导): the committee assigns mentors to a funded project's grant; a
mentor logs check-ins (visits, calls, online meetings) and follows their projects.

A mentor is invited by email, as a judge is to a call. An email that already has an account is
bound at once (GrantMentor.user_id) and told; a new email gets the portal's mentor invitation, and
the GrantMentor row waits (user_id NULL) until an account answers to that address: accounts
announces it (accounts.signals.account_ready) and bind_pending_mentors() links the row in the
sender's transaction. Only an account whose address is proven (confirmed, or the invitation's link
followed) is bound, so that registering under someone else's address shows no grant. A mentor is
not a judge: accepting the invitation gives no judging rights.

Removing a mentor keeps the row (removed_at) and its check-ins; every change is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.invitations import invite_mentor
from ..accounts.models import User
from ..accounts.notifications import notify_users
from ..accounts.services import find_user_by_email, normalize_email
from ..accounts.signals import account_ready
from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..links import absolute_url
from ..parsing import FieldErrors, clean_text, parse_choice, parse_day
from ..types import local_today, utcnow
from .models import Grant, GrantStatus
from .permissions import can_manage_grant, is_recipient
from .report_models import CheckIn, CheckInForm, GrantMentor, GrantReport, ReportStatus

NAME_MAX = 100
EMAIL_MAX = 254
NOTES_MAX = 5000
NEXT_STEPS_MAX = 2000
# A project that has ended takes no new mentors and no new check-ins.
CLOSED_STATUSES = (GrantStatus.COMPLETED, GrantStatus.TERMINATED)


def _require_manager(actor: User | None, grant: Grant) -> None:
    if not can_manage_grant(actor, grant):
        raise PermissionDenied(N_("只有主办方组委会成员可以指派导师。"))


def _require_open(grant: Grant) -> None:
    if grant.status in CLOSED_STATUSES:
        raise DomainError(N_("项目处于“%(status)s”状态，不能再安排跟踪指导。", status=grant.status.label))


# --- the committee assigns and removes mentors -------------------------------------------------------

def mentors_of(grant: Grant, include_removed: bool = False) -> list[GrantMentor]:
    """The grant's mentors with their accounts: bound ones by name, then pending invitations."""
    query = sa.select(GrantMentor).where(GrantMentor.grant_id == grant.id).options(joinedload(GrantMentor.user))
    if not include_removed:
        query = query.where(GrantMentor.removed_at.is_(None))
    rows = db.session.scalars(query).all()
    return sorted(rows, key=lambda m: (m.removed_at is not None, m.user is None, m.name or m.email, m.id))


def _parse_invitee(email: str, name: str | None) -> tuple[str, str]:
    errors = FieldErrors()
    email, name = normalize_email(clean_text(email)), clean_text(name)
    if not email or "@" not in email or len(email) > EMAIL_MAX or any(c.isspace() for c in email):
        errors.add("email", N_("请输入有效的电子邮箱。"))
    if len(name) > NAME_MAX:
        errors.add("name", N_("姓名不能超过 %(n)s 个字。", n=NAME_MAX))
    errors.raise_if_any()
    return email, name


def assign_mentor(actor: User, grant: Grant, email: str, name: str | None = None) -> GrantMentor:
    """Make the person at `email` a mentor of the grant: an existing account at once (and told), a
    new address by an emailed invitation whose account is bound when it is created. A mentor removed
    before may be assigned again (the same row, its removal cleared; the log keeps both)."""
    _require_manager(actor, grant)
    _require_open(grant)
    email, name = _parse_invitee(email, name)
    user = find_user_by_email(email)
    if user is not None and is_recipient(user, grant):
        raise DomainError(N_("导师不能是受资助组织的成员。"), field="email")
    mentor = db.session.scalar(sa.select(GrantMentor).where(GrantMentor.grant_id == grant.id, GrantMentor.email == email))
    if mentor is not None and mentor.removed_at is None:
        raise DomainError(N_("该邮箱已是本项目的导师。"), field="email")
    again = mentor is not None
    if mentor is None:
        mentor = GrantMentor(grant=grant, email=email, name="")
        db.session.add(mentor)
    mentor.name = (name or (user.name if user is not None else "") or mentor.name or "")[:NAME_MAX]
    mentor.user_id = user.id if user is not None else mentor.user_id
    mentor.invited_by_id, mentor.invited_at, mentor.removed_at = actor.id, utcnow(), None
    data = {"grant_id": grant.id, "email": email, "name": mentor.name or None, "again": again}
    if user is not None:
        record(actor, "grant_mentor.assigned", mentor,
               f"指派 {user.display_name}（{email}）担任“{grant.title}”的导师", {**data, "user_id": user.id})
        notify_users([user], f"您已受邀担任“{grant.title}”的项目导师",
                     f"{actor.display_name} 邀请您对“{grant.title}”（{grant.recipient.name}）进行全流程跟踪指导。",
                     absolute_url("grants.mentor_projects"))
        db.session.commit()
        return mentor
    record(actor, "grant_mentor.invited", mentor, f"邀请 {email} 担任“{grant.title}”的导师", data)
    invite_mentor(actor, email, name=name or None)  # queues the mail and commits our rows too
    return mentor


def remove_mentor(actor: User, mentor: GrantMentor) -> GrantMentor:
    """Take the mentor off the project; the row and its check-ins stay (removed_at)."""
    grant = mentor.grant
    _require_manager(actor, grant)
    if mentor.removed_at is not None:
        raise DomainError(N_("该导师已被移除。"))
    mentor.removed_at = utcnow()
    who = mentor.user.display_name if mentor.user is not None else mentor.email
    record(actor, "grant_mentor.removed", mentor, f"移除“{grant.title}”的导师 {who}",
           {"grant_id": grant.id, "email": mentor.email, "user_id": mentor.user_id})
    db.session.commit()
    return mentor


def bind_pending_mentors(user: User) -> int:
    """Link the mentor rows invited under this user's address to the account; returns how many.
    Runs in the sender's transaction, which commits (account_ready, below). An address not yet
    proven binds nothing: it binds when the account accepts the emailed invitation."""
    if user.email_confirmed_at is None:
        return 0
    result = db.session.execute(
        sa.update(GrantMentor)
        .where(GrantMentor.user_id.is_(None), GrantMentor.email == normalize_email(user.email))
        .values(user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


@account_ready.connect
def _bind_on_account_ready(user: User, **_extra) -> None:
    bind_pending_mentors(user)


# --- the mentor's check-ins ----------------------------------------------------------------------------

def mentor_row(user: User | None, grant: Grant) -> GrantMentor | None:
    """The user's live mentor row on this grant, if they mentor it."""
    if user is None:
        return None
    return next((m for m in grant.mentors if m.user_id == user.id and m.removed_at is None), None)


def _parse_check_in(data: dict) -> tuple[date, CheckInForm, str, str]:
    errors = FieldErrors()
    held_on = parse_day(data.get("held_on"), errors, "held_on")
    if held_on is not None and held_on > local_today():
        errors.add("held_on", N_("跟踪日期不能晚于今天。"))
    form = parse_choice(CheckInForm, data.get("form"), errors, "form")
    notes, next_steps = clean_text(data.get("notes")), clean_text(data.get("next_steps"))
    if not notes:
        errors.add("notes", N_("请填写跟踪情况。"))
    elif len(notes) > NOTES_MAX:
        errors.add("notes", N_("不能超过 %(n)s 个字。", n=NOTES_MAX))
    if len(next_steps) > NEXT_STEPS_MAX:
        errors.add("next_steps", N_("不能超过 %(n)s 个字。", n=NEXT_STEPS_MAX))
    errors.raise_if_any()
    return held_on, form, notes, next_steps


def log_check_in(actor: User, grant: Grant, data: dict) -> CheckIn:
    """A mentor's contact with the project: the day, the form (visit / call / online), what was
    found (notes) and what comes next. Only the project's own mentors log them."""
    mentor = mentor_row(actor, grant)
    if mentor is None:
        raise PermissionDenied(N_("只有该项目的导师可以登记跟踪记录。"))
    _require_open(grant)
    held_on, form, notes, next_steps = _parse_check_in(data)
    check_in = CheckIn(grant=grant, mentor=mentor, held_on=held_on, form=form, notes=notes, next_steps=next_steps,
                       created_by_id=actor.id)
    db.session.add(check_in)
    record(actor, "check_in.logged", check_in, f"{actor.display_name} {held_on:%Y-%m-%d} {form.label}跟踪“{grant.title}”",
           {"grant_id": grant.id, "held_on": held_on, "form": form, "notes": notes, "next_steps": next_steps})
    db.session.commit()
    return check_in


def check_ins_of(grant: Grant) -> list[CheckIn]:
    """The grant's check-ins, the latest first, with their mentors."""
    return list(db.session.scalars(
        sa.select(CheckIn).where(CheckIn.grant_id == grant.id)
        .options(joinedload(CheckIn.mentor).joinedload(GrantMentor.user))
        .order_by(CheckIn.held_on.desc(), CheckIn.id.desc())))


# --- the mentor's projects -------------------------------------------------------------------------------

@dataclass
class MentoredProject:
    grant: Grant
    next_report: GrantReport | None  # the earliest report still to be filed
    overdue: int  # reports past their due date and not filed
    last_check_in: CheckIn | None

    @property
    def last_contact(self) -> date | None:
        return self.last_check_in.held_on if self.last_check_in else None


def mentored_grants(user: User | None) -> list[Grant]:
    if user is None:
        return []
    return list(db.session.scalars(
        sa.select(Grant).join(GrantMentor, GrantMentor.grant_id == Grant.id)
        .where(GrantMentor.user_id == user.id, GrantMentor.removed_at.is_(None))
        .options(joinedload(Grant.recipient), selectinload(Grant.mentors))
        .order_by(Grant.reference, Grant.id)).unique())


def is_mentoring(user: User | None) -> bool:
    """Whether the user mentors any project (for the navigation)."""
    if user is None:
        return False
    return db.session.scalar(sa.select(GrantMentor.id).where(
        GrantMentor.user_id == user.id, GrantMentor.removed_at.is_(None)).limit(1)) is not None


def my_projects(user: User | None, today: date | None = None) -> list[MentoredProject]:
    """The grants the user mentors with their next report due, overdue reports and the last check-in,
    in a fixed number of queries."""
    grants = mentored_grants(user)
    if not grants:
        return []
    today = today or local_today()
    ids = [grant.id for grant in grants]
    pending = db.session.scalars(
        sa.select(GrantReport).where(GrantReport.grant_id.in_(ids), GrantReport.status == ReportStatus.SCHEDULED)
        .order_by(GrantReport.due_on, GrantReport.id)).all()
    ranked = sa.select(CheckIn.id, sa.func.row_number().over(
        partition_by=CheckIn.grant_id, order_by=(CheckIn.held_on.desc(), CheckIn.id.desc())).label("n")).where(
        CheckIn.grant_id.in_(ids)).subquery()
    last = {c.grant_id: c for c in db.session.scalars(
        sa.select(CheckIn).join(ranked, CheckIn.id == ranked.c.id).where(ranked.c.n == 1))}
    rows = []
    for grant in grants:
        reports = [r for r in pending if r.grant_id == grant.id]
        rows.append(MentoredProject(grant=grant, next_report=reports[0] if reports else None,
                                    overdue=sum(1 for r in reports if r.is_overdue(today)), last_check_in=last.get(grant.id)))
    return rows

