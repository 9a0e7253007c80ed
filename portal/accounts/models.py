"""Users, organizations (NGO, company, committee), memberships, invitations, notifications."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..i18n import N_
from ..states import StateEnum
from ..types import UTCDateTime, utcnow


class OrgKind(enum.Enum):
    NGO = "ngo"
    COMPANY = "company"
    COMMITTEE = "committee"
    DEPARTMENT = "department"  # posts needs (领办) for NGOs to take on

    @property
    def label(self) -> str:
        return {
            "ngo": N_("公益组织"),
            "company": N_("爱心企业"),
            "committee": N_("主办方"),
            "department": N_("需求方"),
        }[self.value]


# Whoever runs a public-benefit project may apply; the legal form is recorded, not restricted.
NGO_FORMS = [N_("社会组织"), N_("志愿服务队"), N_("事业单位"), N_("村(社区)"), N_("机关"), N_("群团组织"), N_("其他")]
# A sponsor's kind; a 个人爱心人士 pledges through an organization of one.
COMPANY_FORMS = [N_("企业"), N_("基金会"), N_("社会团体"), N_("个人爱心人士")]
INDIVIDUAL_SPONSOR_FORM = "个人爱心人士"
DEPARTMENT_FORMS = [N_("政府部门"), N_("街道"), N_("社区"), N_("村")]
# The legal forms an organization of each kind may give (a committee gives any or none).
LEGAL_FORMS = {"ngo": NGO_FORMS, "company": COMPANY_FORMS, "department": DEPARTMENT_FORMS}


class OrgStatus(StateEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


OrgStatus.define(
    labels={OrgStatus.PENDING: N_("待审核"), OrgStatus.VERIFIED: N_("已认证"), OrgStatus.REJECTED: N_("未通过")},
    transitions={
        OrgStatus.PENDING: {OrgStatus.VERIFIED, OrgStatus.REJECTED},
        # A rejected organization corrects its details and asks again.
        OrgStatus.REJECTED: {OrgStatus.PENDING},
    },
)


class MemberRole(enum.Enum):
    OWNER = "owner"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return {"owner": N_("负责人"), "member": N_("成员")}[self.value]


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    # Judges are individuals the committee invites; they need no organization.
    is_judge: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the user opens an emailed confirmation link (or accepts an invitation, or resets the
    # password, which proves the same); public votes count only confirmed accounts.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    audit_committee_id = None  # its events concern every committee (portal.audit)


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(sa.Enum(OrgKind, native_enum=False, length=20), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    legal_form: Mapped[str | None] = mapped_column(sa.String(40))  # 社会组织 / 志愿服务队 / 企业 …
    uscc: Mapped[str | None] = mapped_column(sa.String(18), unique=True)  # 统一社会信用代码
    # The code failed the GB 32100 check character but the user confirmed it: the verifier looks closer.
    uscc_check_failed: Mapped[bool] = mapped_column(default=False)
    supervising_org: Mapped[str | None] = mapped_column(sa.String(200))  # grass-roots teams without a code
    province: Mapped[str | None] = mapped_column(sa.String(40))
    city: Mapped[str | None] = mapped_column(sa.String(40))
    district: Mapped[str | None] = mapped_column(sa.String(40))
    contact_name: Mapped[str | None] = mapped_column(sa.String(100))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(30))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    founded_on: Mapped[date | None] = mapped_column(sa.Date)
    introduction: Mapped[str | None] = mapped_column(sa.Text)
    # A sponsor's name on the venue board and public pages; anonymous ones show as 爱心企业 / 爱心人士.
    board_name: Mapped[str | None] = mapped_column(sa.String(100))
    board_anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[OrgStatus] = mapped_column(
        sa.Enum(OrgStatus, native_enum=False, length=20), default=OrgStatus.PENDING, index=True
    )
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="organization", cascade="all, delete-orphan")

    @property
    def region(self) -> str:
        return " ".join(part for part in (self.province, self.city, self.district) if part)

    @property
    def is_verified(self) -> bool:
        return self.status == OrgStatus.VERIFIED

    @property
    def public_name(self) -> str:
        """How a sponsor is named where the public and other sponsors read it."""
        if self.board_anonymous:
            return N_("爱心人士") if self.legal_form == INDIVIDUAL_SPONSOR_FORM else N_("爱心企业")
        return self.board_name or self.name

    @property
    def kind_label(self) -> str:
        """What to call it: a 社会组织 is a 公益组织, any other applicant goes by its 组织形式 (a 村(社区) or a
        机关 is no 公益组织), or 申报单位 when it gave none; a sponsor by its form too (企业, 基金会 …)."""
        if self.kind == OrgKind.COMMITTEE or self.legal_form == NGO_FORMS[0]:
            return self.kind.label
        if not self.legal_form or self.legal_form == "其他":
            return N_("申报单位") if self.kind == OrgKind.NGO else self.kind.label
        return self.legal_form

    audit_committee_id = None  # its events concern every committee (portal.audit)


class Membership(db.Model):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(sa.Enum(MemberRole, native_enum=False, length=20), default=MemberRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")

    __table_args__ = (sa.UniqueConstraint("user_id", "organization_id", name="uq_memberships_user_org"),)

    audit_committee_id = None  # its events concern every committee (portal.audit)


class InvitationKind(enum.Enum):
    MEMBER = "member"  # joins an organization
    JUDGE = "judge"  # an individual judge, invited by a committee
    MENTOR = "mentor"  # a funded project's mentor (孵化导师), invited by a committee; not a judge


class Invitation(db.Model):
    """An emailed link that creates (or attaches) an account; the link sets the password."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InvitationKind] = mapped_column(sa.Enum(InvitationKind, native_enum=False, length=20))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization | None] = relationship()

    audit_committee_id = None  # its events concern every committee (portal.audit)


class Notification(db.Model):
    """An in-app message to one user (the bell in the navigation)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    audit_committee_id = None  # its events concern every committee (portal.audit)
