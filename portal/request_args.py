"""Whole numbers a user sent in the query string or a form (ids, page numbers, filters).

Anything that is not a positive number a database integer can hold comes back as None — junk,
negatives, and 40-digit numbers alike — so no view hands what a user typed straight to SQL.
"""
from __future__ import annotations

from flask import request

MAX_INT = 2**31 - 1  # PostgreSQL's integer; SQLite's is larger


def int_arg(name: str, source=None) -> int | None:
    """A positive int from request.args (or `source`, e.g. request.form), else None."""
    raw = (request.args if source is None else source).get(name, "")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_INT else None


def page_arg(name: str = "page") -> int:
    """The page number asked for; 1 when missing or junk (listings clamp it to their last page)."""
    return int_arg(name) or 1
