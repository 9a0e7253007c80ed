"""Mentoring pages through the test client: the committee assigns and removes, the mentor logs a
check-in on the form and sees their projects, the grant's viewers read the timeline."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrgKind
from portal.extensions import db
from portal.grants import mentoring
from portal.grants.report_models import CheckIn, GrantMentor

from ..factories import make_member, make_user
from .helpers import signed_grant


@pytest.fixture
def world(app):
    w, grant = signed_grant()
    mentor = make_user(email="mentor@example.cn", name="王导师")
    db.session.commit()
    return w, grant, mentor


def test_the_committee_assigns_and_removes_a_mentor(world, login_as):
    w, grant, mentor = world
    client = login_as(w.maker)
    page = client.get(f"/grants/{grant.id}/mentors")
    assert page.status_code == 200 and "指派导师" in page.get_data(as_text=True)
    bad = client.post(f"/grants/{grant.id}/mentors", data={"email": "not-an-email", "name": ""})
    assert bad.status_code == 200 and "请输入有效的电子邮箱" in bad.get_data(as_text=True)
    done = client.post(f"/grants/{grant.id}/mentors", data={"email": mentor.email, "name": ""})
    assert done.status_code == 302
    row = db.session.scalar(sa.select(GrantMentor))
    assert row.user_id == mentor.id
    listed = client.get(f"/grants/{grant.id}/mentors").get_data(as_text=True)
    assert "王导师" in listed and f"/grants/mentors/{row.id}/remove" in listed
    invited = client.post(f"/grants/{grant.id}/mentors", data={"email": "new@example.cn", "name": "李导师"},
                          follow_redirects=True)
    assert "待注册" in invited.get_data(as_text=True)
    assert client.post(f"/grants/mentors/{row.id}/remove").status_code == 302
    db.session.refresh(row)
    assert row.removed_at is not None


def test_others_may_not_assign(world, login_as):
    w, grant, mentor = world
    client = login_as(w.ngo_user)
    assert client.get(f"/grants/{grant.id}/mentors").status_code == 403
    other_committee = make_member(OrgKind.COMMITTEE, name="别的组委会成员")
    client = login_as(other_committee)
    assert client.post(f"/grants/{grant.id}/mentors", data={"email": "x@example.cn"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(GrantMentor.id))) == 0


def test_the_mentor_logs_a_check_in_and_sees_their_projects(world, login_as):
    w, grant, mentor = world
    mentoring.assign_mentor(w.maker, grant, mentor.email)
    client = login_as(mentor)
    assert "/grants/mentoring" in client.get("/").get_data(as_text=True)  # the navigation leads there
    projects = client.get("/grants/mentoring").get_data(as_text=True)
    assert grant.title in projects and "尚未跟踪" in projects
    form = client.get(f"/grants/{grant.id}/check-ins").get_data(as_text=True)
    assert 'name="notes"' in form and mentoring.local_today().isoformat() in form
    empty = client.post(f"/grants/{grant.id}/check-ins", data={"held_on": mentoring.local_today().isoformat(),
                                                               "form": "visit", "notes": ""})
    assert empty.status_code == 200 and "请填写跟踪情况" in empty.get_data(as_text=True)
    done = client.post(f"/grants/{grant.id}/check-ins", data={"held_on": mentoring.local_today().isoformat(),
                                                              "form": "online", "notes": "线上沟通活动安排",
                                                              "next_steps": "下周走访"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "已登记跟踪记录" in text and "线上沟通活动安排" in text and "下周走访" in text
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
    assert "线上" in client.get("/grants/mentoring").get_data(as_text=True)


def test_the_grants_viewers_read_check_ins_but_do_not_log_them(world, login_as):
    w, grant, mentor = world
    mentoring.assign_mentor(w.maker, grant, mentor.email)
    mentoring.log_check_in(mentor, grant, {"held_on": mentoring.local_today().isoformat(), "form": "visit",
                                           "notes": "走访项目点"})
    client = login_as(w.ngo_user)
    page = client.get(f"/grants/{grant.id}/check-ins").get_data(as_text=True)
    assert "走访项目点" in page and 'name="notes"' not in page
    assert client.post(f"/grants/{grant.id}/check-ins", data={"held_on": mentoring.local_today().isoformat(),
                                                              "form": "visit", "notes": "冒充"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_the_timeline_page_and_the_grant_pages_links(world, login_as):
    w, grant, mentor = world
    mentoring.assign_mentor(w.maker, grant, mentor.email)
    client = login_as(w.ngo_user)
    grant_page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert f"/grants/{grant.id}/timeline" in grant_page and f"/grants/{grant.id}/mentors" not in grant_page
    page = client.get(f"/grants/{grant.id}/timeline")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "签订资助协议" in text and "指派 王导师" in text
    assert text.index("起草资助协议") < text.index("签订资助协议")
    client = login_as(w.maker)
    assert f"/grants/{grant.id}/mentors" in client.get(f"/grants/{grant.id}").get_data(as_text=True)


def test_outsiders_are_refused_the_timeline(world, login_as):
    w, grant, mentor = world
    client = login_as(make_user(email="outsider@example.cn"))
    assert client.get(f"/grants/{grant.id}/timeline").status_code == 403
    assert client.get(f"/grants/{grant.id}/check-ins").status_code == 403
    assert client.get("/grants/999999/timeline").status_code == 404
    assert "您目前没有担任导师的项目" in client.get("/grants/mentoring").get_data(as_text=True)
