"""A call's organisers (联合主办, 承办, 协办 …): listed in order with their roles, shown on the call page
and the public notice; bad rows change nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import OrgKind
from portal.audit import AuditEvent
from portal.calls import organizers
from portal.calls.models import CallOrganizer, OrganizerRole
from portal.errors import PermissionDenied, ValidationFailed
from portal.extensions import db

from ..factories import make_call, make_member, make_org

ROWS = [
    {"name": "共青团平湖市委员会", "role": "host"},
    {"name": "平湖市民政局", "role": "host"},
    {"name": "平湖市文明办", "role": "host"},
    {"name": "平湖市志愿者协会", "role": "organizer"},
    {"name": "平湖农商银行", "role": "supporter"},
]


@pytest.fixture
def committee_call(app):
    committee = make_org(OrgKind.COMMITTEE, name="共青团平湖市委员会")
    user = make_member(org=committee)
    return user, make_call(committee=committee)


def test_without_a_list_the_committee_alone_hosts(committee_call):
    _, call = committee_call
    assert organizers.organizers_of(call) == [organizers.Organizer("共青团平湖市委员会", OrganizerRole.HOST)]


def test_organisers_are_kept_in_order_and_grouped_by_role(committee_call):
    user, call = committee_call
    organizers.save_organizers(user, call, ROWS)
    assert [o.name for o in call.organizers] == [row["name"] for row in ROWS]
    grouped = organizers.organizers_by_role(call)
    assert grouped[0] == (OrganizerRole.HOST, ["共青团平湖市委员会", "平湖市民政局", "平湖市文明办"])
    assert [role for role, _ in grouped] == [OrganizerRole.HOST, OrganizerRole.ORGANIZER, OrganizerRole.SUPPORTER]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "call.organizers_saved"))
    assert event.committee_id == call.committee_id and len(event.data["after"]) == 5


def test_bad_rows_are_refused_on_their_fields_and_change_nothing(committee_call):
    user, call = committee_call
    organizers.save_organizers(user, call, ROWS[:1])
    with pytest.raises(ValidationFailed) as refused:
        organizers.save_organizers(user, call, [{"name": "", "role": "host"}, {"name": "x" * 201, "role": "boss"},
                                                {"name": "平湖市民政局", "role": "organizer"}])
    db.session.rollback()
    assert set(refused.value.errors) == {"organizers-0-name", "organizers-1-name", "organizers-1-role"}
    with pytest.raises(ValidationFailed) as no_host:
        organizers.save_organizers(user, call, [{"name": "平湖市志愿者协会", "role": "organizer"}])
    db.session.rollback()
    assert "organizers" in no_host.value.errors
    assert db.session.scalar(sa.select(sa.func.count(CallOrganizer.id))) == 1


def test_only_the_calls_committee_lists_its_organisers(committee_call):
    _, call = committee_call
    with pytest.raises(PermissionDenied):
        organizers.save_organizers(make_member(OrgKind.COMMITTEE), call, ROWS)


def test_the_page_saves_and_the_public_pages_show_them(committee_call, client, login_as):
    user, call = committee_call
    login_as(user)
    form = {f"organizers-{i}-{field}": row[field] for i, row in enumerate(ROWS) for field in ("name", "role")}
    response = client.post(f"/committee/calls/{call.id}/organizers", data=form)
    assert response.status_code == 302
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "主办单位" in page and "共青团平湖市委员会、平湖市民政局、平湖市文明办" in page
    assert "承办单位" in page and "平湖市志愿者协会" in page and "支持单位" in page
    refused = client.post(f"/committee/calls/{call.id}/organizers", data={"organizers-0-name": "某单位",
                                                                          "organizers-0-role": "organizer"})
    assert refused.status_code == 400 and "请至少列出一个主办单位" in refused.get_data(as_text=True)
    assert len(call.organizers) == 5
