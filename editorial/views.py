"""The public site. Every view reads publications only, never the editable content."""

from collections import defaultdict

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from .models import CurrentPublication, Publication
from .public_cache import cached_public_page
from .structured_data import page_json_ld


def live() -> QuerySet:
    """The publications the public reads now: one per live page."""
    return Publication.objects.live()


# What a page view reads: never the content's JSON, nor the manifest.
PAGE_FIELDS = (
    "page_id",
    "slug",
    "title",
    "html",
    "json_ld",
    "last_revised",
    "last_reviewed",
    "reviewed_by",
)


def _page_or_gone(
    request: HttpRequest, slug: str, suffix: str = "", fields: tuple[str, ...] = PAGE_FIELDS
) -> Publication | HttpResponse:
    """The live publication at `slug`; else a redirect for an old address, or 410, or 404."""
    found = list(live().filter(slug=slug).only(*fields).order_by()[:1])
    if found:
        return found[0]
    # An address that a page once had: it moved (301) or it was taken down (410).
    earlier = Publication.objects.filter(slug=slug).order_by("-published_at").first()
    if earlier is None:
        raise Http404("No page is published at this address.")
    current = (
        CurrentPublication.objects.filter(page_id=earlier.page_id)
        .select_related("publication")
        .first()
    )
    if current and current.publication:
        return HttpResponsePermanentRedirect(current.publication.get_absolute_url() + suffix)
    return render(request, "editorial/gone.html", {"publication": earlier}, status=410)


@cached_public_page
def page_list(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list] = defaultdict(list)
    for publication in (
        live().only("slug", "title", "cancer_type", "last_revised").order_by("title")
    ):
        groups[publication.cancer_type or "Other"].append(publication)
    return render(request, "editorial/page_list.html", {"groups": sorted(groups.items())})


@cached_public_page
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = _page_or_gone(request, slug)
    if not isinstance(found, Publication):
        return found
    return render(
        request,
        "editorial/page_detail.html",
        {
            "publication": found,
            "json_ld": page_json_ld(
                found.json_ld, request.build_absolute_uri(found.get_absolute_url())
            ),
        },
    )


@cached_public_page
def page_references(request: HttpRequest, slug: str) -> HttpResponse:
    found = _page_or_gone(request, slug, "references/", (*PAGE_FIELDS, "content"))
    if not isinstance(found, Publication):
        return found
    return render(request, "editorial/page_references.html", {"publication": found})


@cached_public_page
def page_changes(request: HttpRequest, slug: str) -> HttpResponse:
    found = _page_or_gone(request, slug, "changes/")
    if not isinstance(found, Publication):
        return found
    history = Publication.objects.filter(page_id=found.page_id).order_by("-published_at", "-pk")
    entries = []
    previous_hash = None
    for publication in reversed(
        list(
            history.only(
                "published_at", "last_revised", "last_reviewed", "summary", "content_hash", "origin"
            )
        )
    ):
        entries.append(
            {
                "publication": publication,
                "content_changed": publication.content_hash != previous_hash,
            }
        )
        previous_hash = publication.content_hash
    return render(
        request,
        "editorial/page_changes.html",
        {"publication": found, "entries": list(reversed(entries))},
    )


@cached_public_page
def drug_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pages = list(
        live()
        .filter(drug_slugs__contains=f"|{slug}|")
        .only("slug", "title", "content", "published_at")
        .order_by("title")
    )
    if not pages:
        raise Http404("No published page covers this drug.")
    newest = max(pages, key=lambda publication: publication.published_at)
    drug = next(
        section["drug"]
        for section in newest.content["drug_sections"]
        if section["drug"]["slug"] == slug
    )
    return render(request, "editorial/drug_detail.html", {"drug": drug, "pages": pages})


@cached_public_page
def side_effect_glossary(request: HttpRequest) -> HttpResponse:
    terms: dict[str, dict] = {}
    for publication in live().only("content"):
        for section in publication.content["drug_sections"]:
            drug = section["drug"]
            for group in drug["side_effects"]:
                for entry in group["entries"]:
                    term = terms.setdefault(entry["term"]["slug"], {**entry["term"], "drugs": {}})
                    term["drugs"][drug["slug"]] = drug["generic_name"]
    glossary = sorted(terms.values(), key=lambda term: term["name"].lower())
    return render(request, "editorial/glossary.html", {"terms": glossary})


def search_publications(query: str) -> QuerySet:
    """Live pages matching every word of `query` in their title, drugs or side effects.

    PostgreSQL ranks them with full-text search; elsewhere every word must appear.
    """
    words = query.split()
    if not words:
        return live().none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("search_text", config="english")
        search = SearchQuery(query, config="english", search_type="websearch")
        return (
            live()
            .annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", "title")
        )
    condition = Q()
    for word in words:
        condition &= Q(search_text__icontains=word)
    return live().filter(condition).order_by("title")


@cached_public_page
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = (
        list(search_publications(query).only("slug", "title", "cancer_type", "last_revised"))
        if query
        else []
    )
    return render(request, "editorial/search.html", {"query": query, "results": results})


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
