"""What the partner API reads: live publications only, never drafts, revisions or editable rows.

Each function states what a partner is told and where it comes from; the views call them.
"""

from typing import Any

from django.db.models import QuerySet

from editorial import versions
from editorial.languages import source_language
from editorial.models import Publication, PublicationVersion
from editorial.public.addresses import Gone, Moved, former_address
from editorial.structured_data import reviewers_text

# What the page list reads of each publication: never its content.
SUMMARY_FIELDS = ("slug", "title", "cancer_type", "last_revised")
# What a page's detail reads: the summary, the frozen content and the review on record.
DETAIL_FIELDS = (
    *SUMMARY_FIELDS,
    "content",
    "content_hash",
    "published_at",
    "last_reviewed",
    "reviewed_by",
)


def live_pages() -> QuerySet:
    """The live publications, one per published page, by title."""
    return Publication.objects.live().only(*SUMMARY_FIELDS).order_by("title", "pk")


def page_at(slug: str) -> Publication | Moved | Gone | None:
    """The live publication at `slug`; else where its page moved, or that it is gone; else None.

    As the public page answers: one query for a live page, two otherwise.
    """
    try:
        return (
            Publication.objects.select_related("version")
            .only(*DETAIL_FIELDS, "version__number", "version__day")
            .get(current__slug=slug)
        )
    except Publication.DoesNotExist:
        return former_address(slug)


def medical_review(publication: Publication) -> dict[str, Any] | None:
    """The page's last full medical review as its page states it, or None.

    A date comes only from `last_reviewed`, which moves only when the policy's reviewers
    attested a review of the whole page; the reviewers are named by credential in words
    ("a physician and an oncology certified nurse"), never by person. No review on
    record: None, never a date made up from a publish.
    """
    if publication.last_reviewed is None:
        return None
    return {
        "date": publication.last_reviewed,
        "reviewed_by": reviewers_text(publication.reviewed_by, source_language()),
        "credentials": list(publication.reviewed_by),
    }


def version_label(publication: Publication) -> str | None:
    """The page's version label as the page shows it ("Version 7 · December 1, 2026"),
    joined by the query that found the publication; None for one that has no version row."""
    try:
        version = publication.version
    except PublicationVersion.DoesNotExist:
        return None
    return versions.version_label(version.number, version.day)


def _drug_pages(publications: list[Publication]) -> dict[str, dict[str, Any]]:
    """Each drug the publications show: the drug as the newest of them shows it, and its pages."""
    drugs: dict[str, dict[str, Any]] = {}
    for publication in sorted(publications, key=lambda p: p.published_at, reverse=True):
        for section in publication.content["drug_sections"]:
            drug = section["drug"]
            entry = drugs.setdefault(drug["slug"], {"drug": drug, "pages": []})
            if publication not in entry["pages"]:
                entry["pages"].append(publication)
    for entry in drugs.values():
        entry["pages"].sort(key=lambda p: (p.title, p.pk))
    return drugs


def live_drugs() -> list[dict[str, Any]]:
    """Every drug a live page shows, by generic name, each with the pages that show it.

    A drug's facts are those of the newest live publication showing it, as its public
    drug page shows them. One query.
    """
    publications = list(Publication.objects.live().only("slug", "title", "content", "published_at"))
    drugs = _drug_pages(publications).values()
    return sorted(
        drugs, key=lambda entry: (entry["drug"]["generic_name"].lower(), entry["drug"]["slug"])
    )


def live_drug(slug: str) -> dict[str, Any] | None:
    """The drug at `slug` as live pages show it, with those pages; None if no live page does.

    One query: the live publications that list the drug (PublicationDrug).
    """
    publications = list(
        Publication.objects.live()
        .filter(drug_rows__slug=slug)
        .only("slug", "title", "content", "published_at")
    )
    return _drug_pages(publications).get(slug)


def glossary() -> list[dict[str, Any]]:
    """Every side-effect term a live page shows, with its explanation and the drugs that have it.

    As the public glossary: the terms of live publications, by name; a term's drugs by
    generic name. One query.
    """
    terms: dict[str, dict[str, Any]] = {}
    for publication in Publication.objects.live().only("content"):
        for section in publication.content["drug_sections"]:
            drug = section["drug"]
            for group in drug["side_effects"]:
                for entry in group["entries"]:
                    term = terms.setdefault(entry["term"]["slug"], {**entry["term"], "drugs": {}})
                    term["drugs"][drug["slug"]] = {
                        "slug": drug["slug"],
                        "generic_name": drug["generic_name"],
                    }
    for term in terms.values():
        term["drugs"] = sorted(term["drugs"].values(), key=lambda d: d["generic_name"].lower())
    return sorted(terms.values(), key=lambda term: (term["name"].lower(), term["slug"]))
