"""Tables that find publications by record, by drug and by words, filled for existing ones.

Publications are never rewritten, so what later work needs to find them by lives in
tables of their own (docs/architecture.md, invariant 8), written from each
publication's own columns. The GIN index and the search vectors exist on PostgreSQL
only; elsewhere search reads the publication's `search_text`.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from editorial import lookups

GIN = django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="editorial_pubsearch_vector")


def create_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("editorial", "PublicationSearch"), GIN)


def drop_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("editorial", "PublicationSearch"), GIN)


def fill(apps, schema_editor):
    # The same statements publishing runs, over every publication there is.
    for statement in lookups.insert_statements(schema_editor.connection.vendor, "1 = 1"):
        schema_editor.execute(statement)


def empty(apps, schema_editor):
    for name in ("PublicationRecord", "PublicationDrug", "PublicationSearch"):
        apps.get_model("editorial", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0011_frontend_purge"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicationSearch",
            fields=[
                (
                    "publication",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="search_row",
                        serialize=False,
                        to="editorial.publication",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        # A GIN index is PostgreSQL's; the state has it on every database.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="publicationsearch", index=GIN)],
            database_operations=[migrations.RunPython(create_gin, drop_gin)],
        ),
        migrations.CreateModel(
            name="PublicationDrug",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(db_index=False, max_length=200)),
                (
                    "publication",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="drug_rows",
                        db_index=False,
                        to="editorial.publication",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["slug", "publication"], name="editorial_pubdrug_slug")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("publication", "slug"), name="one_row_per_drug_shown"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PublicationRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("model", models.CharField(max_length=100)),
                ("object_id", models.PositiveBigIntegerField()),
                ("history_id", models.PositiveBigIntegerField()),
                (
                    "publication",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="record_rows",
                        db_index=False,
                        to="editorial.publication",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["model", "object_id"], name="editorial_pubrec_record")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("publication", "model", "object_id"),
                        name="one_row_per_record_shown",
                    )
                ],
            },
        ),
        migrations.RunPython(fill, empty),
    ]
