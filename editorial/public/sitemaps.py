from django.contrib.sitemaps import Sitemap

from .views import live


class PageSitemap(Sitemap):
    """Every live page, with its Last Revised as lastmod."""

    def items(self):
        return live().only("slug", "last_revised").order_by("slug")

    def lastmod(self, publication):
        return publication.last_revised
