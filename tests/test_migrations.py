"""The Alembic migrations build, on an empty database, exactly the schema the models describe."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from portal.extensions import db

from .conftest import _reset_postgres, database_params, database_uri, make_test_app


@pytest.fixture(params=database_params())
def empty_app(request, tmp_path):
    uri = database_uri(request.param)
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path / 'migrate.db'}"
    application = make_test_app(uri, tmp_path)
    with application.app_context():
        if request.param == "postgresql":
            _reset_postgres()
        yield application
        db.session.remove()
        db.engine.dispose()


def test_upgrade_head_matches_models(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"users", "organizations", "calls", "applications", "audit_events"} <= tables


def test_existing_audit_events_get_their_calls_committee(empty_app):
    """0004 gives old events the committee of their call; events of no call stay for every committee."""
    upgrade(revision="0003")
    statements = [
        "INSERT INTO organizations (id, kind, name, status, uscc_check_failed, created_at) "
        "VALUES (41, 'COMMITTEE', '团市委', 'VERIFIED', false, '2026-01-01')",
        "INSERT INTO calls (id, committee_id, title, code, description, funding_min, funding_max, total_pool, "
        "min_self_funding_pct, admin_cost_cap_pct, eligible_regions, verified_only, max_applications_per_org, "
        "opens_at, closes_at, contact, status, created_at) VALUES (5, 41, '大赛', 'GY01', '', 0, 10, 10, 0, 100, '[]', "
        "true, 1, '2026-01-01', '2026-02-01', '', 'CLOSED', '2026-01-01')",
        "INSERT INTO rounds (id, call_id, position, name, kind, aggregation, trim_min_sheets, judges_per_application, "
        "blind, advancement, outlier_sd, status, pitch_seconds, created_at) "
        "VALUES (9, 5, 1, '初审', 'ONLINE', 'MEAN', 5, 3, false, 'MANUAL', 2, 'OPEN', 480, '2026-01-01')",
    ]
    events = [(1, "calls", 5), (2, "rounds", 9), (3, "organizations", 41), (4, "calls", 999)]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement))
        for event_id, entity_type, entity_id in events:
            connection.execute(sa.text(
                "INSERT INTO audit_events (id, created_at, actor_name, action, entity_type, entity_id, summary, data) "
                "VALUES (:id, '2026-01-02', '系统', 'x', :t, :e, '', '{}')"), {"id": event_id, "t": entity_type, "e": entity_id})
    upgrade()
    with db.engine.connect() as connection:
        found = dict(connection.execute(sa.text("SELECT id, committee_id FROM audit_events ORDER BY id")).all())
    assert found == {1: 41, 2: 41, 3: None, 4: None}
