"""Public pages. They read publications only, never the editable content."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import CurrentPublication, Publication


def page_list(request: HttpRequest) -> HttpResponse:
    publications = (
        Publication.objects.filter(
            pk__in=CurrentPublication.objects.live().values("publication_id")
        )
        .only("slug", "title", "last_revised", "published_at")
        .order_by("title")
    )
    return render(request, "editorial/page_list.html", {"publications": publications})


def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    publication = get_object_or_404(
        Publication.objects.filter(
            pk__in=CurrentPublication.objects.live().values("publication_id")
        ),
        slug=slug,
    )
    return render(request, "editorial/page_detail.html", {"publication": publication})
