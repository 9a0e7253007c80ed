"""Serializing changes that must respect a limit (a gap, a pool, a tranche) across app servers."""
from __future__ import annotations

import sqlalchemy as sa

from .extensions import db


def lock_row(obj, *fields: str) -> None:
    """Serialize concurrent changes of one row — SELECT … FOR UPDATE on PostgreSQL (SQLite serializes
    writers anyway) — and re-read `fields` of it (all of them when none are named)."""
    model = type(obj)
    db.session.execute(sa.select(model.id).where(model.id == obj.id).with_for_update())
    db.session.refresh(obj, list(fields) or None)
