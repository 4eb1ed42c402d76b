"""Duties are separated (invariant 8): whoever grants credentials cannot publish, whoever
approved a revision cannot publish or schedule it, and superusers administer accounts
without taking part in the workflow."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from editorial import roles, workflow
from editorial.models import AuditEntry, Change, Publication, ReviewerProfile
from tests.workflow import approve, edit, submit

pytestmark = pytest.mark.django_db

State = Change.State
NEW_ADMINISTRATION = "Everolimus is a tablet taken once a day."
TOMORROW = datetime.timedelta(days=1)


@pytest.fixture
def revision(writer, everolimus):
    return submit(edit(writer, everolimus, administration=NEW_ADMINISTRATION), writer)


@pytest.fixture
def approved(revision, physician, nurse):
    approve(revision, physician, nurse)
    return revision


def grant(user, credential, credential_admin):
    return workflow.credential_set(
        user=user,
        credential=credential,
        valid_until=None,
        editor=credential_admin,
        printed_name=user.get_full_name(),
    )


def state_of(revision) -> str:
    return Change.objects.get(pk=revision.change_id).state


def join(user, role: str) -> None:
    user.groups.add(Group.objects.get(name=role))


# --- Who grants credentials ----------------------------------------------------------------


def test_two_managing_editors_cannot_credential_each_other(managing_editor, second_managing_editor):
    with pytest.raises(PermissionDenied, match="credential administrator"):
        grant(second_managing_editor, "MD", managing_editor)
    with pytest.raises(PermissionDenied, match="credential administrator"):
        grant(managing_editor, "OCN", second_managing_editor)
    assert not ReviewerProfile.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CREDENTIAL).exists()


def test_a_credential_administrator_grants_a_credential_and_it_is_audited(
    other_writer, credential_admin
):
    grant(other_writer, "MD", credential_admin)
    assert other_writer.reviewer_profile.credential == "MD"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREDENTIAL)
    assert entry.actor == credential_admin
    assert entry.comment == "Otto Other (other-writer): none → MD; printed name “Otto Other”"


def test_a_superuser_cannot_set_a_credential(other_writer, administrator):
    with pytest.raises(PermissionDenied, match="credential administrator"):
        grant(other_writer, "MD", administrator)
    assert not ReviewerProfile.objects.filter(user=other_writer).exists()


# --- Who grants credentials never publishes -------------------------------------------------


def test_a_credential_administrator_cannot_publish(approved, credential_admin):
    with pytest.raises(PermissionDenied, match="Only a managing editor"):
        workflow.revision_publish(revision=approved, editor=credential_admin)
    assert state_of(approved) == State.APPROVED
    assert Publication.objects.count() == 1


def test_a_credential_administrator_cannot_schedule(approved, credential_admin):
    with pytest.raises(PermissionDenied, match="Only a managing editor"):
        workflow.revision_schedule(
            revision=approved, editor=credential_admin, at=timezone.now() + TOMORROW
        )
    assert state_of(approved) == State.APPROVED


def test_a_managing_editor_who_may_also_grant_credentials_cannot_publish(approved, managing_editor):
    join(managing_editor, roles.CREDENTIAL_ADMIN)
    with pytest.raises(PermissionDenied, match="grant reviewers' credentials"):
        workflow.revision_publish(revision=approved, editor=managing_editor)
    assert state_of(approved) == State.APPROVED


def test_a_credential_administrator_cannot_approve_even_holding_a_credential(
    revision, credential_admin
):
    ReviewerProfile.objects.create(user=credential_admin, credential="MD")
    with pytest.raises(PermissionDenied, match="grant reviewers' credentials"):
        approve(revision, credential_admin)
    assert not revision.reviews.exists()


def test_the_scheduler_refuses_an_editor_who_has_since_become_a_credential_administrator(
    approved, managing_editor
):
    workflow.revision_schedule(
        revision=approved, editor=managing_editor, at=timezone.now() + TOMORROW
    )
    join(managing_editor, roles.CREDENTIAL_ADMIN)
    (outcome,) = workflow.publish_due(now=timezone.now() + 2 * TOMORROW)
    assert outcome[1].startswith("not published") and "credentials" in outcome[1]
    assert Publication.objects.count() == 1
    assert state_of(approved) == State.IN_REVIEW


# --- Superusers administer; they do not act in the workflow ---------------------------------


def test_a_superuser_cannot_approve_even_holding_a_credential(revision, administrator):
    ReviewerProfile.objects.create(user=administrator, credential="MD")
    with pytest.raises(PermissionDenied, match="superuser"):
        approve(revision, administrator)
    assert not revision.reviews.exists()


def test_a_superuser_cannot_publish_even_in_the_managing_editors_group(approved, administrator):
    join(administrator, roles.MANAGING_EDITOR)
    with pytest.raises(PermissionDenied, match="superuser"):
        workflow.revision_publish(revision=approved, editor=administrator)
    assert state_of(approved) == State.APPROVED
    assert Publication.objects.count() == 1


def test_a_superuser_cannot_schedule(approved, administrator):
    with pytest.raises(PermissionDenied, match="superuser"):
        workflow.revision_schedule(
            revision=approved, editor=administrator, at=timezone.now() + TOMORROW
        )
    assert state_of(approved) == State.APPROVED


def test_a_superuser_cannot_unpublish(seed_page, administrator):
    with pytest.raises(PermissionDenied):
        workflow.page_unpublish(page=seed_page, editor=administrator)


def test_a_superuser_is_neither_a_managing_editor_nor_a_credential_administrator(
    administrator,
):
    assert not workflow.is_managing_editor(administrator)
    assert not workflow.may_set_credentials(administrator)


# --- Whoever approved a revision does not publish it ------------------------------------------


@pytest.fixture
def editor_physician(managing_editor, credential_admin):
    """A physician who is also a managing editor."""
    join(managing_editor, roles.PHYSICIAN)
    grant(managing_editor, "MD", credential_admin)
    return managing_editor


@pytest.fixture
def approved_by_editor(revision, editor_physician, nurse):
    approve(revision, editor_physician, nurse)
    return revision


def test_a_managing_editor_who_approved_a_revision_cannot_publish_it(
    approved_by_editor, editor_physician
):
    assert state_of(approved_by_editor) == State.APPROVED
    with pytest.raises(PermissionDenied, match="You approved this revision"):
        workflow.revision_publish(revision=approved_by_editor, editor=editor_physician)
    assert state_of(approved_by_editor) == State.APPROVED
    assert Publication.objects.count() == 1


def test_a_managing_editor_who_approved_a_revision_cannot_schedule_it(
    approved_by_editor, editor_physician
):
    with pytest.raises(PermissionDenied, match="You approved this revision"):
        workflow.revision_schedule(
            revision=approved_by_editor, editor=editor_physician, at=timezone.now() + TOMORROW
        )
    assert state_of(approved_by_editor) == State.APPROVED


def test_a_managing_editor_who_reviewed_may_see_another_managing_editor_publish_it(
    approved_by_editor, second_managing_editor
):
    workflow.revision_publish(revision=approved_by_editor, editor=second_managing_editor)
    assert state_of(approved_by_editor) == State.PUBLISHED


def test_the_scheduler_refuses_a_change_scheduled_by_one_of_its_approvers(
    approved_by_editor, editor_physician
):
    # Scheduled before approvers were refused scheduling: the run checks again.
    Change.objects.filter(pk=approved_by_editor.change_id).update(
        state=State.SCHEDULED,
        scheduled_at=timezone.now() + TOMORROW,
        scheduled_by=editor_physician,
    )
    (outcome,) = workflow.publish_due(now=timezone.now() + 2 * TOMORROW)
    assert outcome[1].startswith("not published") and "You approved this revision" in outcome[1]
    assert Publication.objects.count() == 1
    assert state_of(approved_by_editor) == State.IN_REVIEW
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SCHEDULE_FAILED).exists()


def test_the_two_managing_editors_cannot_publish_what_they_both_approved(
    approved_by_editor, editor_physician, second_managing_editor, credential_admin
):
    """Even properly credentialed, two editors who approved a change need a third to publish it."""
    grant(second_managing_editor, "OCN", credential_admin)
    join(second_managing_editor, roles.NURSE)
    newer = submit(approved_by_editor.change, approved_by_editor.change.author)
    approve(newer, editor_physician, second_managing_editor)
    for editor in (editor_physician, second_managing_editor):
        with pytest.raises(PermissionDenied, match="You approved this revision"):
            workflow.revision_publish(revision=newer, editor=editor)
    assert Publication.objects.count() == 1
