"""The API's views: thin callers of editorial.api.reading, read only, anonymous, JSON.

Each is marked a public page in urls.py, so the public page cache keeps and invalidates
its answers as it does the pages'.
"""

from typing import Any

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from . import reading, serializers


class ReadOnlyView(generics.GenericAPIView):
    """GET, HEAD and OPTIONS only: anything else is 405, whoever asks."""

    http_method_names = ["get", "head", "options"]


class PageList(ReadOnlyView, generics.ListAPIView):
    """The published pages, by title."""

    serializer_class = serializers.PageSummarySerializer

    def get_queryset(self) -> Any:
        return reading.live_pages()


GONE = "This page is no longer published."


class PageDetail(ReadOnlyView):
    """A published page: its frozen content, its dates and its addresses.

    An address the page had before answers 301 to its address now; an unpublished
    page 410; an address no page had 404.
    """

    serializer_class = serializers.PageSerializer

    @extend_schema(
        responses={
            200: serializers.PageSerializer,
            301: OpenApiResponse(description="The page moved: Location is its address now."),
            404: OpenApiResponse(description="No page was ever published here."),
            410: OpenApiResponse(description="The page was unpublished."),
        }
    )
    def get(self, request: Request, slug: str) -> Any:
        found = reading.page_at(slug)
        if found is None:
            raise Http404("No page is published at this address.")
        if isinstance(found, reading.Moved):
            return HttpResponsePermanentRedirect(reverse("api:page", kwargs={"slug": found.slug}))
        if isinstance(found, reading.Gone):
            return Response({"detail": GONE}, status=status.HTTP_410_GONE)
        return Response(self.get_serializer(found).data)


class DrugList(ReadOnlyView, generics.ListAPIView):
    """Every drug a published page shows, by generic name."""

    serializer_class = serializers.DrugSummarySerializer

    def get_queryset(self) -> Any:
        return reading.live_drugs()


class DrugDetail(ReadOnlyView):
    """A drug as the published pages show it, with the pages that show it."""

    serializer_class = serializers.DrugDetailSerializer

    def get(self, request: Request, slug: str) -> Response:
        entry = reading.live_drug(slug)
        if entry is None:
            raise Http404("No published page covers this drug.")
        return Response(self.get_serializer(entry).data)


class SideEffectList(ReadOnlyView, generics.ListAPIView):
    """The side-effect glossary: every term the published pages show, by name."""

    serializer_class = serializers.GlossaryTermSerializer

    def get_queryset(self) -> Any:
        return reading.glossary()
