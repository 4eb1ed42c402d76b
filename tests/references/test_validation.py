"""Identifiers are normalised and checked, and a source is entered only once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from references.models import Citation
from references.validators import normalise_doi, validate_doi, validate_pmid

DOI = "10.1016/j.clinthera.2017.10.010"


@pytest.mark.parametrize(
    "pasted",
    [
        DOI,
        f"  {DOI}  ",
        f"doi:{DOI}",
        f"DOI: {DOI}",
        f"https://doi.org/{DOI}",
        f"http://doi.org/{DOI}",
        f"https://dx.doi.org/{DOI}",
        f"http://dx.doi.org/{DOI}",
        f"HTTPS://DOI.ORG/{DOI}",
    ],
)
def test_normalise_doi_strips_whitespace_and_any_known_prefix(pasted):
    assert normalise_doi(pasted) == DOI


def test_normalise_doi_keeps_the_case_of_the_doi_itself():
    assert normalise_doi("https://doi.org/10.1016/J.X.2017.1") == "10.1016/J.X.2017.1"


def test_normalise_doi_of_nothing_is_nothing():
    assert normalise_doi("") == ""


@pytest.mark.parametrize(
    "doi",
    [
        DOI,
        "10.1056/NEJMoa1003825",
        "10.123456789/x",
        # Old DOIs use "<", ">", ";", "(", ")" and ":" in their suffix.
        "10.1002/(SICI)1097-4636(199706)35:4<443::AID-JBM3>3.0.CO;2-J",
    ],
)
def test_a_well_formed_doi_is_accepted(doi):
    validate_doi(doi)


@pytest.mark.parametrize(
    "doi",
    [
        "11.1234/x",
        "10.123/x",
        "10.1234567890/x",
        "10.1234/",
        "10.1234/has space",
        f"https://doi.org/{DOI}",
        f"{DOI}\n",
    ],
)
def test_a_malformed_doi_is_refused_showing_the_expected_shape(doi):
    with pytest.raises(ValidationError, match=r"Enter a DOI like 10\.1016/j\.clinthera"):
        validate_doi(doi)


@pytest.mark.parametrize("pmid", ["21306237", "1"])
def test_a_pmid_of_1_to_8_digits_is_accepted(pmid):
    validate_pmid(pmid)


@pytest.mark.parametrize("pmid", ["123456789", "12a4", "", "١٢٣"])
def test_any_other_pmid_is_refused(pmid):
    with pytest.raises(ValidationError, match=r"1 to 8 digits, e\.g\. 21306237"):
        validate_pmid(pmid)


@pytest.mark.django_db
def test_clean_stores_a_pasted_doi_bare(pasricha):
    pasricha.doi = f"doi: {DOI}"

    pasricha.full_clean()

    assert pasricha.doi == DOI


@pytest.mark.django_db
def test_a_malformed_doi_is_refused_on_the_doi_field(pasricha):
    pasricha.doi = "10.123/x"

    with pytest.raises(ValidationError) as caught:
        pasricha.full_clean()

    assert "Enter a DOI like" in caught.value.message_dict["doi"][0]


@pytest.mark.django_db
def test_a_pmid_with_letters_is_refused_on_the_pmid_field(pasricha):
    pasricha.pmid = "12a4"

    with pytest.raises(ValidationError) as caught:
        pasricha.full_clean()

    assert caught.value.message_dict["pmid"] == [
        "A PubMed ID (PMID) is 1 to 8 digits, e.g. 21306237."
    ]


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        (Citation.Kind.JOURNAL_ARTICLE, {"container_title", "year"}),
        (Citation.Kind.BOOK_CHAPTER, {"book_title"}),
        (Citation.Kind.WEBSITE, {"url"}),
        (Citation.Kind.GUIDELINE, {"url"}),
    ],
)
def test_each_kind_requires_its_own_parts(kind, missing):
    citation = Citation(kind=kind, title="A title")

    with pytest.raises(ValidationError) as caught:
        citation.clean()

    assert set(caught.value.message_dict) == missing


@pytest.mark.django_db
def test_every_seed_citation_has_the_parts_its_kind_requires(seed_citations):
    for citation in seed_citations:
        citation.clean_fields()
        citation.clean()


def test_str_is_the_label_first_author_year_and_shortened_title(raymond):
    assert str(raymond) == "Raymond E · 2011 · Sunitinib malate for the treatment…"


@pytest.mark.django_db
def test_doi_differing_only_in_case_is_refused_naming_the_existing_citation(pasricha, raymond):
    pasricha.save()
    raymond.doi = DOI.upper()

    with pytest.raises(ValidationError) as caught:
        raymond.full_clean()

    assert caught.value.message_dict == {
        "doi": [f'A citation with this DOI already exists: "{pasricha}"']
    }
    assert Citation.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_pmid_is_refused_naming_the_existing_citation(pasricha, raymond):
    raymond.pmid = "21306237"
    raymond.save()
    pasricha.pmid = "21306237"

    with pytest.raises(ValidationError) as caught:
        pasricha.full_clean()

    assert caught.value.message_dict == {
        "pmid": [f'A citation with this PMID already exists: "{raymond}"']
    }
    assert Citation.objects.count() == 1


@pytest.mark.django_db
def test_checking_constraints_alone_also_names_the_existing_citation(pasricha, raymond):
    pasricha.save()
    raymond.doi = DOI.upper()

    with pytest.raises(ValidationError) as caught:
        raymond.validate_constraints()

    assert caught.value.message_dict == {
        "doi": [f'A citation with this DOI already exists: "{pasricha}"']
    }


@pytest.mark.django_db
def test_a_citation_may_keep_its_own_doi_and_pmid_when_edited(pasricha):
    pasricha.pmid = "29150287"
    pasricha.save()

    pasricha.full_clean()


@pytest.mark.django_db
def test_many_citations_may_have_no_doi_or_pmid(seed_citations):
    for citation in seed_citations:
        citation.full_clean()
        citation.save()

    assert Citation.objects.filter(doi="", pmid="").count() == 7


@pytest.mark.django_db
def test_the_database_refuses_a_doi_differing_only_in_case(pasricha, raymond):
    pasricha.save()
    raymond.doi = DOI.upper()

    with transaction.atomic(), pytest.raises(IntegrityError):
        raymond.save()

    assert Citation.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_pmid(pasricha, raymond):
    pasricha.pmid = "29150287"
    pasricha.save()
    raymond.pmid = "29150287"

    with transaction.atomic(), pytest.raises(IntegrityError):
        raymond.save()


@pytest.mark.django_db
def test_the_database_refuses_a_month_outside_1_to_12(pasricha):
    pasricha.month = 13

    with transaction.atomic(), pytest.raises(IntegrityError):
        pasricha.save()
