"""Whether a page's translation keeps up with its English page.

A translated publication records the content hash of the English publication it was
made from (`PublicationTranslation.source_content_hash`). For a page and a language:

- missing: the page has no live publication in that language;
- up to date: the live English content hashes as the one translated from, whatever was
  republished in between (a republish of the same content changes nothing readers see);
- out of date: it hashes otherwise, since the English page first published the content
  it shows now, after the publication translated from.

Plain reads of publications and live pointers; the dashboard and the public pages are
thin callers.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from .models import CurrentPublication, CurrentTranslation, Publication

MISSING = "missing"
UP_TO_DATE = "up to date"
OUT_OF_DATE = "out of date"


@dataclass(frozen=True)
class TranslationState:
    """One page in one language: its status, and since when it holds.

    `since` is when the translation was published (up to date), when the English page
    first published the content it now shows (out of date), or None (missing).
    """

    page_id: int
    title: str  # the live English title
    language: str
    status: str
    since: datetime.datetime | None
    publication_id: int | None  # the live publication in `language`
    source_id: int | None  # the English publication it was translated from


def _states(page_ids: Iterable[int] | None, languages: Iterable[str]) -> list[TranslationState]:
    """The state of each live English page (of `page_ids`, or all) in each language: three
    queries however many pages and languages."""
    languages = list(languages)
    english = CurrentPublication.objects.live()
    if page_ids is not None:
        english = english.filter(page_id__in=list(page_ids))
    live = {
        page_id: (title, content_hash, published_at)
        for page_id, title, content_hash, published_at in english.order_by(
            "publication__title", "page_id"
        ).values_list(
            "page_id",
            "publication__title",
            "publication__content_hash",
            "publication__published_at",
        )
    }
    translated = {
        (row[0], row[1]): row[2:]
        for row in CurrentTranslation.objects.live()
        .filter(page_id__in=list(live), language__in=languages)
        .values_list(
            "page_id",
            "language",
            "publication_id",
            "publication__published_at",
            "publication__translation__source_id",
            "publication__translation__source_content_hash",
            "publication__translation__source__published_at",
        )
    }
    behind = {
        page_id
        for (page_id, _), (_, _, _, source_hash, _) in translated.items()
        if source_hash != live[page_id][1]
    }
    # The English publications of out-of-date pages that carry their live content, oldest first.
    carrying: dict[int, list[tuple[datetime.datetime, int]]] = {}
    if behind:
        for page_id, content_hash, published_at, pk in (
            Publication.objects.filter(
                translation__isnull=True,
                page_id__in=behind,
                content_hash__in={live[page_id][1] for page_id in behind},
            )
            .order_by("published_at", "pk")
            .values_list("page_id", "content_hash", "published_at", "pk")
        ):
            if content_hash == live[page_id][1]:
                carrying.setdefault(page_id, []).append((published_at, pk))
    states = []
    for page_id, (title, content_hash, english_at) in live.items():
        for language in languages:
            row = translated.get((page_id, language))
            if row is None:
                states.append(TranslationState(page_id, title, language, MISSING, None, None, None))
                continue
            publication_id, published_at, source_id, source_hash, source_at = row
            if source_hash == content_hash:
                status, since = UP_TO_DATE, published_at
            else:
                status = OUT_OF_DATE
                after = [
                    at for at, pk in carrying.get(page_id, []) if (at, pk) > (source_at, source_id)
                ]
                since = after[0] if after else english_at
            states.append(
                TranslationState(page_id, title, language, status, since, publication_id, source_id)
            )
    return states


def translation_state(page_id: int, language: str) -> TranslationState | None:
    """The state of one page in `language`; None if the page is not live in English."""
    states = _states([page_id], [language])
    return states[0] if states else None


def translation_status(languages: Iterable[str]) -> list[TranslationState]:
    """Every live English page in each of `languages`, by English title: missing, up to
    date or out of date, and since when. A fixed number of queries."""
    return _states(None, languages)
