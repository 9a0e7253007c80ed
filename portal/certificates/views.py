"""Certificate pages: the public verification of a serial, and the PDF for those allowed to have it."""
from __future__ import annotations

import re
import time

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from ..accounts.models import Organization, OrgKind
from ..accounts.permissions import access, acting_user
from ..downloads import file_response
from ..extensions import db, limiter
from ..links import absolute_url
from . import credentials
from .models import Certificate, CertificateStatus
from .permissions import can_download
from .services import certificate_pdf

bp = Blueprint("certificates", __name__)

SERIAL = re.compile(r"[A-Z0-9][A-Z0-9-]{5,59}")
# Every verification takes at least this long, found or not, so that timing tells nothing.
VERIFY_FLOOR_SECONDS = 0.05
VERIFY_LIMIT = "30 per minute"


def _find(serial: str) -> Certificate | None:
    serial = serial.strip().upper()
    if not SERIAL.fullmatch(serial):
        serial = "-"  # still one query: malformed and unknown serials take the same path
    return db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))


@bp.route("/verify/<serial>")
@limiter.limit(VERIFY_LIMIT, error_message="验证过于频繁，请稍后再试。")
@access("public")
def verify(serial: str):
    started = time.perf_counter()
    certificate = _find(serial)
    replacement = None
    if certificate is not None and certificate.status == CertificateStatus.SUPERSEDED:
        replacement = db.session.scalar(sa.select(Certificate).where(Certificate.supersedes_id == certificate.id))
    html = render_template("certificates/verify.html", certificate=certificate, replacement=replacement,
                           serial=serial[:60], CertificateStatus=CertificateStatus)
    time.sleep(max(0.0, VERIFY_FLOOR_SECONDS - (time.perf_counter() - started)))
    return html, (200 if certificate is not None else 404)


@bp.route("/certificates/<int:certificate_id>.pdf")
@access("public")
def download(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id) or abort(404)
    user = acting_user()
    if not can_download(user, certificate):
        if user is None:  # perhaps the recipient, not yet logged in
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        abort(403)
    name = f"{certificate.serial}-{certificate.recipient_name}.pdf"
    return file_response(certificate_pdf(certificate), "application/pdf", name, fallback=f"{certificate.serial}.pdf")


def _issued_or_404(serial: str) -> Certificate:
    return _find(serial) or abort(404)


@bp.route("/verify/<serial>/credential.jwt")
@limiter.limit(VERIFY_LIMIT, error_message="验证过于频繁，请稍后再试。")
@access("public")
def credential(serial: str):
    """The Open Badges 3.0 credential of the certificate, signed (a compact JWS; keys at /certificates/keys.json)."""
    certificate = _issued_or_404(serial)
    return Response(credentials.signed_credential(certificate), mimetype="application/jwt",
                    headers={"Content-Disposition": f'attachment; filename="{certificate.serial}.jwt"'})


@bp.route("/verify/<serial>/status.json")
@access("public")
def status(serial: str):
    """The credential's revocation status (a 1EdTech revocation list of this one credential)."""
    certificate = _issued_or_404(serial)
    url = absolute_url("certificates.verify", serial=certificate.serial)
    revoked = [] if certificate.status == CertificateStatus.VALID else [
        {"id": url, "revocationReason": certificate.revoked_reason or "superseded"}]
    return jsonify({"id": absolute_url("certificates.status", serial=certificate.serial), "revokedCredentials": revoked})


@bp.route("/certificates/keys.json")
@access("public")
def keys():
    return jsonify(credentials.jwks())


@bp.route("/certificates/issuers/<int:org_id>.json")
@access("public")
def issuer(org_id: int):
    """The issuing committee's Open Badges profile, for those who follow a credential's issuer id."""
    committee = db.session.get(Organization, org_id)
    if committee is None or committee.kind != OrgKind.COMMITTEE:
        abort(404)
    profile = {"@context": ["https://www.w3.org/ns/credentials/v2",
                            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
               "id": absolute_url("certificates.issuer", org_id=committee.id), "type": ["Profile"], "name": committee.name}
    if committee.uscc:
        profile["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": f"CN-USCI-{committee.uscc}",
                                       "identifierType": "identifier"}]
    return jsonify(profile)
