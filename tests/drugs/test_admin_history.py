"""Editing in the admin leaves history: who, when, why, and what changed."""

import pytest

from drugs.models import Drug, DrugSideEffect, SideEffectTerm
from editorial.models import Publication
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def everolimus(seed_page):
    return Drug.objects.get(slug="everolimus")


def drug_form(client, drug):
    url = f"/admin/drugs/drug/{drug.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    return url, change_form_data(response)


def test_admin_edit_of_a_drug_records_the_user_and_the_reason(client, writer, everolimus):
    client.force_login(writer)
    url, data = drug_form(client, everolimus)
    data.update(administration="Everolimus is a tablet taken once a day.", change_reason="Label")
    assert client.post(url, data).status_code == 302
    record = everolimus.history.latest()
    assert record.administration == "Everolimus is a tablet taken once a day."
    assert record.history_user == writer
    assert record.history_change_reason == "Label"


def test_admin_edit_without_a_reason_is_refused_and_saves_nothing(client, writer, everolimus):
    client.force_login(writer)
    url, data = drug_form(client, everolimus)
    data.update(administration="Changed without saying why.")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say briefly why you are making this change." in response.content.decode()
    everolimus.refresh_from_db()
    assert everolimus.administration == "Everolimus is a pill taken once a day."


def test_admin_edit_of_a_drug_leaves_the_published_page_as_it_was(
    client, writer, everolimus, seed_url
):
    before = client.get(seed_url).content
    client.force_login(writer)
    url, data = drug_form(client, everolimus)
    data.update(mechanism="An unreviewed rewrite.", change_reason="Draft")
    assert client.post(url, data).status_code == 302
    client.logout()
    assert client.get(seed_url).content == before
    assert Publication.objects.count() == 1


def test_a_side_effect_added_inline_has_history_naming_the_user(client, writer, everolimus):
    client.force_login(writer)
    url, data = drug_form(client, everolimus)
    total = int(data["side_effects-TOTAL_FORMS"])
    new = total - 1  # the admin's blank extra form
    data.update(
        {
            f"side_effects-{new}-group": "other",
            f"side_effects-{new}-position": "1",
            f"side_effects-{new}-term": str(SideEffectTerm.objects.get(slug="headache").pk),
            "change_reason": "Headache is on the new label",
        }
    )
    assert client.post(url, data).status_code == 302
    added = DrugSideEffect.objects.get(drug=everolimus, group="other")
    record = added.history.get()
    assert record.history_user == writer
    assert record.history_change_reason == "Headache is on the new label"


def test_history_view_shows_what_changed_between_versions(client, writer, everolimus):
    client.force_login(writer)
    url, data = drug_form(client, everolimus)
    data.update(route="tablet", change_reason="Form")
    client.post(url, data)
    response = client.get(f"/admin/drugs/drug/{everolimus.pk}/history/")
    html = response.content.decode()
    assert "Form taken:" in html and "pill" in html and "tablet" in html
    assert "Form" in html


def test_a_past_version_cannot_be_written_back_from_history(client, managing_editor, everolimus):
    client.force_login(managing_editor)
    first = everolimus.history.earliest()
    url, data = drug_form(client, everolimus)
    data.update(route="tablet", change_reason="Form")
    client.post(url, data)
    history_url = f"/admin/drugs/drug/{everolimus.pk}/history/{first.history_id}/"
    assert client.get(history_url).status_code == 200
    assert client.post(history_url, {**data, "route": "pill"}).status_code == 403
    everolimus.refresh_from_db()
    assert everolimus.route == "tablet"


@pytest.mark.parametrize(
    "model",
    [
        "drugs/cancertype",
        "drugs/sideeffectterm",
        "drugs/drug",
        "drugs/drugsideeffect",
        "drugs/page",
        "drugs/editorialteam",
        "references/citation",
        "editorial/publication",
        "editorial/auditentry",
    ],
)
def test_every_admin_list_opens_for_a_writer(client, writer, seed_page, model):
    client.force_login(writer)
    assert client.get(f"/admin/{model}/").status_code == 200


def test_the_seed_page_opens_in_the_admin_with_its_sections_links_and_references(
    client, writer, seed_page
):
    client.force_login(writer)
    response = client.get(f"/admin/drugs/page/{seed_page.pk}/change/")
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert len(formsets["drug_sections"].initial_forms) == 3
    assert len(formsets["more_information_links"].initial_forms) == 2
    assert len(formsets["references"].initial_forms) == 8


def test_a_drugs_history_shows_the_changes_to_its_side_effects(client, writer, everolimus):
    client.force_login(writer)
    url, data = drug_form(client, everolimus)
    index = next(
        i
        for i in range(int(data["side_effects-TOTAL_FORMS"]))
        if data.get(f"side_effects-{i}-detail") == "(usually in the legs)"
    )
    data.update(
        {
            f"side_effects-{index}-detail": "(usually in the legs and ankles)",
            "change_reason": "Label",
        }
    )
    assert client.post(url, data).status_code == 302
    html = client.get(f"/admin/drugs/drug/{everolimus.pk}/history/").content.decode()
    assert "History of its side effects" in html
    assert "(usually in the legs) &rarr; (usually in the legs and ankles)" in html
