"""The compose stack and image are wired as the README says (validated without a Docker engine)."""

import shutil
import subprocess
from pathlib import Path

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[2]


def _compose(*args: str) -> str:
    require_or_skip(shutil.which("docker-compose") is not None, "docker-compose (to validate docker-compose.yml)")
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_compose_has_every_service_and_wires_the_environment():
    assert set(_compose("config", "--services").split()) == {"db", "redis", "web", "worker", "beat", "mailpit"}
    config = _compose("config")  # resolved: every service's environment after the shared anchor is merged
    for expected in (
        "image: postgres:16", "image: redis:7", "EMAIL_HOST: mailpit", "EMAIL_PORT: '1025'",
        "REDIS_URL: redis://redis:6379/0", "DATABASE_URL: postgres://vschool:", "VSCHOOL_ENV: production",
        "DJANGO_SECRET_KEY:", "DJANGO_ALLOWED_HOSTS:", "published: 8025",
    ):
        assert expected in config, expected
    assert config.count("REDIS_URL: redis://redis:6379/0") == 3  # web, worker and beat
    raw = (ROOT / "docker-compose.yml").read_text()
    for command in (
        '"celery", "-A", "vschool", "worker"', '"celery", "-A", "vschool", "beat"',
        "python manage.py migrate --noinput &&", "gunicorn vschool.wsgi --bind 0.0.0.0:8000",
    ):
        assert command in raw, command


def test_image_runs_as_a_non_root_production_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim-bookworm" in dockerfile
    assert "VSCHOOL_ENV=production" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "USER vschool" in dockerfile
    assert "libpango-1.0-0" in dockerfile  # WeasyPrint
    assert '"gunicorn", "vschool.wsgi"' in dockerfile
