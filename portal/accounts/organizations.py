"""Organization rules: registration, editing, verification, committees."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..audit import record
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..links import absolute_url
from ..types import utcnow
from .models import COMPANY_FORMS, NGO_FORMS, MemberRole, Membership, OrgKind, Organization, OrgStatus, User
from .notifications import notify_organization
from .permissions import can_manage_org, can_verify_org, org_ids as org_ids_of_kind
from .uscc import check_uscc, normalize_uscc

FIELDS = (
    "name", "legal_form", "uscc", "supervising_org", "province", "city", "district",
    "contact_name", "contact_phone", "address", "founded_on", "introduction",
)


class UsccNeedsConfirmation(DomainError):
    """The code has the right form but a wrong check character: ask the user to confirm."""


def _clean(kind: OrgKind, data: dict, confirm_uscc: bool, org: Organization | None = None) -> dict:
    values = {k: data.get(k) for k in FIELDS if k in data}
    for key, value in list(values.items()):
        if isinstance(value, str):
            values[key] = value.strip() or None
    if not values.get("name"):
        raise DomainError(N_("请填写组织名称。"), field="name")
    forms = NGO_FORMS if kind == OrgKind.NGO else COMPANY_FORMS
    if kind != OrgKind.COMMITTEE and values.get("legal_form") not in forms:
        raise DomainError(N_("请选择组织形式。"), field="legal_form")
    code = normalize_uscc(values.get("uscc")) or None
    values["uscc"] = code
    values["uscc_check_failed"] = False
    if code:
        ok_form, ok_check = check_uscc(code)
        if not ok_form:
            raise DomainError(N_("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）。"), field="uscc")
        if not ok_check:
            if not confirm_uscc:
                raise UsccNeedsConfirmation(N_("该代码的校验位与国家标准不符，请核对证书；如确认无误，请勾选确认后再提交。"), field="uscc")
            values["uscc_check_failed"] = True
        query = sa.select(Organization.id).where(Organization.uscc == code)
        if org is not None and org.id:
            query = query.where(Organization.id != org.id)
        if db.session.scalar(query) is not None:
            raise DomainError(N_("该统一社会信用代码已被其他组织注册。"), field="uscc")
    elif kind != OrgKind.COMMITTEE and not values.get("supervising_org"):
        raise DomainError(N_("请填写统一社会信用代码；没有代码的基层团队请填写业务主管或挂靠单位。"), field="uscc")
    founded = values.get("founded_on")
    if isinstance(founded, date) and founded > date.today():
        raise DomainError(N_("成立日期不能晚于今天。"), field="founded_on")
    return values


def register_organization(actor: User, kind: OrgKind, data: dict, confirm_uscc: bool = False) -> Organization:
    """A logged-in user registers an NGO or company and becomes its owner; it waits for review."""
    if actor is None:
        raise PermissionDenied(N_("请先登录。"))
    if kind not in (OrgKind.NGO, OrgKind.COMPANY):
        raise DomainError(N_("只能登记公益组织或爱心企业。"), field="kind")
    values = _clean(kind, data, confirm_uscc)
    org = Organization(kind=kind, status=OrgStatus.PENDING, **values)
    db.session.add(org)
    db.session.add(Membership(user=actor, organization=org, role=MemberRole.OWNER))
    record(actor, "organization.registered", org, f"登记组织“{org.name}”", {"kind": kind, "uscc": org.uscc,
           "uscc_check_failed": org.uscc_check_failed})
    db.session.commit()
    return org


def update_organization(actor: User, org: Organization, data: dict, confirm_uscc: bool = False) -> Organization:
    """The owner edits details; a rejected organization is resubmitted (REJECTED → PENDING)."""
    if not can_manage_org(actor, org):
        raise PermissionDenied(N_("只有组织负责人可以修改组织信息。"))
    values = _clean(org.kind, data, confirm_uscc, org)
    for key, value in values.items():
        setattr(org, key, value)
    record(actor, "organization.updated", org, f"修改组织“{org.name}”信息")
    if org.status == OrgStatus.REJECTED:
        org.status.check_transition(OrgStatus.PENDING)
        org.status = OrgStatus.PENDING
        record(actor, "organization.resubmitted", org, f"组织“{org.name}”重新提交审核")
    db.session.commit()
    return org


def verify_organization(actor: User, org: Organization) -> Organization:
    if not can_verify_org(actor, org):
        raise PermissionDenied(N_("只有主办方可以审核组织。"))
    org.status.check_transition(OrgStatus.VERIFIED)
    org.status = OrgStatus.VERIFIED
    org.rejection_reason = None
    org.verified_at = utcnow()
    org.verified_by_id = actor.id
    record(actor, "organization.verified", org, f"认证组织“{org.name}”")
    notify_organization(org, f"组织“{org.name}”已通过认证", "您的组织已通过主办方审核，现在可以提交项目申报。",
                        absolute_url("accounts.org_detail", org_id=org.id))
    db.session.commit()
    return org


def reject_organization(actor: User, org: Organization, reason: str) -> Organization:
    if not can_verify_org(actor, org):
        raise PermissionDenied(N_("只有主办方可以审核组织。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(N_("请填写不通过的原因。"), field="reason")
    org.status.check_transition(OrgStatus.REJECTED)
    org.status = OrgStatus.REJECTED
    org.rejection_reason = reason
    record(actor, "organization.rejected", org, f"组织“{org.name}”未通过审核", {"reason": reason})
    notify_organization(org, f"组织“{org.name}”未通过认证", f"原因：{reason}\n请修改组织信息后重新提交。",
                        absolute_url("accounts.org_edit", org_id=org.id))
    db.session.commit()
    return org


def create_committee(name: str, owner_email: str, owner_name: str, password: str, **fields) -> Organization:
    """A verified committee (主办方) with its owner; for demo data and the CLI."""
    from .services import find_user_by_email, normalize_email

    user = find_user_by_email(owner_email)
    if user is None:
        user = User(email=normalize_email(owner_email), name=owner_name)
        user.set_password(password)
        db.session.add(user)
    org = Organization(kind=OrgKind.COMMITTEE, name=name, status=OrgStatus.VERIFIED, verified_at=utcnow(), **fields)
    db.session.add(org)
    db.session.add(Membership(user=user, organization=org, role=MemberRole.OWNER))
    record(None, "organization.committee_created", org, f"创建主办方“{name}”")
    db.session.commit()
    return org


def pending_organizations(kind: OrgKind | None = None) -> list[Organization]:
    query = (
        sa.select(Organization)
        .where(Organization.status == OrgStatus.PENDING, Organization.kind != OrgKind.COMMITTEE)
        .order_by(Organization.uscc_check_failed.desc(), Organization.created_at, Organization.id)
    )
    if kind is not None:
        query = query.where(Organization.kind == kind)
    return list(db.session.scalars(query))


def pending_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Organization.id)).where(
            Organization.status == OrgStatus.PENDING, Organization.kind != OrgKind.COMMITTEE
        )
    ) or 0


def record_sponsor(actor: User, name: str, legal_form: str = "企业") -> Organization:
    """A committee member records a sponsor that has no account (a pledge by a show of hands, an award
    funded by a foundation): a verified sponsor with no members, named as the committee typed it."""
    if actor is None or not org_ids_of_kind(actor, OrgKind.COMMITTEE):
        raise PermissionDenied(N_("只有主办方可以登记爱心企业。"))
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise DomainError(N_("请填写爱心企业名称。"), field="sponsor_name")
    if len(name) > 200:
        raise DomainError(N_("名称过长。"), field="sponsor_name")
    if legal_form not in COMPANY_FORMS:
        raise DomainError(N_("请选择组织形式。"), field="legal_form")
    existing = db.session.scalar(sa.select(Organization).where(Organization.kind == OrgKind.COMPANY, Organization.name == name))
    if existing is not None:
        return existing
    org = Organization(kind=OrgKind.COMPANY, name=name, legal_form=legal_form, status=OrgStatus.VERIFIED,
                       verified_at=utcnow(), verified_by_id=actor.id)
    db.session.add(org)
    record(actor, "organization.recorded", org, f"登记爱心企业“{name}”（无账号）", {"legal_form": legal_form})
    db.session.flush()
    return org
