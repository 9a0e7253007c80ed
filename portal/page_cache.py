"""A short-lived cache of whole public pages for anonymous visitors.

Anonymous pages are the same for everyone, so a hot public list can be served from Redis (shared by
every app server) or, without Redis, from a small in-process store. Entries live a few seconds
(PUBLIC_CACHE_SECONDS; 0 turns the cache off), so a newly published call appears within that time.
Signed-in users, pages carrying flashed messages and non-GET requests are never cached.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

_MAX_LOCAL_ENTRIES = 256
_local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
_lock = Lock()


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("page_cache_redis")
    if client is None:
        from redis import Redis

        client = current_app.extensions["page_cache_redis"] = Redis.from_url(url, socket_timeout=0.5)
    return client


def cache_key() -> str | None:
    """The key for this request, or None when it must not be cached."""
    if current_app.config.get("PUBLIC_CACHE_SECONDS", 0) <= 0 or request.method != "GET":
        return None
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    return f"yichuang:page:{get_locale()}:{request.full_path}"


def get(key: str) -> bytes | None:
    redis = _redis()
    if redis is not None:
        try:
            return redis.get(key)
        except Exception:  # noqa: BLE001 - a cache outage must not break the page
            return None
    with _lock:
        entry = _local.get(key)
        if entry and entry[0] > time.monotonic():
            return entry[1]
    return None


def put(key: str, body: bytes) -> None:
    seconds = current_app.config.get("PUBLIC_CACHE_SECONDS", 0)
    redis = _redis()
    if redis is not None:
        try:
            redis.setex(key, seconds, body)
        except Exception:  # noqa: BLE001
            pass
        return
    with _lock:
        _local[key] = (time.monotonic() + seconds, body)
        _local.move_to_end(key)
        while len(_local) > _MAX_LOCAL_ENTRIES:
            _local.popitem(last=False)


def clear_local() -> None:
    with _lock:
        _local.clear()
