"""Whether a citation is already in the library: the rule that keeps a reference entered once."""

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q

from .models import Citation


def same_source(one: Citation, other: Citation) -> bool:
    """Whether two citations are the same source.

    They are when they share a DOI (compared without case, as DOIs are), or a PMID, or
    when they have no identifier in common to tell them apart and are of the same kind
    with the same title (compared without case and runs of spaces) and the same year
    (both none counts as the same). Two citations whose DOIs differ are never the same,
    whatever their titles: a journal may reuse a title for a reply or an erratum.
    """
    if one.doi and other.doi:
        return one.doi.lower() == other.doi.lower()
    if one.pmid and other.pmid:
        return one.pmid == other.pmid
    return (
        one.kind == other.kind
        and _title_key(one.title) == _title_key(other.title)
        and one.year == other.year
    )


def existing_citations(candidates: Iterable[Citation]) -> list[Citation | None]:
    """For each candidate, the library's citation of the same source (`same_source`), or None.

    One query for the whole list, whatever its length. When several citations match,
    the oldest is given.
    """
    candidates = list(candidates)
    lookups = []
    for candidate in candidates:
        if candidate.doi:
            lookups.append(Q(doi__iexact=candidate.doi))
        if candidate.pmid:
            lookups.append(Q(pmid=candidate.pmid))
        if candidate.title.strip():
            lookups.append(Q(kind=candidate.kind, title__iexact=candidate.title.strip()))
    if not lookups:
        return [None] * len(candidates)
    library = list(Citation.objects.filter(reduce(or_, lookups)).order_by("pk"))
    return [
        next((citation for citation in library if same_source(candidate, citation)), None)
        for candidate in candidates
    ]


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()
