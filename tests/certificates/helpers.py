"""A call with one final award (paid by two sponsors), a judge, a grant whose final evaluation passed,
and a settled 对接会 in which a sponsor confirmed two cash pledges: one recipient of each kind."""
from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace

import pdfplumber

from portal.certificates import services
from portal.certificates.models import CertificateKind
from portal.extensions import db
from portal.grants.models import GrantStatus
from portal.grants.report_models import (
    Evaluation,
    EvaluationConclusion,
    ReportKind,
    ReportStatus,
)
from portal.matching.models import Pledge, PledgeKind, PledgeStatus, SessionStatus

from ..factories import make_call_judge, make_user
from ..grants.helpers import funded_project, signed_grant
from ..matching.helpers import add_project, make_session

D = Decimal


def certificate_world() -> SimpleNamespace:
    world, grant = signed_grant(funded_project())
    world.call.code = "PH2026"
    grant.status = GrantStatus.ACTIVE  # paid out and reported on: here only its final evaluation matters
    final = next(r for r in grant.reports if r.kind == ReportKind.FINAL)
    final.status = ReportStatus.EVALUATED
    db.session.add(Evaluation(report=final, grant=grant, evaluator_id=world.checker.id, total=D("88.00"), pass_mark=D("60"),
                              conclusion=EvaluationConclusion.PASSED))
    judge = make_user(name="王建国", is_judge=True)
    make_call_judge(world.call, judge)
    session = make_session(world.maker, call=world.call, status=SessionStatus.SETTLED)
    project = add_project(session, title="四点半课堂")
    sponsor = world.sponsors[0].org
    for amount in ("6000.00", "4000.00"):
        db.session.add(Pledge(session=session, project=project, application_id=project.application_id, sponsor=sponsor,
                              kind=PledgeKind.CASH, amount=D(amount), status=PledgeStatus.CONFIRMED))
    db.session.commit()
    return SimpleNamespace(**vars(world), grant=grant, judge=judge, session=session, project=project)


def scope_for(world, kind: CertificateKind) -> services.Scope:
    return services.Scope(session=world.session) if kind == CertificateKind.SPONSOR else services.Scope(call=world.call)


def saved_design(world, kind: CertificateKind):
    return services.save_design(world.maker, services.design_for(scope_for(world, kind), kind))


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)
