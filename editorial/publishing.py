"""Writing publications: the only code that puts content in front of the public.

This issue's one way in is `page_import`, for content approved before this system
existed (the seed). Review-gated publishing builds on `publication_write`.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from drugs.models import Page

from .models import AuditEntry, Publication
from .snapshots import content_hash, load_page, page_manifest, page_snapshot, render_page_body


class InvalidTransition(Exception):
    """The action is not possible in the record's current state."""


def publication_write(
    *,
    page: Page,
    editor: AbstractBaseUser,
    origin: Publication.Origin,
    last_revised: datetime.date,
    at: datetime.datetime | None = None,
) -> Publication:
    """Freeze `page`'s current content into a new publication, rendered and hashed."""
    page = load_page(page.pk)
    content = page_snapshot(page)
    return Publication.objects.create(
        page=page,
        slug=content["slug"],
        title=content["title"],
        content=content,
        html=render_page_body(content),
        content_hash=content_hash(content),
        manifest=page_manifest(page),
        origin=origin,
        published_at=at or timezone.now(),
        published_by=editor,
        last_revised=last_revised,
    )


@transaction.atomic
def page_import(
    *, page: Page, editor: AbstractBaseUser, last_revised: datetime.date, comment: str
) -> Publication:
    """Publish a page approved before this system, without review, and say so.

    The one exception to review-gated publishing: it refuses a page that already has
    a publication, so it can never publish over reviewed content.
    """
    # Lock the page so two concurrent imports cannot both see it unpublished.
    page = Page.objects.select_for_update().get(pk=page.pk)
    if Publication.objects.filter(page=page).exists():
        raise InvalidTransition(f"“{page}” is already published; an import cannot replace it.")
    publication = publication_write(
        page=page, editor=editor, origin=Publication.Origin.IMPORTED, last_revised=last_revised
    )
    AuditEntry.objects.create(
        action=AuditEntry.Action.IMPORT,
        actor=editor,
        at=publication.published_at,
        page=page,
        publication=publication,
        comment=comment,
    )
    return publication
