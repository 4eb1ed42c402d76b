"""The API's addresses, under /api/v1/ (namespace "api").

Every view is marked a public page, so PublicCacheMiddleware keeps its 200s and a
publish starts them afresh; lists read ?page= and nothing else.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from editorial.public.cache import public_page

from . import views

app_name = "api"

urlpatterns = [
    path("pages/", public_page(query=("page",))(views.PageList.as_view()), name="pages"),
    path("pages/<slug:slug>/", public_page(views.PageDetail.as_view()), name="page"),
    path("drugs/", public_page(query=("page",))(views.DrugList.as_view()), name="drugs"),
    path("drugs/<slug:slug>/", public_page(views.DrugDetail.as_view()), name="drug"),
    path(
        "side-effects/",
        public_page(query=("page",))(views.SideEffectList.as_view()),
        name="side_effects",
    ),
    # The OpenAPI 3 schema: YAML, or JSON for Accept: application/vnd.oai.openapi+json.
    path("schema/", public_page(SpectacularAPIView.as_view()), name="schema"),
]
