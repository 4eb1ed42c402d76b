from django.urls import path

from . import views

app_name = "editorial"

urlpatterns = [
    path("", views.page_list, name="index"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
    path("pages/<slug:slug>/references/", views.page_references, name="page_references"),
    path("pages/<slug:slug>/changes/", views.page_changes, name="page_changes"),
    path("drugs/<slug:slug>/", views.drug_detail, name="drug"),
    path("side-effects/", views.side_effect_glossary, name="glossary"),
    path("search/", views.search, name="search"),
]
