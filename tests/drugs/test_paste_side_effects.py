"""Pasting a side-effect list into a drug's group, as a writer does in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from drugs.models import Drug, DrugSideEffect, SideEffectTerm
from editorial import roles
from editorial.models import Change, ChangeRecord
from tests.workflow import edit

pytestmark = pytest.mark.django_db

PASTE = "nausea; Mouth sore\nhiccups (now and then), which can keep you awake"


@pytest.fixture
def everolimus(seed_page) -> Drug:
    return Drug.objects.get(slug="everolimus")


@pytest.fixture
def other_writer(db):
    user = get_user_model().objects.create_user(
        username="other-writer", first_name="Otto", last_name="Other", is_staff=True
    )
    user.groups.add(roles.role_groups()[roles.WRITER])
    return user


@pytest.fixture
def url(everolimus) -> str:
    return reverse("admin:drugs_drug_paste_side_effects", args=[everolimus.pk])


def confirm_data(response) -> dict[str, str]:
    """The POST that confirms the entries as the confirm screen offers them."""
    entries = response.context["entries"]
    data = {field.html_name: field.value() or "" for field in response.context["paste"]}
    data["confirm"] = "Add these side effects"
    for bound in entries.management_form:
        data[bound.html_name] = bound.value()
    for form in entries.forms:
        data[form["choice"].html_name] = form["choice"].value()
        data[form["new_name"].html_name] = form["new_name"].value()
    return data


def read(client, url, text=PASTE, group="other", **lists):
    """Read pasted lists: `text` into `group`, and each of `lists` (group=text) into its own."""
    data = {f"paste_{name}": value for name, value in {group: text, **lists}.items()}
    return client.post(url, {**data, "read": "Read the lists"})


def effects(drug, group="other"):
    return [
        (effect.term.name, effect.wording, effect.detail)
        for effect in DrugSideEffect.objects.filter(drug=drug, group=group).order_by("position")
    ]


def test_the_drug_form_links_to_the_paste_screen(client, writer, everolimus, url):
    client.force_login(writer)
    response = client.get(reverse("admin:drugs_drug_change", args=[everolimus.pk]))
    assert f'href="{url}"' in response.content.decode()


def test_reading_a_paste_shows_each_entry_and_the_new_terms_and_saves_nothing(
    client, writer, everolimus, url
):
    client.force_login(writer)
    terms_before = SideEffectTerm.objects.count()
    response = read(client, url)
    assert response.status_code == 200
    page = response.content.decode()
    assert [form.entry.text for form in response.context["entries"].forms] == [
        "nausea",
        "Mouth sore",
        "hiccups (now and then), which can keep you awake",
    ]
    assert "mouth sores (near match)" in page
    assert response.context["preview"].new_terms == ["hiccups"]
    assert "New terms that will be created" in page
    assert effects(everolimus) == []
    assert SideEffectTerm.objects.count() == terms_before
    assert not Change.objects.filter(author=writer).exists()


def test_confirming_adds_the_entries_in_order_reading_as_pasted(client, writer, everolimus, url):
    client.force_login(writer)
    response = client.post(url, confirm_data(read(client, url)))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:drugs_drug_change", args=[everolimus.pk])
    assert effects(everolimus) == [
        ("nausea", "", ""),
        ("mouth sores", "Mouth sore", ""),
        ("hiccups", "hiccups (now and then)", "which can keep you awake"),
    ]
    texts = [e.display_text for e in everolimus.side_effects.filter(group="other")]
    assert texts == ["nausea", "Mouth sore", "hiccups (now and then), which can keep you awake"]


def test_confirming_creates_the_new_terms_and_puts_everything_in_the_writers_change(
    client, writer, everolimus, url
):
    client.force_login(writer)
    client.post(url, confirm_data(read(client, url)))
    hiccups = SideEffectTerm.objects.get(name="hiccups")
    assert hiccups.history.get().history_user == writer
    change = Change.objects.get(author=writer)
    owned = set(change.records.values_list("model", "object_id"))
    added = DrugSideEffect.objects.filter(drug=everolimus, group="other")
    assert owned == {("drugs.sideeffectterm", hiccups.pk)} | {
        ("drugs.drugsideeffect", effect.pk) for effect in added
    }


def test_the_writer_may_choose_another_term_and_name_a_new_one(client, writer, everolimus, url):
    client.force_login(writer)
    data = confirm_data(read(client, url))
    data["entry-1-choice"] = "new"
    data["entry-1-new_name"] = "mouth soreness"
    data["entry-2-choice"] = "other"
    data["entry-2-other_term"] = str(SideEffectTerm.objects.get(name="tiredness").pk)
    assert client.post(url, data).status_code == 302
    assert effects(everolimus) == [
        ("nausea", "", ""),
        ("mouth soreness", "Mouth sore", ""),
        ("tiredness", "hiccups (now and then)", "which can keep you awake"),
    ]


def test_cancel_leaves_the_drug_and_the_terms_as_they_were(client, writer, everolimus, url):
    client.force_login(writer)
    data = confirm_data(read(client, url))
    del data["confirm"]
    data["cancel"] = "Cancel"
    terms_before = SideEffectTerm.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302
    assert effects(everolimus) == []
    assert SideEffectTerm.objects.count() == terms_before
    assert not Change.objects.filter(author=writer).exists()


def test_back_to_the_list_shows_the_paste_again_unsaved(client, writer, everolimus, url):
    client.force_login(writer)
    data = confirm_data(read(client, url))
    del data["confirm"]
    data["edit"] = "Back to the lists"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["paste"]["paste_other"].value() == PASTE
    assert effects(everolimus) == []


def test_an_empty_paste_is_refused_with_a_message(client, writer, url):
    client.force_login(writer)
    response = read(client, url, text=" ; ,\n")
    assert response.status_code == 200
    assert "Paste at least one side effect" in response.content.decode()


def test_a_term_already_in_the_group_is_refused_naming_it_and_nothing_is_saved(
    client, writer, everolimus, url
):
    client.force_login(writer)
    response = read(client, url, text="headache, nausea", group="common")
    assert "Everolimus already lists “nausea” under Common." in response.content.decode()
    before = effects(everolimus, "common")
    response = client.post(url, confirm_data(response))
    assert response.status_code == 200
    assert "already lists “nausea” under Common" in response.content.decode()
    assert effects(everolimus, "common") == before
    assert not Change.objects.filter(author=writer).exists()


def test_one_term_named_twice_is_refused(client, writer, everolimus, url):
    client.force_login(writer)
    response = client.post(url, confirm_data(read(client, url, text="hiccups; Hiccups")))
    assert response.status_code == 200
    assert "Entry 2 (“Hiccups”) and entry 1 are both" in response.content.decode()
    assert not SideEffectTerm.objects.filter(name__iexact="hiccups").exists()


def test_hostile_input_is_shown_escaped_and_stored_as_typed(client, writer, everolimus, url):
    client.force_login(writer)
    hostile = '<script>alert("x")</script> rash (<img src=x onerror=alert(1)>)'
    response = read(client, url, text=hostile)
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    client.post(url, confirm_data(response))
    (effect,) = DrugSideEffect.objects.filter(drug=everolimus, group="other")
    assert effect.display_text == hostile


def test_a_reviewer_may_not_paste(client, physician, url):
    client.force_login(physician)
    assert client.get(url).status_code == 403
    assert read(client, url).status_code == 403


def test_the_paste_needs_the_csrf_token(writer, url):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    assert read(client, url).status_code == 403


def test_a_drug_held_in_another_writers_change_is_refused(
    client, writer, other_writer, everolimus, url
):
    edit(other_writer, everolimus, mechanism="Another writer's draft.")
    client.force_login(writer)
    response = client.post(url, confirm_data(read(client, url)), follow=True)
    assert "is in change" in response.content.decode()
    assert effects(everolimus) == []
    assert not ChangeRecord.objects.filter(change__author=writer).exists()


def test_someone_who_may_not_create_terms_is_refused_a_new_one(client, everolimus, url):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username="limited", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="drugs",
            codename__in=["view_drug", "change_drug", "add_drugsideeffect", "view_sideeffectterm"],
        )
    )
    client.force_login(user)
    response = client.post(url, confirm_data(read(client, url)), follow=True)
    assert "You may not create side-effect terms" in response.content.decode()
    assert effects(everolimus) == []


def test_a_failure_while_saving_leaves_nothing_written(writer, everolimus):
    from drugs.side_effect_lists import ConfirmedEntry, parse_side_effect_list, pasted_entries_add

    entries = parse_side_effect_list("hiccups; nausea").entries
    confirmed = [
        ConfirmedEntry(entries[0], new_name="hiccups"),
        ConfirmedEntry(entries[1], term=SideEffectTerm.objects.get(name="nausea")),
    ]
    saved = []

    def fail_on_the_second(record):
        saved.append(record)
        if len(saved) == 2:
            raise RuntimeError("the workflow refused")

    with pytest.raises(RuntimeError):
        pasted_entries_add(
            drug=everolimus,
            group="other",
            confirmed=confirmed,
            user=writer,
            reason="Pasted",
            saved=fail_on_the_second,
        )
    assert not SideEffectTerm.objects.filter(name="hiccups").exists()
    assert effects(everolimus) == []


# --- Several groups at once -----------------------------------------------------------

GROUPS = {
    "common": "nausea, hiccups",
    "other": "dry skin; Mouth sore",
    "serious": "Hiccups, which can keep you awake",
}


def test_the_paste_screen_has_a_box_for_each_group_headed_as_readers_see_it(client, writer, url):
    client.force_login(writer)
    page = client.get(url).content.decode()
    for name, heading in [
        ("paste_common", "Common side effects"),
        ("paste_other", "Other possible side effects"),
        ("paste_serious", "Less common but serious side effects"),
    ]:
        assert f'<label for="id_{name}">{heading}:</label>' in page


def test_reading_several_groups_shows_each_groups_entries_and_each_new_term_once(
    client, writer, everolimus, url
):
    client.force_login(writer)
    response = read(client, url, **GROUPS)
    assert response.status_code == 200
    sections = response.context["sections"]
    assert [(section["heading"], len(section["forms"])) for section in sections] == [
        ("Common side effects", 2),
        ("Other possible side effects", 2),
        ("Less common but serious side effects", 1),
    ]
    # "hiccups" is new in two groups, and would be created once.
    assert response.context["preview"].new_terms == ["hiccups", "dry skin"]
    assert not SideEffectTerm.objects.filter(name="hiccups").exists()


def test_confirming_several_groups_adds_each_at_the_end_of_its_group_in_one_change(
    client, writer, everolimus, url
):
    common_before = effects(everolimus, "common")
    serious_before = effects(everolimus, "serious")
    client.force_login(writer)
    data = confirm_data(read(client, url, **{**GROUPS, "common": "hiccups, hair loss"}))
    response = client.post(url, data, follow=True)
    assert "Added 5 side effects to Everolimus (common, other possible and less common" in (
        response.content.decode()
    )
    assert effects(everolimus, "common") == [
        *common_before,
        ("hiccups", "", ""),
        ("hair loss", "", ""),
    ]
    assert effects(everolimus, "other") == [
        ("dry skin", "", ""),
        ("mouth sores", "Mouth sore", ""),
    ]
    assert effects(everolimus, "serious") == [
        *serious_before,
        ("hiccups", "Hiccups", "which can keep you awake"),
    ]
    # One term for both groups, and each entry reads as pasted, whatever its case.
    hiccups = SideEffectTerm.objects.get(name__iexact="hiccups")
    assert [effect.display_text for effect in hiccups.drug_uses.order_by("group")] == [
        "hiccups",
        "Hiccups, which can keep you awake",
    ]
    change = Change.objects.get(author=writer)
    assert change.records.filter(model="drugs.sideeffectterm", object_id=hiccups.pk).exists()
    assert change.records.filter(model="drugs.drugsideeffect").count() == 5
    history = DrugSideEffect.history.filter(drug_id=everolimus.pk).latest("history_date")
    assert history.history_change_reason.startswith("Pasted side effects: common, other")


def test_a_problem_in_one_group_stops_every_group_naming_the_group(client, writer, everolimus, url):
    client.force_login(writer)
    common_before = effects(everolimus, "common")
    serious_before = effects(everolimus, "serious")
    response = read(client, url, **{**GROUPS, "common": "headache, nausea"})
    response = client.post(url, confirm_data(response))
    assert response.status_code == 200
    assert "Common side effects: Entry 2 (“nausea”): Everolimus already lists" in (
        response.content.decode()
    )
    assert effects(everolimus, "common") == common_before
    assert effects(everolimus, "other") == []
    assert effects(everolimus, "serious") == serious_before
    assert not SideEffectTerm.objects.filter(name="hiccups").exists()
    assert not Change.objects.filter(author=writer).exists()


def test_empty_boxes_are_left_out_and_all_empty_is_refused(client, writer, everolimus, url):
    client.force_login(writer)
    response = read(client, url, text="  \n", group="other", common="", serious="")
    assert "Paste the side effects of at least one group." in response.content.decode()
    response = read(client, url, text="\n", group="other", serious="hiccups")
    assert [section["group"] for section in response.context["sections"]] == ["serious"]


def test_a_box_of_separators_only_is_refused_naming_its_group(client, writer, url):
    client.force_login(writer)
    response = read(client, url, text="hiccups", group="common", serious=" ; , ")
    assert response.context["paste"].errors == {
        "paste_serious": ["Paste at least one side effect: the list has only separators in it."]
    }
