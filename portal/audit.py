"""The audit log: who did what, when, to which record."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

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
    # The committee whose work this is (a call's, and everything under it): only its members read
    # the event. None for what concerns every committee (accounts, organizations' verification).
    committee_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)

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


class Audited(Protocol):
    """What an audited record says of itself: its table and id, and the committee whose members may
    read its events (None when they concern every committee: accounts, organizations' verification)."""

    __tablename__: str
    id: int

    @property
    def audit_committee_id(self) -> int | None: ...


def record(actor, action: str, entity: Audited | tuple[str, int | None], summary: str = "", data: dict | None = None,
           committee_id: int | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits).

    `entity` is a model instance (its table name and id are kept) or a (type, id) pair. The event
    belongs to `committee_id`, or else to the committee the entity names (Audited.audit_committee_id).
    """
    if isinstance(entity, tuple):
        entity_type, entity_id = entity
    else:
        db.session.flush()  # the id of a new row
        entity_type, entity_id = entity.__tablename__, entity.id
        if committee_id is None:
            committee_id = entity.audit_committee_id
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
        committee_id=committee_id,
    )
    db.session.add(event)
    return event


def visible_to(committee_ids) -> sa.ColumnElement[bool]:
    """The events members of these committees may read: their own and those of no committee."""
    return sa.or_(AuditEvent.committee_id.in_(list(committee_ids)), AuditEvent.committee_id.is_(None))


def history(entity_type: str, entity_id: int, committee_ids=None) -> list[AuditEvent]:
    """One record's events in order; only those visible to `committee_ids` when given."""
    query = sa.select(AuditEvent).where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
    if committee_ids is not None:
        query = query.where(visible_to(committee_ids))
    return list(db.session.scalars(query.order_by(AuditEvent.created_at, AuditEvent.id)))
