"""The Open Badges 3.0 credential of a certificate and its VC-JOSE (compact JWS, EdDSA) signature."""
from __future__ import annotations

import base64
import json
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from portal.certificates.credential import (
    CredentialError,
    credential_document,
    generate_key,
    key_from_instance,
    load_signing_key,
    public_jwk,
    sign_credential,
    verify_credential,
)

KID = "https://gongyi.example.cn/.well-known/jwks.json#2026"
URL = "https://gongyi.example.cn/verify/PH2026-2026-A-0001-K7QX"
CST = timezone(timedelta(hours=8))


def record(**changes) -> dict:
    base = {
        "url": URL, "serial": "PH2026-2026-A-0001-K7QX", "kind": "award", "name": "荣誉证书",
        "description": "表彰在公益创投大赛中的优异表现",
        "achievement_name": "2026年平湖市青年公益创投大赛 一等奖",
        "achievement_id": "https://gongyi.example.cn/calls/7/awards/first",
        "criteria": "经评审委员会评审，获评一等奖。",
        "recipient_name": "平湖市益心社会工作服务中心", "recipient_id": None,
        "issuer_id": "https://gongyi.example.cn/committees/3", "issuer_name": "平湖市青年公益创投大赛组委会",
        "issuer_uscc": "51330482MJ9876543X",
        "valid_from": datetime(2026, 5, 20, 10, 30, 15, 987654, tzinfo=CST),  # 02:30:15 UTC
        "status_url": URL + "/status", "revoked": False, "image_url": None,
    }
    return base | changes


def b64d(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict, payload: bytes, pem: bytes) -> str:
    """A token signed with a real key but built by hand, to feed the verifier odd inputs."""
    head = b64e(json.dumps(header).encode())
    body = b64e(payload)
    sig = load_signing_key(pem).sign(f"{head}.{body}".encode())
    return f"{head}.{body}.{b64e(sig)}"


@pytest.fixture(scope="module")
def pem() -> bytes:
    return generate_key()


@pytest.fixture(scope="module")
def jwk(pem) -> dict:
    return public_jwk(pem, KID)


@pytest.fixture(scope="module")
def token(pem) -> str:
    return sign_credential(credential_document(record()), pem, KID)


def test_document_is_an_open_badge_credential():
    doc = credential_document(record(image_url="https://gongyi.example.cn/c/1.png"))
    assert list(doc) == ["@context", "id", "type", "issuer", "validFrom", "name", "description",
                         "image", "credentialSubject", "credentialStatus", "credentialSchema"]
    assert doc["@context"][:2] == ["https://www.w3.org/ns/credentials/v2",
                                   "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert doc["id"] == URL
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["issuer"] == {
        "id": "https://gongyi.example.cn/committees/3", "type": ["Profile"], "name": "平湖市青年公益创投大赛组委会",
        "otherIdentifier": [{"type": "IdentifierEntry", "identifier": "CN-USCI-51330482MJ9876543X",
                             "identifierType": "identifier"}],
    }
    assert doc["validFrom"] == "2026-05-20T02:30:15Z"  # UTC, seconds, Z
    assert doc["name"] == "荣誉证书"
    assert "PH2026-2026-A-0001-K7QX" in doc["description"]
    assert doc["image"] == {"id": "https://gongyi.example.cn/c/1.png", "type": "Image", "caption": "荣誉证书"}
    subject = doc["credentialSubject"]
    assert "id" not in subject and subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [{"type": "IdentityObject", "identityHash": "平湖市益心社会工作服务中心",
                                      "identityType": "name", "hashed": False}]
    assert subject["achievement"] == {
        "id": "https://gongyi.example.cn/calls/7/awards/first", "type": ["Achievement"],
        "achievementType": "Award", "name": "2026年平湖市青年公益创投大赛 一等奖",
        "description": "表彰在公益创投大赛中的优异表现", "criteria": {"narrative": "经评审委员会评审，获评一等奖。"},
    }
    assert doc["credentialStatus"] == {"id": URL + "/status", "type": "1EdTechRevocationList"}
    json.dumps(doc)  # plain JSON all the way down


def test_document_variants():
    doc = credential_document(record(recipient_id="urn:uscc:52330482MJ1234567Y", issuer_uscc=None))
    assert doc["credentialSubject"]["id"] == "urn:uscc:52330482MJ1234567Y"
    assert "otherIdentifier" not in doc["issuer"] and "image" not in doc
    kinds = {k: credential_document(record(kind=k))["credentialSubject"]["achievement"]["achievementType"]
             for k in ("award", "sponsor", "judge", "completion")}
    assert kinds == {"award": "Award", "sponsor": "Achievement", "judge": "Membership",
                     "completion": "CertificateOfCompletion"}
    # Revocation is looked up at status_url, so it does not change the signed document.
    assert credential_document(record(revoked=True)) == credential_document(record())


@pytest.mark.parametrize("changes", [
    {"kind": "bribe"},
    {"valid_from": datetime(2026, 5, 20, 10, 30)},  # naive: which zone?
    {"issuer_uscc": "12345"},
    {"issuer_uscc": "51330482MJ9876543I"},  # I is not in the USCC alphabet
])
def test_document_refuses_bad_records(changes):
    with pytest.raises(CredentialError):
        credential_document(record(**changes))


def test_round_trip(token, jwk):
    doc = credential_document(record())
    back = verify_credential(token, jwk)
    assert back == doc and list(back) == list(doc)
    assert back["credentialSubject"]["identifier"][0]["identityHash"] == "平湖市益心社会工作服务中心"


def test_token_shape_and_determinism(pem, token):
    assert sign_credential(credential_document(record()), pem, KID) == token
    head, body, _ = token.split(".")
    assert json.loads(b64d(head)) == {"alg": "EdDSA", "kid": KID, "typ": "JWT"}
    payload = json.loads(b64d(body))
    assert "vc" not in payload  # VC-JOSE-COSE: the credential is the claims set itself
    assert payload["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert (payload["iss"], payload["jti"]) == ("https://gongyi.example.cn/committees/3", URL)
    assert payload["nbf"] == int(datetime(2026, 5, 20, 2, 30, 15, tzinfo=UTC).timestamp())
    assert "sub" not in payload  # no credentialSubject.id to copy
    assert "荣誉证书".encode() in b64d(body)  # UTF-8, not \\u escapes
    other = sign_credential(credential_document(record(recipient_id="did:example:1")), pem, KID)
    assert json.loads(b64d(other.split(".")[1]))["sub"] == "did:example:1"


def test_independent_check(token, jwk):
    """Recompute the JWS signing input and verify with cryptography alone (RFC 7515 §5.2)."""
    head, body, sig = token.split(".")
    key = Ed25519PublicKey.from_public_bytes(b64d(jwk["x"]))
    key.verify(b64d(sig), f"{head}.{body}".encode("ascii"))  # raises InvalidSignature if wrong
    assert json.loads(b64d(body).decode("utf-8"))["name"] == "荣誉证书"


def test_tampered_payload_is_refused(token, jwk):
    head, body, sig = token.split(".")
    text = b64d(body).decode()
    assert "一等奖" in text
    forged = b64e(text.replace("一等奖", "特等奖").encode())
    with pytest.raises(CredentialError, match="signature"):
        verify_credential(f"{head}.{forged}.{sig}", jwk)


def test_swapped_signature_is_refused(pem, token, jwk):
    other = sign_credential(credential_document(record(serial="PH2026-2026-A-0002-ZZZZ")), pem, KID)
    head, body, _ = token.split(".")
    with pytest.raises(CredentialError):
        verify_credential(f"{head}.{body}.{other.split('.')[2]}", jwk)


def test_another_key_is_refused(jwk):
    stranger = generate_key()
    doc = credential_document(record())
    with pytest.raises(CredentialError, match="signature"):
        verify_credential(sign_credential(doc, stranger, KID), jwk)
    with pytest.raises(CredentialError):  # a different kid is refused before any crypto
        verify_credential(sign_credential(doc, stranger, KID + "-x"), jwk)


def test_alg_none_and_other_headers_are_refused(pem, token, jwk):
    _, body, sig = token.split(".")
    for header in ({"alg": "none", "typ": "JWT"}, {"alg": "HS256", "typ": "JWT"},
                   {"alg": "EdDSA", "kid": KID, "typ": "vc+jwt"}, {"alg": "EdDSA", "kid": KID},
                   {"alg": "EdDSA", "typ": "JWT", "crit": ["exp"], "exp": 1},
                   {"alg": "EdDSA", "typ": "JWT", "jwk": {"kty": "OKP"}}):
        head = b64e(json.dumps(header).encode())
        for forged in (f"{head}.{body}.", f"{head}.{body}.{sig}", forge(header, b64d(body), pem)):
            with pytest.raises(CredentialError):  # the last one even carries a valid signature
                verify_credential(forged, jwk)


@pytest.mark.parametrize("garbage", [
    "", "   ", "abc", "a.b", "a.b.c", "...", "a..c", "ä.b.c", "e30.e30.e30", "a.b.c.d",
    "eyJhbGciOiJFZERTQSJ9.@@@.AAAA", None, 42, b"a.b.c",
])
def test_garbage_is_refused(garbage, jwk):
    with pytest.raises(CredentialError):
        verify_credential(garbage, jwk)


def test_non_canonical_base64_is_refused(token, jwk):
    head, body, sig = token.split(".")
    # 64 signature bytes end in a character carrying 2 data bits; flipping a padding bit decodes to
    # the same bytes, and a lenient decoder would accept this second spelling of the token.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = sig[:-1] + alphabet[alphabet.index(sig[-1]) ^ 1]
    assert b64d(twin) == b64d(sig)
    with pytest.raises(CredentialError, match="base64"):
        verify_credential(f"{head}.{body}.{twin}", jwk)
    with pytest.raises(CredentialError, match="base64"):
        verify_credential(f"{head}=.{body}.{sig}", jwk)


def test_payload_checks_behind_a_valid_signature(pem, jwk):
    header = {"alg": "EdDSA", "kid": KID, "typ": "JWT"}
    doc = credential_document(record())
    nbf = int(datetime(2026, 5, 20, 2, 30, 15, tzinfo=UTC).timestamp())
    claims = {"iss": doc["issuer"]["id"], "jti": doc["id"], "nbf": nbf}
    good = json.dumps(doc | claims, ensure_ascii=False).encode()
    cases = [
        good[:-1] + ',"name":"假证书"}'.encode(),  # duplicate key: parsers disagree on the winner
        b"[1,2,3]",
        b'{"x":NaN}',
        b"\xff\xfe",
        json.dumps(doc | claims | {"jti": "https://evil.example/1"}).encode(),  # claim ≠ credential
        json.dumps(doc).encode(),  # OB 3.0 claims missing
        json.dumps(doc | claims | {"type": ["VerifiableCredential"]}).encode(),
    ]
    for payload in cases:
        with pytest.raises(CredentialError):
            verify_credential(forge(header, payload, pem), jwk)
    assert verify_credential(forge(header, good, pem), jwk) == doc


def test_jwk(pem, jwk):
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and jwk["kid"] == KID
    assert "d" not in jwk and "=" not in jwk["x"]
    assert len(b64d(jwk["x"])) == 32
    key = load_signing_key(pem)
    assert public_jwk(key, KID) == jwk == public_jwk(key.public_key(), KID)
    for bad in ({**jwk, "crv": "X25519"}, {**jwk, "kty": "EC"}, {**jwk, "x": jwk["x"] + "="},
                {**jwk, "x": jwk["x"][:-2]}, {**jwk, "alg": "RS256"}, {}):
        with pytest.raises(CredentialError):
            verify_credential(sign_credential(credential_document(record()), pem, KID), bad)


def test_keys():
    pem = generate_key()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8, unencrypted
    assert generate_key() != pem
    for bad in (b"", b"not a key", pem.replace(b"A", b"B", 3)):
        with pytest.raises(CredentialError):
            load_signing_key(bad)


def test_key_from_instance(tmp_path):
    path = tmp_path / "instance" / "keys" / "credential-signing.pem"
    first = key_from_instance(path)
    assert path.read_bytes() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_from_instance(path) == first  # reused, not regenerated
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind
    load_signing_key(first)
    path.write_bytes(b"garbage")
    with pytest.raises(CredentialError):
        key_from_instance(path)
