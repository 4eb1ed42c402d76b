"""A page's story: its revisions, reviews and publications, and any two versions compared."""

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.safestring import SafeString

from drugs.models import Page

from .models import AuditEntry, Publication, Review, RevisionPage, Signature


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str
    text: str
    url: str = ""
    detail: str = ""  # a long value the text shortens (a signature's full content hash)


@dataclass(frozen=True)
class Version:
    """One rendering of the page: a publication, or a revision's frozen snapshot."""

    key: str
    label: str
    html: SafeString


def page_events(page: Page) -> list[Event]:
    """Everything that happened to the page, newest first."""
    from django.urls import reverse

    events = []
    snapshots = RevisionPage.objects.filter(page=page).select_related(
        "revision__change", "revision__created_by"
    )
    for snapshot in snapshots:
        revision = snapshot.revision
        events.append(
            Event(
                revision.created_at,
                "revision",
                f"Revision {revision.number} of change {revision.change_id} "
                f"(“{revision.change.title}”) submitted by {revision.created_by}",
                reverse("admin:editorial_change_change", args=[revision.change_id]),
            )
        )
    reviews = Review.objects.filter(revision__pages__page=page).select_related(
        "reviewer", "revision", "signature"
    )
    for review in reviews:
        signature = getattr(review, "signature", None)
        events.append(
            Event(
                review.created_at,
                "review",
                f"{review.get_decision_display()} by {review.reviewer} ({review.credential}), "
                f"revision {review.revision.number} of change {review.revision.change_id}"
                + (" as a full medical review" if review.is_full_review else "")
                + f". {signature_text(signature)}",
                detail=signature.content_hash if signature else "",
            )
        )
    for publication in Publication.objects.filter(page=page).select_related(
        "published_by", "compliance_number", "translation"
    ):
        number = getattr(publication, "compliance_number", None)
        translation = publication.translation_record()
        events.append(
            Event(
                publication.published_at,
                "publication",
                (f"{number.reference}: " if number else "")
                + "Published"
                + (
                    f" in {translation.language}, from publication {translation.source_id},"
                    if translation
                    else ""
                )
                + f" ({publication.get_origin_display().lower()}) by {publication.published_by}; "
                f"Last Revised {publication.last_revised:%B %-d, %Y}"
                + (f". “{publication.summary}”" if publication.summary else ""),
                reverse("admin:editorial_publication_change", args=[publication.pk]),
            )
        )
    for entry in AuditEntry.objects.filter(
        page=page, action=AuditEntry.Action.UNPUBLISH
    ).select_related("actor"):
        events.append(
            Event(entry.at, "unpublish", f"Unpublished by {entry.actor}. {entry.comment}".strip())
        )
    return sorted(events, key=lambda event: event.at, reverse=True)


def signature_text(signature: Signature | None) -> str:
    """A signature in a sentence: name, credential, meaning, time and zone, content signed."""
    if signature is None:
        return "Not signed (approved before electronic signatures)."
    until = (
        f"current until {signature.credential_valid_until:%B %-d, %Y}"
        if signature.credential_valid_until
        else "no end date"
    )
    return (
        f"Signed by {signature.printed_name}, {signature.credential} ({until}): "
        f"{signature.get_meaning_display()}, {signature.signed_at_text}, by "
        f"{signature.get_method_display()}; content signed {signature.short_hash}…"
    )


def page_versions(page: Page) -> list[Version]:
    """Every version of the page that can be compared, newest first."""
    versions = [
        Version(
            f"pub:{publication.pk}",
            f"Published {timezone.localtime(publication.published_at):%b %-d, %Y %H:%M}"
            + (f" in {publication.language}" if publication.language else ""),
            publication.html_safe,
        )
        for publication in Publication.objects.filter(page=page)
        .annotate(language=F("translation__language"))
        .order_by("-published_at")
    ]
    versions += [
        Version(
            f"rev:{snapshot.pk}",
            f"Change {snapshot.revision.change_id}, revision {snapshot.revision.number} "
            f"({timezone.localtime(snapshot.revision.created_at):%b %-d, %Y %H:%M})",
            snapshot.html_safe,
        )
        for snapshot in RevisionPage.objects.filter(page=page)
        .select_related("revision")
        .order_by("-revision__created_at")
    ]
    return versions


# The largest primary key any supported database stores (a signed 64-bit integer).
LARGEST_ID = 2**63 - 1


def version(page: Page, key: str) -> Version:
    """The version named `key` ("pub:ID" or "rev:ID") of this page; LookupError if none.

    A malformed key raises ValueError; an ID no row can have (beyond 64 bits) is simply
    a version that does not exist.
    """
    kind, _, pk = key.partition(":")
    if kind not in ("pub", "rev"):
        raise ValueError(key)
    pk = int(pk)
    if not 0 < pk <= LARGEST_ID:
        raise LookupError(key)
    if kind == "pub":
        publication = Publication.objects.filter(page=page, pk=pk).first()
        if publication is None:
            raise LookupError(key)
        return Version(
            key,
            f"Published {timezone.localtime(publication.published_at):%b %-d, %Y %H:%M}",
            publication.html_safe,
        )
    snapshot = RevisionPage.objects.select_related("revision").filter(page=page, pk=pk).first()
    if snapshot is None:
        raise LookupError(key)
    return Version(
        key,
        f"Change {snapshot.revision.change_id}, revision {snapshot.revision.number}",
        snapshot.html_safe,
    )


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of `day` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
