"""Serializing changes that must respect a limit (a gap, a pool, a tranche) across app servers."""
from __future__ import annotations

import sqlalchemy as sa

from .extensions import db


def lock_row(obj, *fields: str, key_share: bool = False) -> None:
    """Serialize concurrent changes of one row — SELECT … FOR UPDATE on PostgreSQL (SQLite serializes
    writers anyway) — and re-read `fields` of it (all of them when none are named).

    key_share=True takes FOR NO KEY UPDATE instead: lockers of the row still go one after another,
    but rows that reference it may still be inserted meanwhile (their foreign-key check takes FOR KEY
    SHARE, which FOR UPDATE blocks). Use it for a parent that other transactions insert children of
    while holding locks of their own, or the two wait for each other (a deadlock)."""
    model = type(obj)
    db.session.execute(sa.select(model.id).where(model.id == obj.id).with_for_update(key_share=key_share))
    db.session.refresh(obj, list(fields) or None)
