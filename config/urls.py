from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from editorial import guide
from editorial.public.urls import root_urlpatterns

admin.site.site_header = "Imprimatur"
admin.site.site_title = "Imprimatur"
admin.site.index_title = "Drug information content"

urlpatterns = [
    # The editors' guide, inside the admin: the admin's own check lets in signed-in staff only.
    path("admin/guide/", admin.site.admin_view(guide.guide), name="editors_guide"),
    path(
        "admin/guide/images/<str:name>",
        admin.site.admin_view(guide.guide_image, cacheable=True),
        name="editors_guide_image",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("editorial.api.urls")),
    *root_urlpatterns,
    # Each language but the default at /<code>/ (editorial.public.languages).
    *(
        path(
            f"{code}/", include(("editorial.public.translated_urls", "translated"), namespace=code)
        )
        for code, _name in settings.LANGUAGES[1:]
    ),
    path("", include("editorial.public.urls")),
]
