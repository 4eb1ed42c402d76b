"""Helpers that take content through the workflow the way the admin does."""

from django.db import transaction

from config.history import delete_with_history, save_with_history
from editorial import workflow
from editorial.models import Change, Revision


def edit(user, instance, change=None, reason="Edit", **fields):
    """Change fields of a record as an editor would: saved with history, into their change."""
    with transaction.atomic():
        if instance.pk:
            workflow.record_check_editable(user=user, key=workflow.record_key(instance))
        for name, value in fields.items():
            setattr(instance, name, value)
        save_with_history(instance, user=user, reason=reason)
        return workflow.record_edit(user=user, instance=instance, change=change)


def remove(user, instance, change=None):
    with transaction.atomic():
        change = workflow.record_edit(user=user, instance=instance, change=change)
        delete_with_history(instance, user=user, reason="Removed")
        return change


def submit(change: Change, user, summary="Updated the side effects.", note="") -> Revision:
    return workflow.change_submit(change=change, user=user, note=note, summary=summary)


def approve(revision: Revision, *reviewers, full_review=False) -> None:
    for reviewer in reviewers:
        workflow.revision_approve(
            revision=revision,
            reviewer=reviewer,
            content_hash=revision.content_hash,
            full_review=full_review,
        )


def publish_through_review(change, author, physician, nurse, managing_editor, summary="An update."):
    """Submit, approve by both reviewers and publish: the whole path, as the policy requires."""
    revision = submit(change, author, summary=summary)
    approve(revision, physician, nurse)
    return workflow.revision_publish(revision=revision, editor=managing_editor)
