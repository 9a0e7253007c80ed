"""Showing a service's DomainError on the form the user filled in."""
from __future__ import annotations

from flask import flash

from .errors import DomainError, ValidationFailed


def attach_error(form, exc: DomainError) -> bool:
    """Put the error's message(s) on the field(s) it names; True when at least one field took one."""
    pairs = exc.errors.items() if isinstance(exc, ValidationFailed) else [(exc.field, [exc.message])]
    placed = False
    for name, messages in pairs:
        field = getattr(form, name, None) if name else None
        if field is not None:
            field.errors = list(field.errors) + list(messages)
            placed = True
    return placed


def show_error(form, exc: DomainError) -> None:
    """On its field when the error names one of the form's fields, else as a flashed message."""
    if not attach_error(form, exc):
        flash(exc.message, "error")
