"""Each language has its own periodic medical review: a page live in Spanish is due for
review in Spanish, a Spanish sign-off moves only the Spanish dates, and it ties the
translation to nothing new."""

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.dashboard import dashboard_sections
from editorial.dates import add_months
from editorial.models import Change, CurrentPublication, CurrentTranslation, ReviewerProfile
from editorial.translation_state import OUT_OF_DATE, UP_TO_DATE, translation_state
from tests.translations import publish_in_spanish, translate_page
from tests.workflow import approve, edit, publish_through_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reviewers_in_spanish")]


@pytest.fixture
def spanish(seed_page, people):
    """The seed page published in Spanish, approved as an ordinary change (no full review)."""
    (publication,) = publish_in_spanish(translate_page(people[0], seed_page), *people)
    return publication


def spanish_now(page):
    return CurrentTranslation.objects.get(page=page, language="es").publication


def english_now(page):
    return CurrentPublication.objects.get(page=page).publication


def sign_off_in_spanish(page, physician, nurse, managing_editor):
    revision = workflow.page_sign_off_start(page=page, user=managing_editor, language="es")
    approve(revision, physician, nurse)
    return workflow.revision_publish(revision=revision, editor=managing_editor)


def test_a_page_live_in_spanish_with_no_spanish_review_is_in_the_spanish_queue(spanish, seed_page):
    assert [row.page for row in workflow.overdue_pages(language="es")] == [seed_page]


def test_a_page_not_live_in_spanish_is_in_no_spanish_queue(seed_page):
    assert list(workflow.overdue_pages(language="es")) == []


def test_a_spanish_sign_off_moves_the_spanish_review_dates_not_last_revised(
    spanish, seed_page, people
):
    _writer, physician, nurse, managing_editor = people
    (signed_off,) = sign_off_in_spanish(seed_page, physician, nurse, managing_editor)
    today = timezone.localdate()
    assert spanish_now(seed_page) == signed_off
    assert signed_off.content_hash == spanish.content_hash
    assert signed_off.last_revised == spanish.last_revised
    assert signed_off.last_reviewed == today and signed_off.reviewed_by == ["MD", "OCN"]
    assert signed_off.next_review_due == add_months(today, 12)
    assert list(workflow.overdue_pages(language="es")) == []


def test_a_spanish_sign_off_leaves_the_english_dates_and_queue_as_they_were(
    spanish, seed_page, people
):
    before = english_now(seed_page)
    sign_off_in_spanish(seed_page, *people[1:])
    after = english_now(seed_page)
    assert after == before and after.last_reviewed is None
    assert [row.page for row in workflow.overdue_pages()] == [seed_page]


def test_an_english_sign_off_leaves_the_spanish_queue_as_it_was(spanish, seed_page, people):
    _writer, physician, nurse, managing_editor = people
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    assert [row.page for row in workflow.overdue_pages(language="es")] == [seed_page]


def test_a_spanish_sign_off_of_an_out_of_date_translation_leaves_it_out_of_date(
    spanish, seed_page, people, everolimus
):
    """Reviewing the Spanish page whole translates nothing: it stays tied to the English
    it was made from, and says so to readers."""
    writer, physician, nurse, managing_editor = people
    change = edit(writer, everolimus, mechanism="Everolimus blocks mTOR.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    since = translation_state(seed_page.pk, "es").since
    (signed_off,) = sign_off_in_spanish(seed_page, physician, nurse, managing_editor)
    assert signed_off.translation.source_content_hash == spanish.translation.source_content_hash
    state = translation_state(seed_page.pk, "es")
    assert state.status == OUT_OF_DATE and state.since == since


def test_a_spanish_update_after_the_english_change_is_tied_to_the_english_now(
    spanish, seed_page, people, everolimus
):
    writer, physician, nurse, managing_editor = people
    change = edit(writer, everolimus, mechanism="Everolimus blocks mTOR.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    update = translate_page(writer, seed_page, title="Terapia dirigida (actualizada)")
    publish_in_spanish(update, *people)
    assert translation_state(seed_page.pk, "es").status == UP_TO_DATE


def test_a_spanish_sign_off_needs_a_page_live_in_spanish(seed_page, managing_editor):
    with pytest.raises(workflow.InvalidTransition, match="is not published in Español"):
        workflow.page_sign_off_start(page=seed_page, user=managing_editor, language="es")
    assert not Change.objects.filter(kind=Change.Kind.SIGN_OFF).exists()


def test_a_spanish_sign_off_is_a_spanish_change_reviewed_under_the_spanish_policy(
    spanish, seed_page, people
):
    nurse, managing_editor = people[2:]
    ReviewerProfile.objects.filter(user=nurse).update(review_languages=["en"])
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor, language="es")
    assert revision.change.language == "es"
    assert "review in Español" in (workflow.reviewer_refusal(nurse, revision.change) or "")


def test_the_dashboard_lists_the_spanish_queue_beside_the_english_one(
    spanish, seed_page, managing_editor
):
    (overdue,) = [s for s in dashboard_sections(managing_editor) if s.key == "overdue"]
    assert [(row.what, row.who) for row in overdue.rows] == [
        (seed_page.title, ""),
        (seed_page.title, "Español"),
    ]


def test_the_page_form_offers_a_spanish_review_once_the_page_is_live_in_spanish(
    client, spanish, seed_page, managing_editor
):
    client.force_login(managing_editor)
    response = client.get(reverse("admin:drugs_page_change", args=[seed_page.pk]))
    assert "Request a periodic medical review in Español" in response.content.decode()


def test_requesting_a_spanish_review_through_the_admin_starts_a_spanish_sign_off(
    client, spanish, seed_page, managing_editor
):
    client.force_login(managing_editor)
    response = client.post(
        reverse("admin:editorial_change_sign_off", args=[seed_page.pk]),
        {"language": "es", "note": "Revisión anual"},
        follow=True,
    )
    assert response.status_code == 200
    change = Change.objects.get(kind=Change.Kind.SIGN_OFF)
    assert change.language == "es" and change.state == Change.State.IN_REVIEW


def test_requesting_a_review_in_an_unknown_language_is_refused_and_starts_nothing(
    client, spanish, seed_page, managing_editor
):
    client.force_login(managing_editor)
    response = client.post(
        reverse("admin:editorial_change_sign_off", args=[seed_page.pk]),
        {"language": "xx"},
        follow=True,
    )
    assert response.status_code in (200, 400)
    assert not Change.objects.filter(kind=Change.Kind.SIGN_OFF).exists()


def test_the_spanish_page_shows_its_own_last_medically_reviewed(
    client, spanish, seed_page, seed_url, people
):
    sign_off_in_spanish(seed_page, *people[1:])
    html = client.get("/es" + seed_url).content.decode()
    today = timezone.localdate()
    assert f'<time datetime="{today:%Y-%m-%d}">' in html
    assert "Última revisión médica" in html
    assert "Last medically reviewed" not in client.get(seed_url).content.decode()


def test_a_spanish_sign_off_opens_for_its_reviewers_in_the_admin(
    client, spanish, seed_page, physician, managing_editor
):
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor, language="es")
    client.force_login(physician)
    response = client.get(reverse("admin:editorial_change_change", args=[revision.change_id]))
    assert response.status_code == 200
    assert "Approve revision 1" in response.content.decode()


def test_a_translators_change_confirming_the_words_as_they_were_brings_it_up_to_date(
    spanish, seed_page, people, everolimus
):
    """Only a sign-off keeps the old tie: a translator who checks the Spanish against the
    changed English and republishes it unchanged has translated it."""
    writer, physician, nurse, managing_editor = people
    change = edit(writer, everolimus, mechanism="Everolimus blocks mTOR.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    (republished,) = publish_in_spanish(translate_page(writer, seed_page), *people)
    assert republished.content_hash == spanish.content_hash
    assert translation_state(seed_page.pk, "es").status == UP_TO_DATE
