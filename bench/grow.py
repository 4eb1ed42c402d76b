"""Grow the bench database to a large archive: a LOAD GENERATOR, not a way to publish.

    DJANGO_SETTINGS_MODULE=config.settings.production DATABASE_URL=... python bench/grow.py

It writes rows straight into the tables with bulk inserts (bulk_create for pages, cancer
types and the current-publication pointers; one INSERT ... SELECT per 100 pages for the
publications, copied from the seed's row inside PostgreSQL) and deliberately bypasses the
editorial workflow (no changes, revisions, reviews, audit entries or history records):
it exists only so the benchmark can show that serving a public page does not get slower
as the archive grows. Never run it against a real database.

What it makes, by default (GROW_PAGES, GROW_PUBLICATIONS_PER_PAGE):

- 2,000 published pages in all, the seed page among them, each with 50 publications
  (100,000 publications). Every new page gets its own cancer type row (spread over
  GROW_CANCER_TYPES types) and 50 publications that are copies of the seed
  publication's content and HTML under the page's slug and title, with increasing
  `published_at`; the newest becomes the page's `CurrentPublication`.
- The seed page gets older publications too (copies of its own, dated before it), so
  its history is as long as every other page's; its current publication, and so the
  bytes it serves, do not change.

Then it runs VACUUM ANALYZE on the tables it filled, which autovacuum would do on its
own shortly after such a load; doing it first keeps autovacuum out of the measurements.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from drugs.models import CancerType, Page  # noqa: E402
from editorial import seed  # noqa: E402
from editorial.models import CurrentPublication, Publication, PublicationVersion  # noqa: E402

PAGES = int(os.environ.get("GROW_PAGES", "2000"))
PER_PAGE = int(os.environ.get("GROW_PUBLICATIONS_PER_PAGE", "50"))
CANCER_TYPES = int(os.environ.get("GROW_CANCER_TYPES", "200"))
CHUNK = int(os.environ.get("GROW_CHUNK_PAGES", "100"))  # pages per transaction
BATCH = 500  # rows per INSERT
PREFIX = "bench-grow"


def publication_values(template: Publication) -> dict:
    """Every stored field of the seed publication but its identity, page and address."""
    skip = {"id", "page_id", "revision_id", "slug", "title", "cancer_type", "published_at"}
    return {
        f.attname: getattr(template, f.attname)
        for f in Publication._meta.concrete_fields
        if f.attname not in skip
    }


def grow_seed_history(current: CurrentPublication, values: dict) -> int:
    """Give the seed page PER_PAGE publications in all, the extra ones older than its own."""
    seed_publication = current.publication
    have = Publication.objects.filter(page_id=current.page_id).count()
    extra = [
        Publication(
            **values,
            page_id=current.page_id,
            slug=seed_publication.slug,
            title=seed_publication.title,
            cancer_type=seed_publication.cancer_type,
            published_at=seed_publication.published_at - timedelta(days=k + 1),
        )
        for k in range(max(PER_PAGE - have, 0))
    ]
    Publication.objects.bulk_create(extra, batch_size=BATCH)
    return len(extra)


def copy_publications(page_ids: list[int], template_id: int, base_time) -> None:
    """PER_PAGE publications for each page, copied from the template row inside PostgreSQL.

    One INSERT ... SELECT per chunk, with the content, HTML and manifest taken from the
    stored template row: PostgreSQL reuses their compressed values instead of parsing and
    compressing 28 kB per row again. (Publication.objects.bulk_create of the same rows
    took 67 s per 10,000 on the 2-core bench machine, about 11 minutes for the archive;
    this takes about a tenth of that.) Then each page's newest becomes its
    CurrentPublication.
    """
    table = Publication._meta.db_table
    overrides = {
        "page_id": "p.id",
        "revision_id": "NULL",
        "slug": "p.slug",
        "title": "p.title",
        "cancer_type": "ct.name",
        "published_at": "%(base)s + make_interval(days => k.k, secs => p.id::int)",
    }
    columns = [f.column for f in Publication._meta.concrete_fields if not f.primary_key]
    insert = ", ".join(f'"{c}"' for c in columns)
    select = ", ".join(overrides.get(c, f's."{c}"') for c in columns)
    # Only table and column names from the models are interpolated; values are parameters.
    sql = (
        f'INSERT INTO "{table}" ({insert}) SELECT {select}'  # noqa: S608
        f' FROM "{Page._meta.db_table}" p'
        f' JOIN "{CancerType._meta.db_table}" ct ON ct.id = p.cancer_type_id'
        f' CROSS JOIN "{table}" s'
        f" CROSS JOIN generate_series(0, %(n)s - 1) AS k(k)"
        f" WHERE s.id = %(template)s AND p.id = ANY(%(pages)s)"
        f" ORDER BY p.id, k.k"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {"base": base_time, "n": PER_PAGE, "template": template_id, "pages": page_ids},
        )
    newest = (
        Publication.objects.filter(page_id__in=page_ids)
        .order_by("page_id", "-published_at", "-pk")
        .distinct("page_id")
        .values_list("page_id", "pk", "slug", "published_at")
    )
    CurrentPublication.objects.bulk_create(
        [
            CurrentPublication(page_id=page, publication_id=pk, slug=slug, since=at)
            for page, pk, slug, at in newest
        ],
        batch_size=BATCH,
    )


def number_copies(page_ids: list[int]) -> None:
    """Version 1 for every copy without a version row: they all show the seed's content,
    so the page view joins a row as it does for a published page."""
    versions = PublicationVersion._meta.db_table
    # Only table names from the models are interpolated; the pages are a parameter.
    sql = (
        f'INSERT INTO "{versions}" (publication_id, number, day)'  # noqa: S608
        f' SELECT p.id, 1, p.last_revised FROM "{Publication._meta.db_table}" p'
        f' LEFT JOIN "{versions}" v ON v.publication_id = p.id'
        " WHERE p.page_id = ANY(%s) AND v.publication_id IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [page_ids])


def main() -> None:
    started = time.monotonic()
    current = (
        CurrentPublication.objects.select_related("publication")
        .filter(page__slug=seed.PAGE["slug"], publication__isnull=False)
        .first()
    )
    if current is None:
        sys.exit("The seed page is not published: run `manage.py import_seed` first.")
    values = publication_values(current.publication)

    with transaction.atomic():
        added_seed = grow_seed_history(current, values)
        number_copies([current.page_id])
        types = [
            CancerType(name=f"Bench cancer type {t:04d}", slug=f"{PREFIX}-type-{t:04d}")
            for t in range(CANCER_TYPES)
            if not CancerType.objects.filter(slug=f"{PREFIX}-type-{t:04d}").exists()
        ]
        CancerType.objects.bulk_create(types, batch_size=BATCH)
    cancer_types = list(
        CancerType.objects.filter(slug__startswith=f"{PREFIX}-type-").order_by("slug")
    )

    live = CurrentPublication.objects.live().count()
    to_add = max(PAGES - live, 0)
    first_number = Page.objects.filter(slug__startswith=f"{PREFIX}-page-").count()
    base_time = timezone.now() - timedelta(days=PER_PAGE + 1)
    print(
        f"grow: {live} published pages now; adding {to_add} pages with {PER_PAGE}"
        f" publications each ({to_add * PER_PAGE} publications), {added_seed} older"
        f" publications of the seed page",
        flush=True,
    )
    made = 0
    while made < to_add:
        count = min(CHUNK, to_add - made)
        numbers = range(first_number + made, first_number + made + count)
        with transaction.atomic():
            pages = Page.objects.bulk_create(
                [
                    Page(
                        title=f"Bench page {n:05d}",
                        slug=f"{PREFIX}-page-{n:05d}",
                        cancer_type=cancer_types[n % len(cancer_types)],
                        intro="A page made by bench/grow.py to grow the archive.",
                    )
                    for n in numbers
                ],
                batch_size=BATCH,
            )
            copy_publications([page.pk for page in pages], current.publication_id, base_time)
            number_copies([page.pk for page in pages])
        made += count
        elapsed = time.monotonic() - started
        print(f"grow: {made}/{to_add} pages ({elapsed:.0f}s)", flush=True)

    vacuum_started = time.monotonic()
    tables = [
        Publication._meta.db_table,
        PublicationVersion._meta.db_table,
        CurrentPublication._meta.db_table,
        Page._meta.db_table,
        CancerType._meta.db_table,
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'VACUUM ANALYZE "{table}"')
            # Write the 1.2 GB of new pages out now, not during the measurement after it.
            cursor.execute("CHECKPOINT")
    print(
        f"grow: done in {time.monotonic() - started:.0f}s (vacuum analyze, checkpoint"
        f" {time.monotonic() - vacuum_started:.0f}s): {CurrentPublication.objects.live().count()}"
        f" published pages, {Publication.objects.count()} publications",
        flush=True,
    )


if __name__ == "__main__":
    main()
