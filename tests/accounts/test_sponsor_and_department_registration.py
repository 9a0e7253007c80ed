"""Registering a department (需求方: 政府部门 / 街道 / 社区 / 村) and the kinds of sponsor (企业 / 基金会 /
社会团体 / 个人爱心人士), the sponsor's name on the board, and the committee's review of both."""
from __future__ import annotations

import pytest

from portal.accounts import organizations as orgs
from portal.accounts.models import Notification, Organization, OrgKind, OrgStatus
from portal.accounts.permissions import RULES
from portal.audit import AuditEvent
from portal.errors import DomainError
from portal.extensions import db
from tests.factories import make_member, make_user

from .test_services import VALID, VALID2, org_data


def form_data(**kw):
    data = dict(kind="ngo", **org_data())
    data.update(kw)
    return data


def department_data(**kw):
    data = org_data(name="当湖街道办事处", legal_form="街道", uscc="")
    data.update(kw)
    return data


def individual_data(**kw):
    data = org_data(name="王大爷", legal_form="个人爱心人士", uscc="")
    data.update(kw)
    return data


# --- services ------------------------------------------------------------------------------------

def test_a_department_registers_without_a_code_or_supervising_org_and_waits_for_review(app):
    user = make_user()
    org = orgs.register_organization(user, OrgKind.DEPARTMENT, department_data())
    assert org.kind == OrgKind.DEPARTMENT and org.status == OrgStatus.PENDING
    assert org.uscc is None and org.supervising_org is None and org.legal_form == "街道"
    assert db.session.query(AuditEvent).filter_by(action="organization.registered", entity_id=org.id).count() == 1
    assert RULES["department"](user) and not RULES["ngo"](user) and not RULES["company"](user)


def test_a_village_may_give_its_code_which_is_checked(app):
    village = orgs.register_organization(make_user(), OrgKind.DEPARTMENT, department_data(name="新埭镇鱼圻塘村",
                                                                                          legal_form="村", uscc=VALID))
    assert village.uscc == VALID
    with pytest.raises(DomainError) as bad:
        orgs.register_organization(make_user(), OrgKind.DEPARTMENT, department_data(uscc="12345"))
    assert bad.value.field == "uscc"
    db.session.rollback()
    with pytest.raises(DomainError) as taken:
        orgs.register_organization(make_user(), OrgKind.DEPARTMENT, department_data(uscc=VALID))
    assert taken.value.field == "uscc"


@pytest.mark.parametrize("kind, legal_form", [(OrgKind.DEPARTMENT, "社会组织"), (OrgKind.DEPARTMENT, "企业"),
                                              (OrgKind.COMPANY, "街道"), (OrgKind.NGO, "基金会")])
def test_a_legal_form_must_fit_the_kind(app, kind, legal_form):
    with pytest.raises(DomainError) as refused:
        orgs.register_organization(make_user(), kind, org_data(legal_form=legal_form))
    assert refused.value.field == "legal_form"


def test_an_ngo_still_needs_a_code_or_its_supervising_org(app):
    with pytest.raises(DomainError) as refused:
        orgs.register_organization(make_user(), OrgKind.NGO, org_data(uscc=""))
    assert refused.value.field == "uscc"


@pytest.mark.parametrize("legal_form", ["企业", "基金会", "社会团体", "个人爱心人士"])
def test_every_kind_of_sponsor_registers(app, legal_form):
    uscc = "" if legal_form == "个人爱心人士" else VALID2
    org = orgs.register_organization(make_user(), OrgKind.COMPANY, org_data(legal_form=legal_form, uscc=uscc))
    assert org.kind == OrgKind.COMPANY and org.legal_form == legal_form and org.status == OrgStatus.PENDING


def test_an_individual_donor_is_an_organization_of_one_without_a_code(app):
    user = make_user()
    org = orgs.register_organization(user, OrgKind.COMPANY, individual_data(board_anonymous=True))
    assert org.uscc is None and org.supervising_org is None and [m.user for m in org.memberships] == [user]
    assert org.public_name == "爱心人士"
    with pytest.raises(DomainError) as refused:
        orgs.register_organization(make_user(), OrgKind.COMPANY, individual_data(name="李阿姨", uscc=VALID))
    assert refused.value.field == "uscc"


def test_a_sponsor_names_itself_for_the_board_or_stays_anonymous(app):
    named = orgs.register_organization(make_user(), OrgKind.COMPANY, org_data(
        name="浙江平湖农村商业银行股份有限公司", legal_form="企业", board_name="平湖农商银行"))
    assert named.public_name == "平湖农商银行"
    hidden = orgs.register_organization(make_user(), OrgKind.COMPANY, org_data(
        name="某某科技有限公司", legal_form="企业", uscc=VALID2, board_name="某某科技", board_anonymous=True))
    assert hidden.public_name == "爱心企业" and hidden.board_name == "某某科技"
    with pytest.raises(DomainError) as long_name:
        orgs.register_organization(make_user(), OrgKind.COMPANY, org_data(
            name="另一家", legal_form="企业", uscc="", supervising_org="x", board_name="长" * 101))
    assert long_name.value.field == "board_name"


def test_only_a_sponsor_keeps_board_fields(app):
    org = orgs.register_organization(make_user(), OrgKind.NGO, org_data(board_name="展示名", board_anonymous=True))
    assert org.board_name is None and not org.board_anonymous and org.public_name == org.name


def test_the_committee_verifies_a_department_and_it_is_told(app, outbox):
    committee = make_member(OrgKind.COMMITTEE)
    owner = make_user()
    org = orgs.register_organization(owner, OrgKind.DEPARTMENT, department_data())
    assert org in orgs.pending_organizations() and org in orgs.pending_organizations(OrgKind.DEPARTMENT)
    assert org not in orgs.pending_organizations(OrgKind.NGO)
    orgs.verify_organization(committee, org)
    assert org.status == OrgStatus.VERIFIED and org.verified_by_id == committee.id
    note = db.session.query(Notification).filter_by(user_id=owner.id).one()
    assert "服务需求" in note.body and "项目申报" not in note.body


# --- views ---------------------------------------------------------------------------------------

def test_the_form_offers_every_kind_and_marks_each_legal_form_with_its_kind(client, login_as):
    login_as(make_user())
    html = client.get("/organizations/new").get_data(as_text=True)
    assert 'value="department"' in html and "需求方" in html
    for value, kind in [("街道", "department"), ("村", "department"), ("个人爱心人士", "company"), ("社会组织", "ngo")]:
        assert f'data-kind="{kind}" value="{value}"' in html or f'value="{value}" data-kind="{kind}"' in html
    assert 'name="board_name"' in html and 'data-org-kind-only="company"' in html
    assert "js/org_form.js" in html


def test_registering_a_department_through_the_form(client, login_as):
    user = make_user()
    login_as(user)
    response = client.post("/organizations/new", data=form_data(kind="department", **department_data()))
    assert response.status_code == 302
    org = db.session.query(Organization).one()
    assert org.kind == OrgKind.DEPARTMENT and org.uscc is None


def test_a_legal_form_of_another_kind_is_marked_on_the_field(client, login_as):
    login_as(make_user())
    response = client.post("/organizations/new", data=form_data(kind="department", **department_data(legal_form="企业")))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "所选组织形式与组织类型不符" in html and "is-invalid" in html
    assert db.session.query(Organization).count() == 0


def test_an_individual_donor_with_a_code_sees_why_on_the_field(client, login_as):
    login_as(make_user())
    response = client.post("/organizations/new", data=form_data(kind="company", **individual_data(uscc=VALID)))
    assert "个人爱心人士没有统一社会信用代码" in response.get_data(as_text=True)
    assert db.session.query(Organization).count() == 0


def test_a_sponsor_registers_anonymously_through_the_form_and_edits_its_board_name(client, login_as):
    user = make_user()
    login_as(user)
    client.post("/organizations/new", data=form_data(kind="company", **individual_data(board_anonymous="y")))
    org = db.session.query(Organization).one()
    assert org.board_anonymous and org.public_name == "爱心人士"
    page = client.get(f"/organizations/{org.id}/edit").get_data(as_text=True)
    assert 'name="board_name"' in page and 'name="kind"' not in page and 'value="社会组织"' not in page
    client.post(f"/organizations/{org.id}/edit", data=individual_data(board_name="王大爷一家"))
    db.session.refresh(org)
    assert not org.board_anonymous and org.public_name == "王大爷一家"
    assert "王大爷一家" in client.get(f"/organizations/{org.id}").get_data(as_text=True)


def test_editing_a_department_shows_its_own_forms_and_no_board_fields(client, login_as):
    user = make_user()
    org = orgs.register_organization(user, OrgKind.DEPARTMENT, department_data())
    login_as(user)
    page = client.get(f"/organizations/{org.id}/edit").get_data(as_text=True)
    assert 'value="社区"' in page and 'value="企业"' not in page and 'name="board_name"' not in page
    assert client.post(f"/organizations/{org.id}/edit", data=department_data(legal_form="社区")).status_code == 302
    db.session.refresh(org)
    assert org.legal_form == "社区"


def test_the_verification_queue_lists_and_verifies_departments(client, login_as):
    committee = make_member(OrgKind.COMMITTEE)
    department = orgs.register_organization(make_user(), OrgKind.DEPARTMENT, department_data())
    orgs.register_organization(make_user(), OrgKind.COMPANY, individual_data())
    login_as(committee)
    everything = client.get("/committee/organizations").get_data(as_text=True)
    assert "当湖街道办事处" in everything and "王大爷" in everything
    only = client.get("/committee/organizations?kind=department").get_data(as_text=True)
    assert "当湖街道办事处" in only and "王大爷" not in only and "需求方" in only
    assert client.post(f"/committee/organizations/{department.id}/verify").status_code == 302
    db.session.refresh(department)
    assert department.status == OrgStatus.VERIFIED
