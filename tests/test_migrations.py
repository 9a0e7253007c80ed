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
