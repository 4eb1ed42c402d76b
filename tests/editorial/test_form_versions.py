"""A form carries the version it was opened on: a stale one is refused, saying what changed."""

import pytest
from django.urls import reverse

from drugs.models import DrugSideEffect, SideEffectTerm
from references.models import Citation
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def drug_url(drug) -> str:
    return reverse("admin:drugs_drug_change", args=[drug.pk])


def errors_of(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


def side_effect_prefix(data: dict, row: DrugSideEffect) -> str:
    key = next(key for key, value in data.items() if key.endswith("-id") and value == row.pk)
    return key.removesuffix("-id")


def test_one_writer_in_two_tabs_cannot_silently_overwrite_their_own_earlier_save(
    client, writer, everolimus
):
    client.force_login(writer)
    first_tab = change_form_data(client.get(drug_url(everolimus)))
    second_tab = change_form_data(client.get(drug_url(everolimus)))
    published_mechanism = everolimus.mechanism

    first_tab.update(administration="Taken once a day.", change_reason="Tab one")
    assert client.post(drug_url(everolimus), first_tab).status_code == 302

    second_tab.update(mechanism="Tab two's mechanism.", change_reason="Tab two")
    response = client.post(drug_url(everolimus), second_tab)

    assert response.status_code == 200
    errors = errors_of(response)
    assert "was saved after you opened this form, so nothing was saved" in errors
    assert "Wren Writer" in errors
    assert "how it is taken:" in errors
    assert "→ “Taken once a day.”" in errors
    everolimus.refresh_from_db()
    assert everolimus.administration == "Taken once a day."
    assert everolimus.mechanism == published_mechanism


def test_a_stale_form_shows_a_side_effect_changed_meanwhile_and_saves_no_row(
    client, writer, everolimus
):
    client.force_login(writer)
    row = everolimus.side_effects.order_by("pk").first()
    first_tab = change_form_data(client.get(drug_url(everolimus)))
    second_tab = change_form_data(client.get(drug_url(everolimus)))
    first_tab.update(
        {f"{side_effect_prefix(first_tab, row)}-detail": "(tab one)", "change_reason": "One"}
    )
    assert client.post(drug_url(everolimus), first_tab).status_code == 302

    second_tab.update(
        {f"{side_effect_prefix(second_tab, row)}-detail": "(tab two)", "change_reason": "Two"}
    )
    response = client.post(drug_url(everolimus), second_tab)

    assert response.status_code == 200
    assert "detail: " in errors_of(response) and "→ “(tab one)”" in errors_of(response)
    row.refresh_from_db()
    assert row.detail == "(tab one)"


def test_the_refused_form_keeps_what_was_typed(client, writer, everolimus):
    client.force_login(writer)
    first_tab = change_form_data(client.get(drug_url(everolimus)))
    second_tab = change_form_data(client.get(drug_url(everolimus)))
    first_tab.update(administration="Taken once a day.", change_reason="Tab one")
    client.post(drug_url(everolimus), first_tab)

    second_tab.update(mechanism="Tab two's mechanism.", change_reason="Tab two")
    response = client.post(drug_url(everolimus), second_tab)

    assert response.context["adminform"].form["mechanism"].value() == "Tab two's mechanism."


def test_a_form_opened_on_the_current_version_saves(client, writer, everolimus):
    client.force_login(writer)
    data = change_form_data(client.get(drug_url(everolimus)))
    data.update(administration="Taken once a day.", change_reason="Current label")
    assert client.post(drug_url(everolimus), data).status_code == 302
    everolimus.refresh_from_db()
    assert everolimus.administration == "Taken once a day."


def test_an_edit_posted_without_a_version_is_refused_clearly_and_saves_nothing(
    client, writer, everolimus
):
    client.force_login(writer)
    data = change_form_data(client.get(drug_url(everolimus)))
    del data["opened_version"]
    data.update(administration="Taken once a day.", change_reason="No version")
    response = client.post(drug_url(everolimus), data)
    assert response.status_code == 200
    assert "does not say which version of the drug it was opened on" in errors_of(response)
    everolimus.refresh_from_db()
    assert everolimus.administration != "Taken once a day."


@pytest.mark.parametrize("token", ["abc", "1.2.3.4", "\x00"])
def test_an_edit_posted_with_a_malformed_version_is_refused_clearly(
    client, writer, everolimus, token
):
    client.force_login(writer)
    data = change_form_data(client.get(drug_url(everolimus)))
    data.update(opened_version=token, administration="Taken once a day.", change_reason="Bad")
    response = client.post(drug_url(everolimus), data)
    assert response.status_code == 200
    assert "does not say which version" in errors_of(response)
    everolimus.refresh_from_db()
    assert everolimus.administration != "Taken once a day."


def test_adding_a_record_needs_no_version(client, writer, seed_page):
    client.force_login(writer)
    response = client.post(
        reverse("admin:drugs_sideeffectterm_add"),
        {"name": "Hiccups", "slug": "hiccups", "explanation": "", "change_reason": ""},
    )
    assert response.status_code == 302
    assert SideEffectTerm.objects.filter(slug="hiccups").exists()


def test_a_citation_form_opened_before_another_save_is_refused(client, writer, seed_page):
    citation = Citation.objects.exclude(title="").order_by("pk").first()
    url = reverse("admin:references_citation_change", args=[citation.pk])
    client.force_login(writer)
    first_tab = change_form_data(client.get(url))
    second_tab = change_form_data(client.get(url))
    first_tab.update(title="Tab one's title", change_reason="One")
    assert client.post(url, first_tab).status_code == 302

    second_tab.update(title="Tab two's title", change_reason="Two")
    response = client.post(url, second_tab)
    assert response.status_code == 200
    assert "→ “Tab one&#x27;s title”" in response.content.decode()
    citation.refresh_from_db()
    assert citation.title == "Tab one's title"


def test_saving_the_refused_form_again_replaces_the_record_knowingly(client, writer, everolimus):
    client.force_login(writer)
    first_tab = change_form_data(client.get(drug_url(everolimus)))
    second_tab = change_form_data(client.get(drug_url(everolimus)))
    first_tab.update(administration="Taken once a day.", change_reason="Tab one")
    client.post(drug_url(everolimus), first_tab)
    second_tab.update(administration="Taken twice a day.", change_reason="Tab two")
    refused = client.post(drug_url(everolimus), second_tab)

    # The writer has read what changed; the form shown to them now carries the current version.
    assert client.post(drug_url(everolimus), change_form_data(refused)).status_code == 302
    everolimus.refresh_from_db()
    assert everolimus.administration == "Taken twice a day."
