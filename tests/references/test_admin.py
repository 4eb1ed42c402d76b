"""Editors enter citations in the admin and get a clear message on the field at fault."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from references.models import Citation


@pytest.fixture
def superuser(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "citation-admin", "citation-admin@example.org", "pw"
    )
    client.force_login(user)
    return user


def article(**changes: str) -> dict[str, str]:
    """The add form's POST data for a journal article, with `changes` applied."""
    data = {
        "kind": Citation.Kind.JOURNAL_ARTICLE,
        "authors": "Raymond E\nDahan L\nRaoul JL",
        "authors_et_al": "on",
        "title": "Sunitinib malate for the treatment of pancreatic neuroendocrine tumors",
        "change_reason": "",
        "container_title": "N Engl J Med",
        "year": "2011",
        "month": "",
        "volume": "364",
        "issue": "",
        "pages": "501-513",
        "doi": "",
        "pmid": "",
        "chapter_number": "",
        "book_title": "",
        "editors": "",
        "edition": "",
        "publisher": "",
        "publisher_place": "",
        "series": "",
        "version": "",
        "url": "",
        "updated_date": "",
        "accessed_date": "",
    }
    return data | changes


def field_errors(response, name: str) -> list[str]:
    return response.context["adminform"].form.errors.get(name, [])


@pytest.mark.django_db
def test_a_malformed_doi_is_refused_with_the_expected_shape(client, superuser):
    response = client.post(reverse("admin:references_citation_add"), article(doi="10.123/x"))

    assert response.status_code == 200
    message = (
        "Enter a DOI like 10.1016/j.clinthera.2017.10.010 "
        "(bare, or with a doi: or https://doi.org/ prefix)."
    )
    assert field_errors(response, "doi") == [message]
    assert escape(message) in response.content.decode()
    assert Citation.objects.count() == 0


@pytest.mark.django_db
def test_a_pmid_with_letters_is_refused(client, superuser):
    response = client.post(reverse("admin:references_citation_add"), article(pmid="12a4"))

    assert response.status_code == 200
    message = "A PubMed ID (PMID) is 1 to 8 digits, e.g. 21306237."
    assert field_errors(response, "pmid") == [message]
    assert escape(message) in response.content.decode()
    assert Citation.objects.count() == 0


@pytest.mark.django_db
def test_a_doi_differing_only_in_case_is_refused_naming_the_existing_citation(
    client, superuser, pasricha
):
    pasricha.save()

    response = client.post(
        reverse("admin:references_citation_add"),
        article(doi="https://doi.org/10.1016/J.CLINTHERA.2017.10.010"),
    )

    assert response.status_code == 200
    message = f'A citation with this DOI already exists: "{pasricha}"'
    assert field_errors(response, "doi") == [message]
    assert response.context["adminform"].form.non_field_errors() == []
    assert escape(message) in response.content.decode()
    assert Citation.objects.count() == 1


@pytest.mark.django_db
def test_a_valid_citation_is_saved_with_a_bare_doi_and_the_reason_in_its_history(client, superuser):
    response = client.post(
        reverse("admin:references_citation_add"),
        article(doi="https://doi.org/10.1016/J.X.2017.1", change_reason="Added from the seed page"),
    )

    assert response.status_code == 302
    citation = Citation.objects.get()
    assert citation.doi == "10.1016/J.X.2017.1"
    record = citation.history.get()
    assert record.history_user == superuser
    assert record.history_change_reason == "Added from the seed page"


@pytest.mark.django_db
def test_a_new_citation_without_a_reason_is_recorded_as_created_in_admin(client, superuser):
    client.post(reverse("admin:references_citation_add"), article())

    assert Citation.objects.get().history.get().history_change_reason == "Created in admin"


@pytest.mark.django_db
def test_the_change_form_shows_the_citation_as_it_will_read(client, superuser, pasricha):
    pasricha.save()

    response = client.get(reverse("admin:references_citation_change", args=[pasricha.pk]))

    assert (
        '<a href="https://doi.org/10.1016/j.clinthera.2017.10.010">'
        "10.1016/j.clinthera.2017.10.010</a>" in response.content.decode()
    )


@pytest.mark.django_db
def test_the_list_can_be_searched_by_doi(client, superuser, pasricha):
    pasricha.save()

    response = client.get(reverse("admin:references_citation_changelist"), {"q": "clinthera"})

    assert list(response.context["cl"].result_list) == [pasricha]
