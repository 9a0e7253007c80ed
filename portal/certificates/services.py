"""Certificate rules: the design of a kind for a call or session, issuing (one, or every recipient
not yet holding a valid one), revoking and reissuing. Each is one audited call; callable without a
request (the batch job runs them)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..accounts.models import User
from ..audit import record
from ..calls.models import Call
from ..calls.organizers import organizers_of
from ..errors import DomainError, PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..locks import lock_row
from ..matching.models import MatchingSession
from ..types import local_today, utcnow
from .models import (
    KIND_LABELS,
    Certificate,
    CertificateDesign,
    CertificateKind,
    CertificateStatus,
)
from .permissions import can_manage_certificates
from .recipients import Recipient, recipients
from .rendering import render_certificate, sha256
from .text import DEFAULT_CLOSING, PLACEHOLDER_NAMES, chinese_date, validate_text

# A serial's random part: 4 characters of Crockford's base 32 (no I, L, O, U): 20 bits nobody can guess.
CHECK_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Certificate wording (Chinese on purpose: what is printed), per kind: title, body, closing.
DEFAULT_TEXTS = {
    CertificateKind.AWARD: ("荣誉证书", "{{ recipient }}：\n你单位申报的“{{ project }}”项目在{{ call }}中荣获{{ award }}。",
                            DEFAULT_CLOSING),
    CertificateKind.SPONSOR: ("爱心企业证书", ("{{ recipient }}：\n感谢贵单位在{{ session }}中慷慨捐资{{ amount_upper }}"
                                              "（{{ amount }}），支持{{ project }}的开展，为公益事业作出了积极贡献。"),
                              "特发此证，以表谢忱。"),
    CertificateKind.JUDGE: ("聘书", "兹聘请{{ recipient }}为{{ call }}{{ role }}。", "特发此聘书。"),
    CertificateKind.COMPLETION: ("结项证书", ("{{ recipient }}：\n你单位承接的“{{ project }}”项目已完成{{ call }}"
                                          "资助协议约定的各项内容，经评估合格，准予结项。"), "特发此证。"),
}


@dataclass
class Scope:
    """A call, or for sponsors' certificates a matching session."""

    call: Call | None = None
    session: MatchingSession | None = None

    @property
    def committee_id(self) -> int:
        return (self.call or self.session).committee_id

    @property
    def title(self) -> str:
        return (self.call or self.session).title

    @property
    def code(self) -> str:
        return self.call.code if self.call is not None else f"DJ{self.session.id}"


def scope_of(design: CertificateDesign) -> Scope:
    return Scope(design.call, design.session)


def _require(actor: User | None, scope: Scope) -> None:
    if not can_manage_certificates(actor, scope.committee_id):
        raise PermissionDenied(N_("只有主办方成员可以管理证书。"))


def default_issuers(scope: Scope) -> list[str]:
    if scope.call is not None:
        return [organizer.name for organizer in organizers_of(scope.call)]
    return [scope.session.committee.name]


def design_for(scope: Scope, kind: CertificateKind) -> CertificateDesign:
    """The scope's design of `kind`, or a new unsaved one with the default texts and issuers."""
    where = (CertificateDesign.call_id == scope.call.id if scope.call is not None
             else CertificateDesign.session_id == scope.session.id)
    design = db.session.scalar(sa.select(CertificateDesign).where(where, CertificateDesign.kind == kind))
    if design is None:
        title, body, closing = DEFAULT_TEXTS[kind]
        design = CertificateDesign(committee_id=scope.committee_id, call=scope.call, session=scope.session, kind=kind,
                                   title=title, body=body, closing=closing, issuers=default_issuers(scope))
    return design


def frozen_values(design: CertificateDesign, recipient: Recipient, issue_date: date) -> dict:
    """Everything printed on the certificate, as plain values: the record renders from these alone."""
    fields = {name: "" for name in PLACEHOLDER_NAMES if name != "serial"} | recipient.fields
    if not fields.get("issue_date"):
        fields["issue_date"] = chinese_date(issue_date)
    return {"title": design.title, "body": design.body, "closing": design.closing, "issuers": list(design.issuers),
            "issue_date": issue_date.isoformat(), "signature_line": design.signature_line,
            "border": design.border.value, "orientation": design.orientation.value,
            "kind_label": str(KIND_LABELS[design.kind]), "fields": fields, "seals": list(design.seals or [])}


def _serial(scope: Scope, kind: CertificateKind, year: int, sequence: int) -> str:
    check = "".join(secrets.choice(CHECK_ALPHABET) for _ in range(4))
    return f"{scope.code}-{year}-{kind.letter}{sequence:04d}-{check}"


def _next_sequence(design: CertificateDesign) -> int:
    scope_column = Certificate.call_id if design.call_id is not None else Certificate.session_id
    last = db.session.scalar(sa.select(sa.func.max(Certificate.sequence)).where(
        scope_column == (design.call_id or design.session_id), Certificate.kind == design.kind))
    return (last or 0) + 1


def valid_certificate(kind: CertificateKind, subject: str) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.kind == kind, Certificate.subject == subject, Certificate.status == CertificateStatus.VALID))


def _issue(actor: User | None, design: CertificateDesign, recipient: Recipient, supersedes: Certificate | None = None
           ) -> Certificate:
    """Render first (a missing font or a bad text stops here, before any row), then write the record."""
    scope = scope_of(design)
    issue_date = design.issue_date or local_today()
    values = frozen_values(design, recipient, issue_date)
    sequence = _next_sequence(design)
    serial = _serial(scope, design.kind, issue_date.year, sequence)
    pdf = render_certificate(values, serial)
    certificate = Certificate(
        serial=serial, kind=design.kind, subject=recipient.subject, sequence=sequence, committee_id=design.committee_id,
        call_id=design.call_id, session_id=design.session_id, design_id=design.id, recipient_org_id=recipient.org_id,
        recipient_user_id=recipient.user_id, recipient_name=recipient.name, values=values, pdf_sha256=sha256(pdf),
        issued_by_id=actor.id if actor else None, supersedes_id=supersedes.id if supersedes else None)
    db.session.add(certificate)
    record(actor, "certificate.issued", certificate, f"颁发{values['kind_label']}：{recipient.name}（{serial}）",
           {"serial": serial, "kind": design.kind.value, "subject": recipient.subject,
            "supersedes": supersedes.serial if supersedes else None})
    return certificate


def save_design(actor: User | None, design: CertificateDesign) -> CertificateDesign:
    """Store a design (new or changed) after checking its texts render."""
    _require(actor, scope_of(design))
    validate_text(design.body)  # raises CertificateTextError naming the problem
    if design.id is None:
        db.session.add(design)
    design.updated_by_id = actor.id if actor else None
    record(actor, "certificate_design.saved", design, f"保存证书模板：{scope_of(design).title} {KIND_LABELS[design.kind]}",
           {"kind": design.kind.value, "title": design.title})
    db.session.commit()
    return design


def pending_recipients(design: CertificateDesign) -> list[Recipient]:
    """The scope's recipients of the design's kind who hold no valid certificate of it yet."""
    scope = scope_of(design)
    people = recipients(design.kind, scope.call, scope.session)
    held = set(db.session.scalars(sa.select(Certificate.subject).where(
        Certificate.kind == design.kind, Certificate.status == CertificateStatus.VALID,
        Certificate.subject.in_([p.subject for p in people]))))
    return [p for p in people if p.subject not in held]


def issue_certificate(actor: User | None, design: CertificateDesign, recipient: Recipient) -> Certificate:
    """One certificate, committed; refused when the recipient already holds a valid one."""
    _require(actor, scope_of(design))
    if design.id is None:
        raise DomainError(N_("请先保存证书模板。"))
    lock_row(design)  # one issuer at a time per design: sequences stay gap-free and unique
    if valid_certificate(design.kind, recipient.subject) is not None:
        raise DomainError(N_("%(name)s 已有有效的证书。", name=recipient.name))
    certificate = _issue(actor, design, recipient)
    db.session.commit()
    return certificate


def revoke_certificate(actor: User | None, certificate: Certificate, reason: str) -> Certificate:
    if not can_manage_certificates(actor, certificate.committee_id):
        raise PermissionDenied(N_("只有主办方成员可以撤销证书。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(N_("请填写撤销原因。"), field="reason")
    if len(reason) > 2000:
        raise DomainError(N_("不能超过 %(n)s 个字。", n=2000), field="reason")
    lock_row(certificate, "status")
    certificate.status.check_transition(CertificateStatus.REVOKED)
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at, certificate.revoked_by_id, certificate.revoked_reason = utcnow(), actor.id, reason
    record(actor, "certificate.revoked", certificate, f"撤销证书 {certificate.serial}：{reason}",
           {"serial": certificate.serial, "reason": reason})
    db.session.commit()
    return certificate


def reissue_certificate(actor: User | None, certificate: Certificate) -> Certificate:
    """A correction: a new certificate from the current design and data, with a new serial, pointing to
    the old one, which becomes superseded."""
    if not can_manage_certificates(actor, certificate.committee_id):
        raise PermissionDenied(N_("只有主办方成员可以更正证书。"))
    design = db.session.get(CertificateDesign, certificate.design_id) if certificate.design_id else None
    if design is None:
        raise DomainError(N_("这张证书的模板已不存在，不能更正。"))
    lock_row(design)
    lock_row(certificate, "status")
    certificate.status.check_transition(CertificateStatus.SUPERSEDED)
    scope = scope_of(design)
    current = {p.subject: p for p in recipients(design.kind, scope.call, scope.session)}
    recipient = current.get(certificate.subject)
    if recipient is None:
        raise DomainError(N_("%(name)s 已不在获证名单中，不能更正；需要时请撤销。", name=certificate.recipient_name))
    certificate.status = CertificateStatus.SUPERSEDED
    db.session.flush()
    replacement = _issue(actor, design, recipient, supersedes=certificate)
    record(actor, "certificate.superseded", certificate, f"证书 {certificate.serial} 由 {replacement.serial} 更正",
           {"serial": certificate.serial, "replacement": replacement.serial})
    db.session.commit()
    return replacement


def certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF, rendered again from the record (the same bytes as at issue)."""
    return render_certificate(certificate.values, certificate.serial)
