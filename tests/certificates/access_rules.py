"""The certificates' routes in the access test (tests/test_access.py); world: tests/certificates/world.py."""
from __future__ import annotations

from ..access_common import EVERYONE, Rule

CERTIFICATES_ACCESS = {
    "certificates.verify": Rule(EVERYONE, params={"serial": "certificate.serial"}),
    "certificates.credential": Rule(EVERYONE, params={"serial": "certificate.serial"}),
    "certificates.status": Rule(EVERYONE, params={"serial": "certificate.serial"}),
    "certificates.keys": Rule(EVERYONE),
    "certificates.issuer": Rule(EVERYONE, params={"org_id": "committee_org"}),
    "certificates.download": Rule({"ngo", "committee"}, params={"certificate_id": "certificate"}),
}
