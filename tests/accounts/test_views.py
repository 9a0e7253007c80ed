import re


from portal.accounts import organizations as orgs
from portal.accounts.models import Invitation, Membership, Notification, OrgKind, Organization, OrgStatus, User
from portal.extensions import db
from tests.conftest import make_test_app
from tests.factories import PASSWORD, make_member, make_org, make_user

from .test_services import BAD_CHECK, org_data


def org_form(**kw):
    data = dict(kind="ngo", **org_data())
    data.update(kw)
    return data


def test_register_flow_and_bad_input(client, outbox):
    r = client.post("/register", data=dict(name="张三", email="zs@example.cn", phone="123", password="short", password2="x"))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "密码至少 8 位" in html and "手机号" in html and "两次输入的密码不一致" in html
    assert db.session.query(User).count() == 0
    r = client.post("/register", data=dict(name="张三", email="zs@example.cn", phone="13912345678",
                                           password="secret123", password2="secret123"))
    assert r.status_code == 302
    client.post("/logout")
    r = client.post("/register", data=dict(name="李四", email="ZS@example.cn", phone="13912345678",
                                           password="secret123", password2="secret123"))
    assert "该邮箱已注册" in r.get_data(as_text=True) and db.session.query(User).count() == 1


def test_forgot_and_reset(client, outbox):
    user = make_user()
    db.session.commit()
    r1 = client.post("/password/forgot", data={"email": user.email}, follow_redirects=True)
    r2 = client.post("/password/forgot", data={"email": "nobody@example.cn"}, follow_redirects=True)
    msg = "如果该邮箱已注册"
    assert msg in r1.get_data(as_text=True) and msg in r2.get_data(as_text=True)
    assert len(outbox) == 1
    path = re.search(r"http://localhost(/password/reset/\S+)", outbox[0]["body"]).group(1)
    r = client.post(path, data={"password": "short", "password2": "short"})
    assert "密码至少 8 位" in r.get_data(as_text=True)
    assert client.post(path, data={"password": "newsecret1", "password2": "newsecret1"}).status_code == 302
    assert client.get(path).status_code == 410
    assert client.post("/login", data={"email": user.email, "password": "newsecret1"}).status_code == 302


def test_change_password_view(client, login_as):
    user = make_user()
    login_as(user)
    r = client.post("/password", data={"current_password": "wrongwrong", "password": "newsecret1", "password2": "newsecret1"})
    assert "当前密码不正确" in r.get_data(as_text=True)
    r = client.post("/password", data={"current_password": PASSWORD, "password": "newsecret1", "password2": "newsecret1"})
    assert r.status_code == 302


def test_org_registration_views(client, login_as):
    user = make_user()
    login_as(user)
    r = client.post("/organizations/new", data=org_form(uscc="91110000600037341O", contact_phone="12345"))
    html = r.get_data(as_text=True)
    assert "不含 I、O、Z、S、V" in html or "联系电话" in html
    assert "有效的手机号" in html
    r = client.post("/organizations/new", data=org_form(uscc="91110000600037341O"))
    assert "不含 I、O、Z、S、V" in r.get_data(as_text=True)
    r = client.post("/organizations/new", data=org_form(founded_on="2999-01-01"))
    assert "成立日期不能晚于今天" in r.get_data(as_text=True)
    r = client.post("/organizations/new", data=org_form(uscc=BAD_CHECK))
    html = r.get_data(as_text=True)
    assert "我确认该代码与证书一致" in html and "校验位" in html
    assert db.session.query(Organization).count() == 0
    r = client.post("/organizations/new", data=org_form(uscc=BAD_CHECK, confirm_uscc="y"))
    assert r.status_code == 302
    org = db.session.query(Organization).one()
    assert org.uscc_check_failed and org.status == OrgStatus.PENDING
    page = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "待审核" in page and org.name in page


def test_other_ngo_member_gets_403(client, login_as):
    owner = make_user()
    org = orgs.register_organization(owner, OrgKind.NGO, org_data())
    stranger = make_member(OrgKind.NGO)
    login_as(stranger)
    assert client.get(f"/organizations/{org.id}").status_code == 403
    assert client.get(f"/organizations/{org.id}/edit").status_code == 403
    assert client.post(f"/organizations/{org.id}/invite", data={"email": "x@example.cn"}).status_code == 403


def test_verification_queue_and_reject(client, login_as, count_queries, outbox):
    committee = make_member(OrgKind.COMMITTEE)
    owner = make_user()
    org = orgs.register_organization(owner, OrgKind.NGO, org_data())
    orgs.register_organization(owner, OrgKind.COMPANY, org_data(name="企业A", legal_form="企业", uscc="91330482MA28A1XX7N"),
                               confirm_uscc=True)
    login_as(committee)
    db.session.commit()
    with count_queries() as small:
        client.get("/committee/organizations")
    for i in range(5):
        make_org(verified=False, name=f"更多{i}")
    db.session.commit()
    with count_queries() as big:
        html = client.get("/committee/organizations").get_data(as_text=True)
    assert big.count == small.count and "校验位不符" in html
    assert "企业A" not in client.get("/committee/organizations?kind=ngo").get_data(as_text=True)
    r = client.post(f"/committee/organizations/{org.id}/reject", data={"reason": ""}, follow_redirects=True)
    assert "请填写不通过的原因" in r.get_data(as_text=True)
    db.session.refresh(org)
    assert org.status == OrgStatus.PENDING
    client.post(f"/committee/organizations/{org.id}/reject", data={"reason": "材料不全"})
    db.session.refresh(org)
    assert org.status == OrgStatus.REJECTED
    assert db.session.query(Notification).filter_by(user_id=owner.id).count() == 1
    client.post("/logout")
    login_as(owner)
    html = client.get("/me").get_data(as_text=True)
    assert "材料不全" in html and "不能提交项目申报" in html
    # owner edits and resubmits
    r = client.post(f"/organizations/{org.id}/edit", data=org_data(introduction="补充材料"))
    assert r.status_code == 302
    db.session.refresh(org)
    assert org.status == OrgStatus.PENDING


def test_member_invitation_views(client, login_as, outbox):
    owner = make_user()
    org = orgs.register_organization(owner, OrgKind.NGO, org_data())
    login_as(owner)
    r = client.post(f"/organizations/{org.id}/invite", data={"email": "bad"}, follow_redirects=True)
    assert "有效的电子邮箱" in r.get_data(as_text=True) and db.session.query(Invitation).count() == 0
    client.post(f"/organizations/{org.id}/invite", data={"email": "new@example.cn"})
    path = re.search(r"http://localhost(/invitations/\S+)", outbox[-1]["body"]).group(1)
    client.post("/logout")
    r = client.post(path, data={"name": "", "password": "secret123", "password2": "secret123"})
    assert "请填写此项" in r.get_data(as_text=True) and db.session.query(User).filter_by(email="new@example.cn").count() == 0
    r = client.post(path, data={"name": "新人", "password": "secret123", "password2": "secret123"})
    assert r.status_code == 302
    new = db.session.query(User).filter_by(email="new@example.cn").one()
    assert db.session.query(Membership).filter_by(user_id=new.id, organization_id=org.id).count() == 1
    r = client.get(path)
    assert r.status_code == 410 and "已被使用" in r.get_data(as_text=True)
    r = client.get("/invitations/nonsense")
    assert r.status_code == 404 and "邀请链接无效" in r.get_data(as_text=True)


def test_judge_invitation_views(client, login_as, outbox):
    committee = make_member(OrgKind.COMMITTEE)
    judge = make_user()
    login_as(committee)
    r = client.post("/committee/judges", data={"email": "nope"})
    assert "有效的电子邮箱" in r.get_data(as_text=True)
    client.post("/committee/judges", data={"email": judge.email})
    assert judge.email in client.get("/committee/judges").get_data(as_text=True)
    path = re.search(r"http://localhost(/invitations/\S+)", outbox[-1]["body"]).group(1)
    client.post("/logout")
    login_as(judge)
    assert client.post(path).status_code == 302
    db.session.refresh(judge)
    assert judge.is_judge


def test_notifications_page(client, login_as):
    user = make_user()
    other = make_user()
    db.session.add_all([Notification(user_id=user.id, title="第一条"), Notification(user_id=user.id, title="第二条", link="/me"),
                        Notification(user_id=other.id, title="别人的")])
    login_as(user)
    html = client.get("/notifications").get_data(as_text=True)
    assert "第一条" in html and "别人的" not in html
    mine = db.session.query(Notification).filter_by(title="第二条").one()
    theirs = db.session.query(Notification).filter_by(title="别人的").one()
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    r = client.post(f"/notifications/{mine.id}/read", data={"go": "1"})
    assert r.headers["Location"].endswith("/me")
    client.post("/notifications/read-all")
    assert db.session.query(Notification).filter_by(user_id=user.id, read_at=None).count() == 0
    assert db.session.query(Notification).filter_by(user_id=other.id, read_at=None).count() == 1


def test_dashboard_for_new_user(client, login_as):
    login_as(make_user())
    html = client.get("/me").get_data(as_text=True)
    assert "登记组织" in html and "您还没有加入任何公益组织、爱心企业或需求方单位" in html


def test_dashboard_shows_a_committee_member_their_committee(client, login_as):
    user = make_member(OrgKind.COMMITTEE, org=make_org(OrgKind.COMMITTEE, name="共青团平湖市委员会"))
    login_as(user)
    html = client.get("/me").get_data(as_text=True)
    assert "共青团平湖市委员会" in html
    assert "您还没有加入任何公益组织、爱心企业或需求方单位" not in html and "登记组织" not in html


def test_login_rate_limit(tmp_path):
    app = make_test_app("sqlite://", tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        db.create_all()
        client = app.test_client()
        codes = [client.post("/login", data={"email": "a@example.cn", "password": "wrongpass"}).status_code
                 for _ in range(4)]
        db.session.remove()
    assert codes[:3] == [200, 200, 200] and codes[3] == 429


def test_an_applicant_is_called_by_its_legal_form_not_an_ngo(client, login_as):
    village = make_org(OrgKind.NGO, name="平湖市当湖街道金桥村村民委员会", legal_form="村(社区)")
    login_as(make_member(org=village))
    html = client.get("/me").get_data(as_text=True)
    assert "村(社区)" in html and "公益组织" not in html.split("</nav>", 1)[-1]
    assert village.kind_label == "村(社区)"
    assert make_org(OrgKind.NGO, legal_form=None).kind_label == "申报单位"
