"""Settings from environment variables, with safe defaults for the embedded (SQLite) mode."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _instance_secret(instance_path: str) -> str:
    """A secret generated once and kept in the instance folder, so development sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEFAULT_PORTAL_URL = "http://127.0.0.1:5000"  # the embedded mode's `flask run` / `make demo`


def looks_like_production(config) -> bool:
    """PostgreSQL, or cookies only over HTTPS: not a developer's embedded portal."""
    uri = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    return uri.startswith("postgresql") or bool(config.get("SESSION_COOKIE_SECURE"))


def load_config(instance_path: str) -> dict:
    env = os.environ
    database_url = env.get("DATABASE_URL") or "sqlite:///" + str(Path(instance_path) / "yichuang.db")
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT") or 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USE_SSL": env.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER") or "益创 <noreply@yichuang.local>",
        # "console" logs mail (development); "smtp" sends it; "memory" keeps it for tests.
        "MAIL_BACKEND": env.get("MAIL_BACKEND") or ("smtp" if env.get("MAIL_SERVER") else "console"),
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT") or "10 per minute",
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "PREFERRED_URL_SCHEME": env.get("PREFERRED_URL_SCHEME") or "http",
        # Where people reach the portal: every link in mail, notifications and PDFs starts with it
        # (portal/links.py). A path prefix is allowed: https://gongyi.example.cn/yichuang
        "PORTAL_URL": env.get("PORTAL_URL") or DEFAULT_PORTAL_URL,
        "PAGE_SIZE": 20,
        # Certificates: the cut fonts' folder and the credentials' signing key (None: in the instance folder).
        "CERTIFICATE_FONT_FOLDER": env.get("CERTIFICATE_FONT_FOLDER") or None,
        "CERTIFICATE_SIGNING_KEY_FILE": env.get("CERTIFICATE_SIGNING_KEY_FILE") or None,
        "GIVING360_PREFIX": env.get("GIVING360_PREFIX") or "yichuang",  # grant ids 360G-<prefix>-<reference>
        # Anonymous public pages are cached this many seconds (0 = off); see portal/page_cache.py.
        "PUBLIC_CACHE_SECONDS": int(env.get("PUBLIC_CACHE_SECONDS") or 10),
    }
