"""Have the database refuse UPDATE, DELETE and TRUNCATE on the publication lookup tables.

They say what a publication shows, as fixed as the publication itself. After 0012's
schema changes: SQLite rebuilds a table to alter it, which would drop its triggers.
"""

from django.db import migrations

from editorial import append_only

TABLES = (
    "editorial_publicationrecord",
    "editorial_publicationdrug",
    "editorial_publicationsearch",
)


def create_triggers(apps, schema_editor):
    for statement in append_only.create_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    # The PostgreSQL function stays: 0009's triggers still use it.
    for statement in append_only.drop_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0012_publication_lookups"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
