from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from editorial.models import CurrentTranslation, Publication, PublicationDrug

from .languages import default_language, hreflang, other_languages
from .views import (
    drug_is_translated,
    live,
    live_publications,
    live_translations,
    translation_slug_name,
)


def _alternates(protocol: str, domain: str, slugs: dict[str, str | None]) -> list[dict[str, str]]:
    """Each language's address of one page, when it is live in more than one (else none)."""
    live_in = {language: slug for language, slug in slugs.items() if slug}
    if len(live_in) < 2:
        return []
    return [
        {
            "lang_code": hreflang(language),
            "location": f"{protocol}://{domain}"
            + reverse(
                "editorial:page" if language == default_language() else f"{language}:page",
                kwargs={"slug": slug},
            ),
        }
        for language, slug in live_in.items()
    ]


class PageSitemap(Sitemap):
    """Every live page, with its Last Revised as lastmod, and its address in each other
    language it is live in as an `xhtml:link` alternate (the live translations joined
    in the same query)."""

    def items(self):
        return live().only("slug", "last_revised").annotate(**live_translations()).order_by("slug")

    def lastmod(self, publication):
        return publication.last_revised

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            publication = url["item"]
            url["alternates"] = _alternates(
                protocol,
                domain,
                {
                    default_language(): publication.slug,
                    **{
                        language: getattr(publication, translation_slug_name(language))
                        for language in other_languages()
                    },
                },
            )
        return urls


class TranslatedPageSitemap(Sitemap):
    """Every page live in another language, at its address there, with its Last Revised
    there, and its English address as an alternate when the English page is live."""

    def items(self):
        return list(
            CurrentTranslation.objects.filter(slug__isnull=False)
            .select_related("publication")
            .only("language", "slug", "page_id", "publication__last_revised")
            .order_by("language", "slug")
        )

    def location(self, pointer):
        return reverse(f"{pointer.language}:page", kwargs={"slug": pointer.slug})

    def lastmod(self, pointer):
        return pointer.publication.last_revised

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        pointers = [url["item"] for url in urls]
        english = dict(
            Publication.objects.live()
            .filter(page_id__in=[pointer.page_id for pointer in pointers])
            .values_list("page_id", "slug")
        )
        others: dict[int, dict[str, str]] = {}
        for pointer in pointers:
            others.setdefault(pointer.page_id, {})[pointer.language] = pointer.slug
        for url in urls:
            pointer = url["item"]
            url["alternates"] = _alternates(
                protocol,
                domain,
                {default_language(): english.get(pointer.page_id), **others[pointer.page_id]},
            )
        return urls


class DrugSitemap(Sitemap):
    """Every drug a live page shows, with the newest Last Revised of those pages as lastmod.

    Read from the publications' drug rows (`PublicationDrug`), one query for all.
    """

    def items(self):
        return list(
            PublicationDrug.objects.filter(publication__current__isnull=False)
            .values("slug")
            .annotate(lastmod=Max("publication__last_revised"))
            .order_by("slug")
        )

    def location(self, item):
        return reverse("editorial:drug", kwargs={"slug": item["slug"]})

    def lastmod(self, item):
        return item["lastmod"]


class TranslatedDrugSitemap(Sitemap):
    """Every drug published in another language (`translated.drug_is_translated`) at its
    address there, with the newest Last Revised of the live pages there that translate it."""

    def items(self):
        newest: dict[tuple[str, str], object] = {}
        for language in other_languages():
            for publication in live_publications(language).only("content", "last_revised"):
                for section in publication.content["drug_sections"]:
                    if drug_is_translated(section["drug"]):
                        key = (language, section["drug"]["slug"])
                        newest[key] = max(
                            newest.get(key, publication.last_revised), publication.last_revised
                        )
        return [
            {"language": language, "slug": slug, "lastmod": lastmod}
            for (language, slug), lastmod in sorted(newest.items())
        ]

    def location(self, item):
        return reverse(f"{item['language']}:drug", kwargs={"slug": item["slug"]})

    def lastmod(self, item):
        return item["lastmod"]
