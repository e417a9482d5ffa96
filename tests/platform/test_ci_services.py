"""Under CI=true the suite must be running on the real services, so a misconfigured CI cannot pass on SQLite."""

import shutil
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import IN_CI

pytestmark = pytest.mark.skipif(not IN_CI, reason="only asserted under CI=true")


def test_ci_runs_on_postgresql(db):
    assert connection.vendor == "postgresql", "CI must set DATABASE_URL to PostgreSQL"


def test_ci_has_chromium():
    from tests.e2e.conftest import CHROMIUM

    assert Path(CHROMIUM).exists() or shutil.which("chromium"), f"CI needs Chromium at {CHROMIUM}"


def test_ci_has_a_broker(settings):
    assert settings.REDIS_URL.startswith("redis://"), "CI must set REDIS_URL"
