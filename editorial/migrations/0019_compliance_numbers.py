"""Compliance numbers: a `ComplianceNumber` row for every publication, append-only like it.

Publications written before this are numbered here, 1, 2, 3… in the order they were
published (publishing time, then id), each with its year of publishing; the identity
column then carries on after the highest, so new publications number on from there.
"""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models

from editorial import append_only, compliance

TABLES = ("editorial_compliancenumber",)


def number_publications(apps, schema_editor):
    Publication = apps.get_model("editorial", "Publication")
    ComplianceNumber = apps.get_model("editorial", "ComplianceNumber")
    rows = (
        Publication.objects.order_by("published_at", "pk")
        .values_list("pk", "published_at")
        .iterator(chunk_size=2000)
    )
    batch = []
    for number, (pk, published_at) in enumerate(rows, start=1):
        batch.append(
            ComplianceNumber(
                number=number, publication_id=pk, year=compliance.compliance_year(published_at)
            )
        )
        if len(batch) >= 2000:
            ComplianceNumber.objects.bulk_create(batch)
            batch = []
    ComplianceNumber.objects.bulk_create(batch)
    # Numbers given explicitly do not move PostgreSQL's sequence (SQLite's AUTOINCREMENT
    # follows the largest rowid by itself): move it past them.
    connection = schema_editor.connection
    for statement in connection.ops.sequence_reset_sql(no_style(), [ComplianceNumber]):
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    for statement in append_only.create_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    # The PostgreSQL function stays: 0009's triggers still use it.
    for statement in append_only.drop_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0018_publication_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ComplianceNumber",
            fields=[
                (
                    "number",
                    models.BigAutoField(
                        help_text="The site-wide serial.", primary_key=True, serialize=False
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        help_text="The year of publishing, in the site's time zone."
                    ),
                ),
                (
                    "publication",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="compliance_number",
                        to="editorial.publication",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.RunPython(number_publications, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
