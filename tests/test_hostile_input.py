"""No URL gives a 500: every route of app.url_map, as anonymous and as each role of the access test's
world (tests/test_access.py), with hostile values in each path parameter, in the query parameters
the pages read, and in every field of every POST route's form — on SQLite and on PostgreSQL (the
`app` fixture runs each test on both).

No response may be ≥ 500, and a request that was refused (4xx, the form shown again, or a flashed
error) stores nothing: the row counts of every table (audit events included) are the same before
and after it. A GET never stores anything, whatever it was sent.

To stay within a few minutes: one app and one world per role and backend; the path, query and
form values are tried in full as the roles the route lets in, and one of each as the roles it turns
away (the router or the access check answers before any parameter is read). A POST route's fields
are read off the forms that role's GET pages show (with their current values), and each real field
is also made hostile in turn; a route no page shows gets every field name seen on the role's pages
and a generic set. The POST routes that end something (delete, withdraw, lock …) come last, so the
others still find the world as it was built.
"""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from flask import got_request_exception
from werkzeug.exceptions import HTTPException

from portal.extensions import db

from .access_common import ROLES
from .factories import PASSWORD
from .test_access import ACCESS, build_world, url_values

LONG = "x" * 9900 + "长" * 100  # 10,000 characters (mostly ASCII: percent-decoding 10,000 CJK characters in 19 parameters takes Python 0.3 s)
PATH_VALUES = ["0", "-1", str(2**31), str(2**63), str(10**30), "测试", "%0A"]  # raw, as they stand in the URL
QUERY_VALUES = ["/\nenv", "\x00", LONG, "%zz%E0%A4%", str(2**63), "１２"]
FORM_VALUES = ["-1", str(2**31), str(2**63), "9" * 30 + ".999", "\n", "\x00", LONG, "%zz%E0%A4%", "2026-13-45T99:99"]
ONE_AT_A_TIME = [LONG, str(2**63)]  # each real field in turn, the others left as the page shows them
QUERY_NAMES = ["page", "next", "q", "status", "category", "call", "kind", "lang", "as", "errors", "region",
               "application_id", "entry_id", "without", "action", "entity_type", "actor", "date_from", "date_to", "org"]
GENERIC_FIELDS = {"title", "name", "email", "reason", "amount", "body", "contact", "password", "text", "comment",
                  "application_id", "judge_id", "confirmed", "go"}
HEAVY = re.compile(r"pdf|export|attachment|guidelines|static")  # files and documents: their query is never read
REFUSED_FLASHES = {"error", "danger", "warning"}
# A form shown again with its fields marked, or a refusal shown on the page itself.
REFUSED_PAGE = re.compile(r'invalid-feedback|class="alert alert-(?:danger|warning|error)"')


# --- reading forms off pages ----------------------------------------------------------------------

class FormParser(HTMLParser):
    """The POST forms of a page: action → {field name: [current values]}, and which fields are files."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                          "fields": {}, "files": set()}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].add(name)
            elif kind in ("checkbox", "radio"):
                values = self._form["fields"].setdefault(name, [])
                if "checked" in attrs:
                    values.append(attrs.get("value") or "on")
            elif kind not in ("submit", "button", "reset", "image"):
                self._form["fields"].setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "button" and name:
            self._form["fields"].setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self._form["fields"].setdefault(name, [])
        elif tag == "option" and self._select:
            if "selected" in attrs or not self._form["fields"][self._select]:  # the selected one, else the first
                self._form["fields"][self._select] = [attrs.get("value") or ""]
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"].setdefault(name, []).append("")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form["method"] == "post"]


# --- the world, the counts, the requests ----------------------------------------------------------

def table_counts() -> tuple:
    """Every table's row count, in one statement."""
    tables = db.metadata.sorted_tables
    query = sa.select(*[sa.select(sa.func.count()).select_from(table).scalar_subquery() for table in tables])
    db.session.rollback()  # read what is committed, not what this test's session still holds
    return tuple(db.session.execute(query).one())


def describe(before: tuple, after: tuple) -> str:
    names = [table.name for table in db.metadata.sorted_tables]
    return ", ".join(f"{name} {b}→{a}" for name, b, a in zip(names, before, after) if a != b)


def route_path(rule, values: dict, hostile: dict) -> str:
    """The rule's path with real `values` and the raw (already quoted) `hostile` ones."""
    def fill(match):
        name = match.group("name")
        if name in hostile:
            return hostile[name]
        return quote(str(values[name]), safe="/" if match.group("conv") == "path" else "")
    return re.sub(r"<(?:(?P<conv>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>", fill, rule.rule)


def all_real_values(app, world: dict) -> dict[str, dict]:
    """endpoint → its URL parameters' real values, read once (a POST may delete the objects later)."""
    return {rule.endpoint: url_values(ACCESS[rule.endpoint], world, set(rule.arguments)) for rule in app.url_map.iter_rules()}


def raw_query(value: str) -> str:
    """Every query name the portal reads, set to `value`; percent-escapes that are already broken stay raw."""
    if value.startswith("%zz"):
        return "&".join(f"{name}={value}" for name in QUERY_NAMES)
    return urlencode({name: value for name in QUERY_NAMES})


def add_hostile_world(world: dict) -> dict:
    """What the access test's world lacks for forms to show: a live invitation, a live password-reset
    token (for a user no role signs in as), and a notification of each role's user."""
    from portal.accounts import invitations
    from portal.accounts.models import Notification
    from portal.accounts.services import make_reset_token

    from .factories import make_user

    ngo = world["users"]["ngo"]
    _invitation, world["invitation_token"] = invitations.invite_member(ngo, world["ngo_org"], "invited@example.cn")
    world["reset_token"] = make_reset_token(make_user(email="forgetful@example.cn"))
    world["notifications"] = {}
    for role, user in world["users"].items():
        notification = Notification(user_id=user.id, title="通知", link="http://localhost/me")
        db.session.add(notification)
        db.session.flush()
        world["notifications"][role] = notification.id
    db.session.commit()
    return world


class Prober:
    """One role's client on one app, with what its requests found wrong."""

    def __init__(self, app, world: dict, role: str):
        self.app, self.role = app, role
        self.values = all_real_values(app, world)
        self.values["accounts.invitation"] = {"token": world["invitation_token"]}
        self.values["accounts.reset_password"] = {"token": world["reset_token"]}
        if role != "anonymous":
            self.values["accounts.notification_read"] = {"notification_id": world["notifications"][role]}
        self.email = world["users"][role].email if role != "anonymous" else None
        self.client = app.test_client()
        self.problems: list[str] = []
        self.requests = 0
        self.error: BaseException | None = None
        app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is answered (and listed), the probing goes on
        got_request_exception.connect(self._record_error, app)
        self.login()
        self.counts = table_counts()

    def login(self):
        if self.email:
            response = self.client.post("/login", data={"email": self.email, "password": PASSWORD})
            assert response.status_code == 302, f"login failed for {self.email}"

    def _record_error(self, sender, exception, **extra):
        self.error = exception

    def open(self, what: str, url: str, method: str = "GET", data=None):
        before = self.counts  # what the last request left (nothing else runs in between)
        self.requests += 1
        response = self.client.open(url, method=method, data=data)
        status = response.status_code
        with self.client.session_transaction() as session:
            flashes = session.pop("_flashes", [])
            signed_in = "_user_id" in session
        after = self.counts = table_counts()
        label = f"{method} {what} as {self.role}"
        if status >= 500:
            error = f" {type(self.error).__name__}: {str(self.error)[:300]}" if self.error else ""
            self.problems.append(f"{label}: {status}{error}")
        self.error = None
        refused = status >= 400 or any(category in REFUSED_FLASHES for category, _message in flashes) or (
            method == "POST" and status == 200 and REFUSED_PAGE.search(response.get_data(as_text=True)))
        if after != before and (method == "GET" or refused):
            self.problems.append(f"{label}: {status} but stored rows ({describe(before, after)})")
        location = response.headers.get("Location", "")
        if any(ord(char) < 0x20 for char in location) or location.startswith("//") or "\\" in location:
            self.problems.append(f"{label}: unsafe Location {location!r}")
        if self.role != "anonymous" and not signed_in:
            self.login()  # a POST to /logout (or a hostile login form) signed the role out
            self.counts = table_counts()
        return response


def _rules(app, method: str):
    return sorted((rule for rule in app.url_map.iter_rules() if method in rule.methods), key=lambda r: r.endpoint)


def _allowed(endpoint: str, role: str) -> bool:
    return role in ACCESS[endpoint].allowed


def _probe_path_values(prober: Prober, rule, values: dict, method: str):
    # The router answers an id out of range before any view or access check runs: every value as
    # the roles the route lets in (and anonymous), one as the others.
    full = _allowed(rule.endpoint, prober.role)
    for name in sorted(rule.arguments):
        for hostile in PATH_VALUES if full else [str(2**63)]:
            path = route_path(rule, values, {name: hostile})
            data = {"go": "1"} if method == "POST" else None
            prober.open(f"{rule.endpoint} {name}={hostile!r}", path, method, data)


def _probe_query_values(prober: Prober, rule, values: dict):
    path = route_path(rule, values, {})
    allowed = _allowed(rule.endpoint, prober.role)
    chosen = QUERY_VALUES if allowed and not HEAVY.search(rule.endpoint) else [LONG]
    for hostile in chosen:
        prober.open(f"{rule.endpoint} ?…={hostile[:12]!r}", f"{path}?{raw_query(hostile)}")


# --- GET ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_every_get_route_survives_hostile_path_and_query_values(app, role):
    world = add_hostile_world(build_world())
    prober = Prober(app, world, role)
    for rule in _rules(app, "GET"):
        values = prober.values[rule.endpoint]
        _probe_path_values(prober, rule, values, "GET")
        _probe_query_values(prober, rule, values)
    assert prober.requests > 100
    assert not prober.problems, f"{len(prober.problems)} of {prober.requests} requests went wrong:\n" + "\n".join(prober.problems)


# --- POST -----------------------------------------------------------------------------------------

def _forms_by_endpoint(prober: Prober, app) -> dict[str, dict]:
    """endpoint → {"url": the form's action, "fields": {name: values}, "files": {names}}, read off
    every GET page this role may open (with the world's real ids)."""
    from portal.applications.rules import SECTIONS

    adapter = app.url_map.bind("localhost")
    pages = []
    for rule in _rules(app, "GET"):
        if _allowed(rule.endpoint, prober.role) and not HEAVY.search(rule.endpoint):
            values = prober.values[rule.endpoint]
            sections = SECTIONS if "section" in rule.arguments else [values.get("section")]
            pages += [route_path(rule, {**values, "section": section}, {}) for section in sections]
    pages.append("/notifications")  # the notifications' own buttons
    found: dict[str, dict] = {}
    for url in pages:
        response = prober.client.get(url)
        with prober.client.session_transaction() as session:
            session.pop("_flashes", None)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in page_forms(response.get_data(as_text=True)):
            action = urlsplit(form["action"] or url)
            try:
                endpoint, _args = adapter.match(action.path, method="POST")
            except HTTPException:
                continue
            entry = found.setdefault(endpoint, {"url": form["action"] or url, "fields": {}, "files": set()})
            for name, field_values in form["fields"].items():
                entry["fields"].setdefault(name, field_values)
            entry["files"] |= form["files"]
    prober.counts = table_counts()
    return found


def _hostile_form(names, files, value: str) -> dict:
    data = {name: value for name in names if name != "csrf_token"}
    for name in files:
        data[name] = (io.BytesIO(b"%PDF-1.4 hostile"), value[:200] + ".pdf")
    return data


def _real_form(fields: dict, files, name: str, value: str) -> dict:
    data = {key: list(values) for key, values in fields.items() if key != "csrf_token"}
    data[name] = value
    return data


# The order the POST routes are tried in: what ends something (a deletion, a withdrawal, a decision,
# the end of a session) last, so that the routes before it still find the world as it was built.
LAST = re.compile(r"delete|remove|unassign|withdraw|reject|verify|decide|finali[sz]e|lock|close|advance|publish|logout")


@pytest.mark.parametrize("role", ROLES)
def test_every_post_route_survives_hostile_form_values(app, role):
    world = add_hostile_world(build_world())
    prober = Prober(app, world, role)
    forms = _forms_by_endpoint(prober, app)
    seen_anywhere = set().union(*(set(entry["fields"]) for entry in forms.values())) if forms else set()
    rules = sorted(_rules(app, "POST"), key=lambda r: (bool(LAST.search(r.endpoint)), r.endpoint))
    for rule in rules:
        values = prober.values[rule.endpoint]
        _probe_path_values(prober, rule, values, "POST")
        url = route_path(rule, values, {})
        scraped = forms.get(rule.endpoint)
        names = set(scraped["fields"]) if scraped else GENERIC_FIELDS | seen_anywhere
        files = scraped["files"] if scraped else set()
        chosen = FORM_VALUES if _allowed(rule.endpoint, role) else [LONG]
        for hostile in chosen:
            prober.open(f"{rule.endpoint} every field={hostile[:12]!r}", url, "POST", _hostile_form(names, files, hostile))
        if scraped and _allowed(rule.endpoint, role):
            # The page's own values with one field made hostile: the request may well succeed (and store).
            for name in sorted(scraped["fields"]):
                for hostile in ONE_AT_A_TIME:
                    prober.open(f"{rule.endpoint} {name}={hostile[:12]!r}", scraped["url"], "POST",
                                _real_form(scraped["fields"], files, name, hostile))
    assert prober.requests > 50
    assert not prober.problems, f"{len(prober.problems)} of {prober.requests} requests went wrong:\n" + "\n".join(prober.problems)


# --- the mechanisms the walk above relies on --------------------------------------------------------

@pytest.mark.parametrize("url", ["/calls/0", "/calls/-1", f"/calls/{2**31}", f"/calls/{2**63}", "/calls/99999999999999999999",
                                 f"/calls/{2**63}/results", "/calls/测试", f"/judging/rounds/{10**30}/results"])
def test_an_id_out_of_the_databases_range_is_404_before_any_view(client, url):
    assert client.get(url).status_code == 404


def test_a_nul_character_anywhere_is_refused_with_a_clear_message(client):
    for response in (
        client.get("/calls/?q=%00"),
        client.get("/calls/%00"),
        client.post("/login", data={"email": "a\x00@example.cn", "password": "x"}),
        client.post("/login", data={"email\x00": "a@example.cn"}),
        client.post("/password/forgot", data={"email": "x@example.cn", "file": (io.BytesIO(b"x"), "a\x00.pdf")}),
    ):
        assert response.status_code == 400
        assert "不可见的控制字符（NUL）" in response.get_data(as_text=True)


def test_the_nul_message_reads_in_english_too(client):
    from flask_babel import refresh

    refresh()  # the fixture's app context keeps the locale of its last request
    response = client.get("/calls/?q=%00&lang=en")
    assert response.status_code == 400 and "invisible control character (NUL)" in response.get_data(as_text=True)
