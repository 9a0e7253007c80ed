"""The machine-readable form of an issued certificate: an Open Badges 3.0 ``OpenBadgeCredential``
(a W3C Verifiable Credential, data model 2.0) secured as a compact JWS signed with the portal's
Ed25519 key (VC-JOSE-COSE), so that anyone holding the public key can check it offline.

Pure Python plus ``cryptography``: no database, no request, no JOSE library. The JWS is built and
parsed here, strictly: one algorithm, one ``typ``, canonical base64url, no duplicate JSON keys.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

# VCDM 2.0 first, then the versioned OB 3.0 context (the spec pins the order), then the 1EdTech
# extensions context, which is what defines the "1EdTechRevocationList" status type we use.
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
ALG = "EdDSA"
TYP = "JWT"  # Open Badges 3.0 §8.2 (JWT proof format): typ, if present, "MUST be set to JWT"

# Certificate kind → OB 3.0 AchievementType, kept to the vocabulary's own terms (no "ext:") so that
# every wallet understands them. completion: "acknowledges completion of an assignment, training or
# other activity" fits 结项证书 better than "Certificate" (occupational knowledge and skills); judge:
# a member of the 评审委员会; sponsor: thanks for a contribution, neither an award nor community
# service, so the generic base term.
ACHIEVEMENT_TYPES = {
    "award": "Award", "completion": "CertificateOfCompletion", "judge": "Membership", "sponsor": "Achievement",
}
_JWT_CLAIMS = ("iss", "jti", "nbf", "sub")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")  # GB 32100-2015 alphabet: no I, O, S, V, Z


class CredentialError(Exception):
    """A credential could not be built, signed or verified."""


def _utc_z(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:  # CST or UTC? never guess under a signature
        raise CredentialError("valid_from must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_document(record: dict) -> dict:
    """The unsigned OpenBadgeCredential of one issued certificate (JSON-LD, stable key order)."""
    try:
        achievement_type = ACHIEVEMENT_TYPES[record["kind"]]
    except KeyError:
        raise CredentialError(f"unknown certificate kind: {record.get('kind')!r}") from None
    issuer: dict[str, Any] = {"id": record["issuer_id"], "type": ["Profile"], "name": record["issuer_name"]}
    uscc = (record.get("issuer_uscc") or "").strip().upper()
    if uscc:
        if not _USCC.fullmatch(uscc):
            raise CredentialError("issuer_uscc is not an 18-character unified social credit code")
        # CN-USCI: org-id.guide's prefix for the 统一社会信用代码 register; "identifier" is the
        # IdentifierTypeEnum term for a generic registered identifier.
        issuer["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": f"CN-USCI-{uscc}", "identifierType": "identifier"}
        ]
    subject: dict[str, Any] = {"id": record["recipient_id"]} if record.get("recipient_id") else {}
    subject["type"] = ["AchievementSubject"]
    # The name always travels, as on paper (plain: the verification page shows it anyway); with no
    # id it is what satisfies "either id or at least one identifier MUST be supplied".
    subject["identifier"] = [
        {"type": "IdentityObject", "identityHash": record["recipient_name"], "identityType": "name", "hashed": False}
    ]
    subject["achievement"] = {
        "id": record["achievement_id"], "type": ["Achievement"], "achievementType": achievement_type,
        "name": record["achievement_name"],
        "description": record.get("description") or record["achievement_name"],  # required by OB 3.0
        "criteria": {"narrative": record["criteria"]},
    }
    document: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": record["url"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": _utc_z(record["valid_from"]),
        "name": record["name"],
        # OB 3.0 has no "serial number" term; the wallet-facing description is where it is legible.
        "description": f"证书编号：{record['serial']}",
    }
    if record.get("image_url"):
        document["image"] = {"id": record["image_url"], "type": "Image", "caption": record["name"]}
    document["credentialSubject"] = subject
    # record["revoked"] is deliberately not written: revocation is read live at status_url, and the
    # signed document (hence the token) stays the same before and after.
    document["credentialStatus"] = {"id": record["status_url"], "type": "1EdTechRevocationList"}
    document["credentialSchema"] = [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    return document


def generate_key() -> bytes:
    """A new Ed25519 private key as unencrypted PEM (PKCS#8)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_signing_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise CredentialError("unreadable signing key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CredentialError("the signing key is not an Ed25519 key")
    return key


def public_jwk(key: Ed25519PrivateKey | Ed25519PublicKey | bytes, kid: str) -> dict:
    """The public half as an OKP JWK (RFC 8037), never with ``d``."""
    if isinstance(key, bytes):
        key = load_signing_key(key)
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64e(raw), "kid": kid, "alg": ALG, "use": "sig"}


def key_from_instance(path: Path) -> bytes:
    """The portal's signing key, kept at ``path`` (instance folder); created 0600 on first use."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # A private temp file hard-linked into place: the link is atomic and never overwrites, so
        # workers starting together neither read a half-written key nor end up with two keys.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), 0o600)  # exactly 0600 whatever the umask
                fh.write(generate_key())
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process won the race: everyone uses its key
        finally:
            tmp.unlink(missing_ok=True)
    pem = path.read_bytes()
    load_signing_key(pem)  # a damaged key fails at start-up, not at the first signature
    return pem


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    data = None
    if _B64URL.fullmatch(text) and len(text) % 4 != 1:
        try:
            data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            pass
    # Refuse non-canonical trailing bits too: they would let one token be spelled several ways.
    if data is None or _b64e(data) != text:
        raise CredentialError("bad base64url")
    return data


def _json_bytes(value: dict) -> bytes:
    # Insertion order, no spaces, raw UTF-8: same document, same bytes; Ed25519 is deterministic.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):  # parsers disagree on which duplicate wins: refuse them all
        raise CredentialError("duplicate JSON key")
    return result


def _json_object(data: bytes) -> dict:
    try:  # parse_constant: NaN and Infinity are not JSON, so they never came from us
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_nan)
    except (UnicodeDecodeError, ValueError) as exc:
        raise CredentialError("bad JSON") from exc
    if not isinstance(value, dict):
        raise CredentialError("JSON object expected")
    return value


def _no_nan(name: str) -> Any:
    raise CredentialError(f"bad JSON constant {name}")


def _claims(document: dict) -> dict:
    """The JWT claims OB 3.0 §8.2.2 requires next to the credential (iss, jti, nbf; sub when the
    subject has an id), each a copy of a credential property, so they can never disagree with it."""
    issuer = document.get("issuer")
    claims: dict[str, Any] = {
        "iss": issuer.get("id") if isinstance(issuer, dict) else issuer,
        "jti": document.get("id"),
    }
    try:
        valid_from = datetime.fromisoformat(document["validFrom"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CredentialError("validFrom missing or malformed") from exc
    if valid_from.tzinfo is None:
        raise CredentialError("validFrom has no time zone")
    claims["nbf"] = int(valid_from.timestamp())
    subject = document.get("credentialSubject")
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    if not isinstance(claims["iss"], str) or not isinstance(claims["jti"], str):
        raise CredentialError("issuer.id and id are required")
    return claims


def sign_credential(document: dict, private_key_pem: bytes, kid: str) -> str:
    """The credential as a compact JWS: header {alg, kid, typ}, payload = the credential's own JSON
    (VC-JOSE-COSE: the credential *is* the claims set, no ``vc`` wrapper) plus OB 3.0's claims."""
    if any(name in document for name in (*_JWT_CLAIMS, "vc", "vp")):
        raise CredentialError("the document already carries JWT claim names")
    key = load_signing_key(private_key_pem)
    header = _b64e(_json_bytes({"alg": ALG, "kid": kid, "typ": TYP}))
    payload = _b64e(_json_bytes({**document, **_claims(document)}))
    return f"{header}.{payload}.{_b64e(key.sign(f'{header}.{payload}'.encode('ascii')))}"


def _verifier(jwk: dict) -> Ed25519PublicKey:
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise CredentialError("not an Ed25519 JWK")
    if jwk.get("alg", ALG) != ALG:
        raise CredentialError("JWK is for another algorithm")
    x = jwk.get("x")
    raw = _b64d(x) if isinstance(x, str) else b""
    if len(raw) != 32:
        raise CredentialError("bad JWK x")
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_credential(token: str, jwk: dict) -> dict:
    """Check a token made by :func:`sign_credential` against ``jwk``; returns the credential (the
    payload without the JWT claims, after checking they match it). Raises CredentialError."""
    if not isinstance(token, str) or not token.isascii():
        raise CredentialError("not a compact JWS")
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise CredentialError("not a compact JWS")
    header = _json_object(_b64d(parts[0]))
    # Whitelist, never "whatever alg the header says": that is how alg=none and key confusion work.
    if header.get("alg") != ALG:
        raise CredentialError("unsupported alg")
    if header.get("typ") != TYP:
        raise CredentialError("unexpected typ")
    if "crit" in header or not set(header) <= {"alg", "kid", "typ"}:
        raise CredentialError("unexpected header parameters")  # OB 3.0: no other headers
    key = _verifier(jwk)
    if "kid" in header and "kid" in jwk and header["kid"] != jwk["kid"]:
        raise CredentialError("token was signed with another key")
    try:
        key.verify(_b64d(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature:
        raise CredentialError("bad signature") from None
    payload = _json_object(_b64d(parts[1]))
    claims = {name: payload.pop(name) for name in _JWT_CLAIMS if name in payload}
    if claims != _claims(payload):
        raise CredentialError("JWT claims do not match the credential")
    types = payload.get("type")
    if not isinstance(types, list) or not {"VerifiableCredential", "OpenBadgeCredential"} <= set(types):
        raise CredentialError("not an OpenBadgeCredential")
    return payload
