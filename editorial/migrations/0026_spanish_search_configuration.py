"""Spanish search: PostgreSQL's 'spanish' configuration with accents folded, as
`lookups.SEARCH_CONFIGS["es"]` names it ("imprimatur_spanish").

A reader who types "nausea" finds "náusea": unaccent runs before the Spanish stemmer, on
the stored vectors and on the query alike. The extension needs a role allowed to create
it; where that is refused the configuration is plain 'spanish' (accents then matter on
PostgreSQL only). No stored row changes: Spanish search rows are written with it from
the first Spanish publication on. Nothing happens on SQLite, where Spanish search folds
accents in Python.
"""

from django.db import migrations

CONFIG = "imprimatur_spanish"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [CONFIG])
        if cursor.fetchone():
            return
        try:
            cursor.execute("SAVEPOINT imprimatur_unaccent")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            cursor.execute("RELEASE SAVEPOINT imprimatur_unaccent")
            unaccent = True
        except Exception:  # noqa: BLE001 - not allowed here: plain Spanish, said in the docstring
            cursor.execute("ROLLBACK TO SAVEPOINT imprimatur_unaccent")
            unaccent = False
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.spanish)")
        if unaccent:
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0025_default_spanish_review_policy"),
    ]

    operations = [migrations.RunPython(create, drop)]
