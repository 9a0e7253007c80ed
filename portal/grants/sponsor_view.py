"""A sponsor's view, where my money went: its grants (its funder dashboard), the payments made from
its sources with their reversals, the reports of those grants with their latest evaluation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ..accounts.models import Organization
from ..extensions import db
from .dashboards import ZERO, Dashboard, funder_dashboard, money
from .models import (
    Disbursement,
    DisbursementReversal,
    DisbursementStatus,
    FundingSource,
    Grant,
    Tranche,
)
from .report_models import Evaluation, EvaluationConclusion, GrantReport, ReportStatus


@dataclass
class PaymentRow:
    grant_id: int
    reference: str
    tranche: str
    paid_at: object
    amount: Decimal
    bank_reference: str
    reversed: Decimal = ZERO
    reversal_reason: str = ""


@dataclass
class ReportRow:
    grant_id: int
    reference: str
    title: str
    kind: object
    due_on: date
    status: ReportStatus
    overdue: bool
    total: Decimal | None = None
    conclusion: EvaluationConclusion | None = None
    comments: str = ""


@dataclass
class SponsorView:
    dashboard: Dashboard
    payments: list[PaymentRow]
    reports: list[ReportRow]


def sponsor_view(funder: Organization, committee_ids=None, today: date | None = None) -> SponsorView:
    """The funder's grants (its dashboard), the payments made from its sources and the reports of
    those grants with their latest evaluation: three more queries."""
    board = funder_dashboard(funder, committee_ids, today)
    ids = [row.grant_id for row in board.rows]
    payments = [PaymentRow(*r[:6], money(r[6]) if r[6] is not None else ZERO, r[7] or "") for r in db.session.execute(
        sa.select(Disbursement.grant_id, Grant.reference, Tranche.label, Disbursement.paid_at, Disbursement.amount,
                  Disbursement.bank_reference, DisbursementReversal.amount, DisbursementReversal.reason)
        .join(Grant, Grant.id == Disbursement.grant_id).join(Tranche, Tranche.id == Disbursement.tranche_id)
        .join(FundingSource, FundingSource.id == Disbursement.source_id)
        .outerjoin(DisbursementReversal, DisbursementReversal.disbursement_id == Disbursement.id)
        .where(Disbursement.grant_id.in_(ids), FundingSource.funder_id == funder.id,
               Disbursement.status == DisbursementStatus.PAID)
        .order_by(Disbursement.paid_at, Disbursement.id))] if ids else []
    latest = {}
    if ids:
        for report_id, total, conclusion, comments in db.session.execute(
                sa.select(Evaluation.report_id, Evaluation.total, Evaluation.conclusion, Evaluation.comments)
                .where(Evaluation.grant_id.in_(ids)).order_by(Evaluation.id)):
            latest[report_id] = (total, conclusion, comments)
    reports = []
    for report_id, grant_id, reference, title, kind, due_on, status in (db.session.execute(
            sa.select(GrantReport.id, GrantReport.grant_id, Grant.reference, GrantReport.title, GrantReport.kind,
                      GrantReport.due_on, GrantReport.status).join(Grant, Grant.id == GrantReport.grant_id)
            .where(GrantReport.grant_id.in_(ids)).order_by(Grant.reference, GrantReport.due_on, GrantReport.id))
            if ids else []):
        total, conclusion, comments = latest.get(report_id, (None, None, ""))
        reports.append(ReportRow(grant_id, reference, title, kind, due_on, status,
                                 status == ReportStatus.SCHEDULED and due_on < board.today, total, conclusion, comments))
    return SponsorView(board, payments, reports)
