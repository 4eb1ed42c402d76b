from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from editorial.sitemaps import PageSitemap
from editorial.views import robots_txt

admin.site.site_header = "Imprimatur"
admin.site.site_title = "Imprimatur"
admin.site.index_title = "Drug information content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PageSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("editorial.urls")),
]
