from django.contrib import admin
from django.urls import include, path

from editorial.public.urls import root_urlpatterns

admin.site.site_header = "Imprimatur"
admin.site.site_title = "Imprimatur"
admin.site.index_title = "Drug information content"

urlpatterns = [
    path("admin/", admin.site.urls),
    *root_urlpatterns,
    path("", include("editorial.public.urls")),
]
