"""The public site's addresses (the namespace stays "editorial": every URL is as it was)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .cache import public_page
from .feeds import PageChangesFeed, SiteChangesFeed
from .sitemaps import DrugSitemap, PageSitemap, TranslatedDrugSitemap, TranslatedPageSitemap

app_name = "editorial"

urlpatterns = [
    path("", views.page_list, name="index"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
    path("pages/<slug:slug>/references/", views.page_references, name="page_references"),
    path("pages/<slug:slug>/changes/", views.page_changes, name="page_changes"),
    path(
        "pages/<slug:slug>/changes/feed/",
        public_page(PageChangesFeed()),
        name="page_changes_feed",
    ),
    path("changes/feed/", public_page(SiteChangesFeed()), name="changes_feed"),
    path("drugs/", views.drug_list, name="drugs"),
    path("drugs/<slug:slug>/", views.drug_detail, name="drug"),
    path("side-effects/", views.side_effect_glossary, name="glossary"),
    path("search/", views.search_view, name="search"),
]

# At the site's root and outside the namespace, as crawlers and robots.txt name them.
root_urlpatterns = [
    path(
        "sitemap.xml",
        public_page(query=("p",))(sitemap),  # p: the sitemap's page number
        {
            "sitemaps": {
                "pages": PageSitemap,
                "translated_pages": TranslatedPageSitemap,
                "drugs": DrugSitemap,
                "translated_drugs": TranslatedDrugSitemap,
            }
        },
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
