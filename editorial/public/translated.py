"""The public site in a language other than the default (`/es/…`).

A page live in the language (its `CurrentTranslation`) is read at the English page's
path under the language's prefix, in one query, with a notice when the English page has
changed since the version it was translated from. A page's address with no live
translation, and a drug's that no live page translates, answer a 404 in the language
that links the English page when one is live. The lists (pages, drugs, glossary) and
search read the language's live publications, and say so where none is.
Like every public view, these read publications only, never the editable content.
"""

import functools
from collections import defaultdict
from typing import Any

from django.core.exceptions import BadRequest
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from editorial.forms import SearchForm
from editorial.models import CurrentPublication, CurrentTranslation, Publication
from editorial.snapshots import side_effects_untranslated
from editorial.structured_data import reviewers_text

from . import views
from .cache import public_page
from .languages import default_language


def not_in_language(request: HttpRequest, english_url: str = "", title: str = "") -> HttpResponse:
    """A 404 in the request's language, linking the English page at `english_url` if given."""
    return render(
        request,
        "editorial/not_in_language.html",
        {"english_url": english_url, "english_title": title},
        status=404,
    )


def none_published(request: HttpRequest, heading: str, english_name: str) -> HttpResponse:
    """A list (pages, drugs, glossary) with nothing published in the language yet, linking
    the English list named `english_name`."""
    return render(
        request,
        "editorial/none_published.html",
        {"heading": heading, "english_url": reverse(f"editorial:{english_name}")},
    )


def english_page(request: HttpRequest, slug: str, suffix: str = "") -> HttpResponse:
    """The 404 of a page's address in another language: links the live English page (one query)."""
    title = (
        Publication.objects.filter(current__slug=slug)
        .order_by()
        .values_list("title", flat=True)
        .first()
    )
    if title is None:
        return not_in_language(request)
    return not_in_language(
        request, reverse("editorial:page", kwargs={"slug": slug}) + suffix, title
    )


def live_translation_queryset(language: str, slug: str) -> QuerySet:
    """What a page view reads of the publication live in `language` at `slug`, in one query.

    As `views.live_page_queryset` reads an English page, plus what the translation was
    made from (the English content hash and its Last Revised) and the English page's live
    content hash and address, from its `CurrentPublication`.
    """
    english = CurrentPublication.objects.filter(page_id=OuterRef("page_id"))
    return (
        Publication.objects.filter(
            pk=Subquery(
                CurrentTranslation.objects.filter(language=language, slug=slug).values(
                    "publication_id"
                )[:1]
            )
        )
        .only(*views.PAGE_FIELDS[:-2])
        .annotate(
            attribution=KT("content__attribution__name"),
            version_number=F("version__number"),
            version_day=F("version__day"),
            source_content_hash=F("translation__source_content_hash"),
            source_last_revised=F("translation__source__last_revised"),
            english_content_hash=Subquery(english.values("publication__content_hash")[:1]),
            **{
                views.translation_slug_name(default_language()): Subquery(
                    english.values("slug")[:1]
                )
            },
        )
        .order_by()
    )


@functools.cache
def _live_translation_sql(alias: str, language: str) -> tuple[str, tuple[Any, ...], int]:
    """`live_translation_queryset`'s SQL, compiled once per process and language, as
    `views._live_page_sql` is and for the same reason."""
    marker = "\x00slug"
    sql, params = live_translation_queryset(language, marker).query.get_compiler(alias).as_sql()
    return sql, tuple(params), params.index(marker)


def live_translation(language: str, slug: str) -> Publication | None:
    """The publication live in `language` at `slug`; None if none is."""
    sql, params, at = _live_translation_sql(DEFAULT_DB_ALIAS, language)
    found = list(Publication.objects.raw(sql, (*params[:at], slug, *params[at + 1 :])))
    return found[0] if found else None


def is_out_of_date(found: Publication) -> bool:
    """A translation is out of date once the page's live English content differs from the
    English content it was translated from (a republish of the same content is not a
    change). With no English page live there is nothing it could be behind."""
    live = found.english_content_hash
    return live is not None and live != found.source_content_hash


@public_page
def page_list(request: HttpRequest) -> HttpResponse:
    """The pages live in the language, by cancer type, as the English index lists its own."""
    language = translation.get_language()
    groups: dict[str, list] = defaultdict(list)
    for publication in (
        views.live_publications(language)
        .only("slug", "title", "cancer_type", "last_revised")
        .order_by("title")
    ):
        publication.url = reverse(f"{language}:page", kwargs={"slug": publication.slug})
        groups[publication.cancer_type or _("Other")].append(publication)
    if not groups:
        return none_published(request, _("Pages by cancer type"), "index")
    return render(
        request,
        "editorial/page_list.html",
        {"groups": sorted(groups.items()), "form": SearchForm()},
    )


@public_page
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The page in the language: its frozen body in the language's chrome, with the
    English page one link away and a notice when the English page changed since."""
    language = translation.get_language()
    found = live_translation(language, slug)
    if found is None:
        return english_page(request, slug)
    context = views.page_context(
        request,
        found,
        {
            name: reverse(f"{language}:{name}", kwargs={"slug": slug})
            for name in ("page_references", "page_changes")
        },
    )
    if found.version_number:
        context["version_label"] = views.shown_version_label(
            found.version_number, found.version_day
        )
    context["reviewers"] = reviewers_text(found.reviewed_by) if found.last_reviewed else ""
    english_slug = getattr(found, views.translation_slug_name(default_language()))
    if english_slug and is_out_of_date(found):
        context["out_of_date"] = {
            "day": found.source_last_revised,
            "url": reverse("editorial:page", kwargs={"slug": english_slug}),
        }
    return render(request, "editorial/page_detail.html", context)


@public_page
def page_references(request: HttpRequest, slug: str) -> HttpResponse:
    """The references of the page in the language (as published: references are not
    translated), linking back to the page in the language."""
    language = translation.get_language()
    found = (
        Publication.objects.filter(
            pk=Subquery(
                CurrentTranslation.objects.filter(language=language, slug=slug).values(
                    "publication_id"
                )[:1]
            )
        )
        .only("slug", "title", "content")
        .first()
    )
    if found is None:
        return english_page(request, slug, "references/")
    return render(
        request,
        "editorial/page_references.html",
        {
            "publication": found,
            "page_url": reverse(f"{language}:page", kwargs={"slug": slug}),
        },
    )


@public_page
def page_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """The change log of the page in the language: its publications there, newest first,
    each with its own version; the English page's log is its own."""
    language = translation.get_language()
    found = live_translation(language, slug)
    if found is None:
        return english_page(request, slug, "changes/")
    return render(
        request,
        "editorial/page_changes.html",
        {
            "publication": found,
            "version_label": views.shown_version_label(found.version_number, found.version_day)
            if found.version_number
            else "",
            "entries": list(reversed(views.change_log(found.page_id, language))),
            "translated": True,
        },
    )


def translated_drugs(publications: list[Publication]) -> dict[str, dict[str, Any]]:
    """Every drug these publications give in their language, by slug, as the newest of
    them that translates it gives it."""
    drugs: dict[str, dict[str, Any]] = {}
    for publication in sorted(publications, key=lambda publication: publication.published_at):
        for section in publication.content["drug_sections"]:
            if views.drug_is_translated(section["drug"]):
                drugs[section["drug"]["slug"]] = section["drug"]
    return drugs


@public_page
def drug_list(request: HttpRequest) -> HttpResponse:
    """The drugs published in the language (`drug_is_translated`), in name order."""
    drugs = translated_drugs(
        list(views.live_publications(translation.get_language()).only("content", "published_at"))
    )
    if not drugs:
        return none_published(request, _("Drugs"), "drugs")
    return render(
        request,
        "editorial/drug_list.html",
        {"drugs": sorted(drugs.values(), key=lambda drug: drug["generic_name"].lower())},
    )


@public_page
def drug_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A drug's page in the language, from the newest live page in it that translates the
    drug, listing every page live in the language that shows it. A drug no page translates
    yet answers the 404 that links the English drug page."""
    language = translation.get_language()
    pages = list(
        views.live_publications(language)
        .filter(drug_rows__slug=slug)
        .only("slug", "title", "content", "published_at")
        .order_by("title")
    )
    drug = translated_drugs(pages).get(slug)
    if drug is None:
        return english_drug(request, slug)
    alternates = views.drug_alternates(request, slug)
    english_url = reverse("editorial:drug", kwargs={"slug": slug})
    return render(
        request,
        "editorial/drug_detail.html",
        {
            "drug": drug,
            "pages": pages,
            "translated": True,
            "effects_untranslated": side_effects_untranslated(drug["side_effects"]),
            "english_url": english_url,
            "alternates": alternates,
        },
    )


def english_drug(request: HttpRequest, slug: str) -> HttpResponse:
    """The 404 of a drug's address in another language: links the English drug page, named
    as the newest live page that shows it names it (one query)."""
    newest = (
        Publication.objects.live()
        .filter(drug_rows__slug=slug)
        .only("content")
        .order_by("-published_at")
        .first()
    )
    if newest is None:
        return not_in_language(request)
    name = next(
        section["drug"]["generic_name"]
        for section in newest.content["drug_sections"]
        if section["drug"]["slug"] == slug
    )
    return not_in_language(request, reverse("editorial:drug", kwargs={"slug": slug}), name)


@public_page
def side_effect_glossary(request: HttpRequest) -> HttpResponse:
    """The glossary in the language: the terms its live pages give in it
    (`views.glossary_letters`)."""
    publications = list(views.live_publications(translation.get_language()).only("content"))
    letters = views.glossary_letters(publications)
    if not letters:
        return none_published(request, _("Side-effect glossary"), "glossary")
    return render(request, "editorial/glossary.html", {"letters": letters})


@public_page(query=("q",))
def search_view(request: HttpRequest) -> HttpResponse:
    """Search in the language: its live pages only (`views.search_publications`)."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise BadRequest("The search could not be read.")
    query = form.cleaned_data["q"]
    language = translation.get_language()
    results, more = views.search_publications(query, language) if query else ([], False)
    suggested = (
        views.search.suggestions(query, views.search_vocabulary(request, language))
        if query and not results
        else []
    )
    return render(
        request,
        "editorial/search.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "more": more,
            "shown": views.search.RESULTS_SHOWN,
            "suggestions": suggested,
        },
    )
