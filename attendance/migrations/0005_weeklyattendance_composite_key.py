"""Weekly rollups are keyed by (child, week) itself, as the marks are, and lose the per-row foreign-key check.

As in 0003, the model state changes on its own and the table follows in SQL: on PostgreSQL in place (the unique
index becomes the primary key), elsewhere by rebuilding the table.
"""

from django.db import migrations, models

TABLE = "attendance_weeklyattendance"
COLUMNS = "week_start, possible, present, approved, authorised, unauthorised, not_possible, updated_at, child_id"


def key_the_table_by_child_week(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN id")
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT uniq_weekly_child_week, "
                              f"ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (child_id, week_start)")
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_old")
    schema_editor.execute("DROP INDEX IF EXISTS attendance__week_st_a26cff_idx")
    schema_editor.create_model(apps.get_model("attendance", "WeeklyAttendance"))
    schema_editor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE}_old")
    schema_editor.execute(f"DROP TABLE {TABLE}_old")


class Migration(migrations.Migration):

    dependencies = [
        ('attendance', '0004_sessionmark_month_partitions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='weeklyattendance',
            name='child',
            field=models.ForeignKey(db_constraint=False, db_index=False,
                                    on_delete=models.deletion.CASCADE, related_name='weekly_attendance',
                                    to='roll.child'),
        ),
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveConstraint(
                model_name='weeklyattendance',
                name='uniq_weekly_child_week',
            ),
            migrations.RemoveField(
                model_name='weeklyattendance',
                name='id',
            ),
            migrations.AddField(
                model_name='weeklyattendance',
                name='pk',
                field=models.CompositePrimaryKey('child', 'week_start', blank=True, editable=False,
                                                 primary_key=True, serialize=False),
            ),
        ]),
        migrations.RunPython(key_the_table_by_child_week, elidable=False),
    ]
