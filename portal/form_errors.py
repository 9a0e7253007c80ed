"""Showing a service's DomainError on the form the user filled in, in the reader's language.

Services raise messages marked with portal.i18n.N_ (with their parameters); they are translated here,
as they are shown.
"""
from __future__ import annotations

from flask import flash

from .errors import DomainError, ValidationFailed
from .i18n import translate


def attach_error(form, exc: DomainError) -> bool:
    """Put the error's message(s) on the field(s) it names; True when at least one field took one."""
    pairs = exc.errors.items() if isinstance(exc, ValidationFailed) else [(exc.field, [exc.message])]
    placed = False
    for name, messages in pairs:
        field = getattr(form, name, None) if name else None
        if field is not None:
            field.errors = list(field.errors) + [translate(message) for message in messages]
            placed = True
    return placed


def flash_error(exc: DomainError, category: str = "error") -> None:
    """A service's refusal as a flashed message, in the reader's language."""
    flash(translate(exc.message), category)


def show_error(form, exc: DomainError) -> None:
    """On its field when the error names one of the form's fields, else as a flashed message."""
    if not attach_error(form, exc):
        flash_error(exc)
