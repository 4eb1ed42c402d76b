"""Clumsy and hostile input: a clear refusal (400, 404 or a form error), never a 500, nothing saved."""

import pytest
from django.test import Client
from django.urls import reverse

from editorial.models import AuditEntry, Change, Comment, CurrentPublication
from tests.workflow import edit, signed, submit

pytestmark = pytest.mark.django_db

NUL = "before\x00after"


@pytest.fixture
def client():
    # A 500 answers as a response, as a reader would see it, instead of raising in the test.
    return Client(raise_request_exception=False)


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


# --- The public search ---------------------------------------------------------------------


def test_a_search_with_a_nul_byte_answers_400_with_the_sites_error_page(client, seed_page):
    response = client.get(reverse("editorial:search"), {"q": NUL})
    assert response.status_code == 400
    assert "Cancer drug information" in response.content.decode()


def test_an_ordinary_search_still_finds_the_seed_page(client, seed_page):
    response = client.get(reverse("editorial:search"), {"q": "everolimus"})
    assert response.status_code == 200
    assert seed_page.title in response.content.decode()


# --- Comparing two versions of a page --------------------------------------------------------


def compare(client, page, a, b):
    return client.get(reverse("admin:editorial_change_compare", args=[page.pk]), {"a": a, "b": b})


@pytest.mark.parametrize("missing", ["pub:999999", "rev:999999", "pub:99999999999999999999999"])
def test_comparing_with_a_version_that_does_not_exist_answers_404(
    client, managing_editor, seed_publication, missing
):
    client.force_login(managing_editor)
    response = compare(client, seed_publication.page, f"pub:{seed_publication.pk}", missing)
    assert response.status_code == 404


@pytest.mark.parametrize("malformed", ["pub:1e22", "pub:abc", "nonsense", "pub:1\x00"])
def test_comparing_with_a_malformed_version_answers_400(
    client, managing_editor, seed_publication, malformed
):
    client.force_login(managing_editor)
    response = compare(client, seed_publication.page, malformed, f"pub:{seed_publication.pk}")
    assert response.status_code == 400


def test_comparing_two_real_versions_still_works(client, managing_editor, seed_publication):
    client.force_login(managing_editor)
    key = f"pub:{seed_publication.pk}"
    assert compare(client, seed_publication.page, key, key).status_code == 200


# --- Texts typed into the workflow's actions --------------------------------------------------


@pytest.fixture
def draft(writer, everolimus):
    return edit(writer, everolimus, administration="Everolimus is a tablet.")


def test_a_comment_with_a_nul_byte_is_refused_with_a_message_and_not_saved(client, writer, draft):
    client.force_login(writer)
    response = client.post(
        reverse("admin:editorial_change_comment", args=[draft.pk]), {"body": NUL}, follow=True
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in messages_of(response)
    assert not Comment.objects.exists()


def test_a_reply_to_a_comment_that_is_not_a_number_is_refused_and_not_saved(client, writer, draft):
    client.force_login(writer)
    response = client.post(
        reverse("admin:editorial_change_comment", args=[draft.pk]),
        {"body": "A reply", "parent": "abc"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Select a valid choice" in messages_of(response)
    assert not Comment.objects.exists()


def test_a_withdrawal_with_a_nul_byte_in_its_reason_is_refused_and_changes_nothing(
    client, writer, draft, everolimus
):
    client.force_login(writer)
    response = client.post(
        reverse("admin:editorial_change_withdraw", args=[draft.pk]), {"comment": NUL}, follow=True
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in messages_of(response)
    draft.refresh_from_db()
    assert draft.state == Change.State.DRAFT
    everolimus.refresh_from_db()
    assert everolimus.administration == "Everolimus is a tablet."


def test_an_unpublish_with_a_nul_byte_in_its_reason_is_refused_and_the_page_stays_up(
    client, managing_editor, seed_page
):
    client.force_login(managing_editor)
    response = client.post(
        reverse("admin:editorial_change_unpublish", args=[seed_page.pk]),
        {"comment": NUL},
        follow=True,
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in messages_of(response)
    assert CurrentPublication.objects.get(page=seed_page).publication_id is not None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNPUBLISH).exists()


def test_a_sign_off_with_a_nul_byte_in_its_note_is_refused_and_starts_no_review(
    client, managing_editor, seed_page
):
    client.force_login(managing_editor)
    response = client.post(
        reverse("admin:editorial_change_sign_off", args=[seed_page.pk]), {"note": NUL}, follow=True
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in messages_of(response)
    assert not Change.objects.filter(kind=Change.Kind.SIGN_OFF).exists()


def test_a_take_over_with_a_nul_byte_in_its_reason_is_refused_and_the_record_stays_held(
    client, managing_editor, draft, everolimus
):
    client.force_login(managing_editor)
    url = reverse("admin:editorial_change_take_over", args=["drugs.drug", everolimus.pk])
    response = client.post(url, {"comment": NUL})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert draft.records.filter(released_at__isnull=True).count() == 1
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.TAKE_OVER).exists()


def test_a_submission_with_a_nul_byte_in_its_summary_is_refused_and_stays_a_draft(
    client, writer, draft
):
    client.force_login(writer)
    response = client.post(
        reverse("admin:editorial_change_submit", args=[draft.pk]),
        {"summary": NUL, "note": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in messages_of(response)
    draft.refresh_from_db()
    assert draft.state == Change.State.DRAFT


def test_a_review_with_a_nul_byte_in_its_comment_is_refused_with_the_reason(
    client, writer, physician, draft
):
    revision = submit(draft, writer)
    client.force_login(physician)
    response = client.post(
        reverse("admin:editorial_change_review", args=[draft.pk]),
        signed(
            physician,
            revision=revision.pk,
            content_hash=revision.content_hash,
            decision="approve",
            comment=NUL,
        ),
        follow=True,
    )
    assert "Null characters are not allowed" in messages_of(response)
    assert not revision.reviews.exists()


# --- The admin's autocomplete (Django's own view, searching with our admins' fields) ----------------------------------------------------------------


def autocomplete(client, term):
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": "drugs", "model_name": "drugsideeffect", "field_name": "term", "term": term},
    )


def test_the_side_effect_autocomplete_answers_a_word_it_does_not_know(client, writer, seed_page):
    client.force_login(writer)
    response = autocomplete(client, "abc")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_autocomplete_refuses_a_nul_byte_with_400(client, writer, seed_page):
    client.force_login(writer)
    assert autocomplete(client, NUL).status_code == 400
