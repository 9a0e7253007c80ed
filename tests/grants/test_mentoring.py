"""Mentors (孵化导师): assigned by the committee — an existing account at once, a new email by an
invitation whose account is bound when created — removed with removed_at; check-ins by the mentor
only; the mentor's projects."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.accounts import invitations
from portal.accounts.models import Invitation, InvitationKind
from portal.accounts.services import register_user
from portal.audit import AuditEvent
from portal.errors import DomainError, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.grants import mentoring, services
from portal.grants.models import GrantStatus
from portal.grants.permissions import is_mentor
from portal.grants.report_models import CheckIn, CheckInForm, GrantMentor, GrantReport, ReportKind, ReportStatus

from ..factories import make_user
from .helpers import funded_project, signed_grant


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def check_in_data(**changes) -> dict:
    data = {"held_on": (mentoring.local_today() - timedelta(days=1)).isoformat(), "form": "visit",
            "notes": "走访银龄食堂，用餐老人 40 人，台账齐全", "next_steps": "补充满意度回访"}
    return {**data, **changes}


@pytest.fixture
def world(app):
    return signed_grant()


def test_an_existing_account_is_bound_at_once_and_told(world, outbox):
    _, grant = world
    mentor_user = make_user(email="mentor@example.cn", name="孵化导师王老师")
    db.session.commit()
    mentor = mentoring.assign_mentor(world[0].maker, grant, " Mentor@Example.cn ", "")
    assert mentor.user_id == mentor_user.id and mentor.email == "mentor@example.cn" and mentor.name == "孵化导师王老师"
    assert is_mentor(mentor_user, grant) and not mentor_user.is_judge
    assert actions()[-1] == "grant_mentor.assigned"
    assert any("mentor@example.cn" in m["to"] and "项目导师" in m["subject"] for m in outbox)
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0


def token_sent_to(outbox, email: str) -> str:
    body = next(m["body"] for m in outbox if email in m["to"] and "/invitations/" in m["body"])
    return re.search(r"/invitations/([\w-]+)", body).group(1)


def test_a_new_email_is_invited_and_bound_when_the_account_is_created(world, outbox):
    w, grant = world
    mentor = mentoring.assign_mentor(w.maker, grant, "new.mentor@example.cn", "李导师")
    assert mentor.user_id is None and mentor.name == "李导师"
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.kind == InvitationKind.MENTOR and invitation.email == "new.mentor@example.cn"
    assert any("new.mentor@example.cn" in m["to"] and "项目导师" in m["subject"] for m in outbox)
    assert actions()[-2:] == ["grant_mentor.invited", "invitation.mentor_created"]

    user = invitations.accept_invitation(token_sent_to(outbox, "new.mentor@example.cn"), name="李导师", password="long-enough-1")
    db.session.refresh(mentor)
    assert mentor.user_id == user.id and is_mentor(user, grant)
    assert not user.is_judge  # a mentor is not a judge
    assert [p.grant for p in mentoring.my_projects(user)] == [grant]


def test_registering_under_the_address_does_not_bind_until_the_invitation_is_accepted(world, outbox):
    w, grant = world
    mentor = mentoring.assign_mentor(w.maker, grant, "later@example.cn")
    user = register_user("自称导师", "later@example.cn", "long-enough-1")
    db.session.refresh(mentor)
    assert mentor.user_id is None and not is_mentor(user, grant)  # the address is not proven yet
    invitations.accept_invitation(token_sent_to(outbox, "later@example.cn"), user=user)
    db.session.refresh(mentor)
    assert mentor.user_id == user.id and is_mentor(user, grant)


def test_only_the_committee_assigns_and_removes(world):
    w, grant = world
    for outsider in (w.ngo_user, w.sponsors[0].user, make_user(email="x@example.cn")):
        with pytest.raises(PermissionDenied):
            mentoring.assign_mentor(outsider, grant, "m@example.cn")
    db.session.rollback()
    mentor = mentoring.assign_mentor(w.maker, grant, "m@example.cn")
    with pytest.raises(PermissionDenied):
        mentoring.remove_mentor(w.ngo_user, mentor)


def test_assignment_is_validated(world):
    w, grant = world
    for email, field in (("", "email"), ("not-an-email", "email"), ("a b@example.cn", "email"), ("x" * 250 + "@e.cn", "email")):
        with pytest.raises(ValidationFailed) as error:
            mentoring.assign_mentor(w.maker, grant, email)
        assert field in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        mentoring.assign_mentor(w.maker, grant, "ok@example.cn", "名" * 101)
    assert "name" in error.value.errors
    with pytest.raises(DomainError) as error:
        mentoring.assign_mentor(w.maker, grant, w.ngo_user.email)
    assert error.value.field == "email"  # the recipient NGO's own member
    mentoring.assign_mentor(w.maker, grant, "ok@example.cn")
    with pytest.raises(DomainError) as error:
        mentoring.assign_mentor(w.maker, grant, "OK@example.cn")
    assert error.value.field == "email"


def test_removing_keeps_the_row_and_its_check_ins_and_allows_reassigning(world):
    w, grant = world
    user = make_user(email="m@example.cn", name="王导师")
    mentor = mentoring.assign_mentor(w.maker, grant, user.email)
    mentoring.log_check_in(user, grant, check_in_data())
    mentoring.remove_mentor(w.checker, mentor)
    assert mentor.removed_at is not None and not is_mentor(user, grant)
    assert actions()[-1] == "grant_mentor.removed"
    assert len(mentoring.check_ins_of(grant)) == 1
    assert mentoring.mentors_of(grant) == [] and mentoring.mentors_of(grant, include_removed=True) == [mentor]
    with pytest.raises(PermissionDenied):
        mentoring.log_check_in(user, grant, check_in_data())
    with pytest.raises(DomainError):
        mentoring.remove_mentor(w.maker, mentor)
    again = mentoring.assign_mentor(w.maker, grant, user.email)
    assert again.id == mentor.id and again.removed_at is None and is_mentor(user, grant)


def test_only_the_mentor_logs_check_ins_and_they_are_audited(world):
    w, grant = world
    user = make_user(email="m@example.cn", name="王导师")
    mentoring.assign_mentor(w.maker, grant, user.email)
    for other in (w.maker, w.ngo_user, w.sponsors[0].user, make_user(email="judge@example.cn", is_judge=True)):
        with pytest.raises(PermissionDenied):
            mentoring.log_check_in(other, grant, check_in_data())
    db.session.rollback()
    check_in = mentoring.log_check_in(user, grant, check_in_data(form="call"))
    assert check_in.form == CheckInForm.CALL and check_in.mentor.user_id == user.id and check_in.created_by_id == user.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "check_in.logged"))
    assert event.actor_id == user.id and event.entity_id == check_in.id and event.data["next_steps"] == "补充满意度回访"


@pytest.mark.parametrize("changes, field", [
    ({"held_on": ""}, "held_on"), ({"held_on": "2026-13-40"}, "held_on"), ({"held_on": "9999-01-01"}, "held_on"),
    ({"form": "telepathy"}, "form"), ({"notes": "  "}, "notes"), ({"notes": "字" * 5001}, "notes"),
    ({"next_steps": "字" * 2001}, "next_steps"),
])
def test_check_ins_are_validated(world, changes, field):
    w, grant = world
    user = make_user(email="m@example.cn")
    mentoring.assign_mentor(w.maker, grant, user.email)
    with pytest.raises(ValidationFailed) as error:
        mentoring.log_check_in(user, grant, check_in_data(**changes))
    assert field in error.value.errors


def test_no_check_in_in_the_future_nor_on_an_ended_project(world):
    w, grant = world
    user = make_user(email="m@example.cn")
    mentoring.assign_mentor(w.maker, grant, user.email)
    with pytest.raises(ValidationFailed):
        mentoring.log_check_in(user, grant, check_in_data(held_on=(mentoring.local_today() + timedelta(days=1)).isoformat()))
    services.terminate_grant(w.maker, grant, "项目方无法继续执行")
    assert grant.status == GrantStatus.TERMINATED
    with pytest.raises(DomainError):
        mentoring.log_check_in(user, grant, check_in_data())
    with pytest.raises(DomainError):
        mentoring.assign_mentor(w.maker, grant, "other@example.cn")
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_my_projects_show_next_report_overdue_and_last_check_in(app):
    w, grant = signed_grant()
    w2 = funded_project(sponsor_shares=("25000.00",))
    other = services.draft_grant(w2.maker, w2.application)
    user = make_user(email="m@example.cn")
    mentoring.assign_mentor(w.maker, grant, user.email)
    mentoring.assign_mentor(w2.maker, other, user.email)
    today = mentoring.local_today()
    midterm = next(r for r in grant.reports if r.kind == ReportKind.MIDTERM)
    midterm.due_on = today - timedelta(days=3)
    db.session.add(GrantReport(grant=grant, kind=ReportKind.PROGRESS, title="进度报告", due_on=today - timedelta(days=30),
                               status=ReportStatus.SUBMITTED))
    db.session.commit()
    mentoring.log_check_in(user, grant, check_in_data(held_on=(today - timedelta(days=2)).isoformat()))
    mentoring.log_check_in(user, grant, check_in_data(held_on=(today - timedelta(days=9)).isoformat(), notes="较早的一次"))
    rows = {row.grant.id: row for row in mentoring.my_projects(user)}
    assert set(rows) == {grant.id, other.id}
    assert rows[grant.id].next_report.id == midterm.id and rows[grant.id].overdue == 1
    assert rows[grant.id].last_contact == today - timedelta(days=2)
    assert rows[other.id].next_report is None and rows[other.id].last_check_in is None
    assert mentoring.my_projects(make_user(email="nobody@example.cn")) == []
    assert mentoring.is_mentoring(user) and not mentoring.is_mentoring(w.maker)


def test_my_projects_take_a_fixed_number_of_queries(app, count_queries):
    user = make_user(email="m@example.cn")

    def add_project():
        w, grant = signed_grant()
        mentoring.assign_mentor(w.maker, grant, user.email)
        mentoring.log_check_in(user, grant, check_in_data())

    def measure() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            rows = mentoring.my_projects(user, today=date.today())
            for row in rows:
                (row.grant.recipient.name, row.grant.status, row.next_report and row.next_report.title,
                 row.last_check_in and row.last_check_in.form)
        return counter.count

    add_project()
    one = measure()
    add_project()
    add_project()
    assert measure() == one
