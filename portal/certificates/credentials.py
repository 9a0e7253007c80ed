"""An issued certificate as a signed Open Badges 3.0 credential (credential.py builds and signs):
the record's values mapped to the credential's fields, the portal's signing key kept in the
instance folder, and the key's public half published for offline checks."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from ..links import absolute_url
from .credential import (
    credential_document,
    key_from_instance,
    public_jwk,
    sign_credential,
)
from .models import Certificate

KEY_ID_FRAGMENT = "#key-1"


def signing_key() -> bytes:
    configured = current_app.config.get("CERTIFICATE_SIGNING_KEY_FILE")
    path = Path(configured) if configured else Path(current_app.instance_path) / "certificate-signing-key.pem"
    return key_from_instance(path)


def key_id() -> str:
    return absolute_url("certificates.keys") + KEY_ID_FRAGMENT


def jwks() -> dict:
    return {"keys": [public_jwk(signing_key(), key_id())]}


def record_of(certificate: Certificate) -> dict:
    values, fields = certificate.values, certificate.values["fields"]
    committee = certificate.committee
    url = absolute_url("certificates.verify", serial=certificate.serial)
    achievement = "，".join(part for part in (fields.get("call") or fields.get("session"), fields.get("award")) if part)
    recipient_uscc = certificate.recipient_org.uscc if certificate.recipient_org is not None else None
    return {
        "url": url, "serial": certificate.serial, "kind": certificate.kind.value, "name": values["title"],
        "description": f"{values['kind_label']}：{certificate.recipient_name}",
        "achievement_name": achievement or values["title"],
        "achievement_id": url + "#achievement",
        "criteria": (fields.get("project") and f"项目：{fields['project']}") or values["title"],
        "recipient_name": certificate.recipient_name,
        "recipient_id": f"urn:uscc:{recipient_uscc}" if recipient_uscc else None,
        "issuer_id": absolute_url("certificates.issuer", org_id=committee.id),
        "issuer_name": committee.name, "issuer_uscc": committee.uscc,
        "valid_from": certificate.issued_at, "status_url": absolute_url("certificates.status", serial=certificate.serial),
        "revoked": certificate.status.value == "revoked",
    }


def signed_credential(certificate: Certificate) -> str:
    return sign_credential(credential_document(record_of(certificate)), signing_key(), key_id())
