"""The job facade runs work in-process without Redis and on RQ with it."""
from __future__ import annotations

import os

import pytest

from portal.extensions import db
from portal.jobs import enqueue, job_status
from portal.mail import queue_mail

IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("TEST_REDIS_URL")


def double(value: int) -> int:
    return value * 2


def explode() -> None:
    raise RuntimeError("boom")


def test_in_process_job_runs_now(app):
    handle = enqueue(double, 21)
    assert (handle.status, handle.result) == ("finished", 42)


def test_in_process_failure_is_reported_not_raised(app):
    handle = enqueue(explode)
    assert handle.status == "failed" and "boom" in handle.error


def test_mail_waits_for_commit_and_is_dropped_on_rollback(app, outbox):
    queue_mail("a@example.cn", "主题", "正文")
    assert outbox == []
    db.session.rollback()
    db.session.commit()
    assert outbox == []
    queue_mail("b@example.cn", "受理回执", "您的申报已收到")
    db.session.commit()
    assert [m["to"] for m in outbox] == [["b@example.cn"]]
    assert outbox[0]["subject"] == "受理回执"


@pytest.fixture
def redis_url():
    if not REDIS_URL:
        if IN_CI:
            pytest.fail("TEST_REDIS_URL must be set under CI=true")
        pytest.skip("Redis tests skipped: TEST_REDIS_URL is not set")
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    try:
        Redis.from_url(REDIS_URL).ping()
    except RedisConnectionError as exc:
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_URL} unreachable under CI=true: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {exc}")
    return REDIS_URL


def test_job_runs_on_rq_when_redis_is_configured(app, redis_url):
    from redis import Redis
    from rq import Queue, SimpleWorker

    app.config["REDIS_URL"] = redis_url
    connection = Redis.from_url(redis_url)
    Queue("yichuang", connection=connection).empty()
    handle = enqueue(double, 5)
    assert handle.status == "queued"
    assert job_status(handle.id).status == "queued"
    SimpleWorker([Queue("yichuang", connection=connection)], connection=connection).work(burst=True)
    finished = job_status(handle.id)
    assert finished.status == "finished" and finished.result == 10
