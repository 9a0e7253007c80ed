"""Submission rules: what a complete application is, and what the call demands of it.

Each check adds Chinese messages (marked with N_) under a field name (the editor shows them on that field/section):
title, category, service_area, summary, target_group, beneficiaries_count, need_analysis, goals,
activities, team_members, budget_lines, declaration_accepted, requested_amount, admin_cost,
self_funding, call, organization.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ..i18n import N_
from ..calls.services import is_accepting_applications, region_eligible
from .models import Application
from .sections import SECTIONS

REQUIRED_TEXT = {
    "title": N_("请填写项目名称。"),
    "service_area": N_("请填写服务区域。"),
    "summary": N_("请填写项目概述。"),
    "target_group": N_("请填写服务对象。"),
    "need_analysis": N_("请填写需求分析。"),
    "goals": N_("请填写项目目标。"),
}


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def completeness_errors(application: Application) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, message in REQUIRED_TEXT.items():
        if not (getattr(application, field) or "").strip():
            _add(errors, field, message)
    if application.category_id is None:
        _add(errors, "category", N_("请选择服务领域。"))
    elif application.call.categories and application.category_id not in {c.id for c in application.call.categories}:
        _add(errors, "category", N_("所选服务领域不在本次征集范围内。"))
    if application.beneficiaries_count is None:
        _add(errors, "beneficiaries_count", N_("请填写受益人数。"))
    if not application.activities:
        _add(errors, "activities", N_("请至少填写一项活动。"))
    elif any(a.starts_on is None or a.ends_on is None for a in application.activities):
        _add(errors, "activities", N_("每项活动都要填写开始和结束日期。"))
    if not application.team_members:
        _add(errors, "team_members", N_("请至少填写一名团队成员。"))
    if not application.budget_lines:
        _add(errors, "budget_lines", N_("请至少填写一条预算。"))
    if not application.declaration_accepted:
        _add(errors, "declaration_accepted", N_("请阅读并勾选承诺声明。"))
    return errors


def section_status(application: Application) -> dict[str, bool]:
    """section → complete? (for the progress indicator; attachments are optional)."""
    errors = completeness_errors(application)
    return {key: not any(f in errors for f in section.fields) for key, section in SECTIONS.items()}


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole) if whole else Decimal("0")


def call_rule_errors(application: Application, now: datetime) -> dict[str, list[str]]:
    from ..types import format_money

    call = application.call
    org = application.organization
    errors: dict[str, list[str]] = {}
    if not is_accepting_applications(call, now):
        _add(errors, "call", N_("本次征集当前不接受申报（未开始或已截止）。"))
    if call.verified_only and not org.is_verified:
        _add(errors, "organization", N_("本次征集只接受已认证的组织申报，请先完成组织认证。"))
    if not region_eligible(call, org):
        _add(errors, "organization", N_("申报组织所在地区不在本次征集的范围内。"))
    if application.budget_lines:
        total = application.budget_total
        requested = application.requested_amount
        if not (call.funding_min <= requested <= call.funding_max):
            _add(
                errors,
                "requested_amount",
                N_("申请金额 %(amount)s 不在本次征集的资助范围 %(low)s–%(high)s 内。", amount=format_money(requested),
                   low=format_money(call.funding_min), high=format_money(call.funding_max)),
            )
        if _pct(application.admin_total, total) > call.admin_cost_cap_pct:
            _add(errors, "admin_cost", N_("管理费不得超过预算总额的 %(pct)s%%。", pct=f"{call.admin_cost_cap_pct.normalize():f}"))
        if _pct(application.self_funded_total, total) < call.min_self_funding_pct:
            _add(errors, "self_funding", N_("自筹资金不得低于预算总额的 %(pct)s%%。",
                                            pct=f"{call.min_self_funding_pct.normalize():f}"))
    if _org_count(application) >= call.max_applications_per_org:
        _add(errors, "organization", N_("每个组织在本次征集中最多申报 %(n)s 个项目。", n=call.max_applications_per_org))
    return errors


def _org_count(application: Application) -> int:
    """The organization's other non-draft, non-withdrawn applications to this call."""
    import sqlalchemy as sa

    from ..extensions import db
    from .models import ApplicationStatus

    return db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.call_id == application.call_id,
            Application.organization_id == application.organization_id,
            Application.id != application.id,
            Application.status.notin_([ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]),
        )
    ) or 0
