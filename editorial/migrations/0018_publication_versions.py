"""Version labels: a `PublicationVersion` row for every publication, append-only like it.

Publications written before this are numbered here, page by page in the order they were
published, by the rule new ones are numbered by at publish (`versions.numbered`).
"""

import django.db.models.deletion
from django.db import migrations, models

from editorial import append_only, versions

TABLES = ("editorial_publicationversion",)


def number_publications(apps, schema_editor):
    Publication = apps.get_model("editorial", "Publication")
    PublicationVersion = apps.get_model("editorial", "PublicationVersion")
    rows = (
        Publication.objects.order_by("page_id", "published_at", "pk")
        .values_list("page_id", "pk", "content_hash", "last_revised")
        .iterator(chunk_size=2000)
    )
    batch, page, of_page = [], None, []

    def flush_page():
        batch.extend(
            PublicationVersion(publication_id=pk, number=number, day=day)
            for pk, number, day in versions.numbered(of_page)
        )

    for page_id, pk, content_hash, last_revised in rows:
        if page_id != page:
            flush_page()
            page, of_page = page_id, []
            if len(batch) >= 2000:
                PublicationVersion.objects.bulk_create(batch)
                batch = []
        of_page.append((pk, content_hash, last_revised))
    flush_page()
    PublicationVersion.objects.bulk_create(batch)


def create_triggers(apps, schema_editor):
    for statement in append_only.create_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    # The PostgreSQL function stays: 0009's triggers still use it.
    for statement in append_only.drop_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0017_site_identity"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicationVersion",
            fields=[
                (
                    "publication",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="version",
                        serialize=False,
                        to="editorial.publication",
                    ),
                ),
                (
                    "number",
                    models.PositiveIntegerField(
                        help_text="1 for the page's first content, and so on."
                    ),
                ),
                (
                    "day",
                    models.DateField(help_text="When this version's content was first published."),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.RunPython(number_publications, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
