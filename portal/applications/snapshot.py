"""A frozen, JSON-able picture of an application, kept at each submission and compared between versions."""
from __future__ import annotations

from ..i18n import N_
from .models import Application

SECTION_LABELS = {
    "title": N_("项目名称"),
    "category": N_("服务领域"),
    "service_area": N_("服务区域"),
    "summary": N_("项目概述"),
    "target_group": N_("服务对象"),
    "beneficiaries_count": N_("受益人数"),
    "need_analysis": N_("需求分析"),
    "goals": N_("项目目标"),
    "activities": N_("活动安排"),
    "team_members": N_("项目团队"),
    "budget_lines": N_("项目预算"),
    "attachments": N_("附件"),
    "requested_amount": N_("申请金额"),
    "budget_total": N_("预算总额"),
    "self_funded_total": N_("自筹资金"),
}


def _date(value) -> str | None:
    return value.isoformat() if value else None


def application_snapshot(application: Application) -> dict:
    """Plain values only (Decimals as strings), so the snapshot survives JSON on every database."""
    return {
        "title": application.title,
        "category": application.category.name if application.category else None,
        "service_area": application.service_area,
        "summary": application.summary,
        "target_group": application.target_group,
        "beneficiaries_count": application.beneficiaries_count,
        "need_analysis": application.need_analysis,
        "goals": application.goals,
        "activities": [
            {"name": a.name, "starts_on": _date(a.starts_on), "ends_on": _date(a.ends_on), "milestone": a.milestone}
            for a in application.activities
        ],
        "team_members": [
            {"name": t.name, "role": t.role, "qualification": t.qualification} for t in application.team_members
        ],
        "budget_lines": [
            {
                "category": b.category,
                "item": b.item,
                "unit_price": str(b.unit_price),
                "quantity": str(b.quantity),
                "amount": str(b.amount),
                "self_funded": str(b.self_funded),
            }
            for b in application.budget_lines
        ],
        "attachments": [{"filename": f.filename, "kind": f.kind, "size": f.size} for f in application.attachments],
        "budget_total": str(application.budget_total),
        "self_funded_total": str(application.self_funded_total),
        "requested_amount": str(application.requested_amount),
    }


def diff_snapshots(old: dict, new: dict) -> list[dict]:
    """[{key, label, old, new}] for each top-level section that changed."""
    changes = []
    for key, label in SECTION_LABELS.items():
        if old.get(key) != new.get(key):
            changes.append({"key": key, "label": label, "old": old.get(key), "new": new.get(key)})
    return changes
