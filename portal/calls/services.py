"""Call rules: creating and editing calls, publishing and closing them, categories, eligibility."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Organization
from ..accounts.permissions import is_committee, is_member
from .permissions import can_manage_call
from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..storage import check_upload, storage
from ..types import utcnow
from .models import Call, CallStatus, Category, call_categories

EDITABLE_FIELDS = (
    "title", "code", "description", "funding_min", "funding_max", "total_pool", "min_self_funding_pct",
    "admin_cost_cap_pct", "eligible_regions", "verified_only", "max_applications_per_org", "opens_at",
    "closes_at", "contact",
)


# --- eligibility, read by applications ----------------------------------------------------------

def is_accepting_applications(call: Call, now: datetime | None = None) -> bool:
    """Published, opened, and before the deadline at this moment."""
    return call.is_open_at(now or utcnow())


def region_eligible(call: Call, org: Organization) -> bool:
    """Regions are "省/市/区" prefixes; an empty list means anywhere."""
    prefixes = [p.strip().strip("/") for p in (call.eligible_regions or []) if p and p.strip()]
    if not prefixes:
        return True
    region = "/".join(part for part in (org.province, org.city, org.district) if part)
    return any(region == p or region.startswith(p + "/") for p in prefixes)


def parse_regions(text: str) -> list[str]:
    """One region per line, parts split by "/" or spaces: "浙江省 嘉兴市" → "浙江省/嘉兴市"."""
    regions = []
    for line in (text or "").splitlines():
        parts = [p for p in line.replace("／", "/").replace("/", " ").split() if p]
        if parts:
            regions.append("/".join(parts))
    return regions


# --- committee actions ---------------------------------------------------------------------------

def _check_rules(values: dict) -> None:
    errors = {}
    if values["funding_min"] > values["funding_max"]:
        errors["funding_max"] = N_("单个项目资助上限不能低于下限。")
    if values["total_pool"] < values["funding_max"]:
        errors["total_pool"] = N_("资金总额不能低于单个项目资助上限。")
    if values["closes_at"] <= values["opens_at"]:
        errors["closes_at"] = N_("截止时间必须晚于开始时间。")
    if errors:
        from ..errors import ValidationFailed

        raise ValidationFailed({field: [message] for field, message in errors.items()})


def _code_taken(code: str, exclude_id: int | None = None) -> bool:
    query = sa.select(Call.id).where(sa.func.upper(Call.code) == code.upper())
    if exclude_id:
        query = query.where(Call.id != exclude_id)
    return db.session.scalar(query) is not None


def _apply(call: Call, values: dict, category_ids: list[int]) -> None:
    for field in EDITABLE_FIELDS:
        setattr(call, field, values[field])
    categories = list(db.session.scalars(sa.select(Category).where(Category.id.in_(category_ids or [-1]))))
    call.categories = categories


def create_call(user, committee: Organization, values: dict, category_ids: list[int]) -> Call:
    if not is_member(user, committee) or committee.kind.value != "committee":
        raise PermissionDenied(N_("只有主办方成员可以发布项目征集。"))
    _check_rules(values)
    if _code_taken(values["code"]):
        raise DomainError(N_("该征集代码已被使用。"), field="code")
    call = Call(committee=committee, created_by_id=user.id, status=CallStatus.DRAFT)
    _apply(call, values, category_ids)
    db.session.add(call)
    record(user, "call.created", call, f"创建项目征集“{call.title}”", {"code": call.code})
    db.session.commit()
    return call


def update_call(user, call: Call, values: dict, category_ids: list[int]) -> Call:
    if not can_manage_call(user, call):
        raise PermissionDenied(N_("您不是该征集主办方的成员。"))
    if call.status != CallStatus.DRAFT:
        raise DomainError(N_("已发布的征集不能再修改（截止时间可以延长）。"))
    _check_rules(values)
    if _code_taken(values["code"], exclude_id=call.id):
        raise DomainError(N_("该征集代码已被使用。"), field="code")
    _apply(call, values, category_ids)
    record(user, "call.updated", call, f"修改项目征集“{call.title}”")
    db.session.commit()
    return call


def extend_deadline(user, call: Call, closes_at: datetime, now: datetime | None = None) -> Call:
    if not can_manage_call(user, call):
        raise PermissionDenied(N_("您不是该征集主办方的成员。"))
    if call.status != CallStatus.PUBLISHED:
        raise DomainError(N_("只有征集中的项目可以延长截止时间。"))
    if closes_at <= max(call.closes_at, now or utcnow()):
        raise DomainError(N_("新的截止时间必须晚于原截止时间和当前时间。"), field="closes_at")
    old = call.closes_at
    call.closes_at = closes_at
    record(user, "call.deadline_extended", call, "延长截止时间", {"from": old.isoformat(), "to": closes_at.isoformat()})
    db.session.commit()
    return call


def publish_call(user, call: Call, now: datetime | None = None) -> Call:
    if not can_manage_call(user, call):
        raise PermissionDenied(N_("您不是该征集主办方的成员。"))
    call.status.check_transition(CallStatus.PUBLISHED)
    now = now or utcnow()
    if not call.categories:
        raise DomainError(N_("发布前请至少选择一个服务领域。"), field="categories")
    if call.closes_at <= now:
        raise DomainError(N_("截止时间已过，请先修改截止时间。"), field="closes_at")
    call.status = CallStatus.PUBLISHED
    call.published_at = now
    record(user, "call.published", call, f"发布项目征集“{call.title}”")
    db.session.commit()
    return call


def close_call(user, call: Call) -> Call:
    if user is not None and not can_manage_call(user, call):
        raise PermissionDenied(N_("您不是该征集主办方的成员。"))
    call.status.check_transition(CallStatus.CLOSED)
    call.status = CallStatus.CLOSED
    record(user, "call.closed", call, f"项目征集“{call.title}”截止" + ("" if user else "（到期自动）"))
    db.session.commit()
    return call


def close_due_calls(now: datetime | None = None, actor=None) -> list[Call]:
    """Close every published call past its deadline (one cheap query when none is due)."""
    now = now or utcnow()
    due = list(db.session.scalars(
        sa.select(Call).where(Call.status == CallStatus.PUBLISHED, Call.closes_at <= now).with_for_update()
    ))
    for call in due:
        call.status = CallStatus.CLOSED
        record(actor, "call.closed", call, f"项目征集“{call.title}”到期自动截止", {"closes_at": call.closes_at.isoformat()})
    if due:
        db.session.commit()
    return due


def save_guidelines(user, call: Call, filename: str, data: bytes) -> Call:
    if not can_manage_call(user, call):
        raise PermissionDenied(N_("您不是该征集主办方的成员。"))
    kind = check_upload(data, allowed={"pdf", "docx"})
    old_key = call.guidelines_key
    call.guidelines_key = storage().save(data, "." + kind)
    call.guidelines_filename = (filename or f"申报指南.{kind}")[-200:]
    record(user, "call.guidelines_uploaded", call, f"上传申报指南 {call.guidelines_filename}")
    db.session.commit()
    if old_key:
        storage().delete(old_key)
    return call


# --- listings -------------------------------------------------------------------------------------

@dataclass
class CallFilters:
    status: str = "open"  # open / closed / all
    category_id: int | None = None
    region: str = ""
    q: str = ""


def public_calls(filters: CallFilters, page: int, per_page: int = 20):
    """Every call but drafts, filtered, one page + total: three queries."""
    query = sa.select(Call).where(Call.status != CallStatus.DRAFT)
    if filters.status == "open":
        query = query.where(Call.status == CallStatus.PUBLISHED)
    elif filters.status == "closed":  # no longer taking applications: closed, in judging, or with results
        query = query.where(Call.status.in_([CallStatus.CLOSED, CallStatus.JUDGING, CallStatus.NOTICE, CallStatus.FINAL]))
    elif filters.status == "notice":
        query = query.where(Call.status == CallStatus.NOTICE)
    if filters.category_id:
        query = query.where(Call.id.in_(
            sa.select(call_categories.c.call_id).where(call_categories.c.category_id == filters.category_id)
        ))
    if filters.region:
        query = query.join(Organization, Organization.id == Call.committee_id).where(sa.or_(
            Organization.province.contains(filters.region), Organization.city.contains(filters.region),
            Organization.district.contains(filters.region),
            sa.cast(Call.eligible_regions, sa.String).contains(filters.region),
        ))
    if filters.q:
        like = f"%{filters.q}%"
        query = query.where(sa.or_(Call.title.ilike(like), Call.description.ilike(like), Call.code.ilike(like)))
    query = query.order_by(Call.status.desc(), Call.closes_at, Call.id).options(
        joinedload(Call.committee), selectinload(Call.categories)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def committee_calls(user) -> list[Call]:
    from ..accounts.permissions import org_ids
    from ..accounts.models import OrgKind

    ids = org_ids(user, OrgKind.COMMITTEE)
    return list(db.session.scalars(
        sa.select(Call).where(Call.committee_id.in_(ids or [-1]))
        .options(joinedload(Call.committee), selectinload(Call.categories))
        .order_by(Call.created_at.desc(), Call.id.desc())
    ))


# --- categories -----------------------------------------------------------------------------------

def active_categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).where(Category.active).order_by(Category.position, Category.id)))


def all_categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.id)))


def save_category(user, name: str, position: int = 0, category: Category | None = None) -> Category:
    if not is_committee(user):
        raise PermissionDenied(N_("只有主办方可以管理服务领域。"))
    name = (name or "").strip()
    if not name:
        raise DomainError(N_("请填写服务领域名称。"), field="name")
    clash = db.session.scalar(sa.select(Category).where(Category.name == name))
    if clash is not None and clash is not category:
        raise DomainError(N_("已有同名的服务领域。"), field="name")
    if category is None:
        category = Category(name=name, position=position, active=True)
        db.session.add(category)
        action = "category.created"
    else:
        category.name, category.position = name, position
        action = "category.updated"
    record(user, action, category, f"服务领域“{name}”")
    db.session.commit()
    return category


def toggle_category(user, category: Category) -> Category:
    if not is_committee(user):
        raise PermissionDenied(N_("只有主办方可以管理服务领域。"))
    category.active = not category.active
    record(user, "category.activated" if category.active else "category.deactivated", category, f"服务领域“{category.name}”")
    db.session.commit()
    return category
