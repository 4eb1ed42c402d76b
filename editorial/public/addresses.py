"""Where a page that is not live at an address went: the rule the pages and the API share."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from editorial.models import CurrentPublication, Publication


@dataclass(frozen=True)
class Moved:
    """The page that was at the asked address is live at `slug` now."""

    slug: str


@dataclass(frozen=True)
class Gone:
    """The page that was at the asked address was unpublished; its last publication there."""

    publication: Publication

    @property
    def slug(self) -> str:
        return self.publication.slug


def former_address(slug: str) -> Moved | Gone | None:
    """What became of the page last published at `slug`, which no live page holds now.

    Its page is live under another address (Moved, answered with a 301), or no longer
    live at all (Gone, 410); None if nothing was ever published there (404). One query.
    """
    live_slug = CurrentPublication.objects.filter(page_id=OuterRef("page_id")).values("slug")
    earlier = (
        Publication.objects.filter(slug=slug, translation__isnull=True)  # an English address
        .annotate(live_slug=Subquery(live_slug))
        .only("slug", "title")
        .order_by("-published_at")
        .first()
    )
    if earlier is None:
        return None
    return Moved(earlier.live_slug) if earlier.live_slug else Gone(earlier)
