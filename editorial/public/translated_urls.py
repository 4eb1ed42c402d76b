"""The public reading paths in a language other than the default, under `/<code>/`.

Included once per such language in config/urls.py, with the language's code as its
namespace; the URL names are the English ones (`es:page` is `editorial:page` in Spanish).
"""

from django.urls import path

from . import translated

app_name = "translated"

urlpatterns = [
    path("", translated.page_list, name="index"),
    path("pages/<slug:slug>/", translated.page_detail, name="page"),
    path("pages/<slug:slug>/references/", translated.page_references, name="page_references"),
    path("pages/<slug:slug>/changes/", translated.page_changes, name="page_changes"),
    path("drugs/", translated.drug_list, name="drugs"),
    path("drugs/<slug:slug>/", translated.drug_detail, name="drug"),
    path("side-effects/", translated.side_effect_glossary, name="glossary"),
    path("search/", translated.search_view, name="search"),
]
