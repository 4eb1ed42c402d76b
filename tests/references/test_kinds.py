"""Each kind's parts are declared once (Citation.FIELDS_BY_KIND), and the house style agrees.

The form shows a kind's parts only; these tests hold that the formatter writes exactly
those parts, so a part the form hides could never have shown on the page.
"""

import datetime

import pytest

from references.formatting import format_citation
from references.models import Citation

FILLED = {
    "authors": "Motzer RJ",
    "authors_et_al": True,
    "title": "A title",
    "container_title": "N Engl J Med",
    "series": "A series",
    "chapter_number": "7",
    "book_title": "A book",
    "editors": "DeVita VT",
    "edition": "5th",
    "publisher": "Elsevier",
    "publisher_place": "Philadelphia, Pa",
    "year": 2007,
    "month": 1,
    "volume": "356",
    "issue": "2",
    "pages": "115-124",
    "doi": "10.1056/NEJMoa065044",
    "pmid": "17215529",
    "url": "https://example.org/page",
    "version": "Version 2.2024",
    "updated_date": datetime.date(2024, 5, 1),
    "accessed_date": datetime.date(2024, 6, 3),
}
EMPTY = {
    name: None if name in {"year", "month", "updated_date", "accessed_date"} else ""
    for name in FILLED
} | {"authors_et_al": False}
# A web page shows its year only when it has no "updated" date (house style rule 6).
WITHOUT_UPDATED = FILLED | {"updated_date": None}
EVERY_PART = set(FILLED)


def test_every_part_belongs_to_some_kind():
    assert {name for names in Citation.FIELDS_BY_KIND.values() for name in names} == EVERY_PART


@pytest.mark.parametrize("kind", Citation.Kind.values)
def test_the_house_style_shows_each_part_of_its_kind(kind):
    for name in Citation.FIELDS_BY_KIND[kind]:
        shown = [
            format_citation(Citation(kind=kind, **base))
            != format_citation(Citation(kind=kind, **(base | {name: EMPTY[name]})))
            for base in (FILLED, WITHOUT_UPDATED)
        ]
        assert any(shown), f"{name} does not show in a {kind}"


@pytest.mark.parametrize("kind", Citation.Kind.values)
def test_the_house_style_ignores_parts_of_other_kinds(kind):
    own = {name: FILLED[name] for name in Citation.FIELDS_BY_KIND[kind]}
    assert format_citation(Citation(kind=kind, **FILLED)) == format_citation(
        Citation(kind=kind, **own)
    )


def test_a_citation_names_its_filled_parts_that_its_kind_does_not_have():
    page = Citation(
        kind=Citation.Kind.WEBSITE, title="A page", url="https://example.org", volume="3"
    )

    assert page.filled_fields_outside_kind() == ["volume"]


def test_no_seed_citation_has_parts_its_kind_does_not_show(seed_citations):
    assert [citation.filled_fields_outside_kind() for citation in seed_citations] == [[]] * 8
