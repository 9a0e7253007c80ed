"""Certificate pages: the public verification of a serial, and the PDF for those allowed to have it."""
from __future__ import annotations

import re
import time

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..accounts.permissions import access, acting_user
from ..downloads import file_response
from ..extensions import db, limiter
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


@bp.route("/verify/<path:serial>")
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
