from portal.accounts.models import OrgKind

from .factories import make_member


def test_home_renders_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.get_data(as_text=True)
    assert "益创" in response.get_data(as_text=True)


def test_login_and_logout(client, app):
    user = make_member(OrgKind.NGO)
    from portal.extensions import db

    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": "wrong"})
    assert "邮箱或密码不正确" in response.get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": "password123"})
    assert response.status_code == 302
    assert client.get("/applications/").status_code == 200
    client.post("/logout")
    assert client.get("/applications/").status_code == 302
