"""Application services: start a draft, save its sections, submit, withdraw.

Every function takes the acting user, checks permission (PermissionDenied) and the state table
(InvalidTransition), records an audit event and commits once.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

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
from ..types import format_money, quantize, to_local, utcnow
from ..calls.services import is_accepting_applications
from . import rules
from .models import (
    BUDGET_CATEGORIES,
    Activity,
    Application,
    ApplicationMessage,
    ApplicationStatus,
    ApplicationVersion,
    BudgetLine,
    TeamMember,
)
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

def save_section(user: User, application: Application, section: str, data: dict) -> Application:
    """Store one section's (already form-validated) values; invalid values store nothing."""
    _check_member(user, application)
    _check_editable(application)
    data = _without_nul(data)
    errors: dict[str, list[str]] = {}
    if section == "basics":
        category_id = data.get("category_id")
        if category_id and category_id not in {c.id for c in application.call.categories}:
            errors["category"] = [N_("所选服务领域不在本次征集范围内。")]
        else:
            application.category_id = category_id or None
        application.title = (data.get("title") or "").strip()
        application.service_area = (data.get("service_area") or "").strip()
        application.summary = (data.get("summary") or "").strip()
    elif section == "need":
        count = data.get("beneficiaries_count")
        if count is not None and count < 0:
            errors["beneficiaries_count"] = [N_("受益人数不能为负数。")]
        application.target_group = (data.get("target_group") or "").strip()
        application.beneficiaries_count = count
        application.need_analysis = (data.get("need_analysis") or "").strip()
    elif section == "plan":
        application.goals = (data.get("goals") or "").strip()
        rows = []
        for i, row in enumerate(data.get("activities") or []):
            if row.get("starts_on") and row.get("ends_on") and row["ends_on"] < row["starts_on"]:
                errors.setdefault("activities", []).append(N_("第 %(n)s 项活动的结束日期早于开始日期。", n=i + 1))
            rows.append(Activity(position=i, name=row["name"].strip(), starts_on=row.get("starts_on"),
                                 ends_on=row.get("ends_on"), milestone=(row.get("milestone") or "").strip()))
        if not errors:
            application.activities = rows
    elif section == "team":
        application.team_members = [
            TeamMember(position=i, name=row["name"].strip(), role=(row.get("role") or "").strip(),
                       qualification=(row.get("qualification") or "").strip())
            for i, row in enumerate(data.get("team_members") or [])
        ]
    elif section == "budget":
        rows = []
        for i, row in enumerate(data.get("budget_lines") or []):
            line = budget_line(i, row)
            if row["category"] not in BUDGET_CATEGORIES:
                errors.setdefault("budget_lines", []).append(N_("第 %(n)s 行的预算类别无效。", n=i + 1))
            if line.unit_price < 0 or line.quantity <= 0 or line.self_funded < 0 or line.self_funded > line.amount:
                errors.setdefault("budget_lines", []).append(N_("第 %(n)s 行的金额无效。", n=i + 1))
            rows.append(line)
        if not errors:
            application.budget_lines = rows
    elif section == "declaration":
        application.declaration_accepted = bool(data.get("declaration_accepted"))
    else:
        raise DomainError(N_("未知的申报书部分。"))
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors, N_("请修正标出的内容，本部分尚未保存。"))
    audit.record(user, "application.saved", application, f"保存申报书（{rules.SECTIONS[section][0]}）", {"section": section})
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


def budget_line(position: int, row: dict) -> BudgetLine:
    unit_price = quantize(Decimal(row["unit_price"]))
    quantity = Decimal(row["quantity"]).quantize(Decimal("0.01"))
    return BudgetLine(
        position=position,
        category=row["category"],
        item=(row.get("item") or "").strip(),
        unit_price=unit_price,
        quantity=quantity,
        amount=quantize(unit_price * quantity),
        self_funded=quantize(Decimal(row.get("self_funded") or 0)),
    )


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
    if errors:
        db.session.rollback()
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
