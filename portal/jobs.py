"""Background work: RQ on Redis when REDIS_URL is set, in-process otherwise.

enqueue(fn, *args) takes an importable function and plain arguments and returns a JobHandle whose
status/progress can be read back (from Redis, or from the finished in-process run).
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app

log = logging.getLogger(__name__)


@dataclass
class JobHandle:
    id: str
    status: str  # queued / started / finished / failed
    result: Any = None
    error: str | None = None
    meta: dict = field(default_factory=dict)


def _redis_connection():
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"])


def enqueue(fn: Callable, *args, **kwargs) -> JobHandle:
    import_path = f"{fn.__module__}:{fn.__name__}"
    if current_app.config.get("REDIS_URL"):
        from rq import Queue

        queue = Queue("yichuang", connection=_redis_connection())
        # The worker builds the app (portal.worker); the kernel names it by path and never imports it.
        job = queue.enqueue("portal.worker.run_job", import_path, args, kwargs, job_timeout=600)
        return JobHandle(id=job.id, status="queued")
    # In-process: run now, inside the current app context; a failure is logged, never raised
    # into the request that asked for the work.
    handle = JobHandle(id=uuid.uuid4().hex, status="started")
    try:
        handle.result = fn(*args, **kwargs)
        handle.status = "finished"
    except Exception as exc:  # noqa: BLE001 - a job failure must not break the caller
        log.exception("job %s failed", import_path)
        handle.status, handle.error = "failed", str(exc)
    return handle


def job_status(job_id: str) -> JobHandle:
    """Read a queued job back from Redis (in-process jobs finish inside enqueue)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(job_id, connection=_redis_connection())
    except NoSuchJobError:
        return JobHandle(id=job_id, status="unknown")
    status = job.get_status(refresh=True)
    status = getattr(status, "value", status)
    return JobHandle(
        id=job_id,
        status=str(status),
        result=job.return_value() if status == "finished" else None,
        error=job.latest_result().exc_string if status == "failed" and job.latest_result() else None,
        meta=dict(job.meta),
    )
