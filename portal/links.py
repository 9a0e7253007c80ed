"""Links: the one way to build an absolute link to the portal, and the one check of where a user may
be redirected.

absolute_url(endpoint, **values) builds an absolute URL from PORTAL_URL (scheme, host and an optional path
prefix, e.g. ``https://gongyi.example.cn/yichuang``) and the route of `endpoint` — never from the
request, so a mail sent from a view, a job or cron (``flask remind-judges``) reads the same, and a
mail client can open it. Every link in mail, in notifications, in PDFs and QR codes comes from here.

safe_target(target, default) answers with `target` when it is a path on this portal (or an absolute
link under PORTAL_URL) and with `default` otherwise: no other host, no ``//host`` or ``/\\host``
(which browsers read as another host), no newline, NUL or other control character (which would
break the Location header). Every redirect to a place a user or a stored value chose goes through it.

Kernel: knows no domain.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app, request


def portal_url() -> str:
    """PORTAL_URL without its trailing slash, e.g. ``https://gongyi.example.cn/yichuang``."""
    return current_app.config["PORTAL_URL"].rstrip("/")


def absolute_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """The absolute URL of `endpoint` with `values` (URL parameters; unknown ones become the query
    string; None values are left out), inside or outside a request."""
    base = urlsplit(portal_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    if _anchor:
        url += "#" + quote(_anchor, safe="")
    return url


def is_portal_link(url: str) -> bool:
    """True when `url` is an absolute link under PORTAL_URL (the same scheme, host and prefix)."""
    base = portal_url()
    return isinstance(url, str) and _clean(url) and (url == base or url.startswith(base + "/"))


def _clean(text: str) -> bool:
    """No control character (newline, NUL, DEL …) and no backslash."""
    return not any(ord(char) < 0x20 or ord(char) == 0x7F or char == "\\" for char in text)


def is_local_path(target: str) -> bool:
    """A path on this site: one leading slash, no scheme or host, nothing a browser reads otherwise."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return False
    if not _clean(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_target(target: str | None, default: str) -> str:
    """`target` when it is safe to redirect to (a local path, or a link under PORTAL_URL), else `default`."""
    if target and (is_local_path(target) or is_portal_link(target)):
        return target
    return default


def safe_next(default: str) -> str:
    """The request's ``next`` (query string) when it is safe to redirect to, else `default`."""
    return safe_target(request.args.get("next"), default)
