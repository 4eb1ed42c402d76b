"""Finding a citation by what its label and its reference show.

A plain function of a queryset and the typed text, so the admin's list search and its
autocomplete (the citation picker on a page) find the same citations.
"""

import re

from django.db.models import Q, QuerySet

from .validators import DOI_RE, normalise_doi

# The parts a word may be found in: authors, title, journal or website name, book,
# version, DOI and PMID.
SEARCHED_FIELDS = ("authors", "title", "container_title", "book_title", "version", "doi", "pmid")
_YEAR = re.compile(r"\d{4}", re.ASCII)
# The label's separators and its shortening mark, and punctuation around a word.
_AROUND_WORDS = "·…,;:.!?()[]\"'“”‘’"


def search_words(term: str) -> list[str]:
    """The words of `term`, without the label's separators or the punctuation around them."""
    words = (word.strip(_AROUND_WORDS) for word in term.split())
    return [word for word in words if word]


def citation_search(queryset: QuerySet, term: str) -> QuerySet:
    """The citations in `queryset` that match every word of `term`.

    - A word of four digits is a year: it matches the year a citation's label shows
      (its year; without one, the year it was updated; without that, a year ending its
      version), exactly, never digits inside a page range or an identifier.
    - A DOI, bare or as "doi:…" or a doi.org address, matches that DOI in any case.
    - Any other word matches when one of `SEARCHED_FIELDS` contains it, in any case.

    Words are separated by spaces, so typing a label as it is shown ("Motzer RJ · 2007 ·
    Sunitinib versus…", or just "Motzer 2007") finds the citation.
    """
    for word in search_words(term):
        if _YEAR.fullmatch(word):
            year = int(word)
            undated = Q(year__isnull=True)
            queryset = queryset.filter(
                Q(year=year)
                | (undated & Q(updated_date__year=year))
                | (undated & Q(updated_date__isnull=True, version__endswith=word))
            )
            continue
        doi = normalise_doi(word)
        if DOI_RE.fullmatch(doi):
            queryset = queryset.filter(doi__iexact=doi)
            continue
        matches = Q()
        for name in SEARCHED_FIELDS:
            matches |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset
