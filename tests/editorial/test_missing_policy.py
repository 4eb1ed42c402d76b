"""A language with no active review policy: its changes cannot be submitted, approved or
published, and every screen says why instead of failing."""

import pytest
from django.urls import reverse

from editorial import workflow
from editorial.models import Change, ReviewPolicy
from tests.translations import translate_page
from tests.workflow import approve, signed, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reviewers_in_spanish")]

NO_POLICY = "No review policy is active for changes in Español"


def without_spanish_policy() -> None:
    ReviewPolicy.objects.filter(language="es").update(is_active=False)


def test_a_change_in_a_language_without_a_policy_cannot_be_submitted(seed_page, writer):
    change = translate_page(writer, seed_page)
    without_spanish_policy()
    with pytest.raises(workflow.InvalidTransition, match=NO_POLICY):
        submit(change, writer)
    change.refresh_from_db()
    assert change.state == Change.State.DRAFT and not change.revisions.exists()


def test_a_change_whose_policy_was_made_inactive_cannot_be_approved(seed_page, writer, physician):
    revision = submit(translate_page(writer, seed_page), writer)
    without_spanish_policy()
    with pytest.raises(workflow.InvalidTransition, match=NO_POLICY):
        approve(revision, physician)
    assert not revision.reviews.exists()


def test_an_approved_change_whose_policy_was_made_inactive_cannot_be_published(
    seed_page, writer, physician, nurse, managing_editor
):
    change = translate_page(writer, seed_page)
    revision = submit(change, writer)
    approve(revision, physician, nurse)
    without_spanish_policy()
    with pytest.raises(workflow.InvalidTransition, match=NO_POLICY):
        workflow.revision_publish(revision=revision, editor=managing_editor)
    change.refresh_from_db()
    assert change.state == Change.State.APPROVED


def test_the_review_screen_says_no_policy_is_active_instead_of_failing(
    client, seed_page, writer, physician
):
    change = translate_page(writer, seed_page)
    submit(change, writer)
    without_spanish_policy()
    client.force_login(physician)
    response = client.get(reverse("admin:editorial_change_change", args=[change.pk]))
    assert response.status_code == 200
    assert NO_POLICY in response.content.decode()


def test_approving_through_the_admin_without_a_policy_comes_back_as_a_message(
    client, seed_page, writer, physician
):
    change = translate_page(writer, seed_page)
    revision = submit(change, writer)
    without_spanish_policy()
    client.force_login(physician)
    response = client.post(
        reverse("admin:editorial_change_review", args=[change.pk]),
        signed(
            physician,
            revision=revision.pk,
            content_hash=revision.content_hash,
            decision="approve",
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert NO_POLICY in response.content.decode()
    assert not revision.reviews.exists()


def test_submitting_through_the_admin_without_a_policy_comes_back_as_a_message(
    client, seed_page, writer
):
    change = translate_page(writer, seed_page)
    without_spanish_policy()
    client.force_login(writer)
    response = client.post(
        reverse("admin:editorial_change_submit", args=[change.pk]),
        {"summary": "Traducción"},
        follow=True,
    )
    assert response.status_code == 200
    assert NO_POLICY in response.content.decode()
