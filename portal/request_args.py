"""What a user sent, before a view reads it: whole numbers in the path (the app's `int` URL
converter), the query string or a form (ids, page numbers, filters), and the NUL check.

Anything that is not a positive number a database integer can hold comes back as None (or, in the
path, as a 404) — junk, negatives, and 40-digit numbers alike — so no view hands what a user typed
straight to SQL.
"""
from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

MAX_INT = 2**31 - 1  # PostgreSQL's integer; SQLite's is larger


class IdConverter(IntegerConverter):
    """The app's `int` URL converter: matches only 1 … 2**31 − 1, the ids a database can hold, so
    /calls/0 and /calls/99999999999999999999 are 404 on every backend instead of reaching SQL."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_INT,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def int_arg(name: str, source=None) -> int | None:
    """A positive int from request.args (or `source`, e.g. request.form), else None."""
    raw = (request.args if source is None else source).get(name, "")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_INT else None


def has_nul_character() -> bool:
    """True when the request carries a NUL character (U+0000) anywhere a view could read it: the
    path, the query string, a form field's name or value, an uploaded file's name. No one types one,
    PostgreSQL cannot store one in text, and SQLite would cut strings at it: the app answers 400
    (portal.app) before any view runs."""
    if "\x00" in request.path:
        return True
    sources = [request.args]
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.form)
        if any("\x00" in name or "\x00" in (upload.filename or "") for name, upload in request.files.items(multi=True)):
            return True
    return any("\x00" in key or "\x00" in value for source in sources for key, value in source.items(multi=True))


def page_arg(name: str = "page") -> int:
    """The page number asked for; 1 when missing or junk (listings clamp it to their last page)."""
    return int_arg(name) or 1
