"""Application services: start a draft, save its sections, submit, withdraw.

Every function takes the acting user, checks permission (PermissionDenied) and the state table
(InvalidTransition), records an audit event and commits once.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from .. import audit
from ..accounts.models import OrgKind, Organization, User
from ..accounts.notifications import notify_organization
from ..accounts.permissions import is_member
from .permissions import can_edit_application
from ..calls.models import Call
from ..errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from ..extensions import db
from ..i18n import N_
from ..links import absolute_url
from ..types import format_money, to_local, utcnow
from ..calls.services import is_accepting_applications
from . import rules
from .models import Application, ApplicationMessage, ApplicationStatus, ApplicationVersion
from .sections import SECTIONS
from .snapshot import application_snapshot

DECLARATION_TEXT = N_(  # shown in the editor beside its checkbox, in the reader's language
    "本组织承诺：申报书所填内容真实、准确、完整，无抄袭或虚报；项目资金将专款专用，接受主办方及社会的监督；"
    "如有不实，愿意承担取消资格、退还资金等相应责任。"
)


def application_link(application: Application) -> str:
    """The application's page (absolute: it goes into mail and notifications)."""
    return absolute_url("applications.detail", application_id=application.id)


def _check_member(user: User, application: Application) -> None:
    if not can_edit_application(user, application):
        raise PermissionDenied(N_("您不是该申报组织的成员。"))


def _check_editable(application: Application) -> None:
    if not application.is_editable:
        raise InvalidTransition(N_("申报书当前状态为“%(status)s”，不能修改。", status=application.status.label))


# --- start -------------------------------------------------------------------------------------

def start_application(user: User, call: Call, org: Organization, now: datetime | None = None) -> Application:
    """Create a draft for the organization. Unverified organizations may prepare a draft."""
    now = now or utcnow()
    if org.kind != OrgKind.NGO or not is_member(user, org):
        raise PermissionDenied(N_("只有公益组织的成员才能为本组织申报。"))
    if not is_accepting_applications(call, now):
        raise DomainError(N_("本次征集当前不接受申报（未开始或已截止）。"), field="call")
    application = Application(call=call, organization=org, created_by_id=user.id, status=ApplicationStatus.DRAFT)
    db.session.add(application)
    audit.record(user, "application.started", application, f"开始填写申报书（{call.title}）", {"call_id": call.id})
    db.session.commit()
    return application


# --- sections ----------------------------------------------------------------------------------

def editable(user: User, application: Application) -> Application:
    """The application, if this user may change it now: PermissionDenied (not a member) or
    InvalidTransition (its state allows no change) otherwise. Every change below checks it first;
    the editor asks it before showing a section."""
    _check_member(user, application)
    _check_editable(application)
    return application


def save_section(user: User, application: Application, section: str, data: dict) -> Application:
    """Store one section's (already form-validated) values (sections.py); invalid values store nothing."""
    editable(user, application)
    part = SECTIONS.get(section)
    if part is None or part.store is None:
        raise DomainError(N_("未知的申报书部分。"))
    errors = part.store(application, _without_nul(data))
    if errors:
        raise ValidationFailed(errors, N_("请修正标出的内容，本部分尚未保存。"))
    audit.record(user, "application.saved", application, f"保存申报书（{part.label}）", {"section": section})
    db.session.commit()
    return application


def _without_nul(value):
    """PostgreSQL text cannot hold NUL characters; nobody means to type them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


# --- transitions -------------------------------------------------------------------------------

def submission_errors(application: Application, now: datetime | None = None) -> dict[str, list[str]]:
    errors = rules.completeness_errors(application)
    for field, messages in rules.call_rule_errors(application, now or utcnow()).items():
        errors.setdefault(field, []).extend(messages)
    return errors


def submit_application(user: User, application: Application, now: datetime | None = None) -> Application:
    """DRAFT/RETURNED → SUBMITTED, after every completeness and call rule passes."""
    _check_member(user, application)
    application.status.check_transition(ApplicationStatus.SUBMITTED)
    now = now or utcnow()
    # Lock the call row: reference numbers and the per-organization limit are decided one at a time.
    call = db.session.scalars(sa.select(Call).where(Call.id == application.call_id).with_for_update()).one()
    errors = submission_errors(application, now)
    if errors:  # the caller's rollback releases the call's lock
        raise ValidationFailed(errors, N_("申报书未能提交，请修正标出的问题。"))
    resubmission = application.sequence is not None
    if not resubmission:
        last = db.session.scalar(sa.select(sa.func.max(Application.sequence)).where(Application.call_id == call.id))
        application.sequence = (last or 0) + 1
        application.reference = f"{call.code}-{application.sequence:03d}"
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    number = (db.session.scalar(
        sa.select(sa.func.max(ApplicationVersion.number)).where(ApplicationVersion.application_id == application.id)
    ) or 0) + 1
    db.session.add(ApplicationVersion(application=application, number=number,
                                      snapshot=application_snapshot(application), created_by_id=user.id))
    verb = "重新提交" if resubmission else "提交"
    body = (f"您的项目“{application.title}”已于 {to_local(now):%Y-%m-%d %H:%M}（北京时间）{verb}，申报编号 "
            f"{application.reference}，申请金额 {format_money(application.requested_amount)}（第 {number} 版）。")
    db.session.add(ApplicationMessage(application=application, kind="receipt", author_name="系统", body=body))
    notify_organization(application.organization, f"申报回执：{application.reference}", body, application_link(application))
    audit.record(user, "application.resubmitted" if resubmission else "application.submitted", application,
                 f"{verb}申报书 {application.reference}", {"version": number, "requested": application.requested_amount})
    db.session.commit()
    return application


def withdraw_application(user: User, application: Application) -> Application:
    """DRAFT/SUBMITTED/RETURNED → WITHDRAWN (no longer once screened)."""
    _check_member(user, application)
    application.status.check_transition(ApplicationStatus.WITHDRAWN)
    previous = application.status
    application.status = ApplicationStatus.WITHDRAWN
    audit.record(user, "application.withdrawn", application, f"撤回申报书 {application.reference or application.title}",
                 {"from": previous})
    db.session.commit()
    return application
