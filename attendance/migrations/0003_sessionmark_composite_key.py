"""Session marks are keyed by (child, date, session) itself instead of a surrogate id beside a unique index.

Django cannot alter a table's primary key in place, so the model state changes on its own and the table follows in
SQL: on PostgreSQL the id column goes and the unique index is rebuilt as the primary key, in place (the table is
locked while the index builds, about a second per few million marks); elsewhere the table is rebuilt with the new
key and the marks copied across.
"""

from django.db import migrations, models

TABLE = "attendance_sessionmark"
COLUMNS = ("date, session, code, source, previous_code, recorded_at, batch_id, child_id, recorded_by_id, "
           "school_id")


def key_the_table_by_child_date_session(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN id")
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT uniq_mark_child_date_session, "
                              f"ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (child_id, date, session)")
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_old")
    schema_editor.create_model(apps.get_model("attendance", "SessionMark"))
    schema_editor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE}_old")
    schema_editor.execute(f"DROP TABLE {TABLE}_old")


class Migration(migrations.Migration):

    dependencies = [
        ('attendance', '0002_term_attendance'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveConstraint(
                model_name='sessionmark',
                name='uniq_mark_child_date_session',
            ),
            migrations.RemoveField(
                model_name='sessionmark',
                name='id',
            ),
            migrations.AddField(
                model_name='sessionmark',
                name='pk',
                field=models.CompositePrimaryKey('child', 'date', 'session', blank=True, editable=False,
                                                 primary_key=True, serialize=False),
            ),
        ]),
        migrations.RunPython(key_the_table_by_child_date_session, elidable=False),
    ]
