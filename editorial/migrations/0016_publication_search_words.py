"""Search finds a page by every word a reader sees on it, ranked by where the word is.

The search rows held a vector of each publication's `search_text` (title, drugs, side
effect terms), so the page's sentences and its cancer type were never found. They now
hold the words of the publication's frozen content in four weighted parts
(`lookups.search_parts`), on every database, with a weighted vector on PostgreSQL.
Publications are never rewritten: their search rows are derived again from their own
content, here, with the append-only triggers lifted for that alone.
"""

import django.contrib.postgres.search
from django.db import migrations, models

from editorial import append_only, lookups

TABLES = ["editorial_publicationsearch"]


def create_triggers(apps, schema_editor):
    for statement in append_only.create_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in append_only.drop_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


def empty(apps, schema_editor):
    apps.get_model("editorial", "PublicationSearch").objects.all().delete()


def fill(apps, schema_editor):
    Publication = apps.get_model("editorial", "Publication")
    batch = []
    for publication in Publication.objects.only("pk", "content").order_by("pk").iterator(500):
        batch.append((publication.pk, publication.content))
        if len(batch) == 500:
            lookups.search_rows_write(schema_editor.connection, batch)
            batch = []
    lookups.search_rows_write(schema_editor.connection, batch)


def fill_before(apps, schema_editor):
    # What 0012 wrote: on PostgreSQL, a vector of each publication's search text.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "INSERT INTO editorial_publicationsearch (publication_id, vector) "
            "SELECT p.id, to_tsvector('english', p.search_text) FROM editorial_publication p"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0015_reviewpolicy_reading_grade"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.RunPython(empty, fill_before),
        migrations.AddField(
            model_name="publicationsearch",
            name="heading",
            field=models.TextField(default="", help_text="The title and the cancer type (A)."),
        ),
        migrations.AddField(
            model_name="publicationsearch",
            name="names",
            field=models.TextField(default="", help_text="The drugs' generic and brand names (B)."),
        ),
        migrations.AddField(
            model_name="publicationsearch",
            name="facts",
            field=models.TextField(
                default="", help_text="Drug class, targets, route and side-effect terms (C)."
            ),
        ),
        migrations.AddField(
            model_name="publicationsearch",
            name="body",
            field=models.TextField(default="", help_text="The page's sentences (D)."),
        ),
        migrations.AddField(
            model_name="publicationsearch",
            name="words",
            field=models.TextField(
                default="", help_text="Every distinct word, lower case: ' a b '."
            ),
        ),
        migrations.AlterField(
            model_name="publicationsearch",
            name="vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.RunPython(fill, empty),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
