"""Who gets a certificate of each kind, with the plain values printed on it.

- award: each final award of a call (公示期满), to the awarded project's organization;
- sponsor: each sponsor with confirmed pledges in a settled 对接会, with their total;
- judge: each judge of a call with an account (聘书);
- completion: each grant of a call whose final evaluation passed.

Each recipient has a subject ("award:12" …): at most one valid certificate per kind and subject.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.models import Organization
from ..applications.models import Application
from ..calls.models import Call
from ..extensions import db
from ..grants.models import Grant, GrantStatus
from ..grants.report_models import (
    Evaluation,
    EvaluationConclusion,
    GrantReport,
    ReportKind,
)
from ..judging.judges import call_judges
from ..judging.models import Award, PublicNotice
from ..matching.models import (
    MatchingSession,
    Pledge,
    PledgeKind,
    PledgeStatus,
    SessionStatus,
)
from .models import CertificateKind
from .text import chinese_amount, chinese_date, figures

ZERO = Decimal("0.00")


@dataclass
class Recipient:
    subject: str
    name: str
    org_id: int | None = None
    user_id: int | None = None
    fields: dict[str, str] = field(default_factory=dict)  # the placeholders' values (text.PLACEHOLDERS)


def _money(fields: dict, amount: Decimal) -> None:
    if amount > ZERO:
        fields["amount"] = figures(amount)
        fields["amount_upper"] = "人民币" + chinese_amount(amount)


def award_recipients(call: Call) -> list[Recipient]:
    awards = db.session.scalars(
        sa.select(Award).join(PublicNotice, PublicNotice.call_id == Award.call_id)
        .where(Award.call_id == call.id, PublicNotice.finalized_at.is_not(None))
        .options(joinedload(Award.tier), joinedload(Award.application).joinedload(Application.organization))
        .order_by(Award.id)).all()
    people = []
    for award in awards:
        org = award.application.organization
        fields = {"recipient": org.name, "project": award.application.title, "award": award.tier.name, "call": call.title}
        _money(fields, award.tier.amount)
        people.append(Recipient(f"award:{award.id}", org.name, org_id=org.id, fields=fields))
    return people


def sponsor_recipients(session: MatchingSession) -> list[Recipient]:
    if session.status != SessionStatus.SETTLED:
        return []
    rows = db.session.execute(
        sa.select(Organization, sa.func.sum(Pledge.amount), sa.func.count(sa.distinct(Pledge.application_id)))
        .join(Pledge, Pledge.sponsor_id == Organization.id)
        .where(Pledge.session_id == session.id, Pledge.status == PledgeStatus.CONFIRMED, Pledge.kind == PledgeKind.CASH)
        .group_by(Organization.id).order_by(Organization.name, Organization.id)).all()
    people = []
    for org, total, projects in rows:
        name = org.board_name or org.name  # as it chose to be named (anonymity is for the public board, not its own certificate)
        fields = {"recipient": name, "session": session.title, "project": f"{projects} 个公益项目"}
        _money(fields, Decimal(total).quantize(Decimal("0.01")))
        people.append(Recipient(f"sponsor:{session.id}:{org.id}", name, org_id=org.id, fields=fields))
    return people


def judge_recipients(call: Call) -> list[Recipient]:
    people = []
    for call_judge in call_judges(call):
        user = call_judge.user
        if user is None:
            continue  # an invitation not yet taken up: no one to appoint
        fields = {"recipient": user.name, "call": call.title, "role": "评审专家"}
        people.append(Recipient(f"judge:{call.id}:{user.id}", user.name, user_id=user.id, fields=fields))
    return people


def completion_recipients(call: Call) -> list[Recipient]:
    passed = (sa.select(GrantReport.grant_id).join(Evaluation, Evaluation.report_id == GrantReport.id)
              .where(GrantReport.kind == ReportKind.FINAL, Evaluation.conclusion == EvaluationConclusion.PASSED))
    grants = db.session.scalars(
        sa.select(Grant).where(Grant.call_id == call.id, Grant.id.in_(passed),
                               Grant.status.in_((GrantStatus.ACTIVE, GrantStatus.COMPLETED)))
        .options(joinedload(Grant.recipient)).order_by(Grant.reference, Grant.id)).all()
    people = []
    for grant in grants:
        fields = {"recipient": grant.recipient.name, "project": grant.title, "call": call.title}
        if grant.starts_on and grant.ends_on:
            fields["period"] = f"{chinese_date(grant.starts_on)}至{chinese_date(grant.ends_on)}"
        people.append(Recipient(f"completion:{grant.id}", grant.recipient.name, org_id=grant.recipient_id, fields=fields))
    return people


def recipients(kind: CertificateKind, call: Call | None = None, session: MatchingSession | None = None) -> list[Recipient]:
    if kind == CertificateKind.SPONSOR:
        return sponsor_recipients(session) if session is not None else []
    if call is None:
        return []
    return {CertificateKind.AWARD: award_recipients, CertificateKind.JUDGE: judge_recipients,
            CertificateKind.COMPLETION: completion_recipients}[kind](call)
