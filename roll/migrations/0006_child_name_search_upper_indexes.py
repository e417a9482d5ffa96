"""Name search on the roll ignores case: on PostgreSQL, indexes on the upper-cased names (with the pattern operator
class, so a prefix match can use them under any collation) keep `istartswith` an index scan at national scale.
SQLite compares LIKE without case already and needs none.
"""

from django.db import migrations

COLUMNS = ("legal_last_name", "legal_first_name", "preferred_name")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS roll_child_upper_{column} "
                              f"ON roll_child (upper({column}::text) text_pattern_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS roll_child_upper_{column}")


class Migration(migrations.Migration):

    dependencies = [
        ('roll', '0005_child_current_school_name'),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
