"""Ordering a drug's side effects and a page's parts: moved, never typed."""

import re

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from drugs.models import Drug, DrugSideEffect, SideEffectTerm
from drugs.ordering import positions_within_groups
from editorial.models import Change
from references.models import Citation
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def everolimus(seed_page) -> Drug:
    return Drug.objects.get(slug="everolimus")


def test_positions_count_from_one_within_each_group_in_the_order_sent():
    rows = [("common", 2), ("common", 1), ("serious", 3), ("common", 4)]
    assert positions_within_groups(rows) == [2, 1, 1, 3]


def test_rows_without_a_place_go_last_in_their_group_in_the_order_listed():
    rows = [("other", None), ("other", 5), ("other", None), ("common", None)]
    assert positions_within_groups(rows) == [2, 1, 3, 1]


def test_one_group_is_numbered_one_two_three():
    assert positions_within_groups([(None, 10), (None, 30), (None, 20)]) == [1, 3, 2]


def drug_form(client, drug):
    url = reverse("admin:drugs_drug_change", args=[drug.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, response, change_form_data(response)


def side_effect_rows(response) -> list:
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is DrugSideEffect
    ]
    return [form for form in formset.forms if form.instance.pk]


def common_terms(drug) -> list[str]:
    return list(
        drug.side_effects.filter(group="common")
        .order_by("position")
        .values_list("term__name", flat=True)
    )


def test_the_position_is_a_hidden_field_nobody_types(client, writer, everolimus):
    client.force_login(writer)
    _, response, _ = drug_form(client, everolimus)
    page = response.content.decode()
    assert re.search(
        r'<input type="hidden" name="side_effects-0-position"[^>]*class="_reorder_"', page
    )
    assert 'type="number" name="side_effects-0-position"' not in page


def test_the_side_effects_are_listed_by_group_then_position(client, writer, everolimus):
    client.force_login(writer)
    _, response, _ = drug_form(client, everolimus)
    shown = [(form.instance.group, form.instance.position) for form in side_effect_rows(response)]
    assert shown == sorted(
        shown, key=lambda row: (DrugSideEffect.Group.values.index(row[0]), row[1])
    )


def move_to_top(response, data, term_name) -> dict:
    """The positions the drag or the move buttons send: 1, 2, 3… in the order shown."""
    rows = side_effect_rows(response)
    moved = next(form for form in rows if form.instance.term.name == term_name)
    for place, form in enumerate([moved, *[form for form in rows if form is not moved]], 1):
        data[f"{form.prefix}-position"] = str(place)
    return data


def test_moving_a_side_effect_saves_positions_within_its_group(client, writer, everolimus):
    client.force_login(writer)
    url, response, data = drug_form(client, everolimus)
    before = common_terms(everolimus)
    assert client.post(url, move_to_top(response, data, "high blood sugar")).status_code == 302
    assert common_terms(everolimus) == ["high blood sugar", *before[:-1]]
    positions = everolimus.side_effects.filter(group="common").values_list("position", flat=True)
    assert sorted(positions) == list(range(1, len(before) + 1))
    serious = everolimus.side_effects.get(group="serious")
    assert serious.position == 1


def test_moving_one_row_leaves_the_rows_whose_place_is_the_same_out_of_the_change(
    client, writer, everolimus
):
    client.force_login(writer)
    url, response, data = drug_form(client, everolimus)
    serious = everolimus.side_effects.get(group="serious")
    client.post(url, move_to_top(response, data, "high blood sugar"))
    change = Change.objects.get(author=writer)
    owned = set(change.records.values_list("model", "object_id"))
    # Every common row moved down one place; the serious one kept its place.
    assert ("drugs.drugsideeffect", serious.pk) not in owned
    assert serious.history.count() == 1
    common = everolimus.side_effects.filter(group="common")
    assert {("drugs.drugsideeffect", effect.pk) for effect in common} <= owned


def test_saving_the_form_unchanged_saves_no_side_effect(client, writer, everolimus):
    client.force_login(writer)
    url, _, data = drug_form(client, everolimus)
    history = DrugSideEffect.history.count()
    assert client.post(url, data).status_code == 302
    assert DrugSideEffect.history.count() == history


def test_a_new_side_effect_goes_last_in_its_group(client, writer, everolimus):
    client.force_login(writer)
    url, _, data = drug_form(client, everolimus)
    new = int(data["side_effects-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"side_effects-{new}-group": "common",
            f"side_effects-{new}-term": str(SideEffectTerm.objects.get(name="headache").pk),
            "change_reason": "Headache is on the new label",
        }
    )
    assert client.post(url, data).status_code == 302
    assert common_terms(everolimus)[-1] == "headache"
    assert everolimus.side_effects.get(term__name="headache").position == 10


def test_the_preview_lists_the_side_effects_in_their_new_order(
    client, writer, everolimus, seed_page
):
    client.force_login(writer)
    url, response, data = drug_form(client, everolimus)
    client.post(url, move_to_top(response, data, "high blood sugar"))
    change = Change.objects.get(author=writer)
    preview = client.get(
        reverse("admin:editorial_change_draft_preview", args=[change.pk, seed_page.pk])
    )
    page = preview.content.decode()
    section = page[page.index("Everolimus (Afinitor)") :]
    assert section.index("increases in blood sugar") < section.index("mouth sores")


def test_moving_a_reference_reorders_the_pages_reference_list_in_the_preview(
    client, writer, seed_page
):
    client.force_login(writer)
    url = reverse("admin:drugs_page_change", args=[seed_page.pk])
    response = client.get(url)
    data = change_form_data(response)
    references = list(seed_page.references.order_by("position"))
    last = references[-1]
    order = [last, *references[:-1]]
    for index, reference in enumerate(references):
        data[f"references-{index}-position"] = str(order.index(reference) + 1)
    assert client.post(url, data).status_code == 302
    assert list(seed_page.references.order_by("position")) == order
    assert list(seed_page.references.values_list("position", flat=True).order_by("position")) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
    ]
    change = Change.objects.get(author=writer)
    preview = client.get(
        reverse("admin:editorial_change_draft_preview", args=[change.pk, seed_page.pk])
    )
    page = preview.content.decode()
    assert page.index("Yao JC, Shah MH") < page.index("Chan JA, Kulke M")


@pytest.mark.parametrize("target", [Drug, SideEffectTerm, Citation])
def test_every_admin_form_that_picks_a_drug_term_or_citation_searches_for_it(target):
    pickers = []
    for model, model_admin in admin.site._registry.items():
        for owner in [model_admin, *[inline(model, admin.site) for inline in model_admin.inlines]]:
            for field in owner.model._meta.get_fields():
                parent = getattr(owner, "parent_model", None)
                if field.related_model is parent:
                    continue  # an inline's link to its parent is no picker
                if isinstance(field, models.ForeignKey) and field.related_model is target:
                    pickers.append(
                        (type(owner).__name__, field.name, field.name in owner.autocomplete_fields)
                    )
    assert pickers
    assert all(autocompleted for _, _, autocompleted in pickers), pickers
    assert admin.site._registry[target].search_fields


def test_a_side_effect_added_on_its_own_screen_goes_last_in_its_group(client, writer, everolimus):
    client.force_login(writer)
    url = reverse("admin:drugs_drugsideeffect_add")
    response = client.post(
        url,
        {
            "drug": everolimus.pk,
            "group": "serious",
            "term": SideEffectTerm.objects.get(name="bleeding").pk,
            "wording": "",
            "detail": "",
        },
    )
    assert response.status_code == 302
    added = everolimus.side_effects.get(term__name="bleeding")
    assert added.position == 2  # after damage to the lungs
