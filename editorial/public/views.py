"""The public site's pages. Every view reads publications only, never the editable content."""

import datetime
import functools
import unicodedata
from collections import defaultdict
from typing import Any

from django.core.exceptions import BadRequest
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import F, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.fields.json import KT
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from editorial import identity
from editorial.forms import SearchForm
from editorial.lookups import SEARCH_CONFIG, SEARCH_PARTS, search_config
from editorial.models import (
    ComplianceNumber,
    CurrentTranslation,
    Publication,
    PublicationSearch,
    PublicationVersion,
)
from editorial.structured_data import (
    page_json_ld,
    publisher_data,
    reviewers_text,
)
from editorial.templatetags.editorial_public import long_date
from editorial.versions import in_language, version_label

from . import search
from .addresses import Moved, former_address
from .cache import entry_seconds, public_page
from .languages import (
    default_language,
    hreflang,
    is_default,
    other_languages,
    switch_label,
    url_namespace,
)
from .links import language_page_url, page_links, site_links


def live() -> QuerySet:
    """The publications the public reads now: one per live page."""
    return Publication.objects.live()


def live_publications(language: str) -> QuerySet:
    """The publications live in `language`, one per page (its `CurrentTranslation`)."""
    return Publication.objects.filter(
        pk__in=CurrentTranslation.objects.filter(language=language, slug__isnull=False).values(
            "publication_id"
        )
    )


def drug_is_translated(drug: dict[str, Any]) -> bool:
    """A drug is published in a language once a live page in it gives the drug's own words
    (what it does, how it is taken) in that language: a page whose section of it is not
    translated yet shows a notice instead, and lends the drug nothing."""
    return drug["mechanism"] is not None and drug["administration"] is not None


def drug_published_in(language: str, slug: str) -> bool:
    """Whether the drug at `slug` has a page in `language` (one query)."""
    if is_default(language):
        return live().filter(drug_rows__slug=slug).exists()
    return any(
        drug_is_translated(section["drug"])
        for publication in live_publications(language).filter(drug_rows__slug=slug).only("content")
        for section in publication.content["drug_sections"]
        if section["drug"]["slug"] == slug
    )


def drug_alternates(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The drug's page in every language it is published in, as `alternates` gives a page's:
    empty when it is published in one language only."""
    here = translation.get_language()
    others = [
        language
        for language in (default_language(), *other_languages())
        if language != here and drug_published_in(language, slug)
    ]
    if not others:
        return []
    shown = {
        "language": hreflang(here),
        "url": request.build_absolute_uri(
            reverse(f"{url_namespace(here)}:drug", kwargs={"slug": slug})
        ),
        "shown": True,
    }
    return [shown] + [
        {
            "language": hreflang(language),
            "url": request.build_absolute_uri(
                reverse(f"{url_namespace(language)}:drug", kwargs={"slug": slug})
            ),
            "label": switch_label(language),
        }
        for language in others
    ]


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
    request: HttpRequest,
    slug: str,
    suffix: str = "",
    fields: tuple[str, ...] = PAGE_FIELDS,
) -> Publication | HttpResponse:
    """The live publication at `slug`; else a redirect for an old address, or 410, or 404.

    One query for a live page (its live pointer's unique address), two otherwise.
    """
    try:
        # Only a live pointer has a slug, and it is unique: no ordering, no live() filter.
        return Publication.objects.select_related("version").only(*fields).get(current__slug=slug)
    except Publication.DoesNotExist:
        return moved_or_gone(request, slug, suffix)


def moved_or_gone(request: HttpRequest, slug: str, suffix: str = "") -> HttpResponse:
    """No page is live at `slug`: a redirect if its page moved, 410 if it was taken down, else 404."""
    found = former_address(slug)
    if found is None:
        raise Http404("No page is published at this address.")
    if isinstance(found, Moved):
        return HttpResponsePermanentRedirect(
            reverse("editorial:page", kwargs={"slug": found.slug}) + suffix
        )
    return render(request, "editorial/gone.html", {"publication": found.publication}, status=410)


@public_page
def page_list(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list] = defaultdict(list)
    for publication in (
        live().only("slug", "title", "cancer_type", "last_revised").order_by("title")
    ):
        groups[publication.cancer_type or _("Other")].append(publication)
    return render(
        request,
        "editorial/page_list.html",
        {"groups": sorted(groups.items()), "form": SearchForm()},
    )


def split_after_title(html: str) -> tuple[SafeString, SafeString]:
    """A frozen page body cut after its title: (up to and with `</h1>`, the rest).

    The body is our own rendering (`render_page_body`), whose one `<h1>` is the title,
    so a cut at the first `</h1>` is a string search, not a parse. A body without one
    is all "rest".
    """
    head, found, rest = html.partition("</h1>")
    if not found:
        return mark_safe(""), mark_safe(html)  # noqa: S308 - our own autoescaped rendering
    return mark_safe(head + found), mark_safe(rest)  # noqa: S308 - as above


def translation_slug_name(language: str) -> str:
    """The name under which a page query reads the page's live address in `language`."""
    return f"{language.replace('-', '_')}_slug"


def live_translations() -> dict[str, Subquery]:
    """The page's live address in each other language (None where none is live), as
    subqueries of a page query: one unique-index lookup each, in the same query."""
    return {
        translation_slug_name(language): Subquery(
            CurrentTranslation.objects.filter(
                page_id=OuterRef("page_id"), language=language, slug__isnull=False
            ).values("slug")[:1]
        )
        for language in other_languages()
    }


def live_page_queryset(slug: str) -> QuerySet:
    """What a page view reads of the live publication at `slug`, in one query.

    The fields it shows (never the content's JSON, nor the manifest), the writer's name
    as one key of the frozen content, its version's number and day, joined, and the
    page's live address in each other language (for hreflang and the switcher).
    """
    return (
        Publication.objects.filter(current__slug=slug)
        .only(*PAGE_FIELDS[:-2])
        .annotate(
            attribution=KT("content__attribution__name"),
            version_number=F("version__number"),
            version_day=F("version__day"),
            **live_translations(),
        )
        .order_by()  # the slug is unique
    )


@functools.cache
def _live_page_sql(alias: str) -> tuple[str, tuple[Any, ...], int]:
    """`live_page_queryset`'s SQL, compiled once per process: (SQL, parameters, the slug's place).

    Measured by bench/profile_request.py on the 2-core machine: compiling this query with
    the ORM took 220 µs of a 1,380 µs uncached page view, and `select_related` as much
    again in building the row; run through `raw()` the whole query costs 200 µs against
    515 µs. Its SQL is the same for every slug, so only the slug changes between calls.
    """
    marker = "\x00slug"
    sql, params = live_page_queryset(marker).query.get_compiler(alias).as_sql()
    return sql, tuple(params), params.index(marker)


def live_page(slug: str) -> Publication | None:
    """The live publication at `slug` as `live_page_queryset` reads it; None if none is live."""
    sql, params, at = _live_page_sql(DEFAULT_DB_ALIAS)
    found = list(Publication.objects.raw(sql, (*params[:at], slug, *params[at + 1 :])))
    return found[0] if found else None


@public_page
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A page as readers see it: its publication's frozen body inside the site's chrome.

    The body and JSON-LD were rendered when the page was published; the template adds
    the address, the dates and the links around them. The byline (who wrote the page,
    its dates and any attested review) goes right after the title, cut out of the body
    by `split_after_title`; the writer's name is the frozen content's attribution, read
    in the same query as one JSON key, not by loading the whole content.
    """
    found = live_page(slug)
    if found is None:
        return moved_or_gone(request, slug)
    return render(request, "editorial/page_detail.html", page_context(request, found))


def page_context(
    request: HttpRequest, found: Publication, links: dict[str, str] | None = None
) -> dict[str, Any]:
    """What page_detail.html shows of the publication `found` read by a page query.

    `links` are the page's own addresses (references, changes, feed) in its language.
    """
    absolute_url = request.build_absolute_uri(request.path)
    number = found.version_number
    # The byline and the version label go right under the title, which opens the body.
    title_html, body_html = split_after_title(found.html)
    return {
        "publication": found,
        "title_html": title_html,
        "body_html": body_html,
        "attribution": found.attribution,
        "version_label": version_label(number, found.version_day) if number else "",
        "page_links": page_links(found.slug) if links is None else links,
        "canonical_url": absolute_url,
        "json_ld": page_json_ld(
            found.json_ld,
            absolute_url,
            number,
            publisher_data(
                identity.current(getattr(request, "public_cache_generation", None)),
                request.build_absolute_uri(site_links()["index"]),
            ),
        ),
        "reviewers": reviewers_text(found.reviewed_by) if found.last_reviewed else "",
        "alternates": alternates(request, found, absolute_url),
    }


def alternates(request: HttpRequest, found: Publication, absolute_url: str) -> list[dict[str, str]]:
    """The page in every language it is live in, the one shown included, for hreflang
    and the switcher: empty when it is live in one language only (nothing to switch to)."""
    here = translation.get_language()
    others = [
        (language, getattr(found, translation_slug_name(language), None))
        for language in (default_language(), *other_languages())
        if language != here
    ]
    others = [(language, slug) for language, slug in others if slug]
    if not others:
        return []
    shown = [{"language": hreflang(here), "url": absolute_url, "shown": True}]
    return shown + [
        {
            "language": hreflang(language),
            "url": request.build_absolute_uri(language_page_url(language, slug)),
            "label": switch_label(language),
        }
        for language, slug in others
    ]


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
        text = _("First published here (the content was approved before this site).")
    elif changed:
        text = publication.summary or _("The content was updated.")
    else:
        text = ""
    if publication.review_attested:
        reviewers = reviewers_text(publication.reviewed_by)
        reviewed = _("Medically reviewed by %(reviewers)s") % {"reviewers": reviewers}
        if text:
            text = f"{text} {reviewed}."
        else:
            text = _("%(reviewed)s; no change to the content.") % {"reviewed": reviewed}
    elif not text:
        text = _("Republished; no change to the content.")
    version = version_of(publication)
    return {
        "publication": publication,
        "content_changed": changed,
        "text": text,
        "version": version,
        "version_label": shown_version_label(version.number, version.day) if version else "",
        "compliance_number": compliance_number_of(publication),
    }


def shown_version_label(number: int, day: datetime.date) -> str:
    """A version's label as readers of the active language read it: “Version 7 ·
    December 1, 2026” in English (`versions.version_label`), “Versión 7 · 1 de
    diciembre de 2026” in Spanish."""
    if is_default():
        return version_label(number, day)
    return _("Version %(number)s · %(day)s") % {"number": number, "day": long_date(day)}


def compliance_number_of(publication: Publication) -> ComplianceNumber | None:
    """The publication's compliance number, joined by the query that found it; None without one."""
    try:
        return publication.compliance_number
    except ComplianceNumber.DoesNotExist:
        return None


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
            "version_label": version.label if (version := version_of(found)) else "",
            "entries": list(reversed(change_log(found.page_id))),
        },
    )


def change_log(page_id: int, language: str | None = None) -> list[dict[str, Any]]:
    """The change log's entries of a page, oldest first: every publication in `language`
    (None: the default language; a translation's are not the English page's, nor the
    reverse), with its version and its compliance number, joined in the one query."""
    history = (
        Publication.objects.filter(in_language(language), page_id=page_id)
        .select_related("version", "compliance_number")
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
            "compliance_number__number",
            "compliance_number__year",
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
    return render(
        request,
        "editorial/drug_detail.html",
        {"drug": drug, "pages": pages, "alternates": drug_alternates(request, slug)},
    )


def unaccented(text: str) -> str:
    """`text` without its accents ("Úlcera": "Ulcera"), for sorting and filing by letter."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def glossary_letters(publications: list[Publication]) -> list[dict[str, Any]]:
    """The glossary: every side effect the given publications show, grouped by first letter.

    Each term carries its explanation and the drugs that show it, by slug, in name order;
    the terms come only from those publications' frozen content, so a term or drug that
    is only in a draft is not listed. In a translation, a term whose name or explanation
    is not translated yet is not listed either (never half in English). Terms sort, and
    are filed, by their letters without accents ("Úlcera" under U); a term that does not
    start with a letter is filed under "#".
    """
    terms: dict[str, dict] = {}
    for publication in publications:
        for section in publication.content["drug_sections"]:
            drug = section["drug"]
            for group in drug["side_effects"]:
                for entry in group["entries"]:
                    if entry["term"]["name"] is None or entry["term"]["explanation"] is None:
                        continue
                    term = terms.setdefault(entry["term"]["slug"], {**entry["term"], "drugs": {}})
                    term["drugs"][drug["slug"]] = drug["generic_name"]
    letters: dict[str, list[dict]] = defaultdict(list)
    for term in sorted(terms.values(), key=lambda term: unaccented(term["name"]).lower()):
        first = unaccented(term["name"][:1]).upper()
        term["drugs"] = dict(sorted(term["drugs"].items(), key=lambda item: item[1].lower()))
        letters[first if first.isalpha() else "#"].append(term)
    return [
        {
            "letter": letter,
            "anchor": "letter-" + ("other" if letter == "#" else letter.lower()),
            "terms": grouped,
        }
        for letter, grouped in sorted(letters.items())
    ]


@public_page
def side_effect_glossary(request: HttpRequest) -> HttpResponse:
    letters = glossary_letters(list(live().only("content")))
    return render(request, "editorial/glossary.html", {"letters": letters})


def published_drugs(publications: list[Publication]) -> list[dict[str, str]]:
    """Every drug the given publications show, once, in name order, as the newest shows it."""
    drugs: dict[str, dict[str, Any]] = {}
    for publication in sorted(publications, key=lambda publication: publication.published_at):
        for section in publication.content["drug_sections"]:
            drug = section["drug"]
            drugs[drug["slug"]] = {
                "slug": drug["slug"],
                "generic_name": drug["generic_name"],
                "brand_names": drug["brand_names"],
            }
    return sorted(drugs.values(), key=lambda drug: drug["generic_name"].lower())


@public_page
def drug_list(request: HttpRequest) -> HttpResponse:
    drugs = published_drugs(list(live().only("content", "published_at")))
    return render(request, "editorial/drug_list.html", {"drugs": drugs})


# What a search result reads: the publication's address and title, and its words.
RESULT_FIELDS = (
    "slug",
    "title",
    "cancer_type",
    *(f"search_row__{part}" for part in SEARCH_PARTS),
)


def search_publications(
    query: str, language: str | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """The live pages matching every word of `query`, best first, each with the passage
    that matched; and whether more matched than are shown. One query.

    PostgreSQL matches the weighted vectors of the search rows (stemmed, GIN-indexed)
    and ranks them, title and cancer type first; SQLite matches whole words and ranks
    by `search.rank_key`. Only live publications' rows are read, never a draft.
    In another `language`, only the publications live in it are read: on PostgreSQL with
    its configuration (`lookups.search_config`: Spanish stems, accents aside), on SQLite
    whole words with accents folded, in Python.
    """
    words = search.query_words(query)
    if not words:
        return [], False
    if language is None:
        publications, config = live(), SEARCH_CONFIG
    else:
        publications = Publication.objects.filter(
            pk__in=CurrentTranslation.objects.filter(language=language, slug__isnull=False).values(
                "publication_id"
            )
        )
        config = search_config(language)
    rows = publications.select_related("search_row").only(*RESULT_FIELDS)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        found = SearchQuery(query, config=config, search_type="websearch")
        vector = F("search_row__vector")
        matched = list(
            rows.filter(search_row__vector=found)
            .annotate(
                heading_rank=SearchRank(vector, found, weights=[0, 0, 0, 1]),
                rank=SearchRank(vector, found),
                lexemes=Func(
                    Func(Value(config), Value(query), function="to_tsvector"),
                    function="tsvector_to_array",
                ),
            )
            .order_by("-heading_rank", "-rank", "title", "pk")[: search.RESULTS_SHOWN + 1]
        )
        matches = search.stem_matcher(matched[0].lexemes if matched else (), language)
    elif language is None:
        condition = Q()
        for word in words:
            condition &= Q(search_row__words__contains=f" {word} ")
        matched = sorted(rows.filter(condition).order_by("title", "pk"), key=_rank(words))
        matches = search.whole_word_matcher(words)
    else:
        # A language's live pages are a few hundred at most: folded and matched here.
        folded = [search.fold(word) for word in words]
        matched = sorted(
            (
                publication
                for publication in rows.order_by("title", "pk")
                if all(f" {word} " in search.fold(publication.search_row.words) for word in folded)
            ),
            key=_rank(folded, folded=True),
        )
        matches = search.whole_word_matcher(words, folded=True)
    results = [
        {
            "publication": publication,
            "passage": search.passage(_parts(publication), matches),
            **({"url": _language_url(language, publication.slug)} if language else {}),
        }
        for publication in matched[: search.RESULTS_SHOWN]
    ]
    return results, len(matched) > search.RESULTS_SHOWN


def _language_url(language: str, slug: str) -> str:
    return reverse(f"{language}:page", kwargs={"slug": slug})


def _parts(publication: Publication) -> dict[str, str]:
    return {part: getattr(publication.search_row, part) for part in SEARCH_PARTS}


def _rank(words: list[str], folded: bool = False):
    def key(publication: Publication) -> tuple[int, float]:
        parts = _parts(publication)
        if folded:
            parts = {part: search.fold(text) for part, text in parts.items()}
        heading, score = search.rank_key(parts, words)
        return (-heading, -score)  # sorted() is stable: equal ranks stay in title order

    return key


def search_vocabulary(request: HttpRequest, language: str | None = None) -> list[str]:
    """The words of every live page (in `language` if given), for "Did you mean": kept in
    the cache under the generation of public pages, so a publish or unpublish starts a
    new one."""
    generation = getattr(request, "public_cache_generation", None)
    cache = getattr(request, "public_cache", None)
    key = f"search:vocabulary:{generation}" + (f":{language}" if language else "")
    if generation is not None and cache is not None:
        vocabulary = cache.get(key)
        if vocabulary is not None:
            return vocabulary
    if language is None:
        rows = PublicationSearch.objects.filter(publication__current__isnull=False)
    else:
        rows = PublicationSearch.objects.filter(
            publication_id__in=CurrentTranslation.objects.filter(
                language=language, slug__isnull=False
            ).values("publication_id")
        )
    vocabulary = search.vocabulary_of(rows.values_list("words", flat=True))
    if generation is not None and cache is not None:
        cache.set(key, vocabulary, entry_seconds())
    return vocabulary


@public_page(query=("q",))
def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise BadRequest("The search could not be read.")
    query = form.cleaned_data["q"]
    results, more = search_publications(query) if query else ([], False)
    suggested = (
        search.suggestions(query, search_vocabulary(request)) if query and not results else []
    )
    return render(
        request,
        "editorial/search.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "more": more,
            "shown": search.RESULTS_SHOWN,
            "suggestions": suggested,
        },
    )


@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
