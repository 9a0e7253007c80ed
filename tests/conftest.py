"""Fixtures: an app with a fresh database per test, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""
from __future__ import annotations

import os
import smtplib
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings

# Property tests: no per-example deadline (a loaded 2-core CI machine is slow, not wrong).
settings.register_profile("yichuang", deadline=None)
settings.load_profile("yichuang")

from portal.app import create_app
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import Message

from .factories import PASSWORD

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL_TEST")
_pg_state: dict = {}
PORTAL_DIR = Path(__file__).resolve().parents[1] / "portal"


def _postgres_ready() -> str | None:
    """None when PostgreSQL is usable, else the reason it is not."""
    if not PG_URL:
        return "PostgreSQL tests skipped: TEST_DATABASE_URL is not set"
    if "error" not in _pg_state:
        try:
            engine = sa.create_engine(PG_URL)
            with engine.connect() as connection:
                connection.execute(sa.text("select 1"))
            engine.dispose()
            _pg_state["error"] = None
        except Exception as exc:  # noqa: BLE001
            _pg_state["error"] = f"PostgreSQL at TEST_DATABASE_URL unreachable: {exc}"
    return _pg_state["error"]


def database_params():
    return [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="pg", marks=pytest.mark.postgres)]


def database_uri(backend: str) -> str:
    if backend == "sqlite":
        return "sqlite://"
    reason = _postgres_ready()
    if reason:
        if IN_CI:
            pytest.fail(reason + " (CI=true requires it)")
        pytest.skip(reason)
    return PG_URL


@pytest.fixture(autouse=True)
def no_real_smtp(monkeypatch):
    """Tests must never reach a real mail server."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open a real SMTP connection")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    monkeypatch.setattr(smtplib, "SMTP_SSL", refuse)


@pytest.fixture(autouse=True)
def domain_errors_are_marked(monkeypatch):
    """Every DomainError the portal raises carries a message marked for translation (portal.i18n.N_),
    and so does every field message of a ValidationFailed: otherwise an English page shows Chinese.
    Errors that tests build themselves are not checked."""
    created: list[tuple[DomainError, str]] = []
    original = DomainError.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_name == "__init__" and isinstance(frame.f_locals.get("self"), DomainError):
            frame = frame.f_back  # a subclass's __init__: the place that built the error is further out
        if frame is not None and Path(frame.f_code.co_filename).resolve().is_relative_to(PORTAL_DIR):
            created.append((self, f"{frame.f_code.co_filename}:{frame.f_lineno}"))

    monkeypatch.setattr(DomainError, "__init__", recording_init)
    yield
    unmarked = []
    for error, where in created:
        messages = [error.message] + [m for ms in getattr(error, "errors", {}).values() for m in ms]
        unmarked += [f"{where}: {type(error).__name__} {m!r}" for m in messages if not isinstance(m, Message)]
    assert not unmarked, "messages not marked for translation with portal.i18n.N_:\n" + "\n".join(unmarked)


@pytest.fixture(autouse=True)
def mail_links_open_a_page(monkeypatch):
    """Every mail any test sends: each link in it is absolute, under PORTAL_URL, and matches a route
    (tests/mail_links.py). Recorded as it is sent, so a test that empties its outbox is checked too."""
    import functools

    from flask import current_app

    from portal import mail

    from .mail_links import link_problems

    sent: list = []
    original = mail.send_mail

    @functools.wraps(original)
    def recording_send_mail(message):
        sent.append((current_app._get_current_object(), dict(message)))
        return original(message)

    monkeypatch.setattr(mail, "send_mail", recording_send_mail)
    yield
    problems = [problem for application, message in sent for problem in link_problems(application, message)]
    assert not problems, "links in mail that a mail client cannot open:\n" + "\n".join(problems)


def make_test_app(uri: str, tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "MAIL_BACKEND": "memory",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "REDIS_URL": None,
        "SERVER_NAME": "localhost",
        "PORTAL_URL": "http://localhost",
        "PUBLIC_CACHE_SECONDS": 0,
        # The certificates' cut fonts take ~35 s to make: made once, kept across tests and runs.
        "CERTIFICATE_SIGNING_KEY_FILE": str(tmp_path / "certificate-signing-key.pem"),
        "CERTIFICATE_FONT_FOLDER": str(Path(__file__).resolve().parent.parent / ".cache" / "certificate-fonts"),
    }
    config.update(overrides)
    return create_app(config)


def _app_on(backend: str, tmp_path):
    application = make_test_app(database_uri(backend), tmp_path)
    with application.app_context():
        if backend == "postgresql":
            _prepare_postgres()
        else:
            db.create_all()
        yield application
        db.session.remove()
        if backend == "sqlite":
            db.drop_all()
        db.engine.dispose()


@pytest.fixture(params=database_params())
def app(request, tmp_path):
    yield from _app_on(request.param, tmp_path)


@pytest.fixture(params=[p for p in database_params() if p.id == "pg"])
def pg_app(request, tmp_path):
    """PostgreSQL only: for races between concurrent requests (row locks, unique constraints)."""
    yield from _app_on(request.param, tmp_path)


_pg_schema = {"ready": False}


def _prepare_postgres():
    """Build the schema once per run; afterwards emptying every table is much faster."""
    if _pg_schema["ready"]:
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return
    _reset_postgres()
    db.create_all()
    _pg_schema["ready"] = True


def _reset_postgres():
    _pg_schema["ready"] = False
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app):
    return app.extensions.setdefault("mail_outbox", [])


def login(client, user, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, f"login failed for {user.email}"
    return response


@pytest.fixture
def login_as(client):
    def do_login(user):
        db.session.commit()
        login(client, user)
        return client

    return do_login


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ... ; counter.count is the number of SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return counting
