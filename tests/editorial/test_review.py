"""Reviewers approve one exact revision; the policy decides when that is enough."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from editorial import workflow
from editorial.models import AuditEntry, Change, PolicyRequirement, ReviewerProfile, ReviewPolicy
from tests.workflow import approve, edit, request_changes, sign, submit

pytestmark = pytest.mark.django_db


def state_of(revision) -> str:
    return Change.objects.get(pk=revision.change_id).state


@pytest.fixture
def revision(writer, everolimus):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    return submit(change, writer)


def test_one_physician_and_one_nurse_approve_a_change_by_default(revision, physician, nurse):
    approve(revision, physician)
    assert state_of(revision) == Change.State.IN_REVIEW
    assert workflow.policy_shortfall(revision) == "1 more oncology certified nurse approval"
    approve(revision, nurse)
    assert state_of(revision) == Change.State.APPROVED


def test_two_physicians_do_not_make_up_for_a_nurse(revision, physician, second_physician):
    approve(revision, physician, second_physician)
    assert state_of(revision) == Change.State.IN_REVIEW


def test_the_policy_is_data_and_can_require_more(revision, physician, second_physician, nurse):
    PolicyRequirement.objects.filter(kind="physician").update(count=2)
    approve(revision, physician, nurse)
    assert workflow.policy_shortfall(revision) == "1 more physician approval"
    approve(revision, second_physician)
    assert state_of(revision) == Change.State.APPROVED


def test_no_policy_can_require_less_than_a_physician_and_a_nurse(revision, physician):
    PolicyRequirement.objects.all().delete()
    approve(revision, physician)
    assert workflow.policy_shortfall(revision) == "1 more oncology certified nurse approval"
    assert state_of(revision) == Change.State.IN_REVIEW


def test_the_default_policy_reviews_pages_every_twelve_months():
    policy = ReviewPolicy.active()
    assert policy.review_interval_months == 12
    assert {(r.kind, r.count) for r in policy.requirements.all()} == {
        ("physician", 1),
        ("oncology_nurse", 1),
    }


def test_author_cannot_approve_own_revision(writer, everolimus, physician):
    ReviewerProfile.objects.create(user=writer, credential="OCN")
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    revision = submit(change, writer)
    with pytest.raises(PermissionDenied, match="You edited this change"):
        approve(revision, writer)
    assert not revision.reviews.exists()


def test_a_reviewer_whose_edit_was_taken_over_cannot_approve_it(
    writer, managing_editor, everolimus
):
    ReviewerProfile.objects.create(user=writer, credential="OCN")
    edit(writer, everolimus, administration="Everolimus is a tablet.")
    change = workflow.record_take_over(key=("drugs.drug", everolimus.pk), editor=managing_editor)
    revision = submit(change, managing_editor)
    assert "Everolimus is a tablet." in revision.pages.get().html
    with pytest.raises(PermissionDenied, match="You edited this change"):
        approve(revision, writer)


def test_approval_of_a_stale_hash_is_refused(revision, physician):
    with pytest.raises(workflow.InvalidTransition, match="moved on"):
        workflow.revision_approve(
            revision=revision, reviewer=physician, content_hash="0" * 64, signing=sign(physician)
        )
    assert not revision.reviews.exists()


def test_approval_of_an_older_revision_is_refused(revision, writer, physician):
    newer = submit(revision.change, writer)
    assert newer.number == 2
    with pytest.raises(workflow.InvalidTransition, match="moved on"):
        approve(revision, physician)


def test_an_edit_after_one_approval_voids_it(revision, writer, physician, nurse, everolimus):
    approve(revision, physician)
    edit(writer, everolimus, administration="Everolimus is a tablet, taken once a day.")
    newer = submit(revision.change, writer)
    approve(newer, nurse)
    assert workflow.policy_shortfall(newer) == "1 more physician approval"
    assert state_of(revision) == Change.State.IN_REVIEW


def test_a_reviewer_without_a_current_credential_cannot_approve(revision, physician):
    physician.reviewer_profile.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    physician.reviewer_profile.save()
    with pytest.raises(PermissionDenied, match="current credential"):
        approve(revision, physician)


def test_a_writer_without_a_credential_cannot_approve(revision, other_writer):
    with pytest.raises(PermissionDenied, match="current credential"):
        approve(revision, other_writer)


def test_an_approval_records_the_credential_as_it_was(revision, physician, credential_admin):
    approve(revision, physician)
    workflow.credential_set(
        user=physician, credential="DO", valid_until=None, editor=credential_admin
    )
    review = revision.reviews.get()
    assert review.credential == "MD" and review.credential_kind == "physician"


def test_requesting_changes_needs_a_comment_and_returns_the_change(revision, nurse):
    with pytest.raises(workflow.InvalidTransition, match="Say what needs to change"):
        request_changes(revision, nurse, "")
    request_changes(revision, nurse, "Say 'tablet' as on the label.")
    assert state_of(revision) == Change.State.CHANGES_REQUESTED


def test_a_reviewer_decides_once_per_revision(revision, physician):
    approve(revision, physician)
    with pytest.raises(workflow.InvalidTransition, match="already reviewed"):
        approve(revision, physician)


def test_a_full_review_covers_one_page_only(writer, everolimus, physician, nurse, two_pages):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    revision = submit(change, writer)
    assert revision.pages.count() == 2
    with pytest.raises(workflow.InvalidTransition, match="covers one page"):
        approve(revision, physician, full_review=True)


def test_credentials_are_set_only_by_credential_administrators(writer, other_writer):
    with pytest.raises(PermissionDenied):
        workflow.credential_set(user=other_writer, credential="MD", valid_until=None, editor=writer)
    assert not ReviewerProfile.objects.filter(user=other_writer).exists()


def test_nobody_sets_their_own_credential(credential_admin):
    with pytest.raises(PermissionDenied, match="their own credential"):
        workflow.credential_set(
            user=credential_admin, credential="MD", valid_until=None, editor=credential_admin
        )
    assert not ReviewerProfile.objects.filter(user=credential_admin).exists()


def test_a_credential_change_keeps_its_history_and_is_audited(physician, credential_admin):
    workflow.credential_set(
        user=physician,
        credential="MD",
        valid_until=datetime.date(2027, 6, 30),
        editor=credential_admin,
    )
    profile = physician.reviewer_profile
    assert profile.history.latest().history_user == credential_admin
    assert profile.history.latest().valid_until == datetime.date(2027, 6, 30)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREDENTIAL).exists()
