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
from .models import (
    COMPANY_FORMS,
    INDIVIDUAL_SPONSOR_FORM,
    LEGAL_FORMS,
    MemberRole,
    Membership,
    Organization,
    OrgKind,
    OrgStatus,
    User,
)
from .notifications import notify_organization
from .permissions import can_manage_org, can_verify_org
from .permissions import org_ids as org_ids_of_kind
from .uscc import check_uscc, normalize_uscc

FIELDS = (
    "name", "legal_form", "uscc", "supervising_org", "province", "city", "district",
    "contact_name", "contact_phone", "address", "founded_on", "introduction", "board_name", "board_anonymous",
)
REGISTRABLE_KINDS = (OrgKind.NGO, OrgKind.COMPANY, OrgKind.DEPARTMENT)


class UsccNeedsConfirmation(DomainError):
    """The code has the right form but a wrong check character: ask the user to confirm."""


def _clean(kind: OrgKind, data: dict, confirm_uscc: bool, org: Organization | None = None) -> dict:
    """The details as they are stored. The USCC is required of an NGO, or else its supervising
    organization (a grass-roots team); a department (村/社区 often have one) and a sponsor may give
    one; an individual donor (个人爱心人士, an organization of one) has none. Only a sponsor has a name
    for the board and may be shown anonymously."""
    values = {k: data.get(k) for k in FIELDS if k in data}
    for key, value in list(values.items()):
        if isinstance(value, str):
            values[key] = value.replace("\x00", "").strip() or None
    if not values.get("name"):
        raise DomainError(N_("请填写组织名称。"), field="name")
    legal_form = values.get("legal_form", org.legal_form if org is not None else None)
    if kind != OrgKind.COMMITTEE and legal_form not in LEGAL_FORMS.get(kind.value, ()):
        raise DomainError(N_("请选择组织形式。"), field="legal_form")
    _clean_board(kind, values)
    individual = kind == OrgKind.COMPANY and legal_form == INDIVIDUAL_SPONSOR_FORM
    if individual and values.get("uscc"):
        raise DomainError(N_("个人爱心人士没有统一社会信用代码，请留空。"), field="uscc")
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
    elif kind == OrgKind.NGO and not values.get("supervising_org"):
        raise DomainError(N_("请填写统一社会信用代码；没有代码的基层团队请填写业务主管或挂靠单位。"), field="uscc")
    founded = values.get("founded_on")
    if isinstance(founded, date) and founded > date.today():
        raise DomainError(N_("成立日期不能晚于今天。"), field="founded_on")
    return values


def _clean_board(kind: OrgKind, values: dict) -> None:
    if kind != OrgKind.COMPANY:
        values.pop("board_name", None)
        values.pop("board_anonymous", None)
        return
    if "board_anonymous" in values:
        values["board_anonymous"] = bool(values["board_anonymous"])
    if len(values.get("board_name") or "") > 100:
        raise DomainError(N_("展示名称最多 100 个字。"), field="board_name")


def register_organization(actor: User, kind: OrgKind, data: dict, confirm_uscc: bool = False) -> Organization:
    """A logged-in user registers an NGO, a sponsor (a company, foundation, association, or an
    individual donor as an organization of one) or a department (政府部门 / 街道 / 社区 / 村, which posts
    needs) and becomes its owner; it waits for the committee's review."""
    if actor is None:
        raise PermissionDenied(N_("请先登录。"))
    if kind not in REGISTRABLE_KINDS:
        raise DomainError(N_("只能登记公益组织、爱心企业/资助方或需求方。"), field="kind")
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


# What a verified organization may do now (mail text: Chinese on purpose).
VERIFIED_NEXT = {
    OrgKind.NGO: "您的组织已通过主办方审核，现在可以提交项目申报。",
    OrgKind.COMPANY: "您的组织已通过主办方审核，现在可以浏览对接会的项目并认捐。",
    OrgKind.DEPARTMENT: "您的组织已通过主办方审核，现在可以在对接会中发布服务需求。",
}


def verify_organization(actor: User, org: Organization) -> Organization:
    if not can_verify_org(actor, org):
        raise PermissionDenied(N_("只有主办方可以审核组织。"))
    org.status.check_transition(OrgStatus.VERIFIED)
    org.status = OrgStatus.VERIFIED
    org.rejection_reason = None
    org.verified_at = utcnow()
    org.verified_by_id = actor.id
    record(actor, "organization.verified", org, f"认证组织“{org.name}”")
    notify_organization(org, f"组织“{org.name}”已通过认证", VERIFIED_NEXT.get(org.kind, VERIFIED_NEXT[OrgKind.NGO]),
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
