"""A real Celery worker, in its own process, takes a task from Redis and answers through the result backend."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.redis


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _worker_database_url(tmp_path) -> str:
    """A database the worker process can open: the test database on PostgreSQL, a scratch file on SQLite."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}"


@pytest.mark.django_db
def test_worker_answers_ping_over_redis(tmp_path):
    require_or_skip(_redis_up(), f"Redis at {REDIS_URL}")
    queue = f"ping-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": _worker_database_url(tmp_path),
        "DJANGO_SETTINGS_MODULE": "vschool.settings",
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "vschool", "worker", "--pool=solo", "-Q", queue,
            "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    client = Celery("ping-client", broker=REDIS_URL, backend=REDIS_URL)
    try:
        result = client.send_task("vschool.core.tasks.ping", queue=queue)
        answer = result.get(timeout=60)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        client.close()
    assert answer == f"pong {connection.vendor}", (tmp_path / "worker.log").read_text()


def test_ping_runs_eagerly_without_a_broker(db, settings):
    from vschool.core.tasks import ping

    assert ping.apply().get() == f"pong {connection.vendor}"
