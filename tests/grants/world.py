"""The grants part of the access test's world, built from rows (not services) so that every page has
something to show: an active grant for NGO A's awarded project, funded by the sponsor ("company",
its award funding), with tranche 1 paid and tranche 2 prepared by a second committee member (so the
"committee" role may approve it); a mid-term report filed with an activity, a photo and an expense
with its receipt, evaluated; the final report scheduled; the judge ("judge") as its mentor with a
check-in. A second, drafted grant for the settled session's project."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from portal.extensions import db
from portal.grants.models import (
    Disbursement,
    DisbursementStatus,
    FundingSource,
    Grant,
    GrantBudgetLine,
    GrantStatus,
    SourceKind,
    Tranche,
    TrancheGate,
    TrancheStatus,
)
from portal.grants.report_models import (
    CheckIn,
    CheckInForm,
    Evaluation,
    EvaluationConclusion,
    EvaluationScore,
    Expense,
    GrantMentor,
    GrantReport,
    ReportActivity,
    ReportFile,
    ReportKind,
    ReportStatus,
)
from portal.storage import storage
from portal.types import utcnow

from ..factories import add_member, make_user

D = Decimal
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% receipt\n"


def add_grants_world(world: dict) -> dict:
    users = world["users"]
    committee, ngo_org, sponsor = world["committee_org"], world["ngo_org"], world["sponsor_org"]
    second_member = make_user(name="团市委干部乙")
    add_member(second_member, committee)
    now, today = utcnow(), date.today()
    grant = Grant(committee_id=committee.id, recipient_id=ngo_org.id, application=world["awarded_app"],
                  call=world["notice_call"], award_id=world["award"].id, reference="WORLD-G001", title="甲的获奖项目",
                  terms="按协议执行", starts_on=today - timedelta(days=120), ends_on=today + timedelta(days=240),
                  self_funding=D("2000.00"), payee_name=ngo_org.name, payee_bank="平湖农商银行", payee_account="6230123456789012",
                  admin_cap_pct=D("10"), signed_scan_key=storage().save(PDF, ".pdf"), signed_scan_name="协议.pdf",
                  evaluation_dimensions=[{"key": "execution", "label": "项目执行", "weight": "30"},
                                         {"key": "inputs", "label": "人员与物资投入", "weight": "20"},
                                         {"key": "finance", "label": "财务管理", "weight": "20"},
                                         {"key": "outcomes", "label": "项目成效", "weight": "30"}],
                  status=GrantStatus.ACTIVE, created_by_id=users["committee"].id, signed_at=now - timedelta(days=100),
                  activated_at=now - timedelta(days=90))
    source = FundingSource(kind=SourceKind.SPONSOR, funder=sponsor, amount=D("20000.00"),
                           pledge_ids=[world["award_pledge"].id])
    grant.sources = [source]
    grant.budget_lines = [GrantBudgetLine(position=1, category="活动费", amount=D("18000.00")),
                          GrantBudgetLine(position=2, category="管理费", amount=D("2000.00"), is_admin=True)]
    first = Tranche(position=1, label="首期", amount=D("10000.00"), share=D("50"), due_on=today - timedelta(days=100),
                    gate=TrancheGate.ON_SIGNING, status=TrancheStatus.PAID, sources=[source])
    last = Tranche(position=2, label="尾款", amount=D("10000.00"), share=D("50"), due_on=today + timedelta(days=240),
                   gate=TrancheGate.MIDTERM_PASSED, sources=[source])
    grant.tranches = [first, last]
    db.session.add(grant)
    db.session.flush()
    paid = Disbursement(grant=grant, tranche=first, source=source, amount=D("10000.00"), pay_on=today - timedelta(days=95),
                        payee_name=grant.payee_name, payee_bank=grant.payee_bank, payee_account=grant.payee_account,
                        status=DisbursementStatus.PAID, prepared_by_id=second_member.id, decided_by_id=users["committee"].id,
                        decided_at=now - timedelta(days=94), bank_reference="NS20260801001", paid_at=now - timedelta(days=93),
                        paid_by_id=users["committee"].id)
    prepared = Disbursement(grant=grant, tranche=last, source=source, amount=D("10000.00"), pay_on=today,
                            payee_name=grant.payee_name, payee_bank=grant.payee_bank, payee_account=grant.payee_account,
                            prepared_by_id=second_member.id)
    midterm = GrantReport(grant=grant, kind=ReportKind.MIDTERM, title="中期报告", due_on=today - timedelta(days=10),
                          status=ReportStatus.EVALUATED, narrative="已开展 12 次活动。", beneficiaries_reached=80,
                          submitted_at=now - timedelta(days=12), submitted_by_id=users["ngo"].id)
    final = GrantReport(grant=grant, kind=ReportKind.FINAL, title="结项报告", due_on=today + timedelta(days=240))
    db.session.add_all([paid, prepared, midterm, final])
    db.session.flush()
    activity = ReportActivity(report=midterm, held_on=today - timedelta(days=30), place="社区活动室", participants=25,
                              description="老人健康讲座")
    db.session.add(activity)
    db.session.flush()
    photo = ReportFile(report=midterm, activity_id=activity.id, storage_key=storage().save(PNG, ".png"),
                       filename="活动照片.png", content_type="image/png", size=len(PNG), uploaded_by_id=users["ngo"].id)
    db.session.add(photo)
    expense = Expense(grant=grant, report=midterm, category="活动费", item="讲座场地布置", amount=D("1200.00"),
                      spent_on=today - timedelta(days=30), receipt_key=storage().save(PDF, ".pdf"), receipt_name="发票.pdf",
                      receipt_type="application/pdf", created_by_id=users["ngo"].id)
    evaluation = Evaluation(report=midterm, grant=grant, evaluator_id=users["committee"].id, total=D("82.00"),
                            pass_mark=D("60"), conclusion=EvaluationConclusion.PASSED, comments="执行良好")
    db.session.add(evaluation)
    evaluation.scores = [EvaluationScore(dimension=d["key"], label=d["label"], weight=D(d["weight"]), score=D("82"))
                         for d in grant.evaluation_dimensions]
    mentor = GrantMentor(grant=grant, user_id=users["judge"].id, email=users["judge"].email, name=users["judge"].name,
                         invited_by_id=users["committee"].id)
    db.session.add_all([photo, expense, evaluation, mentor])
    db.session.flush()
    check_in = CheckIn(grant=grant, mentor=mentor, held_on=today - timedelta(days=20), form=CheckInForm.VISIT,
                       notes="走访项目点，活动记录完整", next_steps="补充受益人回访", created_by_id=users["judge"].id)
    drafted = Grant(committee_id=committee.id, recipient_id=ngo_org.id, application=world["settled_project"].application,
                    call=world["call"], session_id=world["settled_session"].id, reference="WORLD-G002", title="甲的展示项目",
                    starts_on=today, ends_on=today + timedelta(days=365), payee_name=ngo_org.name,
                    created_by_id=users["committee"].id)
    drafted_source = FundingSource(kind=SourceKind.SPONSOR, funder=sponsor, amount=D("30000.00"),
                                   pledge_ids=[world["settled_pledge"].id])
    drafted.sources = [drafted_source]
    drafted.budget_lines = [GrantBudgetLine(position=1, category="活动费", amount=D("30000.00"))]
    drafted.tranches = [Tranche(position=1, label="首期", amount=D("30000.00"), gate=TrancheGate.ON_SIGNING,
                                sources=[drafted_source])]
    db.session.add_all([check_in, drafted])
    db.session.commit()
    world.update(
        grant=grant, grant_source=source, first_tranche=first, last_tranche=last, paid_disbursement=paid,
        prepared_disbursement=prepared, midterm_report=midterm, final_report=final, report_activity=activity,
        report_photo=photo, expense=expense, evaluation=evaluation, mentor=mentor, check_in=check_in,
        drafted_grant=drafted, second_committee_member=second_member,
    )
    return world
