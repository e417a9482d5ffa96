"""Make the access log append-only in the database too: PostgreSQL refuses UPDATE and DELETE on its rows.

SQLite (the first-run database) has no such guard; the model refuses changes there.
"""

from django.db import migrations

CREATE = [
    """
    CREATE OR REPLACE FUNCTION audit_accesslog_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_accesslog is append-only: % is not allowed', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog",
    """
    CREATE TRIGGER audit_accesslog_append_only
        BEFORE UPDATE OR DELETE ON audit_accesslog
        FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only()
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog",
    "DROP FUNCTION IF EXISTS audit_accesslog_append_only()",
]


def create_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def drop_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_guard, drop_guard),
    ]
