"""Running a service from a view: the one place that turns a refusal into its message, a missing
permission into 403, and rolls the transaction back.

    outcome = attempt(lambda: services.update_round(actor, round_, form.values()), form=form)
    if outcome:                      # the service committed
        flash(...); return redirect(...)
    return render_template(...)      # the message is on the form's field (outcome.on_form), or flashed

    return perform(lambda: rounds.delete_round(actor, round_), done=_("已删除。"), then=setup_url)

    return json_answer(run(lambda: live.next_entry(actor, round_)), state=...)   # a page's script

Services own the rules (permission, state, validation) and commit once; a view does not check
before calling them what they check themselves. A PermissionDenied that escapes a view anyway
becomes the 403 page, after a rollback (the error handler in portal.app).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Generic, TypeVar

from flask import abort, flash, jsonify, redirect

from .errors import DomainError, PermissionDenied, ValidationFailed
from .extensions import db
from .form_errors import attach_error, flash_error
from .i18n import translate

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    error: DomainError | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    on_form: bool = False  # the message went onto a field of the form (else it was flashed)

    @property
    def ok(self) -> bool:
        return self.error is None

    def __bool__(self) -> bool:
        return self.ok


def run(action: Callable[[], T]) -> Outcome[T]:
    """Run `action` (one service call); on any DomainError roll the transaction back and hand the
    refusal back in the outcome, shown nowhere (attempt and json_answer show it)."""
    try:
        value = action()
    except DomainError as exc:
        db.session.rollback()
        return Outcome(error=exc, field_errors=exc.errors if isinstance(exc, ValidationFailed) else {})
    return Outcome(value=value)


def attempt(action: Callable[[], T], *, form=None, rows: bool = False, category: str = "error") -> Outcome[T]:
    """Run `action`. PermissionDenied → 403. Any other DomainError → rollback, and the message shown:
    on `form`'s field when it names one (outcome.on_form), else flashed under `category`. With
    rows=True a ValidationFailed is left to the caller, which puts outcome.field_errors beside its rows."""
    return show(run(action), form=form, rows=rows, category=category)


def show(outcome: Outcome[T], *, form=None, rows: bool = False, category: str = "error") -> Outcome[T]:
    """What attempt does with an outcome of run(), for a view that first looks at one kind of refusal
    itself (e.g. a NeedsConfirmation that asks before deleting)."""
    exc = outcome.error
    if isinstance(exc, PermissionDenied):
        abort(403)
    if exc is not None and not (rows and isinstance(exc, ValidationFailed)):
        outcome.on_form = form is not None and attach_error(form, exc)
        if not outcome.on_form:
            flash_error(exc, category)
    return outcome


def perform(action: Callable[[], T], *, done: str | Callable[[T], str] | None, then: str | Callable[[Outcome[T]], str]):
    """The usual button: run the action, flash `done` when it succeeded (a text, or a function of the
    action's result), and redirect to `then` (a URL, or a function of the outcome) either way."""
    outcome = attempt(action)
    if outcome and done is not None:
        flash(done(outcome.value) if callable(done) else done, "success")
    return redirect(then(outcome) if callable(then) else then)


def json_answer(outcome: Outcome, **extra):
    """The answer to a page's script, for an outcome of run(): {"ok": true, **extra} (200); a refusal
    {"ok": false, "message": …, **extra} in the reader's language with 403 (a missing permission),
    400 (field errors, also under "errors": {field: [messages]}) or 409 (any other refusal)."""
    exc = outcome.error
    if exc is None:
        return jsonify({"ok": True, **extra}), 200
    body = {"ok": False, "message": translate(exc.message), **extra}
    if isinstance(exc, PermissionDenied):
        return jsonify(body), 403
    if isinstance(exc, ValidationFailed):
        body["errors"] = {key: [translate(message) for message in messages] for key, messages in exc.errors.items()}
        return jsonify(body), 400
    return jsonify(body), 409
