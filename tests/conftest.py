"""Shared fixtures: one user per role, and the CI rule that required services never skip."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from vschool.accounts.models import User
from vschool.accounts.roles import ALL_ROLES, Role

IN_CI = os.environ.get("CI") == "true"
# Public files in the national formats, kept beside the project (never copied into it).
SHARED_DATA = Path(os.environ.get("VSCHOOL_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")


def require_or_skip(available: bool, reason: str) -> None:
    """Skip locally when a service is missing; under CI=true a missing service fails the test."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI requires {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Term dates, closures and the deadline basis are cached per process. A test that changed them is rolled
    back without a signal, so forget what it cached (and keep the cache warm for tests that changed nothing)."""
    from vschool.calendar.services import cache_version, invalidate_cache

    before = cache_version()
    yield
    if cache_version() != before:
        invalidate_cache()


@pytest.fixture
def make_user(db):
    def make(role: str, username: str | None = None, **extra) -> User:
        username = username or f"{role}-{User.objects.count() + 1}"
        user = User.objects.create_user(
            username=username, email=extra.pop("email", f"{username}@example.org"), password="correct-horse-battery",
            **extra,
        )
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
        return user

    return make


@pytest.fixture
def groups(db):
    return {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}


@pytest.fixture
def vsh(make_user):
    return make_user(Role.HEADTEACHER, "vsh")


@pytest.fixture
def caseworker(make_user):
    return make_user(Role.VS_STAFF, "caseworker")


@pytest.fixture
def finance_user(make_user):
    return make_user(Role.FINANCE, "finance")


@pytest.fixture
def dt(make_user):
    return make_user(Role.DESIGNATED_TEACHER, "dt", email="dt@school.example.org")


@pytest.fixture
def sw(make_user):
    return make_user(Role.SOCIAL_WORKER, "sw")


@pytest.fixture
def viewer(make_user):
    return make_user(Role.VIEWER, "viewer")
