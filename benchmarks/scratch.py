"""A throwaway portal for the in-process benchmarks (judging.py, grants.py): a fresh SQLite database
and instance folder in a temporary directory, the app built on them with no cache, no rate limits
and mail kept in memory; the environment restored and the directory removed afterwards."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_app(name: str):
    workdir = Path(tempfile.mkdtemp(prefix=f"yichuang-{name}-bench-"))
    saved = {key: os.environ.get(key) for key in ("INSTANCE_PATH", "DATABASE_URL")}
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / f'{name}.db'}"
    try:
        from portal.app import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "SQLALCHEMY_ENGINE_OPTIONS": {},
                          "SECRET_KEY": f"bench-{name}", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "MAIL_BACKEND": "memory", "REDIS_URL": None, "PUBLIC_CACHE_SECONDS": 0})
        logging.getLogger().setLevel(logging.WARNING)  # the build's INFO lines would drown the figures
        yield app
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(workdir, ignore_errors=True)
