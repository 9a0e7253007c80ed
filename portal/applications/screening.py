"""Screening (资格审查): the committee's queue and its three decisions on a submitted application.

Every decision checks permission (PermissionDenied), the state table (InvalidTransition), keeps the
reason on the application and in the message thread, audits, notifies the organization (mail after
commit) and commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from .. import audit
from ..accounts.models import Membership, OrgKind, Organization, User
from ..accounts.notifications import notify_organization
from ..accounts.permissions import org_ids
from .permissions import can_screen_application
from ..calls.models import Call, Category
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..links import absolute_url
from .models import Application, ApplicationMessage, ApplicationStatus, ApplicationVersion, BudgetLine
from .snapshot import diff_snapshots
from ..pagination import PageNumbers

PER_PAGE = 20
REASON_MAX = 2000

# --- the queue ---------------------------------------------------------------------------------

# status filter values: "" means the default (submitted, 待审查); "all" every non-draft application
STATUS_CHOICES = [
    ("", N_("待审查")),
    ("returned", ApplicationStatus.RETURNED.label),
    ("eligible", ApplicationStatus.ELIGIBLE.label),
    ("ineligible", ApplicationStatus.INELIGIBLE.label),
    ("withdrawn", ApplicationStatus.WITHDRAWN.label),
    ("all", N_("全部（不含草稿）")),
]


@dataclass
class QueueFilters:
    call_id: int | None = None
    status: str = ""
    category_id: int | None = None
    q: str = ""


@dataclass
class QueueRow:
    application: Application
    requested_amount: Decimal
    version_count: int


@dataclass
class QueuePage(PageNumbers):
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int = PER_PAGE
    calls: list[Call] = field(default_factory=list)


def committee_calls(user: User) -> list:
    """(id, title) of the user's committees' calls that have something to screen, for the filter.

    Plain rows rather than Call objects, and only calls with non-draft applications: a committee
    with years of calls should not pay for all of them on every page."""
    ids = org_ids(user, OrgKind.COMMITTEE)
    if not ids:
        return []
    with_applications = sa.select(Application.call_id).where(Application.status != ApplicationStatus.DRAFT)
    return list(db.session.execute(
        sa.select(Call.id, Call.title)
        .where(Call.committee_id.in_(ids), Call.id.in_(with_applications))
        .order_by(Call.created_at.desc(), Call.id.desc())
    ))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def screening_queue(user: User, filters: QueueFilters, page: int = 1) -> QueuePage:
    """Applications of the user's committees' calls, filtered; three queries whatever the page holds."""
    committee_ids = org_ids(user, OrgKind.COMMITTEE)
    # Correlated subqueries: the database sums lines and counts versions only for the page's rows.
    requested = (
        sa.select(sa.func.coalesce(sa.func.sum(BudgetLine.amount - BudgetLine.self_funded), 0))
        .where(BudgetLine.application_id == Application.id)
        .scalar_subquery()
    )
    versions = (
        sa.select(sa.func.count(ApplicationVersion.id))
        .where(ApplicationVersion.application_id == Application.id)
        .scalar_subquery()
    )
    conditions = [
        Application.call_id.in_(sa.select(Call.id).where(Call.committee_id.in_(committee_ids or {-1}))),
        Application.status != ApplicationStatus.DRAFT,
    ]
    if filters.call_id:
        conditions.append(Application.call_id == filters.call_id)
    if filters.status == "all":
        pass
    elif filters.status and filters.status in {s.value for s in ApplicationStatus} and filters.status != "draft":
        conditions.append(Application.status == ApplicationStatus(filters.status))
    else:
        conditions.append(Application.status == ApplicationStatus.SUBMITTED)
    if filters.category_id:
        conditions.append(Application.category_id == filters.category_id)
    keyword = (filters.q or "").strip()
    if keyword:
        pattern = f"%{_escape_like(keyword)}%"
        conditions.append(
            sa.or_(
                Application.reference.ilike(pattern, escape="\\"),
                Application.title.ilike(pattern, escape="\\"),
                Application.organization_id.in_(
                    sa.select(Organization.id).where(Organization.name.ilike(pattern, escape="\\"))
                ),
            )
        )
    total = db.session.scalar(sa.select(sa.func.count(Application.id)).where(*conditions)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    stmt = (
        sa.select(Application, requested.label("requested"), versions.label("versions"))
        .where(*conditions)
        .options(joinedload(Application.organization), joinedload(Application.call), joinedload(Application.category))
        .order_by(Application.submitted_at.asc(), Application.id.asc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    rows = [
        QueueRow(application, Decimal(amount or 0).quantize(Decimal("0.01")), int(count or 0))
        for application, amount, count in db.session.execute(stmt).unique()
    ]
    return QueuePage(rows=rows, total=total, page=page)


def all_categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.id)))


# --- versions ------------------------------------------------------------------------------------

ROW_FIELDS = {
    "activities": [("name", N_("活动名称")), ("starts_on", N_("开始")), ("ends_on", N_("结束")), ("milestone", N_("里程碑"))],
    "team_members": [("name", N_("姓名")), ("role", N_("角色")), ("qualification", N_("资质"))],
    "budget_lines": [
        ("category", N_("类别")), ("item", N_("明细")), ("unit_price", N_("单价")), ("quantity", N_("数量")),
        ("amount", N_("金额")), ("self_funded", N_("其中自筹")),
    ],
    "attachments": [("filename", N_("文件名")), ("kind", N_("类型")), ("size", N_("大小"))],
}
ROW_KEY = {"activities": "name", "team_members": "name", "budget_lines": "item", "attachments": "filename"}


def _row_text(section: str, row: dict) -> str:
    return "；".join(f"{label}：{row.get(key) if row.get(key) not in (None, '') else '—'}" for key, label in ROW_FIELDS[section])


def _list_changes(section: str, old: list, new: list) -> dict:
    """Rows removed, added and changed (paired by their name/item), each as readable text."""
    old_rows, new_rows = list(old or []), list(new or [])
    for row in list(old_rows):  # identical rows are not changes
        if row in new_rows:
            old_rows.remove(row)
            new_rows.remove(row)
    key = ROW_KEY[section]
    changed = []
    for row in list(old_rows):
        match = next((n for n in new_rows if n.get(key) == row.get(key)), None)
        if match is not None:
            old_rows.remove(row)
            new_rows.remove(match)
            fields = [
                {"label": label, "old": row.get(k), "new": match.get(k)}
                for k, label in ROW_FIELDS[section]
                if row.get(k) != match.get(k)
            ]
            changed.append({"name": row.get(key), "fields": fields})
    return {
        "removed": [_row_text(section, r) for r in old_rows],
        "added": [_row_text(section, r) for r in new_rows],
        "changed": changed,
    }


MONEY_KEYS = {"unit_price", "amount", "self_funded", "budget_total", "self_funded_total", "requested_amount"}


def _canonical_number(key: str, value):
    """"100" and "100.00" are the same quantity: a row loaded from the database and one just typed differ."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return value
    if not number.is_finite():
        return value
    if key in MONEY_KEYS:
        return str(number.quantize(Decimal("0.01")))
    return format(number.normalize(), "f")


def normalize_snapshot(snapshot: dict) -> dict:
    result = dict(snapshot or {})
    for key in MONEY_KEYS & set(result):
        result[key] = _canonical_number(key, result[key])
    for section in ROW_FIELDS:
        if isinstance(result.get(section), list):
            result[section] = [
                {k: _canonical_number(k, v) if k in MONEY_KEYS or k == "quantity" else v for k, v in row.items()}
                if isinstance(row, dict) else row
                for row in result[section]
            ]
    return result


def describe_changes(old: dict, new: dict) -> list[dict]:
    """diff_snapshots with list sections broken down into rows added / removed / changed."""
    changes = []
    for change in diff_snapshots(normalize_snapshot(old), normalize_snapshot(new)):
        item = dict(change)
        item["is_list"] = change["key"] in ROW_FIELDS
        if item["is_list"]:
            item["rows"] = _list_changes(change["key"], change["old"], change["new"])
        changes.append(item)
    return changes


def version_history(application: Application) -> list[dict]:
    """Each version, newest first, with what changed since the one before."""
    ordered = sorted(application.versions, key=lambda v: v.number)
    result = []
    for index, version in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        result.append({
            "version": version,
            "previous": previous,
            "changes": describe_changes(previous.snapshot or {}, version.snapshot or {}) if previous else None,
        })
    return list(reversed(result))


# --- the review page -------------------------------------------------------------------------------

def application_for_review(user: User, application_id: int) -> Application | None:
    """The application as the screening page shows it, with all it shows loaded; None when there is
    none to review (no such application, or a draft: a committee never sees drafts); PermissionDenied
    unless the user's committee runs its call."""
    application = db.session.scalar(
        sa.select(Application).where(Application.id == application_id).options(
            joinedload(Application.call),
            joinedload(Application.category),
            joinedload(Application.organization).selectinload(Organization.memberships).joinedload(Membership.user),
            selectinload(Application.activities),
            selectinload(Application.team_members),
            selectinload(Application.budget_lines),
            selectinload(Application.attachments),
            selectinload(Application.versions),
            selectinload(Application.messages),
        )
    )
    if application is None:
        return None
    if not can_screen_application(user, application):
        raise PermissionDenied(N_("只有主办该征集的组委会成员才能进行资格审查。"))
    return None if application.status == ApplicationStatus.DRAFT else application


# --- decisions -----------------------------------------------------------------------------------

DECISIONS = {
    # target status: (message kind, audit action, verb, notification title)
    ApplicationStatus.ELIGIBLE: ("eligible", "application.eligible", "资格审查通过", "资格审查通过"),
    ApplicationStatus.INELIGIBLE: ("ineligible", "application.ineligible", "资格审查未通过", "资格审查未通过"),
    ApplicationStatus.RETURNED: ("returned", "application.returned", "退回修改", "申报书被退回修改"),
}


def _link(application: Application) -> str:
    return absolute_url("applications.detail", application_id=application.id)


def _decide(user: User, application: Application, target: ApplicationStatus, reason: str | None, reason_required: bool) -> Application:
    if not can_screen_application(user, application):
        raise PermissionDenied(N_("只有主办该征集的组委会成员才能进行资格审查。"))
    application.status.check_transition(target)
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise DomainError(N_("请填写理由，申报组织会看到这段说明。"), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(N_("理由不能超过 %(n)s 个字。", n=REASON_MAX), field="reason")
    kind, action, verb, title = DECISIONS[target]
    previous = application.status
    application.status = target
    application.screening_note = reason or None
    label = application.reference or application.title
    body = f"您的项目“{application.title}”（{label}）{verb}。"
    if reason:
        body += f"\n{'说明' if target == ApplicationStatus.ELIGIBLE else '理由'}：{reason}"
    if target == ApplicationStatus.RETURNED:
        body += "\n请按意见修改后重新提交。"
    db.session.add(ApplicationMessage(
        application=application, author_id=user.id, author_name=user.display_name, kind=kind, body=body,
    ))
    audit.record(user, action, application, f"{verb}：{label}" + (f"（{reason}）" if reason else ""),
                 {"from": previous, "to": target, "reason": reason or None})
    notify_organization(application.organization, f"{title}：{label}", body, _link(application))
    db.session.commit()
    return application


def mark_eligible(user: User, application: Application, note: str | None = None) -> Application:
    """SUBMITTED → ELIGIBLE; the note is optional."""
    return _decide(user, application, ApplicationStatus.ELIGIBLE, note, reason_required=False)


def mark_ineligible(user: User, application: Application, reason: str | None) -> Application:
    """SUBMITTED → INELIGIBLE; the reason is required."""
    return _decide(user, application, ApplicationStatus.INELIGIBLE, reason, reason_required=True)


def return_for_changes(user: User, application: Application, reason: str | None) -> Application:
    """SUBMITTED → RETURNED; the NGO edits and resubmits. The reason is required."""
    return _decide(user, application, ApplicationStatus.RETURNED, reason, reason_required=True)
