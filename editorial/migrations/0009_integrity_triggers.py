"""Have the database refuse UPDATE, DELETE and TRUNCATE on the append-only tables."""

from django.db import migrations, models

from editorial import append_only

# The tables as of this migration: a table protected later gets a migration of its own.
TABLES = (
    "editorial_publication",
    "editorial_revision",
    "editorial_revisionpage",
    "editorial_review",
    "editorial_auditentry",
)


def create_triggers(apps, schema_editor):
    for statement in append_only.create_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in append_only.drop_statements(vendor, TABLES, function=True):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0008_append_only_and_audit_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True),
        ),
        # After every schema change above: SQLite rebuilds a table to alter it, which
        # would drop its triggers.
        migrations.RunPython(create_triggers, drop_triggers),
    ]
