"""Running a service from a view: the one place that turns a refusal into its message, a missing
permission into 403, and rolls the transaction back.

    outcome = attempt(lambda: services.update_round(actor, round_, form.values()), form=form)
    if outcome:                      # the service committed
        flash(...); return redirect(...)
    return render_template(...)      # the message is on the form's field, or flashed

    return perform(lambda: rounds.delete_round(actor, round_), done=_("已删除。"), then=setup_url)

Services own the rules (permission, state, validation) and commit once; a view does not check
before calling them what they check themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Generic, TypeVar

from flask import abort, flash, redirect

from .errors import DomainError, PermissionDenied, ValidationFailed
from .extensions import db
from .form_errors import flash_error, show_error

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    error: DomainError | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    def __bool__(self) -> bool:
        return self.ok


def attempt(action: Callable[[], T], *, form=None, rows: bool = False) -> Outcome[T]:
    """Run `action` (one service call). PermissionDenied → 403. Any other DomainError → rollback, and
    the message shown: on `form`'s field when it names one, else flashed. With rows=True a
    ValidationFailed is left to the caller, which puts outcome.field_errors beside its rows."""
    try:
        value = action()
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    except DomainError as exc:
        db.session.rollback()
        if not (rows and isinstance(exc, ValidationFailed)):
            if form is not None:
                show_error(form, exc)
            else:
                flash_error(exc)
        errors = exc.errors if isinstance(exc, ValidationFailed) else {}
        return Outcome(error=exc, field_errors=errors)
    return Outcome(value=value)


def perform(action: Callable[[], T], *, done: str | Callable[[T], str] | None, then: str | Callable[[Outcome[T]], str]):
    """The usual button: run the action, flash `done` when it succeeded (a text, or a function of the
    action's result), and redirect to `then` (a URL, or a function of the outcome) either way."""
    outcome = attempt(action)
    if outcome and done is not None:
        flash(done(outcome.value) if callable(done) else done, "success")
    return redirect(then(outcome) if callable(then) else then)
