"""A citation's label (its `str`, shown in the citation picker) says what tells it apart."""

import datetime

from references.models import Citation

NCCN = "National Comprehensive Cancer Network"


def guideline(topic: str, version: str) -> Citation:
    return Citation(
        kind=Citation.Kind.GUIDELINE,
        authors=NCCN,
        title=f"NCCN Clinical Practice Guidelines in Oncology: {topic}",
        version=version,
        url="https://www.nccn.org/professionals/physician_gls/pdf/x.pdf",
    )


def test_an_article_shows_first_author_year_and_a_shortened_title():
    motzer = Citation(
        authors="Motzer RJ\nHutson TE\nTomczak P",
        authors_et_al=True,
        title="Sunitinib versus interferon alfa in metastatic renal-cell carcinoma",
        container_title="N Engl J Med",
        year=2007,
    )

    assert str(motzer) == "Motzer RJ · 2007 · Sunitinib versus interferon alfa…"


def test_two_nccn_guidelines_are_told_apart_by_topic_and_version():
    kidney = guideline("Kidney Cancer", "Version 2.2024")
    seed = guideline("Neuroendocrine and Adrenal Tumors", "V.3.2018")

    assert str(kidney) == "NCCN · 2024 · Kidney Cancer · Version 2.2024"
    assert str(seed) == "NCCN · 2018 · Neuroendocrine and Adrenal Tumors · V.3.2018"


def test_two_versions_of_one_guideline_are_told_apart():
    assert str(guideline("Kidney Cancer", "Version 1.2024")) != str(
        guideline("Kidney Cancer", "Version 2.2024")
    )


def test_an_organisation_whose_initials_the_title_does_not_use_is_shown_in_full(seed_citations):
    assert str(seed_citations[1]) == (
        "National Cancer Institute · 2018 · Pancreatic Neuroendocrine Tumors (Islet…"
    )


def test_a_web_page_without_a_year_shows_the_year_it_was_updated(seed_citations):
    assert str(seed_citations[0]).startswith("Chan JA · 2018 · Metastatic")


def test_a_citation_with_only_a_title_shows_the_title():
    page = Citation(kind=Citation.Kind.WEBSITE, title="Kidney cancer", url="https://example.org")

    assert str(page) == "Kidney cancer"


def test_a_short_title_is_shown_whole(seed_citations):
    assert str(seed_citations[5]) == "Schneider DF · 2014 · Cancer of the endocrine system"


def test_the_updated_year_wins_over_the_version_year():
    kidney = guideline("Kidney Cancer", "Version 2.2024")
    kidney.updated_date = datetime.date(2023, 12, 1)

    assert str(kidney) == "NCCN · 2023 · Kidney Cancer · Version 2.2024"
