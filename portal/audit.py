"""The audit log: who did what, when, to which record."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db
from .types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # No foreign key: the log outlives what it describes. Name kept so the log reads on its own.
    actor_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(200), default="系统")
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[int | None] = mapped_column(sa.Integer)
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "value") and hasattr(value, "name"):  # enums
        return value.value
    return str(value)


def record(actor, action: str, entity, summary: str = "", data: dict | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits).

    `entity` is a model instance (its table name and id are kept) or a (type, id) pair.
    """
    if isinstance(entity, tuple):
        entity_type, entity_id = entity
    else:
        db.session.flush()  # the id of a new row
        entity_type, entity_id = entity.__tablename__, entity.id
    actor_id = getattr(actor, "id", None)
    actor_name = (getattr(actor, "display_name", None) or getattr(actor, "email", None)) if actor else None
    event = AuditEvent(
        actor_id=actor_id,
        actor_name=actor_name or "系统",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        summary=summary,
        data=_jsonable(data or {}),
    )
    db.session.add(event)
    return event


def history(entity_type: str, entity_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )
