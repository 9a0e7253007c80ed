"""The RQ worker's entry: `rq worker -u "$REDIS_URL" yichuang` runs run_job for every queued job.

portal.jobs enqueues jobs by name ("portal.worker.run_job"), so the kernel never imports the factory.
"""
from __future__ import annotations

from importlib import import_module

from .app import create_app

_app = None


def run_job(import_path: str, args: tuple, kwargs: dict):
    """Run the job's function ("module:function") inside the app's context, built once per worker process."""
    global _app
    if _app is None:
        _app = create_app()
    module_name, fn_name = import_path.rsplit(":", 1)
    fn = getattr(import_module(module_name), fn_name)
    with _app.app_context():
        return fn(*args, **kwargs)
