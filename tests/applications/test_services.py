"""Application services: every transition (allowed and refused) and every submission rule."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.accounts.models import OrgKind
from portal.applications import services
from portal.applications.models import Application, ApplicationMessage, ApplicationStatus, ApplicationVersion, BudgetLine
from portal.audit import AuditEvent, history
from portal.calls.models import CallStatus
from portal.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.types import utcnow
from tests.factories import make_application, make_call, make_member, make_org

from .helpers import ngo_setup


def submit_errors(user, application, now=None) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        services.submit_application(user, application, now=now)
    return caught.value.errors


# --- start -------------------------------------------------------------------------------------

def test_start_creates_draft(app):
    org = make_org(OrgKind.NGO)
    user = make_member(org=org)
    call = make_call()
    application = services.start_application(user, call, org)
    assert application.status == ApplicationStatus.DRAFT
    assert application.organization_id == org.id
    assert [e.action for e in history("applications", application.id)] == ["application.started"]


def test_start_refused_when_call_not_accepting(app):
    org = make_org(OrgKind.NGO)
    user = make_member(org=org)
    call = make_call(status=CallStatus.CLOSED)
    with pytest.raises(DomainError) as caught:
        services.start_application(user, call, org)
    assert "不接受申报" in caught.value.message
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_start_refused_for_non_member(app):
    org = make_org(OrgKind.NGO)
    stranger = make_member(OrgKind.NGO)
    with pytest.raises(PermissionDenied):
        services.start_application(stranger, make_call(), org)


def test_unverified_org_may_start_a_draft(app):
    org = make_org(OrgKind.NGO, verified=False)
    user = make_member(org=org)
    assert services.start_application(user, make_call(), org).status == ApplicationStatus.DRAFT


# --- sections ----------------------------------------------------------------------------------

def test_budget_amount_is_computed_on_the_server(app):
    user, org, call, application = ngo_setup(complete=False)
    services.save_section(user, application, "budget", {"budget_lines": [
        {"category": "活动费", "item": "材料", "unit_price": Decimal("12.35"), "quantity": Decimal("1.5"),
         "self_funded": Decimal("1.00"), "amount": Decimal("999")},
    ]})
    line = db.session.scalars(db.select(BudgetLine)).one()
    assert line.amount == Decimal("18.53")  # 18.525 rounded half up to the fen
    assert application.requested_amount == Decimal("17.53")


def test_plan_with_end_before_start_stores_nothing(app):
    user, org, call, application = ngo_setup()
    with pytest.raises(ValidationFailed) as caught:
        services.save_section(user, application, "plan", {"goals": "新目标", "activities": [
            {"name": "x", "starts_on": date(2027, 5, 1), "ends_on": date(2027, 4, 1), "milestone": ""}]})
    assert "结束日期早于开始日期" in caught.value.errors["activities"][0]
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.goals != "新目标" and len(application.activities) == 2


def test_editing_a_submitted_application_is_refused(app):
    user, org, call, application = ngo_setup()
    services.submit_application(user, application)
    with pytest.raises(InvalidTransition) as caught:
        services.save_section(user, application, "basics", {"title": "改名"})
    assert "不能修改" in caught.value.message
    db.session.expire_all()
    assert db.session.get(Application, application.id).title == "四点半学校"


def test_other_ngo_member_cannot_edit_submit_or_withdraw(app):
    user, org, call, application = ngo_setup()
    stranger = make_member(OrgKind.NGO)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.save_section(stranger, application, "basics", {"title": "x"})
    with pytest.raises(PermissionDenied):
        services.submit_application(stranger, application)
    with pytest.raises(PermissionDenied):
        services.withdraw_application(stranger, application)
    assert application.status == ApplicationStatus.DRAFT


# --- submit ------------------------------------------------------------------------------------

def test_submit_allocates_sequential_references_and_a_version(app, outbox):
    user, org, call, first = ngo_setup()
    other_user, _, _, second = ngo_setup(call=call)
    services.submit_application(user, first)
    services.submit_application(other_user, second)
    assert first.reference == f"{call.code}-001" and first.sequence == 1
    assert second.reference == f"{call.code}-002" and second.sequence == 2
    assert first.status == ApplicationStatus.SUBMITTED and first.submitted_at is not None
    version = db.session.scalars(db.select(ApplicationVersion).where(ApplicationVersion.application_id == first.id)).one()
    assert version.number == 1 and version.snapshot["title"] == "四点半学校"
    assert version.snapshot["requested_amount"] == "36000.00"
    receipt = db.session.scalars(db.select(ApplicationMessage).where(ApplicationMessage.application_id == first.id)).one()
    assert receipt.kind == "receipt" and first.reference in receipt.body
    assert "application.submitted" in [e.action for e in history("applications", first.id)]


def test_receipt_mail_is_sent_after_commit(app, outbox):
    user, org, call, application = ngo_setup()
    outbox.clear()
    services.submit_application(user, application)
    mails = [m for m in outbox if application.reference in m["subject"]]
    assert len(mails) == 1 and user.email in mails[0]["to"]
    assert "申报回执" in mails[0]["subject"]


def test_failed_submission_sends_no_mail(app, outbox):
    user, org, call, application = ngo_setup()
    application.title = ""
    db.session.commit()
    outbox.clear()
    submit_errors(user, application)
    assert outbox == []


def test_resubmission_keeps_reference_and_versions(app):
    user, org, call, application = ngo_setup()
    services.submit_application(user, application)
    reference = application.reference
    application.status = ApplicationStatus.RETURNED  # the committee returned it (screening service)
    db.session.commit()
    services.save_section(user, application, "basics", {"title": "四点半学校（修改版）", "category_id": call.categories[0].id,
                                                        "service_area": "平湖市", "summary": "修改后的概述"})
    services.submit_application(user, application)
    assert application.status == ApplicationStatus.SUBMITTED and application.reference == reference
    versions = db.session.scalars(db.select(ApplicationVersion).order_by(ApplicationVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].snapshot["title"] == "四点半学校" and versions[1].snapshot["title"] == "四点半学校（修改版）"
    assert "application.resubmitted" in [e.action for e in history("applications", application.id)]


def test_submitting_a_submitted_application_is_refused(app):
    user, org, call, application = ngo_setup()
    services.submit_application(user, application)
    with pytest.raises(InvalidTransition):
        services.submit_application(user, application)


# --- one test per rule -------------------------------------------------------------------------

@pytest.mark.parametrize("field,attr,message", [
    ("title", "title", "请填写项目名称"),
    ("summary", "summary", "请填写项目概述"),
    ("service_area", "service_area", "请填写服务区域"),
    ("target_group", "target_group", "请填写服务对象"),
    ("need_analysis", "need_analysis", "请填写需求分析"),
    ("goals", "goals", "请填写项目目标"),
])
def test_required_text_fields(app, field, attr, message):
    user, org, call, application = ngo_setup()
    setattr(application, attr, "")
    db.session.commit()
    assert message in submit_errors(user, application)[field][0]
    assert application.status == ApplicationStatus.DRAFT


def test_category_required(app):
    user, org, call, application = ngo_setup()
    application.category = None
    db.session.commit()
    assert "服务领域" in submit_errors(user, application)["category"][0]


def test_beneficiaries_required(app):
    user, org, call, application = ngo_setup()
    application.beneficiaries_count = None
    db.session.commit()
    assert "受益人数" in submit_errors(user, application)["beneficiaries_count"][0]


def test_at_least_one_activity(app):
    user, org, call, application = ngo_setup()
    application.activities = []
    db.session.commit()
    assert "至少填写一项活动" in submit_errors(user, application)["activities"][0]


def test_at_least_one_team_member(app):
    user, org, call, application = ngo_setup()
    application.team_members = []
    db.session.commit()
    assert "至少填写一名团队成员" in submit_errors(user, application)["team_members"][0]


def test_at_least_one_budget_line(app):
    user, org, call, application = ngo_setup()
    application.budget_lines = []
    db.session.commit()
    assert "至少填写一条预算" in submit_errors(user, application)["budget_lines"][0]


def test_declaration_required(app):
    user, org, call, application = ngo_setup()
    application.declaration_accepted = False
    db.session.commit()
    assert "承诺声明" in submit_errors(user, application)["declaration_accepted"][0]


def test_requested_amount_above_funding_max(app):
    call = make_call(funding_max=Decimal("20000.00"))
    user, org, call, application = ngo_setup(call=call)
    message = submit_errors(user, application)["requested_amount"][0]
    assert "不在本次征集的资助范围" in message and "¥36,000.00" in message


def test_requested_amount_below_funding_min(app):
    call = make_call(funding_min=Decimal("50000.00"))
    user, org, call, application = ngo_setup(call=call)
    assert "资助范围" in submit_errors(user, application)["requested_amount"][0]


def test_admin_cost_cap(app):
    call = make_call(admin_cost_cap_pct=Decimal("5.00"))  # 管理费 is 4,000 of 40,000 = 10 %
    user, org, call, application = ngo_setup(call=call)
    assert submit_errors(user, application)["admin_cost"] == ["管理费不得超过预算总额的 5%。"]


def test_minimum_self_funding(app):
    call = make_call(min_self_funding_pct=Decimal("20.00"))  # self-funded 4,000 of 40,000 = 10 %
    user, org, call, application = ngo_setup(call=call)
    assert submit_errors(user, application)["self_funding"] == ["自筹资金不得低于预算总额的 20%。"]


def test_deadline_checked_at_the_moment_of_submission(app):
    user, org, call, application = ngo_setup()
    errors = submit_errors(user, application, now=call.closes_at + timedelta(seconds=1))
    assert "不接受申报" in errors["call"][0]


def test_unverified_org_cannot_submit_to_verified_only_call(app):
    user, org, call, application = ngo_setup(verified=False)
    assert "已认证的组织" in submit_errors(user, application)["organization"][0]


def test_unverified_org_may_submit_when_call_allows(app):
    call = make_call(verified_only=False)
    user, org, call, application = ngo_setup(verified=False, call=call)
    services.submit_application(user, application)
    assert application.status == ApplicationStatus.SUBMITTED


def test_per_organization_limit(app):
    call = make_call(max_applications_per_org=1)
    user, org, call, application = ngo_setup(call=call)
    make_application(call=call, org=org, status=ApplicationStatus.SUBMITTED)
    make_application(call=call, org=org, status=ApplicationStatus.WITHDRAWN)  # not counted
    db.session.commit()
    assert "最多申报 1 个项目" in submit_errors(user, application)["organization"][0]


def test_withdrawn_and_drafts_do_not_count_towards_the_limit(app):
    call = make_call(max_applications_per_org=1)
    user, org, call, application = ngo_setup(call=call)
    make_application(call=call, org=org, status=ApplicationStatus.WITHDRAWN)
    make_application(call=call, org=org)
    db.session.commit()
    services.submit_application(user, application)
    assert application.status == ApplicationStatus.SUBMITTED


def test_region_rule(app):
    call = make_call(eligible_regions=["北京市"])
    user, org, call, application = ngo_setup(call=call)
    assert "地区" in " ".join(submit_errors(user, application)["organization"])


def test_all_failures_are_collected(app):
    call = make_call(admin_cost_cap_pct=Decimal("5.00"), min_self_funding_pct=Decimal("20.00"))
    user, org, call, application = ngo_setup(call=call, verified=False)
    application.title = ""
    application.team_members = []
    db.session.commit()
    errors = submit_errors(user, application, now=call.closes_at + timedelta(days=1))
    assert {"title", "team_members", "admin_cost", "self_funding", "call", "organization"} <= set(errors)


# --- withdraw ----------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED])
def test_withdraw_allowed_until_screening(app, status):
    user, org, call, application = ngo_setup(status=status)
    services.withdraw_application(user, application)
    assert application.status == ApplicationStatus.WITHDRAWN
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "application.withdrawn")).one()
    assert event.entity_id == application.id and event.data["from"] == status.value


@pytest.mark.parametrize("status", [ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN])
def test_withdraw_refused_after_screening(app, status):
    user, org, call, application = ngo_setup(status=status)
    with pytest.raises(InvalidTransition):
        services.withdraw_application(user, application)
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == status


def test_withdrawn_application_cannot_be_edited(app):
    user, org, call, application = ngo_setup(status=ApplicationStatus.WITHDRAWN)
    with pytest.raises(InvalidTransition):
        services.save_section(user, application, "need", {"target_group": "x"})


def test_submit_now_defaults_to_utcnow(app):
    user, org, call, application = ngo_setup()
    before = utcnow()
    services.submit_application(user, application)
    assert application.submitted_at >= before
