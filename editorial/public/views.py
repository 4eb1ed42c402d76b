"""The public site's pages. Every view reads publications only, never the editable content."""

from collections import defaultdict
from typing import Any

from django.core.exceptions import BadRequest
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from editorial.forms import SearchForm
from editorial.lookups import SEARCH_CONFIG
from editorial.models import CurrentPublication, Publication, PublicationVersion
from editorial.structured_data import page_json_ld, reviewers_phrase

from .cache import public_page


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
    # Joined in the same query: the label of the version the page shows.
    "version__number",
    "version__day",
)


def _page_or_gone(
    request: HttpRequest, slug: str, suffix: str = "", fields: tuple[str, ...] = PAGE_FIELDS
) -> Publication | HttpResponse:
    """The live publication at `slug`; else a redirect for an old address, or 410, or 404.

    One query for a live page (its live pointer's unique address), two otherwise.
    """
    try:
        # Only a live pointer has a slug, and it is unique: no ordering, no live() filter.
        return Publication.objects.select_related("version").only(*fields).get(current__slug=slug)
    except Publication.DoesNotExist:
        pass
    # An address that a page once had: it moved (301) or it was taken down (410).
    live_slug = CurrentPublication.objects.filter(page_id=OuterRef("page_id")).values("slug")
    earlier = (
        Publication.objects.filter(slug=slug)
        .annotate(live_slug=Subquery(live_slug))
        .order_by("-published_at")
        .first()
    )
    if earlier is None:
        raise Http404("No page is published at this address.")
    if earlier.live_slug:
        return HttpResponsePermanentRedirect(
            reverse("editorial:page", kwargs={"slug": earlier.live_slug}) + suffix
        )
    return render(request, "editorial/gone.html", {"publication": earlier}, status=410)


@public_page
def page_list(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list] = defaultdict(list)
    for publication in (
        live().only("slug", "title", "cancer_type", "last_revised").order_by("title")
    ):
        groups[publication.cancer_type or "Other"].append(publication)
    return render(
        request,
        "editorial/page_list.html",
        {"groups": sorted(groups.items()), "form": SearchForm()},
    )


@public_page
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A page as readers see it: its publication's frozen body inside the site's chrome.

    The body and JSON-LD were rendered when the page was published; the template adds
    the address, the dates and the links around them.
    """
    found = _page_or_gone(request, slug)
    if not isinstance(found, Publication):
        return found
    absolute_url = request.build_absolute_uri(request.path)
    version = version_of(found)
    # The version label goes right under the title, which opens the frozen body.
    title, closing, rest = found.html.partition("</h1>")
    return render(
        request,
        "editorial/page_detail.html",
        {
            "publication": found,
            "body_title": title + closing,
            "body_rest": rest if closing else "",
            "version": version,
            "canonical_url": absolute_url,
            "json_ld": page_json_ld(found.json_ld, absolute_url, version and version.number),
            "reviewers": reviewers_phrase(found.reviewed_by) if found.last_reviewed else "",
        },
    )


def version_of(publication: Publication) -> PublicationVersion | None:
    """The publication's version row, joined by the query that found it; None without one."""
    try:
        return publication.version
    except PublicationVersion.DoesNotExist:
        return None


@public_page
def page_references(request: HttpRequest, slug: str) -> HttpResponse:
    found = _page_or_gone(request, slug, "references/", (*PAGE_FIELDS, "content"))
    if not isinstance(found, Publication):
        return found
    return render(request, "editorial/page_references.html", {"publication": found})


def change_log_entry(publication: Publication, previous_hash: str | None) -> dict[str, Any]:
    """What the public change log says of one publication.

    A claim of medical review comes only from a review attested in that publication;
    one that changed nothing readers see and attested nothing says it was republished.
    """
    changed = publication.content_hash != previous_hash
    if publication.origin == Publication.Origin.IMPORTED:
        text = "First published here (the content was approved before this site)."
    elif changed:
        text = publication.summary or "The content was updated."
    else:
        text = ""
    if publication.review_attested:
        reviewed = f"Medically reviewed by {reviewers_phrase(publication.reviewed_by)}"
        text = f"{text} {reviewed}." if text else f"{reviewed}; no change to the content."
    elif not text:
        text = "Republished; no change to the content."
    return {
        "publication": publication,
        "content_changed": changed,
        "text": text,
        "version": version_of(publication),
    }


@public_page
def page_changes(request: HttpRequest, slug: str) -> HttpResponse:
    found = _page_or_gone(request, slug, "changes/")
    if not isinstance(found, Publication):
        return found
    return render(
        request,
        "editorial/page_changes.html",
        {
            "publication": found,
            "version": version_of(found),
            "entries": list(reversed(change_log(found.page_id))),
        },
    )


def change_log(page_id: int) -> list[dict[str, Any]]:
    """The change log's entries of a page, oldest first: every publication, with its version."""
    history = (
        Publication.objects.filter(page_id=page_id)
        .select_related("version")
        .order_by("-published_at", "-pk")
        .only(
            "published_at",
            "summary",
            "content_hash",
            "origin",
            "review_attested",
            "reviewed_by",
            "version__number",
            "version__day",
        )
    )
    entries = []
    previous_hash = None
    for publication in reversed(list(history)):
        entries.append(change_log_entry(publication, previous_hash))
        previous_hash = publication.content_hash
    return entries


@public_page
def drug_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pages = list(
        live()
        .filter(drug_rows__slug=slug)
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


@public_page
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

    PostgreSQL matches the stored vectors (`PublicationSearch`, GIN-indexed) and ranks
    them with full-text search; elsewhere every word must appear in the search text.
    """
    words = query.split()
    if not words:
        return live().none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        search = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        return (
            live()
            .filter(search_row__vector=search)
            .annotate(rank=SearchRank(F("search_row__vector"), search))
            .order_by("-rank", "title")
        )
    condition = Q()
    for word in words:
        condition &= Q(search_text__icontains=word)
    return live().filter(condition).order_by("title")


@public_page(query=("q",))
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise BadRequest("The search could not be read.")
    query = form.cleaned_data["q"]
    results = (
        list(search_publications(query).only("slug", "title", "cancer_type", "last_revised"))
        if query
        else []
    )
    return render(
        request, "editorial/search.html", {"form": form, "query": query, "results": results}
    )


@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
