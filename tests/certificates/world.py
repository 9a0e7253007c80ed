"""The certificates part of the access test's world: an award certificate of NGO A's project, not
public (its PDF for NGO A and the committee only), issued from rows with its frozen values."""
from __future__ import annotations

from portal.certificates.models import Certificate, CertificateKind
from portal.extensions import db


def frozen_award_values(world: dict) -> dict:
    call, org = world["call"], world["ngo_org"]
    return {"title": "荣誉证书", "body": "{{ recipient }}：\n在{{ call }}中荣获{{ award }}。", "closing": "特发此证，以资鼓励。",
            "issuers": [world["committee_org"].name], "issue_date": "2026-07-22", "signature_line": "",
            "border": "classic", "orientation": "landscape", "kind_label": "获奖证书", "seals": [],
            "fields": {"recipient": org.name, "call": call.title, "award": "一等奖", "project": "甲的申报", "amount": "",
                       "amount_upper": "", "session": "", "period": "", "issue_date": "2026年7月22日", "role": ""}}


def add_certificates_world(world: dict) -> dict:
    certificate = Certificate(
        serial="PH-2026-A0001-K7QX", kind=CertificateKind.AWARD, subject="award:0", sequence=1,
        committee_id=world["committee_org"].id, call_id=world["call"].id, recipient_org_id=world["ngo_org"].id,
        recipient_name=world["ngo_org"].name, values=frozen_award_values(world), pdf_sha256="0" * 64, public=False)
    db.session.add(certificate)
    db.session.commit()
    return {**world, "certificate": certificate}
