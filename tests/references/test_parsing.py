"""Pasting a reference: the text is read back into a citation's parts (references.parsing)."""

import datetime
import re

import pytest

from references.formatting import format_citation
from references.models import Citation
from references.parsing import ReferenceNotRecognised, parse_reference
from references.seed import SEED_CITATIONS
from tests.references.test_formatting import SEED_EXPECTED, SEED_IDS

# The seed page's reference list as the page prints it, before the house style: Chan's
# bare URL and "Accessed October 9, 2018", Schneider's "Pa. Elsevier: 2014", the minus signs.
SEED_AS_PRINTED = [
    "Chan JA, Kulke M, Clancy TE. Metastatic well-differentiated pancreatic neuroendocrine tumors: Systemic therapy options to control tumor growth and symptoms of hormone hypersecretion. UpToDate website. https://www.uptodate.com/contents/metastatic-well-differentiated-pancreatic-neuroendocrine-tumors-systemic-therapy-options-to-control-tumor-growth-and-symptoms-of-hormone-hypersecretion\xa0Updated August 31, 2018. Accessed October 9, 2018.",
    "National Cancer Institute. Physician Data Query (PDQ). Pancreatic Neuroendocrine Tumors (Islet Cell Tumors) Treatment – Patient Version. 2018. Accessed at https://www.cancer.gov/types/pancreatic/patient/pnet-treatment-pdq on October 9, 2018.",
    "National Comprehensive Cancer Network. NCCN Clinical Practice Guidelines in Oncology: Neuroendocrine and Adrenal Tumors. V.3.2018. Accessed at https://www.nccn.org/professionals/physician_gls/pdf/neuroendocrine.pdf\xa0on October 5, 2018.",
    "Pasricha G, Padhi P, Daboul N, Monga DK. Management of Well-differentiated Gastroenteropancreatic Neuroendocrine Tumors (GEPNETs): A Review. Clin Ther. 2017 Nov;39(11):2146-2157. doi: 10.1016/j.clinthera.2017.10.010.",
    "Raymond E, Dahan L, Raoul JL, et al. Sunitinib malate for the treatment of pancreatic neuroendocrine tumors. N Engl J Med. 2011;364:501−513.",
    "Schneider DF, Mazeh H, Lubner SJ, Jaume JC, Chen H. Chapter 71: Cancer of the endocrine system. In: Niederhuber JE, Armitage JO, Dorshow JH, Kastan MB, Tepper JE, eds. Abeloff’s Clinical Oncology. 5th ed. Philadelphia, Pa. Elsevier: 2014.",
    "Yao JC, Evans DB. Chapter 85: Pancreatic neuroendocrine tumors. In: DeVita VT, Lawrence TS, Rosenberg SA, eds. DeVita, Hellman, and Rosenberg’s Cancer: Principles and Practice of Oncology. 10th ed. Philadelphia, Pa: Lippincott Williams & Wilkins; 2015.",
    "Yao JC, Shah MH, Ito T, et al. Everolimus for advanced pancreatic neuroendocrine tumors. N Engl J Med. 2011;364:514−523.",
]

MOTZER = (
    "Motzer RJ, Hutson TE, Tomczak P, et al. Sunitinib versus interferon alfa in metastatic "
    "renal-cell carcinoma. N Engl J Med. 2007;356(2):115-124. doi: 10.1056/NEJMoa065044. "
    "PMID: 17215529."
)
MOTZER_FIELDS = {
    "authors": "Motzer RJ\nHutson TE\nTomczak P",
    "authors_et_al": True,
    "title": "Sunitinib versus interferon alfa in metastatic renal-cell carcinoma",
    "container_title": "N Engl J Med",
    "year": 2007,
    "volume": "356",
    "issue": "2",
    "pages": "115-124",
    "doi": "10.1056/NEJMoa065044",
    "pmid": "17215529",
}
NCCN_KIDNEY = (
    "National Comprehensive Cancer Network. NCCN Clinical Practice Guidelines in Oncology: "
    "Kidney Cancer. Version 2.2024. Accessed at "
    "https://www.nccn.org/professionals/physician_gls/pdf/kidney.pdf on January 15, 2024."
)
RINI_CHAPTER = (
    "Rini BI, Atkins MB. Chapter 12: Renal cell carcinoma. In: Campbell SC, ed. "
    "Kidney Oncology. 2nd ed. New York, NY: Springer; 2019."
)
ACS_PAGE = (
    "American Cancer Society. Targeted Therapy Drugs for Kidney Cancer. American Cancer "
    "Society website. Updated May 1, 2024. Accessed at "
    "https://www.cancer.org/cancer/types/kidney-cancer/treating/targeted-therapy.html "
    "on June 3, 2024."
)


@pytest.mark.parametrize("index", range(8), ids=SEED_IDS)
def test_a_seed_reference_as_the_page_prints_it_is_written_back_in_the_house_style(index):
    parsed = parse_reference(SEED_AS_PRINTED[index])

    assert format_citation(parsed.citation()) == SEED_EXPECTED[index]
    assert parsed.unplaced == []


@pytest.mark.parametrize("index", range(8), ids=SEED_IDS)
def test_a_seed_reference_in_the_house_style_reads_back_unchanged(index):
    parsed = parse_reference(SEED_EXPECTED[index])

    assert format_citation(parsed.citation()) == SEED_EXPECTED[index]
    assert parsed.unplaced == []


@pytest.mark.parametrize("index", range(8), ids=SEED_IDS)
def test_a_seed_reference_as_printed_gives_the_seed_citations_own_parts(index):
    expected = SEED_CITATIONS[index]

    parsed = parse_reference(SEED_AS_PRINTED[index])

    assert parsed.kind == expected["kind"]
    assert parsed.fields == {name: value for name, value in expected.items() if name != "kind"}


def test_a_journal_article_gives_authors_title_journal_year_volume_issue_pages_doi_and_pmid():
    parsed = parse_reference(MOTZER)

    assert parsed.kind == Citation.Kind.JOURNAL_ARTICLE
    assert parsed.fields == MOTZER_FIELDS
    assert format_citation(parsed.citation()) == MOTZER


@pytest.mark.parametrize(
    "text",
    [
        MOTZER.removesuffix("."),
        MOTZER.replace("Tomczak P, et al.", "Tomczak P et al."),
        MOTZER.replace("Tomczak P, et al.", "Tomczak P, et al"),
        MOTZER.replace("doi: 10.1056", "https://doi.org/10.1056"),
        MOTZER.replace("doi: 10.1056", "DOI:10.1056"),
        MOTZER.replace("PMID: 17215529", "PMID 17215529"),
        MOTZER.replace("PMID: 17215529", "PMID:17215529"),
        MOTZER.replace(". N Engl", ".\n  N Engl").replace(" 2007;356(2)", " 2007; 356(2)"),
        "12. " + MOTZER,
        "[12] " + MOTZER,
    ],
    ids=[
        "no final period",
        "et al. without a comma",
        "et al without a period",
        "DOI as a doi.org address",
        "DOI: without a space",
        "PMID without a colon",
        "PMID: without a space",
        "line breaks and spaces",
        "list number",
        "bracketed list number",
    ],
)
def test_a_journal_article_slightly_off_the_house_style_gives_the_same_parts(text):
    parsed = parse_reference(text)

    assert parsed.fields == MOTZER_FIELDS
    assert parsed.unplaced == []


def test_a_month_of_issue_is_kept_and_the_day_is_left_for_the_writer():
    parsed = parse_reference(MOTZER.replace("2007;", "2007 Jan 11;"))

    assert parsed.fields["month"] == 1
    assert parsed.unplaced == ["Jan 11 (the day of the issue)"]


def test_text_after_an_articles_identifiers_is_left_for_the_writer():
    parsed = parse_reference(MOTZER + " PMCID: PMC2743127. Free full text.")

    assert parsed.fields == MOTZER_FIELDS
    assert parsed.unplaced == ["PMCID: PMC2743127", "Free full text"]


def test_an_organisation_as_the_author_of_an_article_is_one_author():
    parsed = parse_reference(
        MOTZER.replace("Motzer RJ, Hutson TE, Tomczak P, et al", "Kidney Cancer Study Group")
    )

    assert parsed.fields["authors"] == "Kidney Cancer Study Group"
    assert "authors_et_al" not in parsed.fields


def test_a_book_chapter_gives_chapter_title_editors_book_edition_place_publisher_and_year():
    parsed = parse_reference(RINI_CHAPTER)

    assert parsed.kind == Citation.Kind.BOOK_CHAPTER
    assert parsed.fields == {
        "authors": "Rini BI\nAtkins MB",
        "chapter_number": "12",
        "title": "Renal cell carcinoma",
        "editors": "Campbell SC",
        "book_title": "Kidney Oncology",
        "edition": "2nd",
        "publisher_place": "New York, NY",
        "publisher": "Springer",
        "year": 2019,
    }
    assert format_citation(parsed.citation()) == RINI_CHAPTER


def test_a_book_chapter_without_editors_names_the_book_after_in():
    parsed = parse_reference(
        "Rini BI. Renal cell carcinoma. In: Kidney Oncology. New York, NY: Springer, 2019"
    )

    assert parsed.fields["book_title"] == "Kidney Oncology"
    assert "editors" not in parsed.fields
    assert parsed.fields["year"] == 2019


def test_a_book_chapter_whose_publication_cannot_be_split_is_left_for_the_writer():
    parsed = parse_reference(
        RINI_CHAPTER.replace("New York, NY: Springer; 2019", "Springer, spring")
    )

    assert "publisher" not in parsed.fields
    assert parsed.unplaced == ["Springer, spring"]


def test_a_guideline_gives_its_organisation_title_version_url_and_access_date():
    parsed = parse_reference(NCCN_KIDNEY)

    assert parsed.kind == Citation.Kind.GUIDELINE
    assert parsed.fields == {
        "authors": "National Comprehensive Cancer Network",
        "title": "NCCN Clinical Practice Guidelines in Oncology: Kidney Cancer",
        "version": "Version 2.2024",
        "url": "https://www.nccn.org/professionals/physician_gls/pdf/kidney.pdf",
        "accessed_date": datetime.date(2024, 1, 15),
    }
    assert format_citation(parsed.citation()) == NCCN_KIDNEY


def test_a_website_gives_its_name_and_updated_and_accessed_dates():
    parsed = parse_reference(ACS_PAGE)

    assert parsed.kind == Citation.Kind.WEBSITE
    assert parsed.fields["container_title"] == "American Cancer Society"
    assert parsed.fields["updated_date"] == datetime.date(2024, 5, 1)
    assert parsed.fields["accessed_date"] == datetime.date(2024, 6, 3)
    assert format_citation(parsed.citation()) == ACS_PAGE


def test_a_website_slightly_off_the_house_style_gives_the_same_parts():
    parsed = parse_reference(
        "American Cancer Society. Targeted Therapy Drugs for Kidney Cancer. American Cancer "
        "Society website. Last updated: 1 May 2024. Available at: "
        "www.cancer.org/cancer/types/kidney-cancer/treating/targeted-therapy.html. "
        "Accessed 2024-06-03"
    )

    assert format_citation(parsed.citation()) == ACS_PAGE


def test_an_identifier_on_a_web_page_is_left_for_the_writer_not_lost():
    parsed = parse_reference(NCCN_KIDNEY + " PMID: 17215529.")

    assert "pmid" not in parsed.fields
    assert parsed.unplaced == ["PMID 17215529"]


@pytest.mark.parametrize(
    "text",
    [
        *SEED_AS_PRINTED,
        MOTZER.replace("2007;", "2007 Jan 11;") + " PMCID: PMC2743127. Free full text.",
        RINI_CHAPTER,
        NCCN_KIDNEY + " Reviewed by the panel.",
        ACS_PAGE,
    ],
)
def test_no_word_of_a_pasted_reference_is_lost(text):
    parsed = parse_reference(text)

    kept = format_citation(parsed.citation()) + " " + " ".join(parsed.unplaced)
    words = set(re.findall(r"\w+", kept.lower()))
    assert set(re.findall(r"\w+", text.lower())) - words == set()


@pytest.mark.parametrize(
    "text",
    [
        "Sunitinib is a good drug, my oncologist says",
        "!!! ??? ...",
        "Motzer RJ Hutson TE Tomczak P",
    ],
)
def test_text_that_is_not_a_reference_is_refused_saying_what_was_looked_for(text):
    with pytest.raises(ReferenceNotRecognised) as refused:
        parse_reference(text)

    assert "Nothing was filled in" in str(refused.value)
    assert "2011;364:501-513" in str(refused.value)


def test_an_empty_paste_is_refused():
    with pytest.raises(ReferenceNotRecognised, match="the box was empty"):
        parse_reference("  \n ")


@pytest.mark.parametrize(
    "text",
    ["N Engl J Med. 2007;356(2):115-124.", "Motzer RJ, Hutson TE. N Engl J Med. 2007;356:115."],
)
def test_a_journal_source_without_a_title_is_refused_rather_than_guessed(text):
    with pytest.raises(ReferenceNotRecognised, match="no title was found"):
        parse_reference(text)
