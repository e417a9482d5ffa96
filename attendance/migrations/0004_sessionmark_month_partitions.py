"""On PostgreSQL, session marks move into a table partitioned by month of date (ADR 0004); elsewhere nothing changes.

The marks are copied into the new table before its key is built, so the key index is built once per month rather
than maintained row by row (a few minutes at 25 million marks, with the table locked).
"""

from datetime import date

from django.db import migrations
from django.utils import timezone

TABLE = "attendance_sessionmark"
FLAT = f"{TABLE}_flat"
FIRST_MONTH = date(2024, 8, 1)  # the codes in force from August 2024


def partition_by_month(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from attendance.partitions import add_months, ensure_month_partitions

    run = schema_editor.execute
    run(f"ALTER TABLE {TABLE} RENAME TO {FLAT}")
    run(f"ALTER TABLE {FLAT} RENAME CONSTRAINT {TABLE}_pkey TO {FLAT}_pkey")
    run(f"CREATE TABLE {TABLE} (LIKE {FLAT} INCLUDING DEFAULTS) PARTITION BY RANGE (date)")
    run(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT min(date), max(date) FROM {FLAT}")
        low, high = cursor.fetchone()
    today = timezone.localdate()
    first = min(low or FIRST_MONTH, FIRST_MONTH)
    last = max(high or today, add_months(today, 12))
    ensure_month_partitions(first, last)
    run(f"INSERT INTO {TABLE} SELECT * FROM {FLAT}")
    run(f"DROP TABLE {FLAT}")
    run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (child_id, date, session)")
    run(f"ANALYZE {TABLE}")


def one_table_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(f"CREATE TABLE {FLAT} (LIKE {TABLE} INCLUDING DEFAULTS)")
    run(f"INSERT INTO {FLAT} SELECT * FROM {TABLE}")
    run(f"DROP TABLE {TABLE}")
    run(f"ALTER TABLE {FLAT} RENAME TO {TABLE}")
    run(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (child_id, date, session)")


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ('attendance', '0003_sessionmark_composite_key'),
    ]

    operations = [
        migrations.RunPython(partition_by_month, one_table_again, elidable=False),
    ]
