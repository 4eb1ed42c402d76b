"""The tables publications are found by: the records each shows, its drugs, its words.

A publication's manifest names every record it was built from, its `drug_slugs` the
drugs it shows and its `search_text` what search matches. Reading those columns across
every live publication is a scan; these rows, written with each publication and never
changed after (like the publication), turn each question into an indexed lookup:

- `PublicationRecord` (publication, model, pk, history id), indexed on (model, pk):
  which live pages show a record (`live_pages_showing`).
- `PublicationDrug` (publication, drug slug), indexed on slug: a public drug page.
- `PublicationSearch` (publication, tsvector), GIN-indexed, on PostgreSQL only.

The pure helpers here serve the migration that fills them for older publications too.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q

# The text-search configuration of public search, and of every stored vector.
SEARCH_CONFIG = "english"

# Each table's rows for the publications matching a condition on `p`, read by the
# database from the publications' own columns: one statement for any number of them
# (a row per record is too many parameters to send for a thousand pages).
_INSERTS = {
    "postgresql": [
        "INSERT INTO editorial_publicationrecord (publication_id, model, object_id, history_id) "
        "SELECT p.id, r->>'model', (r->>'pk')::bigint, (r->>'history_id')::bigint "
        "FROM editorial_publication p, jsonb_array_elements(p.manifest) r WHERE {where}",
        "INSERT INTO editorial_publicationdrug (publication_id, slug) "
        "SELECT DISTINCT p.id, s->'drug'->>'slug' "
        "FROM editorial_publication p, jsonb_array_elements(p.content->'drug_sections') s "
        "WHERE {where}",
        # SEARCH_CONFIG, the configuration public search queries with.
        "INSERT INTO editorial_publicationsearch (publication_id, vector) "
        "SELECT p.id, to_tsvector('english', p.search_text) FROM editorial_publication p "
        "WHERE {where}",
    ],
    "sqlite": [
        "INSERT INTO editorial_publicationrecord (publication_id, model, object_id, history_id) "
        "SELECT p.id, json_extract(r.value, '$.model'), json_extract(r.value, '$.pk'), "
        "json_extract(r.value, '$.history_id') "
        "FROM editorial_publication p, json_each(p.manifest) r WHERE {where}",
        "INSERT INTO editorial_publicationdrug (publication_id, slug) "
        "SELECT DISTINCT p.id, json_extract(s.value, '$.drug.slug') "
        "FROM editorial_publication p, json_each(p.content, '$.drug_sections') s "
        "WHERE {where}",
    ],
}


def insert_statements(vendor: str, where: str) -> list[str]:
    """SQL writing the lookup rows of the publications `p` for which `where` holds."""
    return [statement.format(where=where) for statement in _INSERTS[vendor]]


RecordKey = tuple[str, int]


def manifest_rows(manifest: Iterable[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """(model, pk, history id) of every record a manifest names, once each."""
    return sorted({(row["model"], row["pk"], row["history_id"]) for row in manifest})


def drug_slugs_of(drug_slugs: str) -> list[str]:
    """The slugs in a publication's `|a||b|` column, once each."""
    return sorted({slug for slug in drug_slugs.strip("|").split("||") if slug})


def lookups_write(revision_id: int) -> None:
    """Write the lookup rows of a revision's newly inserted publications.

    A few statements for any number of pages. The rows come from the publications' own
    columns, so they say no more than the publication does; `integrity.verify_lookups`
    checks them against those columns.
    """
    with connection.cursor() as cursor:
        for statement in insert_statements(connection.vendor, "p.revision_id = %s"):
            cursor.execute(statement, [revision_id])


# The first page (by id) of a revision showing a record the revision does not own at
# another history record than the one published now: read in the database from the
# revision's own columns, since a thousand pages show tens of thousands of such rows.
_STALE_SHOWN = {
    "postgresql": (
        "WITH owned AS (SELECT o->>'model' AS model, (o->>'pk')::bigint AS pk "
        "FROM editorial_revision v, jsonb_array_elements(v.records) o WHERE v.id = %s) "
        "SELECT s.page_id FROM editorial_revisionpage s, jsonb_array_elements(s.manifest) r "
        "LEFT JOIN editorial_publishedversion p "
        "ON p.model = r->>'model' AND p.object_id = (r->>'pk')::bigint "
        "WHERE s.revision_id = %s "
        "AND p.history_id IS DISTINCT FROM (r->>'history_id')::bigint "
        "AND NOT EXISTS (SELECT 1 FROM owned "
        "WHERE owned.model = r->>'model' AND owned.pk = (r->>'pk')::bigint) "
        "ORDER BY s.page_id LIMIT 1"
    ),
    "sqlite": (
        "WITH owned AS (SELECT json_extract(o.value, '$.model') AS model, "
        "json_extract(o.value, '$.pk') AS pk "
        "FROM editorial_revision v, json_each(v.records) o WHERE v.id = %s) "
        "SELECT s.page_id FROM editorial_revisionpage s, json_each(s.manifest) r "
        "LEFT JOIN editorial_publishedversion p "
        "ON p.model = json_extract(r.value, '$.model') "
        "AND p.object_id = json_extract(r.value, '$.pk') "
        "WHERE s.revision_id = %s "
        "AND p.history_id IS NOT json_extract(r.value, '$.history_id') "
        "AND NOT EXISTS (SELECT 1 FROM owned WHERE owned.model = json_extract(r.value, '$.model') "
        "AND owned.pk = json_extract(r.value, '$.pk')) "
        "ORDER BY s.page_id LIMIT 1"
    ),
}


def first_page_showing_stale_record(revision_id: int) -> int | None:
    """The first of a revision's pages that shows a record it does not own at a history
    record other than the one published now, or None: one statement for any number of pages.

    Such a page was frozen before another change published that record, so publishing
    it would put the old version back in front of readers.
    """
    with connection.cursor() as cursor:
        cursor.execute(_STALE_SHOWN[connection.vendor], [revision_id, revision_id])
        row = cursor.fetchone()
    return row[0] if row else None


def records_condition(keys: Iterable[RecordKey], prefix: str = "") -> Q:
    """A filter matching any of `keys` in a table of (model, object_id): one OR per model."""
    by_model: dict[str, list[int]] = defaultdict(list)
    for name, pk in keys:
        by_model[name].append(pk)
    condition = Q()
    for name, pks in sorted(by_model.items()):
        condition |= Q(**{f"{prefix}model": name, f"{prefix}object_id__in": sorted(pks)})
    return condition


def live_pages_showing_records(keys: set[RecordKey]) -> set[int]:
    """The pages whose live publication shows any of these records: one indexed query."""
    from .models import PublicationRecord  # models import nothing from here; migrations do

    if not keys:
        return set()
    return set(
        PublicationRecord.objects.filter(
            records_condition(keys), publication__current__isnull=False
        )
        .values_list("publication__page_id", flat=True)
        .distinct()
    )
