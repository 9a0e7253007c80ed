"""Issued certificates over their life: one valid per recipient, revoked with a reason, corrected by a
reissue that points to the old one; each step audited. Anyone verifies a serial — valid, revoked or
superseded — while an unknown one reveals nothing; the signed credential checks offline."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.audit import AuditEvent
from portal.certificates import services
from portal.certificates.credential import CredentialError, verify_credential
from portal.certificates.models import Certificate, CertificateKind, CertificateStatus
from portal.errors import DomainError, PermissionDenied
from portal.extensions import db

from ..conftest import login
from .helpers import certificate_world, saved_design


@pytest.fixture
def issued(app):
    world = certificate_world()
    design = saved_design(world, CertificateKind.AWARD)
    with app.test_request_context():
        certificate = services.issue_certificate(world.maker, design, services.pending_recipients(design)[0])
    return world, design, certificate


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("certificate%"))
                                   .order_by(AuditEvent.id)))


def test_one_valid_certificate_per_recipient_and_only_the_committee_issues(app, issued):
    world, design, certificate = issued
    assert services.pending_recipients(design) == []
    recipient = services.recipients(design.kind, call=world.call)[0]
    with app.test_request_context():
        with pytest.raises(DomainError, match="已有有效的证书"):
            services.issue_certificate(world.maker, design, recipient)
        with pytest.raises(PermissionDenied):
            services.issue_certificate(world.ngo_user, design, recipient)
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 1
    assert actions() == ["certificate_design.saved", "certificate.issued"]
    assert certificate.serial.startswith("PH2026-") and "-A0001-" in certificate.serial


def test_revoking_needs_a_reason_and_shows_on_the_verification_page(app, client, issued):
    world, design, certificate = issued
    with pytest.raises(DomainError, match="撤销原因"):
        services.revoke_certificate(world.maker, certificate, "  ")
    with pytest.raises(PermissionDenied):
        services.revoke_certificate(world.ngo_user, certificate, "获奖资格取消")
    services.revoke_certificate(world.maker, certificate, "获奖资格经复核取消")
    page = client.get(f"/verify/{certificate.serial.lower()}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已于" in text and "撤销" in text and "获奖资格经复核取消" in text
    status = client.get(f"/verify/{certificate.serial}/status.json").get_json()
    assert status["revokedCredentials"][0]["revocationReason"] == "获奖资格经复核取消"
    assert actions()[-1] == "certificate.revoked"


def test_a_correction_is_a_new_serial_pointing_to_the_old_one(app, client, issued):
    world, design, certificate = issued
    design.title = "获奖证书"
    db.session.commit()
    with app.test_request_context():
        replacement = services.reissue_certificate(world.maker, certificate)
    assert replacement.serial != certificate.serial and replacement.supersedes_id == certificate.id
    assert certificate.status == CertificateStatus.SUPERSEDED and replacement.values["title"] == "获奖证书"
    old = client.get(f"/verify/{certificate.serial}").get_data(as_text=True)
    assert "已更正" in old and replacement.serial in old
    new = client.get(f"/verify/{replacement.serial}").get_data(as_text=True)
    assert "这是一张有效的证书" in new and certificate.serial in new
    assert actions()[-2:] == ["certificate.issued", "certificate.superseded"]


def test_the_verification_page_shows_the_record_and_an_unknown_serial_nothing(client, issued):
    world, design, certificate = issued
    page = client.get(f"/verify/{certificate.serial}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "这是一张有效的证书" in text
    for expected in (world.ngo.name, "银龄食堂", "最佳项目奖", world.committee.name, certificate.serial):
        assert expected in text
    for serial in (certificate.serial[:-1] + ("X" if certificate.serial[-1] != "X" else "Y"), "PH2026-2026-A0002-0000",
                   "<script>", "x" * 500):
        missing = client.get(f"/verify/{serial}")
        body = missing.get_data(as_text=True)
        assert missing.status_code == 404 and "未找到" in body and world.ngo.name not in body


def test_the_credential_is_signed_and_checks_against_the_published_key(client, issued):
    world, design, certificate = issued
    token = client.get(f"/verify/{certificate.serial}/credential.jwt").get_data(as_text=True)
    jwk = client.get("/certificates/keys.json").get_json()["keys"][0]
    document = verify_credential(token, jwk)
    assert document["id"] == f"http://localhost/verify/{certificate.serial}"
    assert document["credentialSubject"]["achievement"]["achievementType"] == "Award"
    assert document["issuer"]["name"] == world.committee.name
    assert document["issuer"]["id"] == f"http://localhost/certificates/issuers/{world.committee.id}.json"
    assert client.get(f"/certificates/issuers/{world.committee.id}.json").get_json()["name"] == world.committee.name
    tampered = token.replace(token.split(".")[1][:8], "A" * 8, 1)
    with pytest.raises(CredentialError):
        verify_credential(tampered, jwk)


def test_only_the_recipient_and_the_committee_download_a_private_certificate(app, issued):
    world, design, certificate = issued
    url = f"/certificates/{certificate.id}.pdf"
    assert app.test_client().get(url).status_code == 302  # to the login page
    for user, code in ((world.ngo_user, 200), (world.maker, 200), (world.sponsors[0].user, 403)):
        client = app.test_client()
        login(client, user)
        response = client.get(url)
        assert response.status_code == code
        if code == 200:
            assert response.data[:5] == b"%PDF-" and services.sha256(response.data) == certificate.pdf_sha256
