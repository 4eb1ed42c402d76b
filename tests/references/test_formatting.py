"""The house style, checked against the seed page's reference list (see references.formatting)."""

# The expected citations are written out whole, with the seed's curly apostrophes and dashes,
# so they can be compared with the page by eye.

import datetime

import pytest
from django.utils import translation

from references.formatting import format_citation, format_citation_html
from references.models import Citation

SEED_EXPECTED = [
    "Chan JA, Kulke M, Clancy TE. Metastatic well-differentiated pancreatic neuroendocrine tumors: Systemic therapy options to control tumor growth and symptoms of hormone hypersecretion. UpToDate website. Updated August 31, 2018. Accessed at https://www.uptodate.com/contents/metastatic-well-differentiated-pancreatic-neuroendocrine-tumors-systemic-therapy-options-to-control-tumor-growth-and-symptoms-of-hormone-hypersecretion on October 9, 2018.",
    "National Cancer Institute. Physician Data Query (PDQ). Pancreatic Neuroendocrine Tumors (Islet Cell Tumors) Treatment – Patient Version. 2018. Accessed at https://www.cancer.gov/types/pancreatic/patient/pnet-treatment-pdq on October 9, 2018.",
    "National Comprehensive Cancer Network. NCCN Clinical Practice Guidelines in Oncology: Neuroendocrine and Adrenal Tumors. V.3.2018. Accessed at https://www.nccn.org/professionals/physician_gls/pdf/neuroendocrine.pdf on October 5, 2018.",
    "Pasricha G, Padhi P, Daboul N, Monga DK. Management of Well-differentiated Gastroenteropancreatic Neuroendocrine Tumors (GEPNETs): A Review. Clin Ther. 2017 Nov;39(11):2146-2157. doi: 10.1016/j.clinthera.2017.10.010.",
    "Raymond E, Dahan L, Raoul JL, et al. Sunitinib malate for the treatment of pancreatic neuroendocrine tumors. N Engl J Med. 2011;364:501-513.",
    "Schneider DF, Mazeh H, Lubner SJ, Jaume JC, Chen H. Chapter 71: Cancer of the endocrine system. In: Niederhuber JE, Armitage JO, Dorshow JH, Kastan MB, Tepper JE, eds. Abeloff’s Clinical Oncology. 5th ed. Philadelphia, Pa: Elsevier; 2014.",
    "Yao JC, Evans DB. Chapter 85: Pancreatic neuroendocrine tumors. In: DeVita VT, Lawrence TS, Rosenberg SA, eds. DeVita, Hellman, and Rosenberg’s Cancer: Principles and Practice of Oncology. 10th ed. Philadelphia, Pa: Lippincott Williams & Wilkins; 2015.",
    "Yao JC, Shah MH, Ito T, et al. Everolimus for advanced pancreatic neuroendocrine tumors. N Engl J Med. 2011;364:514-523.",
]
SEED_IDS = [
    "chan-uptodate",
    "nci-pdq",
    "nccn",
    "pasricha",
    "raymond",
    "schneider",
    "yao-devita",
    "yao-nejm",
]


@pytest.mark.parametrize(("index", "expected"), list(enumerate(SEED_EXPECTED)), ids=SEED_IDS)
def test_seed_reference_is_written_in_the_house_style(seed_citations, index, expected):
    assert format_citation(seed_citations[index]) == expected


def test_any_dash_in_a_page_range_is_written_as_a_hyphen(raymond):
    raymond.pages = "501 – 513"

    assert format_citation(raymond).endswith(";364:501-513.")


def test_a_title_ending_in_a_question_mark_gets_no_period(raymond):
    raymond.title = "Is sunitinib effective?"

    assert "Is sunitinib effective? N Engl J Med." in format_citation(raymond)


def test_an_article_with_a_pmid_ends_with_it(raymond):
    raymond.pmid = "21306237"

    assert format_citation(raymond).endswith("2011;364:501-513. PMID: 21306237.")


def test_a_book_with_one_editor_says_ed(seed_citations):
    chapter = seed_citations[6]
    chapter.editors = "DeVita VT"

    assert "In: DeVita VT, ed. DeVita, Hellman" in format_citation(chapter)


def test_a_web_page_without_an_access_date_is_available_at_its_url():
    page = Citation(kind=Citation.Kind.WEBSITE, title="A page", url="https://example.org/a")

    assert format_citation(page) == "A page. Available at https://example.org/a."


def test_html_has_the_same_text_as_plain_text(seed_citations):
    from django.utils.html import strip_tags

    for citation in seed_citations:
        assert strip_tags(format_citation_html(citation)).replace("&amp;", "&") == (
            format_citation(citation)
        )


def test_html_links_the_doi_to_doi_org_with_the_doi_as_text(pasricha):
    html = format_citation_html(pasricha)

    assert (
        'doi: <a href="https://doi.org/10.1016/j.clinthera.2017.10.010">'
        "10.1016/j.clinthera.2017.10.010</a>." in html
    )


def test_html_links_the_pmid_to_pubmed(raymond):
    raymond.pmid = "21306237"

    html = format_citation_html(raymond)

    assert 'PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/21306237/">21306237</a>.' in html


@pytest.mark.parametrize("index", [0, 1, 2], ids=SEED_IDS[:3])
def test_html_links_a_web_page_url_with_the_url_as_text(seed_citations, index):
    url = seed_citations[index].url

    assert f'Accessed at <a href="{url}">{url}</a> on ' in format_citation_html(
        seed_citations[index]
    )


def test_html_escapes_the_title(pasricha):
    pasricha.title = "<script>alert(1)</script>"

    html = format_citation_html(pasricha)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_does_not_link_a_javascript_url():
    page = Citation(
        kind=Citation.Kind.WEBSITE,
        title="A page",
        url="javascript:alert(1)",
        accessed_date=datetime.date(2018, 10, 9),
    )

    html = format_citation_html(page)

    assert "href" not in html
    assert html == "A page. Accessed at javascript:alert(1) on October 9, 2018."


def test_html_escapes_a_url_it_links(seed_citations):
    page = seed_citations[0]
    page.url = 'https://example.org/?a=1&b="2"'

    assert (
        '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;">'
        "https://example.org/?a=1&amp;b=&quot;2&quot;</a>" in format_citation_html(page)
    )


def test_in_spanish_the_house_styles_words_are_spanish_and_the_reference_is_as_published(
    seed_citations,
):
    with translation.override("es"):
        text = format_citation(seed_citations[0])

    assert text == (
        "Chan JA, Kulke M, Clancy TE. Metastatic well-differentiated pancreatic neuroendocrine "
        "tumors: Systemic therapy options to control tumor growth and symptoms of hormone "
        "hypersecretion. Sitio web de UpToDate. Actualizado el 31 de agosto de 2018. Consultado "
        "en https://www.uptodate.com/contents/metastatic-well-differentiated-pancreatic-"
        "neuroendocrine-tumors-systemic-therapy-options-to-control-tumor-growth-and-symptoms-of-"
        "hormone-hypersecretion el 9 de octubre de 2018."
    )


def test_in_spanish_a_chapter_names_its_chapter_and_editors_in_spanish(seed_citations):
    with translation.override("es"):
        text = format_citation(seed_citations[5])

    assert "Capítulo 71: Cancer of the endocrine system. En: Niederhuber JE," in text
    assert "Tepper JE, editores. Abeloff’s Clinical Oncology." in text


def test_in_spanish_the_html_still_links_the_address_between_the_spanish_words(seed_citations):
    with translation.override("es"):
        html = format_citation_html(seed_citations[0])

    assert 'Consultado en <a href="https://www.uptodate.com/' in html
    assert "</a> el 9 de octubre de 2018." in html
