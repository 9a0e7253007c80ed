from datetime import timedelta
from unittest import mock

import pytest

from portal.accounts import invitations, organizations as orgs, services
from portal.accounts.models import InvitationKind, MemberRole, Membership, OrgKind, Organization, OrgStatus
from portal.accounts.permissions import can_view_org
from portal.accounts.uscc import check_uscc
from portal.audit import AuditEvent
from portal.errors import DomainError, InvalidTransition, PermissionDenied
from portal.extensions import db
from portal.types import utcnow
from tests.factories import make_member, make_org, make_user

VALID = "91110000600037341L"
VALID2 = "91330482MA28A1XX7J"
BAD_CHECK = "91330482MA28A1XX7N"


def org_data(**kw):
    data = dict(name="平湖市阳光助老服务社", legal_form="社会组织", uscc=VALID, province="浙江省", city="嘉兴市",
                district="平湖市", contact_name="王老师", contact_phone="13800000000", address="人民路 1 号",
                introduction="简介")
    data.update(kw)
    return data


def test_check_uscc():
    assert check_uscc(VALID) == (True, True)
    assert check_uscc(" 9133 0482ma28a1xx7j ") == (True, True)
    assert check_uscc(BAD_CHECK) == (True, False)
    assert check_uscc("91110000600037341O") == (False, False)  # O not allowed
    assert check_uscc("9111000060003734") == (False, False)


def test_register_user_and_duplicate(app):
    user = services.register_user("张三", "Zhang@Example.cn", "secret123", "13900000000")
    assert user.email == "zhang@example.cn"
    assert services.authenticate("zhang@example.cn", "secret123") is not None
    with pytest.raises(DomainError) as exc:
        services.register_user("李四", "zhang@example.cn", "secret123")
    assert exc.value.field == "email"


def test_change_password(app):
    user = make_user()
    with pytest.raises(DomainError):
        services.change_password(user, "wrong-pass", "newsecret1")
    services.change_password(user, "password123", "newsecret1")
    assert user.check_password("newsecret1")


def test_reset_token_valid_expired_reused(app):
    user = make_user()
    db.session.commit()
    token = services.make_reset_token(user)
    assert services.user_for_reset_token(token) == user
    assert services.user_for_reset_token(token + "x") is None
    # expired: itsdangerous reads time.time() when checking the age
    import time
    real = time.time()
    with mock.patch("itsdangerous.timed.time.time", return_value=real + 2 * 3600 + 5):
        assert services.user_for_reset_token(token) is None
    services.reset_password(token, "brandnew123")
    assert user.check_password("brandnew123")
    with pytest.raises(DomainError):
        services.reset_password(token, "another123")  # single-use


def test_register_organization(app):
    user = make_user()
    org = orgs.register_organization(user, OrgKind.NGO, org_data(uscc=" 9111 0000 6000 37341l"))
    assert org.status == OrgStatus.PENDING and org.uscc == VALID and not org.uscc_check_failed
    assert db.session.query(Membership).filter_by(user_id=user.id, organization_id=org.id).one().role == MemberRole.OWNER
    assert db.session.query(AuditEvent).filter_by(action="organization.registered", entity_id=org.id).count() == 1
    with pytest.raises(DomainError) as exc:  # duplicate USCC
        orgs.register_organization(make_user(), OrgKind.NGO, org_data(name="另一个"))
    assert exc.value.field == "uscc"


def test_uscc_rules_on_registration(app):
    user = make_user()
    with pytest.raises(DomainError) as exc:
        orgs.register_organization(user, OrgKind.NGO, org_data(uscc="91110000600037341O"))
    assert exc.value.field == "uscc" and not isinstance(exc.value, orgs.UsccNeedsConfirmation)
    with pytest.raises(orgs.UsccNeedsConfirmation):
        orgs.register_organization(user, OrgKind.NGO, org_data(uscc=BAD_CHECK))
    assert db.session.query(Organization).count() == 0
    org = orgs.register_organization(user, OrgKind.NGO, org_data(uscc=BAD_CHECK), confirm_uscc=True)
    assert org.uscc_check_failed
    # neither code nor supervising org
    with pytest.raises(DomainError):
        orgs.register_organization(user, OrgKind.NGO, org_data(uscc="", name="志愿队"))
    team = orgs.register_organization(user, OrgKind.NGO, org_data(uscc="", name="志愿队", legal_form="志愿服务队",
                                                                 supervising_org="当湖街道办事处"))
    assert team.uscc is None
    with pytest.raises(DomainError):
        orgs.register_organization(user, OrgKind.COMMITTEE, org_data(uscc=VALID2))


def test_transitions(app):
    committee = make_member(OrgKind.COMMITTEE)
    owner = make_user()
    org = orgs.register_organization(owner, OrgKind.NGO, org_data())
    with pytest.raises(PermissionDenied):
        orgs.verify_organization(owner, org)
    with pytest.raises(DomainError):
        orgs.reject_organization(committee, org, "  ")
    orgs.reject_organization(committee, org, "证书照片不清晰")
    assert org.status == OrgStatus.REJECTED and org.rejection_reason == "证书照片不清晰"
    with pytest.raises(InvalidTransition):
        orgs.verify_organization(committee, org)  # REJECTED → VERIFIED refused
    with pytest.raises(InvalidTransition):
        orgs.reject_organization(committee, org, "再次")
    orgs.update_organization(owner, org, org_data(introduction="已补充"))
    assert org.status == OrgStatus.PENDING
    orgs.verify_organization(committee, org)
    assert org.status == OrgStatus.VERIFIED and org.verified_by_id == committee.id
    for target in (OrgStatus.PENDING, OrgStatus.REJECTED):
        with pytest.raises(InvalidTransition):
            org.status.check_transition(target)
    actions = {e.action for e in db.session.query(AuditEvent).filter_by(entity_id=org.id, entity_type="organizations")}
    assert {"organization.rejected", "organization.resubmitted", "organization.verified"} <= actions


def test_verify_notifies_members(app, outbox):
    committee = make_member(OrgKind.COMMITTEE)
    owner = make_user()
    org = orgs.register_organization(owner, OrgKind.NGO, org_data())
    orgs.verify_organization(committee, org)
    assert any(owner.email in m["to"] and "已通过认证" in m["subject"] for m in outbox)


def test_other_ngo_member_cannot_view_or_edit(app):
    owner = make_user()
    org = orgs.register_organization(owner, OrgKind.NGO, org_data())
    stranger = make_member(OrgKind.NGO)
    assert not can_view_org(stranger, org)
    with pytest.raises(PermissionDenied):
        orgs.update_organization(stranger, org, org_data(name="改名"))


def test_create_committee(app):
    org = orgs.create_committee("平湖市民政局", "mz@example.cn", "民政局", "secret123", province="浙江省")
    assert org.kind == OrgKind.COMMITTEE and org.status == OrgStatus.VERIFIED
    assert services.authenticate("mz@example.cn", "secret123").memberships[0].organization == org


def test_invitations_new_existing_expired_used(app, outbox):
    owner = make_user()
    org = make_org()
    db.session.add(Membership(user=owner, organization=org, role=MemberRole.OWNER))
    db.session.commit()
    inv, token = invitations.invite_member(owner, org, "New@Example.cn")
    assert inv.token_hash != token and len(inv.token_hash) == 64
    assert any(token in m["body"] for m in outbox)
    new = invitations.accept_invitation(token, name="新成员", password="secret123")
    assert new.email == "new@example.cn" and new.memberships[0].organization_id == org.id
    with pytest.raises(invitations.InvitationGone):
        invitations.accept_invitation(token, name="x", password="secret123")
    existing = make_user()
    _, token2 = invitations.invite_member(owner, org, existing.email)
    with pytest.raises(DomainError):  # existing account must log in
        invitations.accept_invitation(token2, name="x", password="secret123")
    invitations.accept_invitation(token2, user=existing)
    assert any(m.organization_id == org.id for m in existing.memberships)
    inv3, token3 = invitations.invite_member(owner, org, "late@example.cn")
    inv3.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(invitations.InvitationGone):
        invitations.accept_invitation(token3, name="迟到", password="secret123")
    with pytest.raises(DomainError):
        invitations.find_invitation("nonsense")
    with pytest.raises(PermissionDenied):
        invitations.invite_member(existing, org, "a@example.cn")  # not the owner


def test_judge_invitation(app):
    committee = make_member(OrgKind.COMMITTEE)
    judge = make_user()
    db.session.commit()
    with pytest.raises(PermissionDenied):
        invitations.invite_judge(judge, "x@example.cn")
    inv, token = invitations.invite_judge(committee, judge.email)
    assert inv.kind == InvitationKind.JUDGE and inv.organization_id is None
    invitations.accept_invitation(token, user=judge)
    assert judge.is_judge and judge in invitations.judges()
