"""A pasted reference list: cut into references, matched against the library, each one checked."""

import pytest

from references.forms import CitationForm
from references.matching import existing_citations, same_source
from references.models import Citation
from references.parsing import split_reference_list
from references.reference_list import Outcome, parts_as_saved, read_reference_list
from references.seed import SEED_CITATIONS
from tests.references.test_parsing import (
    ACS_PAGE,
    MOTZER,
    NCCN_KIDNEY,
    RINI_CHAPTER,
    SEED_AS_PRINTED,
)

# The seed page's list as it stands on the page: one reference a paragraph.
SEED_LIST = "\n\n".join(SEED_AS_PRINTED)


def test_the_seed_pages_list_is_cut_into_its_eight_references():
    assert split_reference_list(SEED_LIST) == SEED_AS_PRINTED


def test_a_numbered_list_starts_a_reference_at_each_number_and_joins_wrapped_lines():
    text = f"1. {MOTZER[:40]}\n{MOTZER[40:]}\n\n2) {RINI_CHAPTER}\n[3] {ACS_PAGE}"

    assert split_reference_list(text) == [MOTZER, RINI_CHAPTER, ACS_PAGE]


def test_one_reference_a_line_needs_no_blank_lines():
    assert split_reference_list(f"{MOTZER}\n{RINI_CHAPTER}\r\n{ACS_PAGE}\n") == [
        MOTZER,
        RINI_CHAPTER,
        ACS_PAGE,
    ]


def test_an_unnumbered_line_without_a_final_period_runs_on_into_the_next():
    wrapped = MOTZER.replace("in metastatic ", "in metastatic\n")

    assert split_reference_list(f"{wrapped}\n\n{RINI_CHAPTER}") == [MOTZER, RINI_CHAPTER]


def test_a_citation_with_the_same_doi_in_another_case_is_the_same_source():
    one = Citation(kind="journal_article", title="A", doi="10.1056/NEJMoa065044")
    other = Citation(kind="journal_article", title="B", doi="10.1056/nejmoa065044")

    assert same_source(one, other)


def test_different_dois_are_different_sources_whatever_the_titles():
    one = Citation(kind="journal_article", title="Reply", year=2007, doi="10.1/a")
    other = Citation(kind="journal_article", title="Reply", year=2007, doi="10.1/b")

    assert not same_source(one, other)


def test_without_identifiers_kind_title_and_year_decide():
    one = Citation(kind="book_chapter", title="Cancer  of the endocrine system", year=2014)

    assert same_source(
        one, Citation(kind="book_chapter", title="cancer of the ENDOCRINE system", year=2014)
    )
    assert not same_source(one, Citation(kind="book_chapter", title=one.title, year=2015))
    assert not same_source(one, Citation(kind="website", title=one.title, year=2014))


@pytest.mark.django_db
def test_the_library_is_searched_for_the_whole_list_in_one_query(django_assert_num_queries):
    saved = Citation.objects.create(**SEED_CITATIONS[3])
    candidates = [Citation(**fields) for fields in SEED_CITATIONS]

    with django_assert_num_queries(1):
        matches = existing_citations(candidates)

    assert matches == [None, None, None, saved, None, None, None, None]


@pytest.mark.django_db
def test_every_reference_of_the_seed_list_is_read_and_checked_as_new():
    entries = read_reference_list(SEED_LIST, form_class=CitationForm)

    assert [entry.outcome for entry in entries] == [Outcome.NEW] * 8
    for entry, fields in zip(entries, SEED_CITATIONS, strict=True):
        assert entry.citation.kind == fields["kind"]
        assert entry.citation.title == fields["title"]
    assert Citation.objects.count() == 0


def test_a_line_without_a_final_period_ends_its_reference_before_a_line_naming_an_author():
    unfinished = MOTZER.removesuffix(".")

    assert split_reference_list(f"{unfinished}\n{RINI_CHAPTER}") == [unfinished, RINI_CHAPTER]


@pytest.mark.django_db
def test_an_unreadable_reference_is_skipped_with_its_reason_and_the_others_kept():
    entries = read_reference_list(
        f"{MOTZER}\nSunitinib is a good drug, my oncologist says.\n{RINI_CHAPTER}",
        form_class=CitationForm,
    )

    assert [entry.outcome for entry in entries] == [Outcome.NEW, Outcome.UNREADABLE, Outcome.NEW]
    assert entries[1].problems[0].startswith("This does not read as a reference")


@pytest.mark.django_db
def test_a_reference_the_citation_form_refuses_is_skipped_with_the_forms_message():
    # A chapter with no "In:" part has no book, which a book chapter needs.
    entries = read_reference_list(
        "Rini BI. Chapter 12: Renal cell carcinoma. Springer; 2019.", form_class=CitationForm
    )

    assert entries[0].outcome == Outcome.REFUSED
    assert entries[0].problems == ["Book title: This field is required."]


@pytest.mark.django_db
def test_a_reference_repeated_in_the_list_is_added_once():
    entries = read_reference_list(f"{MOTZER}\n{NCCN_KIDNEY}\n{MOTZER}", form_class=CitationForm)

    assert [entry.outcome for entry in entries] == [Outcome.NEW, Outcome.NEW, Outcome.REPEATED]
    assert entries[2].repeats == 1


def test_the_parts_as_saved_are_the_kinds_filled_parts_in_the_forms_order():
    citation = Citation(**SEED_CITATIONS[0])

    assert parts_as_saved(citation) == [
        ("Authors", "Chan JA; Kulke M; Clancy TE"),
        ("Title", SEED_CITATIONS[0]["title"]),
        ("Journal or website", "UpToDate"),
        ("Last updated", "August 31, 2018"),
        ("Web address (URL)", SEED_CITATIONS[0]["url"]),
        ("Accessed", "October 9, 2018"),
    ]
