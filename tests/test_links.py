"""Links: one helper builds every absolute link from PORTAL_URL (portal/links.py), inside or outside a
request; one check decides where a redirect may go. (Every mail of the whole suite is checked for
absolute links that match a route by the autouse fixture mail_links_open_a_page in conftest.py.)"""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from portal.accounts.models import Notification, OrgKind
from portal.app import create_app
from portal.applications.models import ApplicationStatus
from portal.calls.models import CallStatus
from portal.extensions import db
from portal.links import absolute_url, is_portal_link, safe_target
from portal.types import utcnow

from .factories import (
    make_application,
    make_assignment,
    make_call,
    make_call_judge,
    make_entry,
    make_member,
    make_round,
    make_user,
)


def test_links_come_from_portal_url_outside_a_request_with_a_path_prefix(app):
    app.config["PORTAL_URL"] = "https://gongyi.example.cn/yichuang/"
    assert absolute_url("applications.detail", application_id=12) == "https://gongyi.example.cn/yichuang/applications/12"
    assert absolute_url("public.calls", page=2, q="社区") == "https://gongyi.example.cn/yichuang/calls/?page=2&q=%E7%A4%BE%E5%8C%BA"
    assert absolute_url("accounts.notifications", _anchor="n-3", skipped=None).endswith("/yichuang/notifications#n-3")
    assert is_portal_link("https://gongyi.example.cn/yichuang/me")
    assert not is_portal_link("https://gongyi.example.cn/other/me") and not is_portal_link("https://gongyi.example.cn/yichuangx")


def test_inside_a_request_the_link_still_comes_from_portal_url_not_the_host_asked_for(app):
    app.config["PORTAL_URL"] = "https://gongyi.example.cn"
    with app.test_request_context("/", base_url="http://10.0.0.7:8000"):
        assert absolute_url("public.results", call_id=3) == "https://gongyi.example.cn/calls/3/results"


@pytest.mark.parametrize("target", [
    "//evil.example/", "/\\evil.example", "\\\\evil.example", "https://evil.example/", "javascript:alert(1)",
    "/\nSet-Cookie: x=1", "/me\r\n", "/me\x00", "/me\x7f", "me", "", None, "http://localhost.evil.example/",
])
def test_unsafe_redirect_targets_fall_back_to_the_default(app, target):
    assert safe_target(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", ["/", "/calls/?page=2&q=%0A", "/applications/3#files", "http://localhost/me", "/社区"])
def test_local_paths_and_links_under_portal_url_are_kept(app, target):
    assert safe_target(target, "/fallback") == target


@pytest.mark.parametrize("next_value", ["/\nenv", "/\\evil.example", "//evil.example", "https://evil.example/", "/x\x00"])
def test_language_switch_and_login_never_send_a_hostile_next_to_the_location_header(client, next_value):
    response = client.get("/language/en", query_string={"next": next_value})
    if "\x00" in next_value:
        assert response.status_code == 400  # a NUL anywhere is refused before any view (portal.app)
    else:
        assert response.status_code == 302 and response.headers["Location"] in ("/", "http://localhost/")
    user = make_user()
    db.session.commit()
    response = client.post("/login", query_string={"next": next_value}, data={"email": user.email, "password": "secret-pass"})
    assert response.status_code < 500
    assert "evil" not in response.headers.get("Location", "") and "\n" not in response.headers.get("Location", "")


def test_the_notification_view_opens_absolute_links_under_portal_url_only(client, login_as):
    user = make_user()
    db.session.flush()
    mine = Notification(user_id=user.id, title="回执", link="http://localhost/applications/7")
    foreign = Notification(user_id=user.id, title="别处", link="https://evil.example/applications/7")
    db.session.add_all([mine, foreign])
    login_as(user)
    response = client.post(f"/notifications/{mine.id}/read", data={"go": "1"})
    assert response.headers["Location"] == "http://localhost/applications/7"
    response = client.post(f"/notifications/{foreign.id}/read", data={"go": "1"})
    assert response.headers["Location"].endswith("/notifications")


def test_stored_notification_links_are_absolute(app, outbox):
    from portal.applications import services

    from .applications.helpers import ngo_setup

    user, _org, _call, application = ngo_setup()
    services.submit_application(user, application)
    link = db.session.scalars(db.select(Notification.link).where(Notification.user_id == user.id)).one()
    assert link == f"http://localhost/applications/{application.id}"
    assert f"查看详情：{link}" in outbox[-1]["body"]


def test_remind_judges_from_cron_mails_a_link_to_the_judges_round(app, outbox):
    committee = make_member(OrgKind.COMMITTEE)
    call = make_call(committee=committee.memberships[0].organization, status=CallStatus.JUDGING)
    round_ = make_round(call, closes_at=utcnow() + timedelta(hours=20))
    application = make_application(call=call, status=ApplicationStatus.ELIGIBLE)
    make_entry(round_, application)
    judge = make_user(name="评委", is_judge=True)
    make_call_judge(call, judge)
    make_assignment(round_, application, judge)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["remind-judges"])
    assert result.exit_code == 0, result.output
    assert [m["to"] for m in outbox] == [[judge.email]]
    assert f"查看详情：http://localhost/judging/review/rounds/{round_.id}" in outbox[0]["body"]


def test_a_production_configuration_without_portal_url_warns_at_start_up(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("PORTAL_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    base = {"SECRET_KEY": "x", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with caplog.at_level(logging.WARNING, logger="portal"):
        embedded = create_app(dict(base))
    assert embedded.config["PORTAL_URL"] == "http://127.0.0.1:5000"
    assert "PORTAL_URL is not set" not in caplog.text
    with caplog.at_level(logging.WARNING, logger="portal"):
        create_app(dict(base, SESSION_COOKIE_SECURE=True))
        create_app(dict(base, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@127.0.0.1:1/none"))
    assert caplog.text.count("PORTAL_URL is not set") == 2
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="portal"):
        create_app(dict(base, SESSION_COOKIE_SECURE=True, PORTAL_URL="https://gongyi.example.cn"))
    assert "PORTAL_URL is not set" not in caplog.text
