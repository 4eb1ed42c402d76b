from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from editorial.models import PublicationDrug

from .views import live


class PageSitemap(Sitemap):
    """Every live page, with its Last Revised as lastmod."""

    def items(self):
        return live().only("slug", "last_revised").order_by("slug")

    def lastmod(self, publication):
        return publication.last_revised


class DrugSitemap(Sitemap):
    """Every drug a live page shows, with the newest Last Revised of those pages as lastmod.

    Read from the publications' drug rows (`PublicationDrug`), one query for all.
    """

    def items(self):
        return list(
            PublicationDrug.objects.filter(publication__current__isnull=False)
            .values("slug")
            .annotate(lastmod=Max("publication__last_revised"))
            .order_by("slug")
        )

    def location(self, item):
        return reverse("editorial:drug", kwargs={"slug": item["slug"]})

    def lastmod(self, item):
        return item["lastmod"]
