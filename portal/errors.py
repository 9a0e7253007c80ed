"""Domain errors: raised by services, shown by views as messages.

Every message is marked with portal.i18n.N_ (its parameters with it), so that it is shown in the
reader's language; tests fail on an unmarked one.
"""
from __future__ import annotations

from .i18n import N_


class DomainError(Exception):
    """A rule said no. `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    pass


class InvalidTransition(DomainError):
    pass


class ValidationFailed(DomainError):
    """Several field errors at once: {field: [message, ...]}."""

    def __init__(self, errors: dict[str, list[str]], message: str = N_("请修正标出的内容后再提交。")):
        super().__init__(message)
        self.errors = errors
