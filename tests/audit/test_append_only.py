"""On PostgreSQL the database itself refuses to change or remove access log rows (a trigger)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from tests.conftest import require_or_skip
from tests.roll.factories import ChildFactory
from vschool.audit.models import AccessLog
from vschool.audit.services import access_log_record


@pytest.fixture
def row(caseworker):
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL) for the append-only trigger")
    child = ChildFactory()
    request = RequestFactory().get("/")
    request.user = caseworker
    return access_log_record(request=request, obj=child, what="child record", child_id=child.pk)


def test_update_is_refused_by_the_database(row):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            AccessLog.objects.filter(pk=row.pk).update(what="tampered")
    assert AccessLog.objects.get(pk=row.pk).what == "child record"


def test_delete_is_refused_by_the_database(row):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_accesslog WHERE id = %s", [row.pk])
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_insert_still_works(row):
    assert AccessLog.objects.count() == 1
