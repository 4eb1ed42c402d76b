"""Translators translate a page's words through the workflow, the English readers read beside them.

A change writes in one language: a Spanish change holds only translations into Spanish,
an English change no translation. The translator's screen lists every field a reader of
the page reads, with the published English, the Spanish, and how the English changed
since it was translated.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from drugs.models import Drug, DrugSection, Page, Translation
from editorial import translating, workflow
from editorial.models import Change
from tests.admin_forms import _field_values
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db

SPANISH_INTRO = (
    "Los medicamentos dirigidos actúan de forma distinta a la quimioterapia convencional."
)
SPANISH_EVIDENCE = "Se ha demostrado que ayuda a tratar los NET pancreáticos avanzados."


def intro_key(page: Page) -> translating.ItemKey:
    return ("drugs.page", page.pk, "intro")


def everolimus_section(page: Page) -> DrugSection:
    return DrugSection.objects.get(page=page, drug__slug="everolimus")


def evidence_key(page: Page) -> translating.ItemKey:
    return ("drugs.drugsection", everolimus_section(page).pk, "evidence")


def translate(user, page: Page, texts: dict, **kwargs) -> Change | None:
    return translating.translation_save(user=user, page=page, language="es", texts=texts, **kwargs)


def items(page: Page) -> dict[translating.ItemKey, translating.TranslationItem]:
    return translating.page_translation_items(page, "es")


def spanish(page: Page) -> Translation:
    return Translation.objects.get(model="drugs.page", object_id=page.pk, language="es")


# --- The rule: a change writes in one language -------------------------------------------------


def test_a_translation_goes_into_a_change_in_its_language(translator, seed_page):
    change = translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    assert change.language == "es"
    assert change.title == "Translation into Español by Teo Translator"
    assert workflow.owned_keys(change) == {("drugs.translation", spanish(seed_page).pk)}


def test_an_english_change_may_hold_no_translation(writer, seed_page):
    english = edit(writer, Drug.objects.get(slug="everolimus"), administration="A tablet.")
    row = Translation(model="drugs.page", object_id=seed_page.pk, language="es")
    with pytest.raises(workflow.InvalidTransition, match="goes into a change in that language"):
        edit(writer, row, change=english, texts={"title": "Terapia dirigida"})
    assert not Translation.objects.exists()
    assert workflow.owned_keys(english) == {("drugs.drug", Drug.objects.get(slug="everolimus").pk)}


def test_a_spanish_change_may_hold_no_english_record(writer, seed_page):
    spanish_change = translate(writer, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    drug = Drug.objects.get(slug="everolimus")
    with pytest.raises(workflow.InvalidTransition, match="holds only translations"):
        edit(writer, drug, change=spanish_change, administration="A tablet.")
    drug.refresh_from_db()
    assert drug.administration == "Everolimus is a pill taken once a day."
    assert workflow.holding_record(workflow.record_key(drug)) is None


def test_a_translation_into_a_language_the_site_does_not_offer_is_refused(writer, seed_page):
    row = Translation(model="drugs.page", object_id=seed_page.pk, language="fr")
    with pytest.raises(workflow.InvalidTransition, match="Español \\(es\\)"):
        edit(writer, row, texts={"title": "Thérapie ciblée"})
    assert not Translation.objects.exists()
    assert not Change.objects.filter(author=writer).exists()


def test_a_translator_keeps_using_their_draft_in_that_language(translator, seed_page):
    first = translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    second = translate(translator, seed_page, {evidence_key(seed_page): SPANISH_EVIDENCE})
    assert first == second
    assert len(workflow.owned_keys(first)) == 2


def test_one_persons_english_and_spanish_edits_go_into_two_changes(writer, seed_page):
    english = edit(writer, Drug.objects.get(slug="everolimus"), administration="A tablet.")
    translated = translate(writer, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    assert english != translated
    assert (english.language, translated.language) == ("en", "es")
    assert workflow.change_for_edit(user=writer, key=None) == english
    assert workflow.change_for_edit(user=writer, key=None, language="es") == translated


def test_a_translator_may_not_edit_an_english_record(translator, seed_page):
    with pytest.raises(PermissionDenied):
        edit(translator, Drug.objects.get(slug="everolimus"), administration="A tablet.")
    assert Drug.objects.get(slug="everolimus").administration == (
        "Everolimus is a pill taken once a day."
    )


def test_a_managing_editor_takes_a_translation_over_into_a_spanish_change(
    translator, managing_editor, seed_page
):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    change = workflow.record_take_over(
        key=("drugs.translation", spanish(seed_page).pk), editor=managing_editor
    )
    assert change.language == "es"


# --- What there is to translate ----------------------------------------------------------------


def test_the_page_is_listed_as_it_reads_with_its_published_english(seed_page):
    sections = translating.page_translation(seed_page, "es")
    assert [section.heading for section in sections] == [
        "The page",
        "Drug section: Sunitinib",
        "Drug section: Everolimus",
        "Drug section: Belzutifan",
        "More information links",
        "The cancer type",
        "The editorial team",
    ]
    first = sections[0].items
    assert [(item.field, item.label) for item in first] == [
        ("title", "Title"),
        ("intro", "Introduction"),
        ("more_information_heading", "“More information” heading"),
    ]
    assert first[1].english == seed_page.intro
    assert (first[1].translation, first[1].source, first[1].out_of_date) == (None, None, False)
    everolimus = [(item.key[0], item.field) for item in sections[2].items]
    assert everolimus[:3] == [
        ("drugs.drugsection", "evidence"),
        ("drugs.drug", "brand_names"),
        ("drugs.drug", "targets"),
    ]
    assert ("drugs.drugsideeffect", "detail") in everolimus
    assert ("drugs.sideeffectterm", "name") in everolimus


def test_the_english_is_what_readers_read_not_a_writers_draft(writer, seed_page):
    published = seed_page.intro
    edit(writer, seed_page, intro="A draft introduction nobody has reviewed.")
    assert items(seed_page)[intro_key(seed_page)].english == published


def test_empty_english_fields_have_nothing_to_translate(seed_page):
    sunitinib = Drug.objects.get(slug="sunitinib")
    assert sunitinib.drug_class == ""
    assert ("drugs.drug", sunitinib.pk, "drug_class") not in items(seed_page)
    assert ("drugs.drug", sunitinib.pk, "mechanism") in items(seed_page)


def test_a_page_never_published_has_nothing_to_translate(writer, seed_page):
    page = Page(title="A draft page", slug="a-draft-page", cancer_type=seed_page.cancer_type)
    edit(writer, page, intro="Not public yet.")
    assert translating.page_translation(page, "es") == []


def test_listing_the_seed_page_takes_a_fixed_number_of_queries(
    seed_page, translator, django_assert_max_num_queries
):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    page = Page.objects.get(pk=seed_page.pk)
    # One per kind of record the page shows, and one for the translations.
    with django_assert_max_num_queries(9):
        sections = translating.page_translation(page, "es")
    assert sum(len(section.items) for section in sections) > 50


# --- Saving ----------------------------------------------------------------------------------


def test_a_saved_translation_keeps_the_english_it_was_made_from(translator, seed_page):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    row = spanish(seed_page)
    assert row.texts == {"intro": SPANISH_INTRO}
    assert row.sources == {"intro": seed_page.intro}
    assert row.history.latest().history_user == translator
    assert row.history.latest().history_change_reason == "Translated into Español"


def test_a_translation_saved_unchanged_joins_no_change(translator, seed_page):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    assert translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO + "\n"}) is None
    assert spanish(seed_page).history.count() == 1


def test_an_emptied_field_is_untranslated_again(translator, seed_page):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    translate(translator, seed_page, {intro_key(seed_page): "  "})
    assert spanish(seed_page).texts == {}
    assert spanish(seed_page).sources == {}


def test_a_second_translator_is_refused_a_held_translation_with_who_holds_it(
    translator, second_translator, seed_page
):
    change = translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    with pytest.raises(workflow.RecordHeld, match=f"in change {change.pk} by Teo Translator"):
        translate(
            second_translator,
            seed_page,
            {
                evidence_key(seed_page): SPANISH_EVIDENCE,
                intro_key(seed_page): "Otra introducción.",
            },
        )
    assert spanish(seed_page).texts == {"intro": SPANISH_INTRO}
    # The refusal saved nothing, not even the free section's translation.
    assert not Translation.objects.filter(model="drugs.drugsection").exists()
    assert not Change.objects.filter(author=second_translator).exists()


def test_a_field_the_page_does_not_show_is_refused(translator, seed_page):
    with pytest.raises(translating.TranslationRefused, match=r"drugs\.page \d+ slug"):
        translate(translator, seed_page, {("drugs.page", seed_page.pk, "slug"): "terapia"})
    assert not Translation.objects.exists()


def test_a_nul_character_is_refused(translator, seed_page):
    with pytest.raises(translating.TranslationRefused, match="NUL"):
        translate(translator, seed_page, {intro_key(seed_page): "Los\x00 medicamentos"})
    assert not Translation.objects.exists()


def test_someone_who_may_not_translate_is_refused(physician, seed_page):
    with pytest.raises(PermissionDenied):
        translate(physician, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    assert not Translation.objects.exists()


# --- Out of date --------------------------------------------------------------------------------

NEW_INTRO_START = "Targeted drugs act differently from standard chemotherapy"


@pytest.fixture
def republished_intro(seed_page, translator, writer, physician, nurse, managing_editor):
    """The intro translated, then the English intro edited and published through review."""
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    old = seed_page.intro
    new = old.replace("Targeted drugs work differently from standard chemotherapy", NEW_INTRO_START)
    assert new != old
    change = edit(writer, Page.objects.get(pk=seed_page.pk), intro=new)
    publish_through_review(change, writer, physician, nurse, managing_editor)
    return old, new


def test_a_translation_is_out_of_date_once_the_english_it_was_made_from_is_republished(
    seed_page, republished_intro
):
    old, new = republished_intro
    item = items(seed_page)[intro_key(seed_page)]
    assert item.out_of_date
    assert (item.translation, item.source, item.english) == (SPANISH_INTRO, old, new)
    before, after = item.diff
    assert "<del>work</del>" in before
    assert "<ins>act</ins>" in after
    assert "<ins>" not in before and "<del>" not in after


def test_a_draft_of_the_english_does_not_put_a_translation_out_of_date(
    translator, writer, seed_page
):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    edit(writer, Page.objects.get(pk=seed_page.pk), intro="A draft introduction.")
    assert not items(seed_page)[intro_key(seed_page)].out_of_date


def test_still_correct_takes_the_english_now_as_its_source(
    translator, seed_page, republished_intro
):
    _, new = republished_intro
    translate(translator, seed_page, {}, confirmed={intro_key(seed_page)})
    row = spanish(seed_page)
    assert row.texts == {"intro": SPANISH_INTRO}
    assert row.sources == {"intro": new}
    assert not items(seed_page)[intro_key(seed_page)].out_of_date


def test_a_new_text_for_an_out_of_date_field_is_up_to_date(
    translator, seed_page, republished_intro
):
    translate(translator, seed_page, {intro_key(seed_page): "Los medicamentos dirigidos actúan."})
    assert not items(seed_page)[intro_key(seed_page)].out_of_date


# --- The translator's screen --------------------------------------------------------------------


def screen_url(page: Page, language: str = "es") -> str:
    return reverse("admin:drugs_translation_translate", args=[page.pk, language])


def name_of(key: translating.ItemKey) -> str:
    return "t-{}-{}-{}".format(*key)


@pytest.fixture
def translator_client(client: Client, translator) -> Client:
    client.force_login(translator)
    return client


def test_the_page_screen_offers_to_translate_into_spanish(translator_client, seed_page):
    html = translator_client.get(
        reverse("admin:drugs_page_change", args=[seed_page.pk])
    ).content.decode()
    assert f'href="{screen_url(seed_page)}"' in html
    assert "Translate into Español" in html


def test_a_reviewer_is_not_offered_to_translate(client, physician, seed_page):
    client.force_login(physician)
    html = client.get(reverse("admin:drugs_page_change", args=[seed_page.pk])).content.decode()
    assert "Translate into" not in html
    assert client.get(screen_url(seed_page)).status_code == 403


def test_the_screen_shows_the_english_beside_each_spanish_field(translator_client, seed_page):
    html = translator_client.get(screen_url(seed_page)).content.decode()
    intro = name_of(intro_key(seed_page))
    assert f'id="en-{intro[2:]}" lang="en"' in html
    assert "Targeted drugs work differently from standard chemotherapy" in html
    assert f'name="{intro}"' in html
    assert 'lang="es"' in html
    assert "Introduction in Español" in html


def test_a_translator_translates_the_intro_and_a_drug_section_through_the_admin(
    translator_client, translator, seed_page
):
    data = _field_values(translator_client.get(screen_url(seed_page)).context["form"])
    data[name_of(intro_key(seed_page))] = SPANISH_INTRO
    data[name_of(evidence_key(seed_page))] = SPANISH_EVIDENCE
    response = translator_client.post(screen_url(seed_page), data)

    assert response.status_code == 302
    change = Change.objects.get(author=translator)
    assert change.language == "es"
    assert {name for name, _ in workflow.owned_keys(change)} == {"drugs.translation"}
    assert spanish(seed_page).texts == {"intro": SPANISH_INTRO}
    section = Translation.objects.get(
        model="drugs.drugsection", object_id=everolimus_section(seed_page).pk
    )
    assert section.texts == {"evidence": SPANISH_EVIDENCE}
    # The English records are nobody's: any writer may edit them meanwhile.
    assert workflow.holding_record(("drugs.page", seed_page.pk)) is None
    assert workflow.holding_record(("drugs.drugsection", everolimus_section(seed_page).pk)) is None
    shown = translator_client.get(response.url).content.decode()
    assert f"change {change.pk}" in shown
    assert SPANISH_INTRO in shown


def test_the_screen_says_the_english_changed_and_shows_how(
    translator_client, seed_page, republished_intro
):
    html = translator_client.get(screen_url(seed_page)).content.decode()
    assert html.count("The English changed since this was translated.") == 1
    assert "<del>work</del>" in html
    assert "<ins>act</ins>" in html
    assert "Still correct" in html


def test_the_still_correct_tick_through_the_admin(translator_client, seed_page, republished_intro):
    _, new = republished_intro
    data = _field_values(translator_client.get(screen_url(seed_page)).context["form"])
    data["ok-{}-{}-{}".format(*intro_key(seed_page))] = "on"
    translator_client.post(screen_url(seed_page), data)
    assert spanish(seed_page).sources == {"intro": new}


def test_an_unknown_field_is_a_bad_request(translator_client, seed_page):
    response = translator_client.post(
        screen_url(seed_page), {f"t-drugs.page-{seed_page.pk}-slug": "terapia"}
    )
    assert response.status_code == 400
    assert not Translation.objects.exists()


def test_a_language_the_site_does_not_offer_is_a_bad_request(translator_client, seed_page):
    assert translator_client.get(screen_url(seed_page, "fr")).status_code == 400
    response = translator_client.post(
        screen_url(seed_page, "fr"), {name_of(intro_key(seed_page)): "Thérapie"}
    )
    assert response.status_code == 400
    assert translator_client.get(screen_url(seed_page, "en")).status_code == 400
    assert not Translation.objects.exists()


def test_a_nul_byte_is_a_form_error_that_keeps_what_was_typed(translator_client, seed_page):
    data = _field_values(translator_client.get(screen_url(seed_page)).context["form"])
    data[name_of(intro_key(seed_page))] = "Los medicamentos\x00 dirigidos"
    data[name_of(evidence_key(seed_page))] = SPANISH_EVIDENCE
    response = translator_client.post(screen_url(seed_page), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Null characters are not allowed." in html
    assert SPANISH_EVIDENCE in html
    assert not Translation.objects.exists()


def test_a_held_translation_is_refused_on_the_screen_keeping_what_was_typed(
    client, translator, second_translator, seed_page
):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    client.force_login(second_translator)
    data = _field_values(client.get(screen_url(seed_page)).context["form"])
    data[name_of(intro_key(seed_page))] = "Otra introducción a la terapia dirigida."
    response = client.post(screen_url(seed_page), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "by Teo Translator" in html
    assert "Otra introducción a la terapia dirigida." in html
    assert spanish(seed_page).texts == {"intro": SPANISH_INTRO}


def test_the_translations_list_names_each_record_its_page_and_language(
    translator_client, translator, seed_page
):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    response = translator_client.get(reverse("admin:drugs_translation_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Page: {seed_page.title}" in html
    assert f'<a href="{screen_url(seed_page)}">{seed_page.title}</a>' in html
    assert "Español" in html
    assert "Translate into Español" in html


def test_the_translations_list_opens_the_screen_for_a_chosen_page(translator_client, seed_page):
    response = translator_client.get(
        reverse("admin:drugs_translation_start"), {"page": seed_page.pk, "language": "es"}
    )
    assert response.status_code == 302
    assert response.url == screen_url(seed_page)
    bad = translator_client.get(
        reverse("admin:drugs_translation_start"), {"page": seed_page.pk, "language": "xx"}
    )
    assert bad.status_code == 400


def test_the_screen_opens_in_a_fixed_number_of_queries(
    translator_client, translator, seed_page, django_assert_max_num_queries
):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    # The session, the person and their permissions, the page, the listing's nine, the
    # reviewer check of the admin's header and the translator's open change.
    with django_assert_max_num_queries(16):
        assert translator_client.get(screen_url(seed_page)).status_code == 200


def test_a_translations_own_screen_is_read_only_and_links_to_its_pages_screen(
    translator_client, translator, seed_page
):
    translate(translator, seed_page, {intro_key(seed_page): SPANISH_INTRO})
    url = reverse("admin:drugs_translation_change", args=[spanish(seed_page).pk])
    response = translator_client.get(url)
    assert response.status_code == 200
    assert f'href="{screen_url(seed_page)}"' in response.content.decode()
    refused = translator_client.post(url, {"texts": "{}"}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == ["You may not do that."]
    assert spanish(seed_page).texts == {"intro": SPANISH_INTRO}


def test_the_translators_change_opens_before_and_after_submitting(
    translator_client, translator, seed_page
):
    texts = {intro_key(seed_page): SPANISH_INTRO, ("drugs.page", seed_page.pk, "title"): "Terapia"}
    change = translate(translator, seed_page, texts)
    url = reverse("admin:editorial_change_change", args=[change.pk])
    assert translator_client.get(url).status_code == 200
    workflow.change_submit(change=change, user=translator, summary="La introducción.")
    assert translator_client.get(url).status_code == 200
    assert translator_client.get(reverse("admin:index")).status_code == 200
