"""Reviewers' languages and the review policy of each language.

A credential administrator records the languages a reviewer reviews in, with the
credential. Each language has its active policy; the default Spanish one counts only a
physician and an oncology certified nurse who review in Spanish, and nobody approves a
change they translated. A Spanish change here holds the seed page's translation (its
Spanish publishing is another part's): the rules are tested where they are decided,
at review, approval and the policy's count.
"""

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from editorial import roles, workflow
from editorial.dashboard import dashboard_sections
from editorial.models import AuditEntry, Change, ReviewerProfile, ReviewPolicy
from editorial.notifications import notify_submitted
from tests.translations import spanish_change
from tests.workflow import approve, edit, sign, submit

pytestmark = pytest.mark.django_db

NOT_IN_SPANISH = (
    "You do not review in Español; a credential administrator records the languages you review in."
)


def reviews_in(user, languages, credential_admin):
    """A credential administrator records the languages `user` reviews in."""
    profile = user.reviewer_profile
    return workflow.credential_set(
        user=user,
        credential=profile.credential,
        valid_until=profile.valid_until,
        editor=credential_admin,
        review_languages=languages,
    )


@pytest.fixture
def revision(writer, seed_page):
    return submit(spanish_change(writer, seed_page), writer, summary="Versión en español.")


@pytest.fixture
def bilingual(physician, nurse, credential_admin):
    for reviewer in (physician, nurse):
        reviews_in(reviewer, ["en", "es"], credential_admin)
    return physician, nurse


def approve_as(revision, reviewer):
    return workflow.revision_approve(
        revision=revision,
        reviewer=reviewer,
        content_hash=revision.content_hash,
        signing=sign(reviewer),
    )


# --- The languages on the credential ----------------------------------------------------


def test_a_reviewer_reviews_in_english_until_told_otherwise(physician):
    assert physician.reviewer_profile.review_languages == ["en"]


def test_a_credential_administrator_records_the_languages_audited_and_kept(
    physician, credential_admin
):
    profile = reviews_in(physician, ["es", "en"], credential_admin)
    assert profile.review_languages == ["en", "es"]  # in settings.LANGUAGES order
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CREDENTIAL).latest("pk")
    assert entry.actor == credential_admin
    assert entry.comment == "Paula Physician (physician): MD → MD; reviews in English, Español"
    assert [h.review_languages for h in profile.history.order_by("history_id")] == [
        ["en"],
        ["en", "es"],
    ]


def test_setting_a_credential_without_languages_keeps_those_on_record(physician, credential_admin):
    reviews_in(physician, ["en", "es"], credential_admin)
    profile = workflow.credential_set(
        user=physician, credential="DO", valid_until=None, editor=credential_admin
    )
    assert profile.review_languages == ["en", "es"]


def test_an_unknown_language_is_refused_and_nothing_changes(physician, credential_admin):
    with pytest.raises(workflow.InvalidTransition, match=r"Unknown language: “fr”\."):
        reviews_in(physician, ["en", "fr"], credential_admin)
    assert ReviewerProfile.objects.get(user=physician).review_languages == ["en"]


def test_a_managing_editor_may_not_record_a_reviewers_languages(physician, managing_editor):
    with pytest.raises(PermissionDenied):
        reviews_in(physician, ["en", "es"], managing_editor)
    assert ReviewerProfile.objects.get(user=physician).review_languages == ["en"]


def test_the_credential_form_offers_the_sites_languages_to_tick(
    client, physician, credential_admin
):
    client.force_login(credential_admin)
    profile = physician.reviewer_profile
    html = client.get(
        reverse("admin:editorial_reviewerprofile_change", args=[profile.pk])
    ).content.decode()
    assert "Reviews in" in html
    assert 'type="checkbox" name="review_languages" value="en"' in html
    assert 'value="es"' in html and "Español" in html


def test_languages_ticked_on_the_credential_form_are_recorded(client, physician, credential_admin):
    client.force_login(credential_admin)
    profile = physician.reviewer_profile
    response = client.post(
        reverse("admin:editorial_reviewerprofile_change", args=[profile.pk]),
        {
            "credential": "MD",
            "valid_until": "",
            "printed_name": "Paula Physician",
            "review_languages": ["en", "es"],
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.review_languages == ["en", "es"]
    assert AuditEntry.objects.filter(comment__endswith="reviews in English, Español").exists()


def test_an_unknown_language_on_the_credential_form_is_a_form_error(
    client, physician, credential_admin
):
    client.force_login(credential_admin)
    profile = physician.reviewer_profile
    response = client.post(
        reverse("admin:editorial_reviewerprofile_change", args=[profile.pk]),
        {"credential": "MD", "valid_until": "", "review_languages": ["en", "xx"]},
    )
    assert response.status_code == 200
    assert "Select a valid choice. xx is not one of the available choices." in (
        response.content.decode()
    )
    profile.refresh_from_db()
    assert profile.review_languages == ["en"]


def test_the_credential_list_says_which_languages_each_reviewer_reviews_in(
    client, physician, nurse, credential_admin
):
    reviews_in(physician, ["en", "es"], credential_admin)
    client.force_login(credential_admin)
    html = client.get(reverse("admin:editorial_reviewerprofile_changelist")).content.decode()
    assert "English, Español" in html and "<td" in html


# --- One policy per language ------------------------------------------------------------


def test_the_default_spanish_policy_asks_for_a_physician_and_a_nurse_who_review_in_spanish():
    spanish, english = ReviewPolicy.active("es"), ReviewPolicy.active("en")
    assert spanish.reviewers_in_language and not english.reviewers_in_language
    assert {(r.kind, r.count) for r in spanish.requirements.all()} == {
        ("physician", 1),
        ("oncology_nurse", 1),
    }
    assert spanish.review_interval_months == english.review_interval_months
    assert spanish.reading_ease == 70 and english.reading_ease is None
    assert "bastante fácil" in ReviewPolicy._meta.get_field("reading_ease").help_text


def test_each_language_has_one_active_policy():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewPolicy.objects.create(name="Another Spanish policy", language="es")
    ReviewPolicy.objects.create(name="A retired Spanish policy", language="es", is_active=False)


@pytest.mark.parametrize("ease", [101, 250])
def test_a_reading_ease_beyond_100_is_refused_by_the_database(ease):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewPolicy.objects.filter(language="es").update(reading_ease=ease)


# --- Approving a Spanish change -----------------------------------------------------------


def test_a_reviewer_who_does_not_review_in_spanish_may_not_approve_a_spanish_change(
    revision, physician
):
    with pytest.raises(PermissionDenied, match=NOT_IN_SPANISH):
        approve_as(revision, physician)
    assert not revision.reviews.exists()


def test_a_reviewer_who_does_not_review_in_spanish_is_told_so_on_the_review_screen(
    client, revision, physician
):
    client.force_login(physician)
    html = client.get(revision.change.get_absolute_url()).content.decode()
    assert NOT_IN_SPANISH in html


def test_a_physician_and_a_nurse_who_review_in_spanish_approve_a_spanish_change(
    revision, bilingual
):
    approve(revision, *bilingual)
    assert workflow.policy_shortfall(revision) == ""
    assert Change.objects.get(pk=revision.change_id).state == Change.State.APPROVED


def test_an_approval_stops_counting_once_the_reviewer_no_longer_reviews_in_spanish(
    revision, bilingual, credential_admin
):
    physician, nurse = bilingual
    approve(revision, physician, nurse)
    reviews_in(physician, ["en"], credential_admin)
    assert workflow.policy_shortfall(revision) == "1 more physician approval"
    progress = {p.kind: p.approvals for p in workflow.policy_progress(revision)}
    assert [r.reviewer for r in progress["oncology_nurse"]] == [nurse]
    assert progress["physician"] == []


def test_publishing_counts_the_reviewers_languages_again(
    revision, bilingual, credential_admin, managing_editor
):
    physician, nurse = bilingual
    approve(revision, physician, nurse)
    reviews_in(nurse, ["en"], credential_admin)
    with pytest.raises(workflow.InvalidTransition, match="needs 1 more oncology certified nurse"):
        workflow.revision_publish(revision=revision, editor=managing_editor)
    assert Change.objects.get(pk=revision.change_id).state == Change.State.APPROVED


def test_where_the_spanish_policy_does_not_ask_any_reviewers_approval_counts(
    revision, physician, nurse
):
    ReviewPolicy.objects.filter(language="es").update(reviewers_in_language=False)
    approve(revision, physician, nurse)
    assert workflow.policy_shortfall(revision) == ""


def test_reviewers_of_spanish_only_still_review_english_changes(
    writer, everolimus, physician, nurse, credential_admin
):
    reviews_in(physician, ["es"], credential_admin)
    revision = submit(edit(writer, everolimus, administration="A tablet, once a day."), writer)
    approve(revision, physician, nurse)
    assert workflow.policy_shortfall(revision) == ""


# --- Nobody approves their own translation -------------------------------------------------


@pytest.fixture
def translating_nurse(nurse, credential_admin):
    """A bilingual oncology nurse who also translates, as a writer does."""
    nurse.groups.add(roles.role_groups()[roles.WRITER])
    reviews_in(nurse, ["en", "es"], credential_admin)
    return nurse


def test_a_translator_may_not_approve_their_own_translation(seed_page, translating_nurse):
    revision = submit(spanish_change(translating_nurse, seed_page), translating_nurse)
    with pytest.raises(PermissionDenied, match="You edited this change"):
        approve_as(revision, translating_nurse)
    assert not revision.reviews.exists()


def test_a_translators_own_translation_is_not_in_their_review_queue(seed_page, translating_nurse):
    change = spanish_change(translating_nurse, seed_page)
    submit(change, translating_nurse)
    assert review_queue(translating_nurse) == []
    assert not workflow.may_claim(translating_nurse, change)


# --- The review queue ---------------------------------------------------------------------


def review_queue(user):
    return next(s for s in dashboard_sections(user) if s.key == "review").rows


def test_a_spanish_change_waits_in_the_queue_of_reviewers_in_spanish_marked_with_its_language(
    revision, bilingual
):
    physician, _ = bilingual
    [row] = review_queue(physician)
    assert row.url == revision.change.get_absolute_url()
    assert row.language == "Español"


def test_a_spanish_change_is_not_in_the_queue_of_a_reviewer_who_does_not_review_in_spanish(
    revision, nurse
):
    assert review_queue(nurse) == []


def test_an_english_change_in_the_queue_carries_no_language_mark(writer, everolimus, physician):
    submit(edit(writer, everolimus, administration="A tablet, once a day."), writer)
    [row] = review_queue(physician)
    assert row.language == ""


def test_the_front_page_marks_a_spanish_change_with_its_language(client, revision, bilingual):
    physician, _ = bilingual
    client.force_login(physician)
    html = client.get(reverse("admin:index")).content.decode()
    assert '<span class="tag">Español</span>' in html


def test_the_policy_form_says_what_its_language_settings_mean(client, administrator):
    client.force_login(administrator)
    spanish = ReviewPolicy.active("es")
    html = unescape(
        client.get(
            reverse("admin:editorial_reviewpolicy_change", args=[spanish.pk])
        ).content.decode()
    )
    assert "Reviewers must review in the language" in html
    assert "Approvals count only from reviewers who review in this policy's language." in html
    assert "Target reading ease" in html and "bastante fácil" in html


def test_the_policy_list_shows_each_policys_language(client, administrator):
    client.force_login(administrator)
    html = client.get(reverse("admin:editorial_reviewpolicy_changelist")).content.decode()
    assert '<td class="field-language">Español</td>' in html
    assert '<td class="field-language">English</td>' in html


def test_a_spanish_change_is_announced_only_to_reviewers_who_review_in_spanish(
    revision, physician, nurse, credential_admin, mailoutbox, django_capture_on_commit_callbacks
):
    for user, address in ((physician, "paula@example.org"), (nurse, "nina@example.org")):
        user.email = address
        user.save(update_fields=["email"])
    reviews_in(physician, ["en", "es"], credential_admin)
    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)
    assert [message.to for message in mailoutbox] == [["paula@example.org"]]
