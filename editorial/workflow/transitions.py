"""States, actions and who may take them: the transition table and the permission rules.

`TRANSITIONS` maps (state, action) to (next state, who may act). The helpers here decide
who a person is to the workflow (managing editor, credential administrator, reviewer)
from the permissions their roles give them; a superuser as such is none of these.
This module depends on no other workflow module.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import formats, timezone

from ..languages import language_name
from ..models import (
    AuditEntry,
    Change,
    Review,
    ReviewerProfile,
    ReviewPolicy,
)

State = Change.State


class InvalidTransition(Exception):
    """The action is not possible in the change's current state."""


class RecordHeld(InvalidTransition):
    """The record has unpublished edits in another person's open change."""


class AlreadyPublished(InvalidTransition):
    """Another publisher (a person or an overlapping scheduler run) got there first."""


class NoActivePolicy(InvalidTransition):
    """No review policy is active for the change's language."""


class PublishConflict(InvalidTransition):
    """The database broke off a publish that collided with another (a deadlock)."""


class Action(models.TextChoices):
    EDIT = "edit", "edit"
    SUBMIT = "submit", "submit"
    APPROVE = "approve", "approve"
    REQUEST_CHANGES = "request_changes", "request changes to"
    PUBLISH = "publish", "publish"
    SCHEDULE = "schedule", "schedule"
    UNSCHEDULE = "unschedule", "unschedule"
    SCHEDULE_FAIL = "schedule_fail", "fail to publish"
    WITHDRAW = "withdraw", "withdraw"


class Actor(models.TextChoices):
    AUTHOR = "author", "the change's author"
    REVIEWER = "reviewer", "a credentialed reviewer who did not edit the change"
    MANAGING_EDITOR = "managing_editor", "a managing editor"
    AUTHOR_OR_MANAGING_EDITOR = "author_or_managing_editor", "its author or a managing editor"
    SYSTEM = "system", "the scheduler"


# (state, action) -> (next state, who may act). Approving leaves a change in review
# until the policy is met; `revision_approve` then moves it to approved.
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (State.DRAFT, Action.EDIT): (State.DRAFT, Actor.AUTHOR),
    (State.IN_REVIEW, Action.EDIT): (State.DRAFT, Actor.AUTHOR),
    (State.CHANGES_REQUESTED, Action.EDIT): (State.DRAFT, Actor.AUTHOR),
    (State.APPROVED, Action.EDIT): (State.DRAFT, Actor.AUTHOR),
    (State.SCHEDULED, Action.EDIT): (State.DRAFT, Actor.AUTHOR),
    (State.DRAFT, Action.SUBMIT): (State.IN_REVIEW, Actor.AUTHOR_OR_MANAGING_EDITOR),
    (State.CHANGES_REQUESTED, Action.SUBMIT): (State.IN_REVIEW, Actor.AUTHOR_OR_MANAGING_EDITOR),
    # Submitting again rebuilds the revision on what is published now (say, after
    # another change published a page this one alters); approvals start over.
    (State.IN_REVIEW, Action.SUBMIT): (State.IN_REVIEW, Actor.AUTHOR_OR_MANAGING_EDITOR),
    (State.APPROVED, Action.SUBMIT): (State.IN_REVIEW, Actor.AUTHOR_OR_MANAGING_EDITOR),
    (State.IN_REVIEW, Action.APPROVE): (State.IN_REVIEW, Actor.REVIEWER),
    (State.APPROVED, Action.APPROVE): (State.APPROVED, Actor.REVIEWER),
    (State.IN_REVIEW, Action.REQUEST_CHANGES): (State.CHANGES_REQUESTED, Actor.REVIEWER),
    (State.APPROVED, Action.REQUEST_CHANGES): (State.CHANGES_REQUESTED, Actor.REVIEWER),
    (State.APPROVED, Action.PUBLISH): (State.PUBLISHED, Actor.MANAGING_EDITOR),
    (State.SCHEDULED, Action.PUBLISH): (State.PUBLISHED, Actor.MANAGING_EDITOR),
    (State.APPROVED, Action.SCHEDULE): (State.SCHEDULED, Actor.MANAGING_EDITOR),
    (State.SCHEDULED, Action.UNSCHEDULE): (State.APPROVED, Actor.MANAGING_EDITOR),
    (State.SCHEDULED, Action.SCHEDULE_FAIL): (State.IN_REVIEW, Actor.SYSTEM),
    **{
        (state, Action.WITHDRAW): (State.WITHDRAWN, Actor.AUTHOR_OR_MANAGING_EDITOR)
        for state in Change.OPEN_STATES
    },
}


def submit_restarts_review(change: Change) -> bool:
    """Whether submitting `change` now starts its review over: it is in review or approved.

    The new revision needs approvals of its own; those of the last one no longer count.
    """
    return (change.state, Action.SUBMIT) in TRANSITIONS and change.state in (
        State.IN_REVIEW,
        State.APPROVED,
    )


PUBLISH_PERMISSION = "editorial.publish_change"
TAKE_OVER_PERMISSION = "editorial.take_over_record"
VIEW_DRAFT_PERMISSION = "editorial.view_draft"
SET_CREDENTIAL_PERMISSION = "editorial.set_credential"


def next_state(change: Change, action: str) -> str:
    """The state `action` moves `change` to, or InvalidTransition if it cannot be taken now."""
    try:
        return TRANSITIONS[(change.state, action)][0]
    except KeyError:
        raise InvalidTransition(
            f"Change {change.pk} is {change.get_state_display().lower()}: "
            f"you cannot {Action(action).label} it now."
        ) from None


# Actions that put a revision before the public: who approved it may take neither.
PUBLISHING_ACTIONS = (Action.PUBLISH, Action.SCHEDULE)


def _holds(user: AbstractBaseUser, permission: str) -> bool:
    # A superuser's has_perm is True for everything; the workflow counts only what a
    # role (a group, or a permission given to the person) grants.
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and user.has_perm(permission)
    )


def _superuser_refusal(what: str) -> str:
    return f"As a superuser you administer accounts and groups; you do not {what}."


def may_view_drafts(user: AbstractBaseUser) -> bool:
    """Whether `user` may read what is not public: drafts, revisions, previews, timelines.

    Writers, reviewers and managing editors may (the `view_draft` permission); the
    public never may.
    """
    return user.is_authenticated and user.is_active and user.has_perm(VIEW_DRAFT_PERMISSION)


def may_set_credentials(user: AbstractBaseUser) -> bool:
    """Whether `user` is a credential administrator: holds `set_credential` through a role.

    Being a superuser does not make anyone one (invariant 8).
    """
    return _holds(user, SET_CREDENTIAL_PERMISSION)


def is_managing_editor(user: AbstractBaseUser) -> bool:
    """Whether `user` acts as a managing editor: holds the publish permission through a role.

    Whoever may set credentials is not one, whatever groups they are in, so whoever
    grants credentials never publishes (invariant 8); nor is a superuser as such.
    """
    return _holds(user, PUBLISH_PERMISSION) and not may_set_credentials(user)


def publisher_refusal(user: AbstractBaseUser, change: Change) -> str | None:
    """Why `user` may not publish or schedule `change`'s latest revision, or None if they may.

    Only a managing editor may, and never one who approved that revision: whoever
    approved a revision does not also put it before the public (invariant 8).
    """
    if not user.is_authenticated or not user.is_active:
        return "Log in to publish."
    if user.is_superuser:
        return _superuser_refusal("publish or schedule changes")
    if not _holds(user, PUBLISH_PERMISSION):
        return f"Only {Actor.MANAGING_EDITOR.label} may publish or schedule change {change.pk}."
    if may_set_credentials(user):
        return "You grant reviewers' credentials, so you may not publish or schedule changes."
    revision = change.current_revision()
    if (
        revision is not None
        and revision.reviews.filter(reviewer=user, decision=Review.Decision.APPROVE).exists()
    ):
        return (
            "You approved this revision, so you may not publish or schedule it: "
            "another managing editor must."
        )
    return None


def may_act(user: AbstractBaseUser, change: Change, action: str) -> bool:
    """Whether `user` is someone the transition table lets take `action` on `change`."""
    entry = TRANSITIONS.get((change.state, action))
    if entry is None or not user.is_authenticated or not user.is_active:
        return False
    actor = entry[1]
    if actor == Actor.AUTHOR:
        return user.pk == change.author_id
    if actor == Actor.AUTHOR_OR_MANAGING_EDITOR:
        return user.pk == change.author_id or is_managing_editor(user)
    if actor == Actor.MANAGING_EDITOR and action in PUBLISHING_ACTIONS:
        return publisher_refusal(user, change) is None
    if actor == Actor.MANAGING_EDITOR:
        return is_managing_editor(user)
    if actor == Actor.REVIEWER:
        return reviewer_refusal(user, change) is None
    return False


def _transition(change: Change, action: str, user: AbstractBaseUser) -> str:
    state = next_state(change, action)
    if not may_act(user, change, action):
        refusal = publisher_refusal(user, change) if action in PUBLISHING_ACTIONS else None
        raise PermissionDenied(
            refusal
            or f"Only {Actor(TRANSITIONS[(change.state, action)][1]).label} may "
            f"{Action(action).label} change {change.pk}."
        )
    return state


def _audit(action: str, actor: AbstractBaseUser, **fields: Any) -> AuditEntry:
    return AuditEntry.objects.create(action=action, actor=actor, at=timezone.now(), **fields)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "N j, Y, P")


def reviewer_refusal(user: AbstractBaseUser, change: Change) -> str | None:
    """Why `user` may not review `change`, or None if they may."""
    if not user.is_authenticated or not user.is_active:
        return "Log in to review."
    if user.is_superuser:
        return _superuser_refusal("review changes")
    if may_set_credentials(user):
        # Otherwise two of them could credential each other and approve.
        return "You grant reviewers' credentials, so you may not review changes."
    profile = ReviewerProfile.objects.filter(user=user).first()
    if profile is None or not profile.is_current():
        return "Only a reviewer with a current credential may review changes."
    if user.pk == change.author_id or change.editors.filter(pk=user.pk).exists():
        return "You edited this change, so you may not review it."
    return language_refusal(profile, change.language)


def active_policy(language: str) -> ReviewPolicy:
    """The review policy a change in `language` is held to: its language's active one.

    The rule: with none active, a change in the language can be neither submitted,
    approved nor published (`NoActivePolicy`), since nothing says whose approvals count;
    a managing editor makes one active to unblock it.
    """
    try:
        return ReviewPolicy.active(language)
    except ReviewPolicy.DoesNotExist:
        raise NoActivePolicy(
            f"No review policy is active for changes in {language_name(language)}: a "
            "managing editor must make "
            "one active (Review policies) before they can be submitted, approved or published."
        ) from None


def asks_reviewers_in(language: str) -> bool:
    """Whether the active policy for `language` counts only reviewers who review in it."""
    return ReviewPolicy.objects.filter(
        is_active=True, language=language, reviewers_in_language=True
    ).exists()


def language_refusal(profile: ReviewerProfile, language: str) -> str | None:
    """Why the reviewer of `profile` may not review a change in `language`, or None.

    The rule: where the language's active policy asks for reviewers who review in it
    (`ReviewPolicy.reviewers_in_language`), only a reviewer whose credential lists the
    language reviews its changes; the languages are a credential administrator's to
    record, like the credential. (No query for a reviewer who reviews in the language.)
    """
    if profile.reviews_in(language) or not asks_reviewers_in(language):
        return None
    return (
        f"You do not review in {language_name(language)}; a credential administrator "
        "records the languages you review in."
    )
