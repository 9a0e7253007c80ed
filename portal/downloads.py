"""File responses: the name a browser saves (RFC 6266 / RFC 5987, UTF-8 with an optional ASCII
fallback), and whether shared caches may keep it."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort

from .errors import DomainError
from .storage import ALLOWED_TYPES, storage


def file_response(data: bytes, mimetype: str, filename: str, *, inline: bool = False, private: bool = True,
                  fallback: str | None = None) -> Response:
    """`data` as a download (or shown in the browser when inline) named `filename`; private files
    (anything behind a permission check) are never stored by caches."""
    name = filename.replace("/", "_").replace("\\", "_")
    ascii_name = f'; filename="{fallback}"' if fallback else ""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}{ascii_name}; filename*=UTF-8''{quote(name, safe='')}")
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def stored_file_response(key: str, kind: str, filename: str, *, private: bool = True) -> Response:
    """An uploaded file from storage (404 when it is gone), typed by the kind checked at upload."""
    try:
        data = storage().read(key)
    except (FileNotFoundError, DomainError):
        abort(404)
    return file_response(data, ALLOWED_TYPES.get(kind, "application/octet-stream"), filename, private=private)
