"""Weekly rollup rows are rewritten by every import that touches their week: on PostgreSQL, leave a fifth of each
page free so those updates stay on the page (HOT) and touch no index. Applies to pages written from now on; a
`VACUUM FULL attendance_weeklyattendance` in a quiet hour applies it to the rows already there.
"""

from django.db import migrations


def set_fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE attendance_weeklyattendance SET (fillfactor = {value})")
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('attendance', '0005_weeklyattendance_composite_key'),
    ]

    operations = [
        migrations.RunPython(set_fillfactor(80), set_fillfactor(100), elidable=False),
    ]
