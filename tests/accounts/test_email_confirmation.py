"""Email confirmation: the emailed link confirms the address; invitations and password resets prove it too."""
from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner

from portal.accounts import email_confirmation, invitations, services
from portal.accounts.models import OrgKind, User
from portal.errors import DomainError
from portal.extensions import db

from ..conftest import login
from ..factories import make_member, make_user


def _link(outbox) -> str:
    return re.search(r"http://localhost(/email/confirm/\S+)", outbox[-1]["body"]).group(1)


def test_signed_in_user_asks_for_a_link_and_opening_it_confirms(client, outbox):
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.post("/email/confirm?next=/calls/", follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/calls/")
    assert outbox[-1]["to"] == [user.email] and "3 天内" in outbox[-1]["body"]
    page = client.get(_link(outbox), follow_redirects=True).get_data(as_text=True)
    assert f"电子邮箱 {user.email} 已确认" in page
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    again = client.post("/email/confirm", follow_redirects=True).get_data(as_text=True)
    assert "已经确认过了" in again and len(outbox) == 1


def test_the_link_works_without_signing_in_but_not_when_tampered(client, outbox):
    user = make_user()
    db.session.commit()
    token = email_confirmation.make_confirmation_token(user)
    assert client.get(f"/email/confirm/{token}x").status_code == 410
    assert client.get(f"/email/confirm/{token}").status_code == 302
    assert db.session.get(User, user.id).email_confirmed_at is not None


def test_an_expired_link_or_a_changed_address_is_refused(app, monkeypatch):
    user = make_user()
    db.session.commit()
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 4 * 24 * 3600)
    old = email_confirmation.make_confirmation_token(user)
    monkeypatch.undo()
    with pytest.raises(DomainError, match="已过期"):
        email_confirmation.confirm_email(old)
    token = email_confirmation.make_confirmation_token(user)
    user.email = "changed@example.cn"
    db.session.commit()
    with pytest.raises(DomainError, match="无效"):
        email_confirmation.confirm_email(token)
    assert user.email_confirmed_at is None


def test_anonymous_visitors_cannot_ask_for_a_link(client, outbox):
    response = client.post("/email/confirm")
    assert response.status_code == 302 and "/login" in response.headers["Location"] and outbox == []


def test_a_password_reset_by_email_confirms_the_address(app):
    user = make_user()
    db.session.commit()
    services.reset_password(services.make_reset_token(user), "newsecret1")
    assert user.email_confirmed_at is not None


def test_accepting_an_invitation_confirms_the_address(app):
    committee = make_member(OrgKind.COMMITTEE)
    _invitation, token = invitations.invite_judge(committee, "judge@example.cn")
    judge = invitations.accept_invitation(token, name="评委", password="secret123")
    assert judge.email_confirmed_at is not None
