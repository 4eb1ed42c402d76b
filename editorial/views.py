"""The public site. Every view reads publications only, never the editable content."""

import datetime
import functools
from collections import defaultdict
from typing import Any, NamedTuple

from django.core.exceptions import BadRequest
from django.db import connection, connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import Col
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .chrome import fill_chrome
from .forms import SearchForm
from .models import CurrentPublication, Publication
from .public_cache import cached_public_page
from .structured_data import page_json_ld, reviewers_phrase


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


class _Statement(NamedTuple):
    sql: str
    attnames: list[str]
    columns: list[tuple[Col, list]]  # each column's expression and its value converters


@functools.cache
def _live_page_statement(using: str) -> _Statement:
    """`live_page`'s SQL for one database, and how to turn its row into field values."""
    publication, current = Publication._meta, CurrentPublication._meta
    connection = connections[using]
    quote = connection.ops.quote_name
    wanted = {"id", *PAGE_FIELDS}
    fields = [field for field in publication.concrete_fields if field.attname in wanted]
    columns = []
    for field in fields:
        column = field.get_col(publication.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        columns.append((column, converters))
    # Only names from the models, quoted; the slug is a bound parameter.
    sql = (
        f"SELECT {', '.join(f'p.{quote(field.column)}' for field in fields)}"  # noqa: S608
        f" FROM {quote(current.db_table)} c INNER JOIN {quote(publication.db_table)} p"
        f" ON p.{quote(publication.pk.column)} = c.{quote(current.get_field('publication').column)}"
        f" WHERE c.{quote(current.get_field('slug').column)} = %s"
    )
    return _Statement(sql, [field.attname for field in fields], columns)


def live_page(slug: str, using: str = "default") -> Publication | None:
    """The live publication at `slug`, with only the fields a page view shows, or None.

    What `live().filter(slug=slug).only(*PAGE_FIELDS)` finds, read with one fixed
    statement because readers' traffic lands here: composing that queryset took several
    times longer than the database took to answer it, and PostgreSQL prepares a fixed
    statement once per connection (DB_PREPARED_STATEMENTS in the settings). It finds the
    page by its live pointer's unique address, so it costs the same however many
    publications the page has had.
    """
    connection = connections[using]
    statement = _live_page_statement(using)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (column, converters) in zip(row, statement.columns, strict=True):
        for convert in converters:
            value = convert(value, column, connection)
        values.append(value)
    return Publication.from_db(using, statement.attnames, values)


def _page_or_gone(
    request: HttpRequest, slug: str, suffix: str = "", fields: tuple[str, ...] = PAGE_FIELDS
) -> Publication | HttpResponse:
    """The live publication at `slug`; else a redirect for an old address, or 410, or 404."""
    if fields == PAGE_FIELDS:
        found = live_page(slug)
    else:
        found = live().filter(current__slug=slug).only(*fields).first()
    if found is not None:
        return found
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


# The parts of a page view, joined as strings: format_html and the template engine cost
# more per call than this whole view's own work. Every value from outside is escaped.


def _time(day: datetime.date) -> str:
    return f'<time datetime="{day.isoformat()}">{escape(dateformat.format(day, "F j, Y"))}</time>'


def _page_dates(publication: Publication) -> str:
    """Last Revised, and the last medical review with its reviewers where one is known."""
    lines = [f"<p>Last Revised: {_time(publication.last_revised)}</p>"]
    if publication.last_reviewed:
        reviewers = escape(reviewers_phrase(publication.reviewed_by))
        lines.append(
            f"<p>Last medically reviewed: {_time(publication.last_reviewed)}, by {reviewers}</p>"
        )
    return '<div class="page-dates">\n' + "\n".join(lines) + "\n</div>"


def _page_links(url: str) -> str:
    # The references and changes of a page live under its address (editorial/urls.py).
    url = escape(url)
    return (
        '<nav class="page-links" aria-label="More about this page">\n<ul>\n'
        f'<li><a href="{url}references/">References with links</a></li>\n'
        f'<li><a href="{url}changes/">Changes to this page</a></li>\n</ul>\n</nav>'
    )


@cached_public_page
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A page as readers see it, assembled from its publication inside the site's chrome.

    No template is rendered here (see editorial.chrome): the body and JSON-LD were
    rendered when the page was published; only the addresses and dates are added.
    """
    found = _page_or_gone(request, slug)
    if not isinstance(found, Publication):
        return found
    url = request.path  # the page's own address: its slug is the one asked for
    absolute_url = request.build_absolute_uri(url)
    head = "\n".join(
        (
            f'<link rel="canonical" href="{escape(absolute_url)}">',
            page_json_ld(found.json_ld, absolute_url),
        )
    )
    content = "\n".join((found.html, _page_dates(found), _page_links(url)))
    return HttpResponse(
        fill_chrome(
            f"{found.title} | Cancer drug information",
            mark_safe(head),  # noqa: S308 - escaped above; the JSON-LD is script-safe
            mark_safe(content),  # noqa: S308 - the stored body was autoescaped when published
        )
    )


@cached_public_page
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
    return {"publication": publication, "content_changed": changed, "text": text}


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
                "published_at",
                "summary",
                "content_hash",
                "origin",
                "review_attested",
                "reviewed_by",
            )
        )
    ):
        entries.append(change_log_entry(publication, previous_hash))
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
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise BadRequest("The search could not be read.")
    query = form.cleaned_data["q"]
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
