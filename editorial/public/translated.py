"""The public site in a language other than the default, before any page is published in it.

Every reading path has its address in each language (`/es/…`). No page is published in
Spanish yet, so a page's or a drug's address answers a 404 in that language that links the
English page when one is live, and the lists say nothing is published in the language yet.
Like every public view, these read publications only, never the editable content.
"""

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from editorial.forms import SearchForm
from editorial.models import Publication

from .cache import public_page


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


@public_page
def page_list(request: HttpRequest) -> HttpResponse:
    return none_published(request, _("Pages by cancer type"), "index")


@public_page
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return english_page(request, slug)


@public_page
def page_references(request: HttpRequest, slug: str) -> HttpResponse:
    return english_page(request, slug, "references/")


@public_page
def page_changes(request: HttpRequest, slug: str) -> HttpResponse:
    return english_page(request, slug, "changes/")


@public_page
def drug_list(request: HttpRequest) -> HttpResponse:
    return none_published(request, _("Drugs"), "drugs")


@public_page
def drug_detail(request: HttpRequest, slug: str) -> HttpResponse:
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
    return none_published(request, _("Side-effect glossary"), "glossary")


@public_page(query=("q",))
def search_view(request: HttpRequest) -> HttpResponse:
    """Search in the language: no page is published in it yet, so nothing is found."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise BadRequest("The search could not be read.")
    query = form.cleaned_data["q"]
    return render(
        request,
        "editorial/search.html",
        {"form": form, "query": query, "results": [], "more": False, "suggestions": []},
    )
