"""A writer finds a citation in the page's citation picker by typing what its label shows."""

import datetime

import pytest

from references.models import Citation
from tests.workflow import edit

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = "/admin/autocomplete/"


@pytest.fixture
def motzer(writer) -> Citation:
    citation = Citation(
        kind=Citation.Kind.JOURNAL_ARTICLE,
        authors="Motzer RJ\nHutson TE\nTomczak P",
        authors_et_al=True,
        title="Sunitinib versus interferon alfa in metastatic renal-cell carcinoma",
        container_title="N Engl J Med",
        year=2007,
        volume="356",
        issue="2",
        pages="115-124",
        doi="10.1056/NEJMoa065044",
        pmid="17215529",
    )
    edit(writer, citation, reason="Cited on the kidney cancer page")
    return citation


@pytest.fixture
def nccn_kidney(writer) -> Citation:
    citation = Citation(
        kind=Citation.Kind.GUIDELINE,
        authors="National Comprehensive Cancer Network",
        title="NCCN Clinical Practice Guidelines in Oncology: Kidney Cancer",
        version="Version 2.2024",
        url="https://www.nccn.org/professionals/physician_gls/pdf/kidney.pdf",
        accessed_date=datetime.date(2024, 1, 15),
    )
    edit(writer, citation, reason="Cited on the kidney cancer page")
    return citation


@pytest.fixture
def picker(client, writer, seed_publication, motzer, nccn_kidney):
    """The citation picker of a page's references, as the writer uses it."""
    client.force_login(writer)

    def search(term: str) -> list[str]:
        response = client.get(
            AUTOCOMPLETE,
            {
                "app_label": "drugs",
                "model_name": "pagereference",
                "field_name": "citation",
                "term": term,
            },
        )
        assert response.status_code == 200
        return [result["text"] for result in response.json()["results"]]

    return search


MOTZER_LABEL = "Motzer RJ · 2007 · Sunitinib versus interferon alfa…"
KIDNEY_LABEL = "NCCN · 2024 · Kidney Cancer · Version 2.2024"
SEED_NCCN_LABEL = "NCCN · 2018 · Neuroendocrine and Adrenal Tumors · V.3.2018"


def test_the_picker_tells_the_two_nccn_guidelines_apart(picker):
    assert sorted(picker("NCCN")) == [SEED_NCCN_LABEL, KIDNEY_LABEL]


@pytest.mark.parametrize(
    "term",
    [
        "Motzer 2007",
        "Motzer RJ 2007 sunitinib",
        MOTZER_LABEL,
        "hutson interferon",
        "N Engl J Med 2007",
        "10.1056/NEJMoa065044",
        "https://doi.org/10.1056/nejmoa065044",
        "17215529",
    ],
)
def test_an_article_is_found_by_what_its_label_and_reference_show(picker, term):
    assert picker(term) == [MOTZER_LABEL]


@pytest.mark.parametrize("term", [KIDNEY_LABEL, "NCCN 2024", "nccn kidney", "Version 2.2024"])
def test_a_guideline_is_found_by_its_label_and_the_year_of_its_version(picker, term):
    assert picker(term) == [KIDNEY_LABEL]


def test_every_word_must_match(picker):
    assert picker("Motzer everolimus") == []


def test_a_year_matches_the_year_exactly_not_digits_in_pages_or_identifiers(picker):
    assert picker("2146") == []  # Pasricha's pages are 2146-2157
    assert picker("2017") == ["Pasricha G · 2017 · Management of Well-differentiated…"]


def test_the_citation_list_is_searched_the_same_way(client, writer, motzer, nccn_kidney):
    client.force_login(writer)

    response = client.get("/admin/references/citation/", {"q": "Motzer 2007"})

    assert list(response.context["cl"].result_list) == [motzer]
