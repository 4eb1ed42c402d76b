"""A new drug with its side effects in two submissions: the drug's form, then confirm.

The drug's add and change forms have a paste box per side-effect group below the
drug's own fields. Saving the drug with lists pasted saves the drug into the writer's
change, then shows the confirm screen; confirming adds the side effects.
"""

import pytest
from django.urls import reverse

from drugs.models import Drug, DrugSideEffect, SideEffectTerm
from editorial.models import Change
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:drugs_drug_add")
LISTS = {
    "paste_common": "nausea, diarrhea, hiccups",
    "paste_other": "dry skin; mouth sore",
    "paste_serious": "",
}


def add_form_data(client, **fields) -> dict:
    data = change_form_data(client.get(ADD_URL))
    return {
        **data,
        "generic_name": "Zanubrutinib",
        "slug": "zanubrutinib",
        "mechanism": "It blocks BTK.",
        **fields,
    }


def confirm_data(response) -> dict[str, str]:
    """The confirm POST as the confirm screen offers it."""
    data = {field.html_name: field.value() or "" for field in response.context["paste"]}
    entries = response.context["entries"]
    for bound in entries.management_form:
        data[bound.html_name] = bound.value()
    for form in entries.forms:
        data[form["choice"].html_name] = form["choice"].value()
        data[form["new_name"].html_name] = form["new_name"].value()
    return {**data, "confirm": "Add these side effects"}


def effects(drug) -> list[tuple[str, str]]:
    return [
        (effect.group, effect.display_text)
        for effect in DrugSideEffect.objects.filter(drug=drug).order_by("group", "position")
    ]


def test_the_add_form_has_a_paste_box_per_group_below_the_drugs_fields(client, writer):
    client.force_login(writer)
    page = client.get(ADD_URL).content.decode()
    assert page.index('name="administration"') < page.index('name="paste_common"')
    for heading in ["Common", "Other possible", "Less common but serious"]:
        assert f"{heading} side effects" in page


def test_adding_a_drug_with_pasted_lists_saves_it_and_shows_the_confirm_screen(
    client, writer, seed_page
):
    client.force_login(writer)
    terms_before = SideEffectTerm.objects.count()
    response = client.post(ADD_URL, add_form_data(client, **LISTS), follow=True)
    drug = Drug.objects.get(slug="zanubrutinib")
    paste_url = reverse("admin:drugs_drug_paste_side_effects", args=[drug.pk])
    assert response.redirect_chain == [(f"{paste_url}?pasted=1", 302)]
    assert [section["heading"] for section in response.context["sections"]] == [
        "Common side effects",
        "Other possible side effects",
    ]
    assert [form.entry.text for form in response.context["entries"].forms] == [
        "nausea",
        "diarrhea",
        "hiccups",
        "dry skin",
        "mouth sore",
    ]
    assert "Zanubrutinib was saved. Check the side effects you pasted" in (
        response.content.decode()
    )
    # The drug is in the writer's change; nothing of the lists is saved yet.
    change = Change.objects.get(author=writer)
    assert change.records.filter(model="drugs.drug", object_id=drug.pk).exists()
    assert effects(drug) == []
    assert SideEffectTerm.objects.count() == terms_before


def test_confirming_adds_the_drugs_side_effects_and_new_terms_into_the_same_change(
    client, writer, seed_page
):
    client.force_login(writer)
    confirm_screen = client.post(ADD_URL, add_form_data(client, **LISTS), follow=True)
    drug = Drug.objects.get(slug="zanubrutinib")
    paste_url = reverse("admin:drugs_drug_paste_side_effects", args=[drug.pk])
    response = client.post(paste_url, confirm_data(confirm_screen))
    assert response.status_code == 302
    assert effects(drug) == [
        ("common", "nausea"),
        ("common", "diarrhea"),
        ("common", "hiccups"),
        ("other", "dry skin"),
        ("other", "mouth sore"),
    ]
    change = Change.objects.get(author=writer)
    hiccups = SideEffectTerm.objects.get(name="hiccups")
    assert change.records.filter(model="drugs.sideeffectterm", object_id=hiccups.pk).exists()
    assert change.records.filter(model="drugs.drugsideeffect").count() == 5
    # Confirmed, the lists are forgotten: the paste screen opens empty again.
    again = client.get(f"{paste_url}?pasted=1")
    assert again.context["entries"] is None


def test_the_confirm_screen_reads_the_lists_again_from_the_text_it_carries(
    client, writer, seed_page
):
    client.force_login(writer)
    confirm_screen = client.post(ADD_URL, add_form_data(client, **LISTS), follow=True)
    drug = Drug.objects.get(slug="zanubrutinib")
    data = confirm_data(confirm_screen)
    data["paste_other"] = "dry skin"  # one entry fewer than the screen showed
    paste_url = reverse("admin:drugs_drug_paste_side_effects", args=[drug.pk])
    client.post(paste_url, data)
    assert effects(drug)[-1:] == [("other", "dry skin")]
    assert len(effects(drug)) == 4


def test_empty_boxes_save_the_drug_as_without_them(client, writer, seed_page):
    client.force_login(writer)
    response = client.post(ADD_URL, add_form_data(client))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:drugs_drug_changelist")
    assert Drug.objects.filter(slug="zanubrutinib").exists()


def test_an_invalid_drug_form_keeps_the_pasted_lists_in_their_boxes(client, writer, seed_page):
    client.force_login(writer)
    lists = {**LISTS, "paste_other": "dry skin\r\nmouth sore"}
    response = client.post(ADD_URL, add_form_data(client, slug="", **lists))
    assert response.status_code == 200
    assert not Drug.objects.filter(generic_name="Zanubrutinib").exists()
    form = response.context["adminform"].form
    assert form["paste_common"].value() == "nausea, diarrhea, hiccups"
    assert form["paste_other"].value() == "dry skin\nmouth sore"
    assert "nausea, diarrhea, hiccups</textarea>" in response.content.decode()


def test_a_box_of_separators_only_stops_the_drug_form_with_a_message(client, writer, seed_page):
    client.force_login(writer)
    response = client.post(ADD_URL, add_form_data(client, paste_serious=" ; , "))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["paste_serious"] == [
        "Paste at least one side effect: the list has only separators in it."
    ]
    assert not Drug.objects.filter(generic_name="Zanubrutinib").exists()


def test_pasting_on_the_change_form_asks_no_reason_and_goes_to_the_confirm_screen(
    client, writer, seed_page
):
    everolimus = Drug.objects.get(slug="everolimus")
    url = reverse("admin:drugs_drug_change", args=[everolimus.pk])
    client.force_login(writer)
    data = {**change_form_data(client.get(url)), "paste_other": "hiccups"}
    response = client.post(url, data, follow=True)
    paste_url = reverse("admin:drugs_drug_paste_side_effects", args=[everolimus.pk])
    assert response.redirect_chain == [(f"{paste_url}?pasted=1", 302)]
    assert [form.entry.text for form in response.context["entries"].forms] == ["hiccups"]


def test_cancelling_the_confirm_screen_keeps_the_drug_and_forgets_the_lists(
    client, writer, seed_page
):
    client.force_login(writer)
    confirm_screen = client.post(ADD_URL, add_form_data(client, **LISTS), follow=True)
    drug = Drug.objects.get(slug="zanubrutinib")
    paste_url = reverse("admin:drugs_drug_paste_side_effects", args=[drug.pk])
    data = {**confirm_data(confirm_screen), "cancel": "Cancel"}
    del data["confirm"]
    assert client.post(paste_url, data).status_code == 302
    assert effects(drug) == []
    assert client.get(f"{paste_url}?pasted=1").context["entries"] is None


def test_someone_who_may_not_add_side_effects_has_no_paste_boxes(client, seed_page):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username="drugs-only", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="drugs",
            codename__in=["view_drug", "add_drug", "change_drug", "view_drugsideeffect"],
        )
    )
    client.force_login(user)
    assert 'name="paste_common"' not in client.get(ADD_URL).content.decode()
    response = client.post(ADD_URL, add_form_data(client, **LISTS))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:drugs_drug_changelist")
    assert effects(Drug.objects.get(slug="zanubrutinib")) == []


def test_a_reviewer_reading_a_drug_sees_no_paste_boxes(client, physician, seed_page):
    everolimus = Drug.objects.get(slug="everolimus")
    client.force_login(physician)
    response = client.get(reverse("admin:drugs_drug_change", args=[everolimus.pk]))
    assert response.status_code == 200
    assert "paste_common" not in response.content.decode()
