"""Version labels: which version of its page a publication shows, e.g. "Version 7 · December 1, 2026".

A page's versions count the publications that changed what readers see: the first
publication is Version 1, and each one whose content hash differs from the page's
previous publication's (live or since unpublished) starts the next, dated its Last
Revised. A republish that changed nothing keeps the label it had, so a label names
one content for good. The numbers live in `PublicationVersion`, written with the
publications and never changed after; the pure helpers here also serve the migration
that numbered the older publications and the integrity check that recounts them.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import OuterRef, Q, Subquery

# (content hash, version number, version day) of a page's newest publication.
Previous = tuple[str, int, datetime.date]


def version_label(number: int, day: datetime.date) -> str:
    """“Version 7 · December 1, 2026”: the number and the day its content was first published."""
    return f"Version {number} · {day:%B} {day.day}, {day.year}"


def next_version(
    previous: Previous | None, content_hash: str, last_revised: datetime.date
) -> tuple[int, datetime.date]:
    """The version a new publication shows, after the page's previous publication.

    Its content changed (or the page had none before): the next number, dated the new
    publication's Last Revised. Nothing readers see changed: the previous version.
    """
    if previous is None:
        return 1, last_revised
    previous_hash, number, day = previous
    if content_hash == previous_hash:
        return number, day
    return number + 1, last_revised


def numbered(
    publications: Iterable[tuple[Any, str, datetime.date]],
) -> list[tuple[Any, int, datetime.date]]:
    """(id, number, day) of one page's publications, given (id, hash, Last Revised) oldest first."""
    rows = []
    previous: Previous | None = None
    for pk, content_hash, last_revised in publications:
        number, day = next_version(previous, content_hash, last_revised)
        rows.append((pk, number, day))
        previous = (content_hash, number, day)
    return rows


def in_language(language: str | None = None) -> Q:
    """The publications in `language`: with no translation row for the default (None),
    with a row in that language for any other. A page's versions, dates and past are
    counted within one language."""
    if language is None:
        return Q(translation__isnull=True)
    return Q(translation__language=language)


def previous_versions(page_ids: Any, language: str | None = None) -> dict[int, Previous]:
    """The hash and version of each page's newest publication in `language` (None: the
    default), for pages that have one.

    `page_ids` may be a subquery; one query for any number of pages.
    """
    from .models import Publication  # models import nothing from here; migrations do

    newest = (
        Publication.objects.filter(in_language(language), page_id=OuterRef("page_id"))
        .order_by("-published_at", "-pk")
        .values("pk")[:1]
    )
    rows = Publication.objects.filter(page_id__in=page_ids, pk=Subquery(newest)).values_list(
        "page_id", "content_hash", "version__number", "version__day"
    )
    return {
        page_id: (content_hash, number, day)
        for page_id, content_hash, number, day in rows
        if number is not None  # a publication written before versions were kept
    }


def versions_write(
    publications: Sequence[Any], numbers: dict[int, tuple[int, datetime.date]]
) -> None:
    """Write the version rows of newly inserted publications: one insert for all of them.

    `numbers` maps each page to the version its new publication shows (`next_version`).
    """
    from .models import PublicationVersion

    PublicationVersion.objects.bulk_create(
        [
            PublicationVersion(
                publication=publication,
                number=numbers[publication.page_id][0],
                day=numbers[publication.page_id][1],
            )
            for publication in publications
        ]
    )
