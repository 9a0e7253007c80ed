"""Every route × every role: who may reach what.

ACCESS lists every endpoint with the roles allowed through and the object its URL points at. A new
route without an entry fails test_every_route_has_a_rule; each entry is then requested as every
role and must answer as the table says (anonymous → the login page; other refused roles → 403 or
404), and never with a 500.
"""
from __future__ import annotations

import pytest

from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationMessage, ApplicationStatus, Attachment
from portal.extensions import db
from portal.storage import storage

from .access_common import EVERYONE, ROLES, SIGNED_IN, Rule
from .conftest import login, make_test_app
from .factories import make_application, make_call, make_member, make_user
from .judging.access_rules import JUDGING_ACCESS
from .judging.world import add_judging_world
from .certificates.access_rules import CERTIFICATES_ACCESS
from .certificates.world import add_certificates_world
from .grants.access_rules import GRANTS_ACCESS
from .grants.world import add_grants_world
from .matching.access_rules import MATCHING_ACCESS
from .matching.world import add_matching_world


# endpoint → Rule. World keys: call, draft_call, draft_app, submitted_app, attachment, ngo_org, …
ACCESS: dict[str, Rule] = {
    "static": Rule(EVERYONE, params={"filename": "literal:css/portal.css"}),
    "bootstrap.static": Rule(EVERYONE, params={"filename": "literal:css/bootstrap.min.css"}),
    "public.home": Rule(EVERYONE),
    "public.calls": Rule(EVERYONE),
    "public.set_language": Rule(EVERYONE, params={"lang": "literal:en"}),
    "accounts.login": Rule(EVERYONE),
    "accounts.logout": Rule(SIGNED_IN, method="POST"),
    "accounts.register": Rule(EVERYONE),
    "accounts.dashboard": Rule(SIGNED_IN),
    "accounts.notifications": Rule(SIGNED_IN),
    "accounts.verification_queue": Rule({"committee"}),
    "accounts.change_password": Rule(SIGNED_IN),
    "accounts.forgot_password": Rule(EVERYONE),
    "accounts.reset_password": Rule(EVERYONE, params={"token": "literal:bad"}, ok=(410,)),
    "accounts.invitation": Rule(EVERYONE, params={"token": "literal:bad"}, ok=(404,)),
    "accounts.notification_read": Rule(
        SIGNED_IN, method="POST", params={"notification_id": "literal:999999"}, ok=(302, 404)
    ),
    "accounts.notifications_read_all": Rule(SIGNED_IN, method="POST"),
    "accounts.org_new": Rule(SIGNED_IN),
    "accounts.org_detail": Rule({"ngo", "committee"}, params={"org_id": "ngo_org"}),
    "accounts.org_edit": Rule({"ngo"}, params={"org_id": "ngo_org"}),
    "accounts.org_invite": Rule({"ngo"}, method="POST", params={"org_id": "ngo_org"}),
    "accounts.verification_detail": Rule({"committee"}, params={"org_id": "ngo_org"}),
    "accounts.org_verify": Rule({"committee"}, method="POST", params={"org_id": "ngo_org"}),
    "accounts.org_reject": Rule({"committee"}, method="POST", params={"org_id": "ngo_org"}),
    "accounts.judges": Rule({"committee"}),
    "calls.manage": Rule({"committee"}),
    "calls.new": Rule({"committee"}),
    "calls.edit": Rule({"committee"}, params={"call_id": "call"}),
    "calls.organizers_edit": Rule({"committee"}, params={"call_id": "call"}),
    "calls.publish": Rule({"committee"}, method="POST", params={"call_id": "call"}),
    "calls.close": Rule({"committee"}, method="POST", params={"call_id": "call"}),
    "calls.extend": Rule({"committee"}, method="POST", params={"call_id": "call"}),
    "calls.categories": Rule({"committee"}),
    "calls.toggle_category": Rule({"committee"}, method="POST", params={"category_id": "category"}),
    "public.call_detail": Rule(EVERYONE, params={"call_id": "call"}),
    "public.call_guidelines": Rule(EVERYONE, params={"call_id": "call"}),
    **JUDGING_ACCESS,
    **MATCHING_ACCESS,
    **GRANTS_ACCESS,
    **CERTIFICATES_ACCESS,
    "applications.mine": Rule({"ngo", "other_ngo"}),
    "applications.screening_queue": Rule({"committee"}),
    "audit.log": Rule({"committee"}),
    "audit.export_csv": Rule({"committee"}),
    "audit.record_history": Rule({"committee"}, params={"entity_type": "literal:applications", "entity_id": "submitted_app"}),
    "applications.start": Rule({"ngo", "other_ngo"}, params={"call_id": "call"}),
    "applications.detail": Rule({"ngo", "committee"}, params={"application_id": "submitted_app"}),
    "applications.edit": Rule({"ngo"}, params={"application_id": "draft_app", "section": "literal:basics"}),
    "applications.upload": Rule({"ngo"}, method="POST", params={"application_id": "draft_app"}, ok=(200, 302, 400)),
    "applications.delete_attachment": Rule(
        {"ngo"}, method="POST", params={"application_id": "draft_app", "attachment_id": "attachment"}
    ),
    "applications.attachment": Rule(
        {"ngo", "committee"}, params={"application_id": "submitted_app", "attachment_id": "submitted_attachment"}
    ),
    "applications.submit": Rule({"ngo"}, method="POST", params={"application_id": "draft_app"}, ok=(200, 302, 400)),
    "applications.withdraw": Rule({"ngo"}, method="POST", params={"application_id": "submitted_app"}),
    "applications.pdf": Rule({"ngo", "committee"}, params={"application_id": "submitted_app"}),
    "applications.screening_review": Rule({"committee"}, params={"application_id": "submitted_app"}),
    "applications.screening_decide": Rule(
        {"committee"}, method="POST", params={"application_id": "submitted_app", "decision": "literal:eligible"}
    ),
}


def build_world() -> dict:
    """One of everything, owned by NGO A; the roles' users."""
    committee_user = make_member(OrgKind.COMMITTEE, name="团市委干部")
    committee = committee_user.memberships[0].organization
    ngo_user = make_member(OrgKind.NGO, name="甲组织负责人")
    ngo_org = ngo_user.memberships[0].organization
    other_ngo_user = make_member(OrgKind.NGO, name="乙组织负责人")
    company_user = make_member(OrgKind.COMPANY, name="企业联系人")
    judge = make_user(name="评委", is_judge=True)
    call = make_call(committee=committee)
    draft_app = make_application(call=call, org=ngo_org, title="甲的草稿")
    submitted_app = make_application(call=call, org=ngo_org, status=ApplicationStatus.SUBMITTED, title="甲的申报")
    key = storage().save(b"%PDF-1.4 test", ".pdf")
    call.guidelines_key, call.guidelines_filename = key, "申报指南.pdf"
    attachment = Attachment(application=draft_app, storage_key=key, filename="预算.pdf", kind="pdf", size=13)
    submitted_attachment = Attachment(application=submitted_app, storage_key=key, filename="章程.pdf", kind="pdf", size=13)
    db.session.add_all([attachment, submitted_attachment])
    db.session.add(ApplicationMessage(application=submitted_app, kind="returned", body="请补充预算说明"))
    db.session.commit()
    world = {
        "users": {
            "ngo": ngo_user,
            "other_ngo": other_ngo_user,
            "company": company_user,
            "judge": judge,
            "committee": committee_user,
        },
        "call": call,
        "category": call.categories[0],
        "committee_org": committee,
        "ngo_org": ngo_org,
        "draft_app": draft_app,
        "submitted_app": submitted_app,
        "attachment": attachment,
        "submitted_attachment": submitted_attachment,
    }
    return add_certificates_world(add_grants_world(add_matching_world(add_judging_world(world))))


def url_values(rule: Rule, world: dict, arguments: set[str]) -> dict:
    values = {}
    for name in arguments:
        source = rule.params.get(name)
        if source is None:
            raise AssertionError(f"no world value for URL parameter {name!r}: add it to the rule's params")
        if source.startswith("literal:"):
            values[name] = source.removeprefix("literal:")
        else:
            obj_key, _, attr = source.partition(".")
            obj = world[obj_key]
            values[name] = getattr(obj, attr or "id")
    return values


def test_every_route_has_a_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ACCESS))
    assert not missing, f"routes without an access rule in tests/test_access.py: {missing}"
    stale = sorted(set(ACCESS) - endpoints)
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_every_view_declares_access(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in ("static", "bootstrap.static") and not hasattr(view, "access_rule")
    ]
    assert not undeclared, f"views without @access(...): {undeclared}"


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_answers_each_role_as_declared(app, endpoint):
    rule = ACCESS[endpoint]
    world = build_world()
    url_rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **url_values(rule, world, set(url_rule.arguments)))
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            login(client, world["users"][role])
        response = client.open(url, method=rule.method)
        status = response.status_code
        assert status != 500, f"{endpoint} as {role}: 500"
        if role in rule.allowed:
            assert status in rule.ok, f"{endpoint} as {role}: expected {rule.ok}, got {status}"
            if status == 302:
                assert "/login" not in response.headers["Location"], f"{endpoint} as {role} was sent to log in"
        elif role == "anonymous":
            assert status == 302 and "/login" in response.headers["Location"], f"{endpoint} let an anonymous user in ({status})"
        else:
            assert status in (403, 404), f"{endpoint} as {role}: expected 403/404, got {status}"


JUNK_VALUES = ["", "<script>alert(1)</script>", "-1", "9" * 40, "2026-13-45T99:99", "１２３", "' OR 1=1 --", "\x00"]


def _form_field_names(html: str) -> set[str]:
    import re

    return set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token"}


def _post_endpoints() -> list[str]:
    """Endpoints that take POST, read off a throwaway app at collection time."""
    import tempfile
    from pathlib import Path

    throwaway = make_test_app("sqlite://", Path(tempfile.mkdtemp()))
    return sorted({rule.endpoint for rule in throwaway.url_map.iter_rules() if "POST" in rule.methods})


@pytest.mark.parametrize("endpoint", _post_endpoints())
def test_junk_input_never_causes_a_server_error(app, endpoint):
    """Whatever an allowed user types into a route's form, the answer is never a 500."""
    rule = ACCESS[endpoint]
    url_rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    world = build_world()
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **url_values(rule, world, set(url_rule.arguments)))
    for role in sorted(rule.allowed - {"anonymous"}) or ["anonymous"]:
        client = app.test_client()
        if role != "anonymous":
            login(client, world["users"][role])
        names = {"title", "name", "email", "reason", "amount"}
        if "GET" in url_rule.methods:
            names |= _form_field_names(client.get(url).get_data(as_text=True))
        for junk in JUNK_VALUES:
            response = client.post(url, data={name: junk for name in names})
            assert response.status_code < 500, f"{endpoint} as {role} with {junk!r}: {response.status_code}"
