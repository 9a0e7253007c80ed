"""Certificates (证书): a committee's design per call (or 对接会) and kind, and the issued records.

An issued certificate is an immutable record: every value printed on it — the texts as the design
had them, the recipient, the project, the award, the amounts, the issuers, the date — is frozen
in `values` at issue, so the PDF re-renders byte for byte from the record alone, whatever the
design or the call become later. Only its status changes: revoked (with a reason), or superseded
by a reissue, a new record with a new serial that points to the old one.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organization
from ..calls.models import Call
from ..extensions import db
from ..i18n import N_
from ..matching.models import MatchingSession
from ..states import StateEnum
from ..types import UTCDateTime, utcnow


class CertificateKind(enum.Enum):
    AWARD = "award"  # 获奖证书 / 荣誉证书: each final award of a call
    SPONSOR = "sponsor"  # 爱心企业证书: each sponsor with confirmed pledges in a settled session
    JUDGE = "judge"  # 评委聘书: each judge of a call
    COMPLETION = "completion"  # 结项证书: each grant whose final evaluation passed

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def letter(self) -> str:
        """The kind's part of a serial."""
        return {"award": "A", "sponsor": "S", "judge": "J", "completion": "C"}[self.value]


KIND_LABELS = {
    CertificateKind.AWARD: N_("获奖证书"),
    CertificateKind.SPONSOR: N_("爱心企业证书"),
    CertificateKind.JUDGE: N_("评委聘书"),
    CertificateKind.COMPLETION: N_("结项证书"),
}


class CertificateStatus(StateEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


CertificateStatus.define(
    labels={CertificateStatus.VALID: N_("有效"), CertificateStatus.REVOKED: N_("已撤销"),
            CertificateStatus.SUPERSEDED: N_("已更正（由新证书取代）")},
    transitions={CertificateStatus.VALID: {CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED}},
)


class Border(enum.Enum):
    CLASSIC = "classic"  # a double red rule
    CLOUD = "cloud"  # red rule with corner ornaments (祥云角花)
    GOLD = "gold"  # a gold frame
    PLAIN = "plain"  # a thin grey rule

    @property
    def label(self) -> str:
        return {"classic": N_("红色双线"), "cloud": N_("红色角花"), "gold": N_("金色边框"), "plain": N_("简洁细线")}[self.value]


class Orientation(enum.Enum):
    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"

    @property
    def label(self) -> str:
        return {"landscape": N_("横版"), "portrait": N_("竖版")}[self.value]


class CertificateDesign(db.Model):
    """What the committee sets for one kind of certificate of one call (or of one 对接会, sponsors')."""

    __tablename__ = "certificate_designs"
    __table_args__ = (
        sa.UniqueConstraint("call_id", "kind", name="uq_certificate_design_call_kind"),
        sa.UniqueConstraint("session_id", "kind", name="uq_certificate_design_session_kind"),
        sa.CheckConstraint("(call_id IS NULL) <> (session_id IS NULL)", name="one_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("calls.id"))
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("matching_sessions.id"))
    kind: Mapped[CertificateKind] = mapped_column(sa.Enum(CertificateKind, native_enum=False, length=20))
    title: Mapped[str] = mapped_column(sa.String(40))
    body: Mapped[str] = mapped_column(sa.Text)  # placeholders: portal/certificates/text.py
    closing: Mapped[str] = mapped_column(sa.String(200))
    issuers: Mapped[list] = mapped_column(sa.JSON, default=list)  # the issuing bodies' names, in order
    issue_date: Mapped[date | None] = mapped_column(sa.Date)  # None: the day each is issued
    signature_line: Mapped[str] = mapped_column(sa.String(200), default="")
    border: Mapped[Border] = mapped_column(sa.Enum(Border, native_enum=False, length=20), default=Border.CLASSIC)
    orientation: Mapped[Orientation] = mapped_column(sa.Enum(Orientation, native_enum=False, length=20),
                                                     default=Orientation.LANDSCAPE)
    seals: Mapped[list] = mapped_column(sa.JSON, default=list)  # storage keys of PNG seals, one per issuer at most
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    committee: Mapped[Organization] = relationship()
    call: Mapped[Call | None] = relationship()

    @property
    def audit_committee_id(self) -> int | None:
        return self.committee_id
    session: Mapped[MatchingSession | None] = relationship()


class Certificate(db.Model):
    """One issued certificate. Never edited but for its status."""

    __tablename__ = "certificates"
    __table_args__ = (
        sa.Index("ix_certificates_subject", "kind", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(60), unique=True)
    kind: Mapped[CertificateKind] = mapped_column(sa.Enum(CertificateKind, native_enum=False, length=20))
    # What it is for, e.g. "award:12", "sponsor:3:45" (session, organization), "judge:7:9" (call, user),
    # "completion:5" (grant): at most one valid certificate per kind and subject.
    subject: Mapped[str] = mapped_column(sa.String(60))
    sequence: Mapped[int] = mapped_column()  # its number among the scope's certificates of its kind
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("calls.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("matching_sessions.id"), index=True)
    design_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate_designs.id"))
    recipient_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(sa.String(200))
    values: Mapped[dict] = mapped_column(sa.JSON)  # everything printed on it, frozen at issue
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    public: Mapped[bool] = mapped_column(default=False)  # whether anyone may download the PDF
    status: Mapped[CertificateStatus] = mapped_column(
        sa.Enum(CertificateStatus, native_enum=False, length=20), default=CertificateStatus.VALID)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_reason: Mapped[str] = mapped_column(sa.Text, default="")
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"), unique=True)

    committee: Mapped[Organization] = relationship(foreign_keys=[committee_id])

    @property
    def audit_committee_id(self) -> int | None:
        return self.committee_id

    recipient_org: Mapped[Organization | None] = relationship(foreign_keys=[recipient_org_id])
    supersedes: Mapped[Certificate | None] = relationship(remote_side=[id], foreign_keys=[supersedes_id])
    superseded_by: Mapped[Certificate | None] = relationship(
        foreign_keys=[supersedes_id], primaryjoin="Certificate.id == Certificate.supersedes_id", viewonly=True,
        uselist=False)
