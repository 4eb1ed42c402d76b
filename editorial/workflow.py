"""The editorial workflow: one transition table and one function per action.

Every way in (admin forms and actions, management commands, tests) calls these
functions; nothing here hides in signals or `save()`. Each function checks the state
(`InvalidTransition`: not possible now) and the person (`PermissionDenied`: you may
not), writes in one transaction, appends to the audit trail and returns.

The rules, in short:

- Edits go into a change. A record belongs to at most one open change; another
  person's edit of it is refused until a managing editor takes it over.
- Submitting freezes a revision: a snapshot of every page the change alters, built
  from its own edits and the published state of everything else.
- Reviewers approve that exact revision (by its content hash). Nobody approves a
  change they edited. Any edit after submission sends the change back to draft.
- Publishing needs the active policy's approvals, from credentials current at
  publish time, and refuses a revision built on a publication that is no longer
  current, so it never rolls back anyone else's published edits.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, models, transaction
from django.db.models import Max, ProtectedError
from django.utils import formats, timezone

from config.history import delete_with_history, save_with_history
from drugs.models import Page

from . import dates, notifications
from .models import (
    AuditEntry,
    Change,
    ChangeRecord,
    Comment,
    CredentialKind,
    CurrentPublication,
    Publication,
    PublishedVersion,
    PublishingLock,
    Review,
    ReviewClaim,
    ReviewerProfile,
    ReviewPolicy,
    Revision,
    RevisionPage,
)
from .signals import page_published, page_unpublished, send_on_commit
from .snapshots import (
    CONTENT_MODELS,
    MODELS_BY_LABEL,
    PARENT_FIELD,
    ContentSource,
    RecordKey,
    content_hash,
    label,
    page_snapshot,
    publication_index,
    render_page_body,
)
from .structured_data import json_ld_text, page_data

State = Change.State


class InvalidTransition(Exception):
    """The action is not possible in the change's current state."""


class RecordHeld(InvalidTransition):
    """The record has unpublished edits in another person's open change."""


class AlreadyPublished(InvalidTransition):
    """Another publisher (a person or an overlapping scheduler run) got there first."""


class PublishConflict(InvalidTransition):
    """The database broke off a publish that collided with another (a deadlock)."""


P = ParamSpec("P")
R = TypeVar("R")

# Deadlock detected, serialization failure: the database chose this transaction to undo.
CONFLICT_SQLSTATES = {"40P01", "40001"}


def _conflict_refused(function: Callable[P, R]) -> Callable[P, R]:
    """A publish the database aborted as a conflict is refused like a stale one, not a 500."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) not in CONFLICT_SQLSTATES:
                raise
            raise PublishConflict(
                "Another publish ran at the same moment and this one was stopped; nothing of "
                "it was published. Submit the change again so that reviewers approve it on "
                "top of what is public now."
            ) from error

    return wrapper


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

# The floor under any review policy (docs/architecture.md, invariant 3).
MINIMUM_APPROVALS = {CredentialKind.PHYSICIAN: 1, CredentialKind.ONCOLOGY_NURSE: 1}

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


def display_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


# --- Editing -----------------------------------------------------------------------------


def record_key(instance: models.Model) -> RecordKey:
    return (label(instance), instance.pk)


def holding_record(key: RecordKey) -> ChangeRecord | None:
    """The open change's claim on a record, if any."""
    name, pk = key
    return (
        ChangeRecord.objects.select_related("change__author")
        .filter(model=name, object_id=pk, released_at__isnull=True)
        .first()
    )


def record_check_editable(*, user: AbstractBaseUser, key: RecordKey) -> None:
    """Refuse, saying who holds it, an edit of a record in another person's open change."""
    claim = holding_record(key)
    if claim and claim.change.author_id != user.pk:
        change = claim.change
        raise RecordHeld(
            f"This record is in change {change.pk} by {display_name(change.author)} "
            f"since {_when(claim.claimed_at)}. Ask them, or a managing editor, to release it."
        )


def change_for_edit(*, user: AbstractBaseUser, key: RecordKey | None) -> Change:
    """The change an edit goes into: the one holding the record, else the user's draft.

    A person's edits of records nobody holds join their newest draft change; if they
    have none, a new change is opened for them.
    """
    if key is not None:
        record_check_editable(user=user, key=key)
        claim = holding_record(key)
        if claim:
            return claim.change
    draft = Change.objects.filter(author=user, state=State.DRAFT, kind=Change.Kind.EDIT).first()
    return draft or Change.objects.create(
        title=f"Edits by {display_name(user)}", author=user, kind=Change.Kind.EDIT
    )


@transaction.atomic
def record_edit(
    *, user: AbstractBaseUser, instance: models.Model, change: Change | None = None
) -> Change:
    """Put an edited (or deleted) record into its change, which returns to draft.

    Call it in the same transaction as the save. The change must be the author's own:
    editing a submitted change sends it back to draft, since its revision no longer
    matches its records and any approval of it no longer counts.
    """
    key = record_key(instance)
    model = type(instance)
    if not user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}"):
        raise PermissionDenied("You may not edit this record.")
    change = change or change_for_edit(user=user, key=key)
    change = Change.objects.select_for_update().get(pk=change.pk)
    record_check_editable(user=user, key=key)
    state = _transition(change, Action.EDIT, user)
    if not ChangeRecord.objects.filter(
        change=change, model=key[0], object_id=key[1], released_at__isnull=True
    ).exists():
        ChangeRecord.objects.create(change=change, model=key[0], object_id=key[1], claimed_by=user)
    change.editors.add(user)
    if state != change.state:
        _audit(
            AuditEntry.Action.EDIT,
            user,
            change=change,
            comment=f"Edited after submission: back to draft from {change.get_state_display().lower()}.",
        )
        change.state = state
        change.scheduled_at = None
        change.save(update_fields=["state", "scheduled_at"])
    return change


@transaction.atomic
def record_take_over(*, key: RecordKey, editor: AbstractBaseUser, comment: str = "") -> Change:
    """A managing editor moves a held record, with its working state, into their own change."""
    if not _holds(editor, TAKE_OVER_PERMISSION):
        raise PermissionDenied("Only a managing editor may take over a record.")
    claim = holding_record(key)
    if claim is None:
        raise InvalidTransition("Nobody holds this record: edit it directly.")
    old = Change.objects.select_for_update().get(pk=claim.change_id)
    if old.author_id == editor.pk:
        raise InvalidTransition("You already hold this record.")
    claim.released_at = timezone.now()
    claim.save(update_fields=["released_at"])
    if old.state != State.DRAFT:
        old.state = State.DRAFT
        old.scheduled_at = None
        old.save(update_fields=["state", "scheduled_at"])
    change = change_for_edit(user=editor, key=None)
    ChangeRecord.objects.create(change=change, model=key[0], object_id=key[1], claimed_by=editor)
    # The record's working state carries its former editors' work: they may not review it.
    change.editors.add(editor, old.author, *old.editors.all())
    _audit(
        AuditEntry.Action.TAKE_OVER,
        editor,
        change=change,
        comment=(
            f"Took {key[0]} {key[1]} over from change {old.pk} by {display_name(old.author)}. {comment}"
        ).strip(),
    )
    return change


# --- Submitting: freezing a revision -------------------------------------------------------


def owned_keys(change: Change) -> set[RecordKey]:
    return set(change.records.filter(released_at__isnull=True).values_list("model", "object_id"))


def _parent_keys(keys: set[RecordKey]) -> set[RecordKey]:
    """The records that the owned part-rows belong to, now and as published."""
    parents: set[RecordKey] = set()
    for model, field in PARENT_FIELD.items():
        pks = [pk for name, pk in keys if name == label(model)]
        if not pks:
            continue
        parent = label(model._meta.get_field(field).related_model)
        column = f"{field}_id"
        current = model.objects.filter(pk__in=pks).values_list(column, flat=True)
        published = model.history.filter(
            id__in=pks,
            history_id__in=PublishedVersion.objects.filter(model=label(model)).values("history_id"),
        ).values_list(column, flat=True)
        parents |= {(parent, pk) for pk in [*current, *published]}
    return parents


def _live_pages_showing(keys: set[RecordKey]) -> set[int]:
    """The live pages whose publication shows any of these records or their parents."""
    touched = keys | _parent_keys(keys)
    return {
        current.page_id
        for current in CurrentPublication.objects.live().select_related("publication")
        if any((row["model"], row["pk"]) in touched for row in current.publication.manifest)
    }


def pages_altered(change: Change, keys: set[RecordKey]) -> list[int]:
    """Every page a change alters: its own pages, and every live page showing its records."""
    pages = {pk for name, pk in keys if name == "drugs.page"}
    if change.page_id:
        pages.add(change.page_id)
    return sorted(pages | _live_pages_showing(keys))


def _latest_history_ids(keys: set[RecordKey]) -> dict[RecordKey, int]:
    latest: dict[RecordKey, int] = {}
    for name in {name for name, _ in keys}:
        model = MODELS_BY_LABEL[name]
        pks = [pk for owner, pk in keys if owner == name]
        existing = set(model.objects.filter(pk__in=pks).values_list("pk", flat=True))
        for row in (
            model.history.filter(id__in=existing).values("id").annotate(latest=Max("history_id"))
        ):
            latest[(name, row["id"])] = row["latest"]
    return latest


def _freeze(change: Change, user: AbstractBaseUser, note: str, summary: str) -> Revision:
    keys = owned_keys(change)
    latest = _latest_history_ids(keys)
    records = sorted(
        ({"model": name, "pk": pk, "history_id": latest.get((name, pk))} for name, pk in keys),
        key=lambda row: (row["model"], row["pk"]),
    )
    snapshots = []
    for page_id in pages_altered(change, keys):
        source = ContentSource(keys)
        content = page_snapshot(source, page_id)
        if content is None:
            continue
        current = CurrentPublication.objects.filter(page_id=page_id).first()
        snapshots.append(
            {
                "page_id": page_id,
                "base_publication_id": current.publication_id if current else None,
                "content": content,
                "html": render_page_body(content),
                "content_hash": content_hash(content),
                "manifest": source.manifest(),
            }
        )
    fingerprint = content_hash(
        {
            "pages": [
                [s["page_id"], s["content_hash"], s["base_publication_id"]] for s in snapshots
            ],
            "records": records,
        }
    )
    number = (change.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = Revision.objects.create(
        change=change,
        number=number,
        created_by=user,
        note=note,
        summary=summary,
        content_hash=fingerprint,
        records=records,
    )
    for snapshot in snapshots:
        RevisionPage.objects.create(
            revision=revision,
            page_id=snapshot["page_id"],
            base_publication_id=snapshot["base_publication_id"],
            content=snapshot["content"],
            html=snapshot["html"],
            content_hash=snapshot["content_hash"],
            manifest=snapshot["manifest"],
        )
    return revision


@transaction.atomic
def change_submit(
    *, change: Change, user: AbstractBaseUser, note: str = "", summary: str = ""
) -> Revision:
    """Freeze the change into a new revision and ask for review."""
    change = Change.objects.select_for_update().get(pk=change.pk)
    state = _transition(change, Action.SUBMIT, user)
    if change.kind == Change.Kind.EDIT and not owned_keys(change):
        raise InvalidTransition(f"Change {change.pk} has no edits to submit.")
    if change.kind == Change.Kind.EDIT and not summary.strip():
        raise InvalidTransition("Write a short public summary of the change for readers.")
    revision = _freeze(change, user, note.strip(), summary.strip())
    change.state = state
    change.save(update_fields=["state"])
    change.review_claims.all().delete()  # a new revision is a new review
    _audit(AuditEntry.Action.SUBMIT, user, change=change, revision=revision, comment=note)
    notifications.notify_submitted(revision=revision)
    return revision


@transaction.atomic
def page_sign_off_start(*, page: Page, user: AbstractBaseUser, note: str = "") -> Revision:
    """Ask the policy's reviewers to review a published page whole, unchanged.

    Their full-review approvals, once published, move Last medically reviewed and
    Next review due; the content, its hash and Last Revised stay as they are.
    """
    if not user.has_perm(PUBLISH_PERMISSION) and not user.has_perm("drugs.change_page"):
        raise PermissionDenied("You may not start a medical review.")
    if not CurrentPublication.objects.live().filter(page=page).exists():
        raise InvalidTransition(f"“{page}” is not published: there is nothing to sign off.")
    change = Change.objects.create(
        title=f"Periodic medical review: {page.title}",
        kind=Change.Kind.SIGN_OFF,
        author=user,
        page=page,
    )
    _audit(AuditEntry.Action.SIGN_OFF, user, change=change, page=page, comment=note)
    return change_submit(change=change, user=user, note=note, summary="")


# --- Review ------------------------------------------------------------------------------


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
    return None


def _check_reviewable(
    revision: Revision, reviewer: AbstractBaseUser, shown_hash: str, action: str
) -> Change:
    change = Change.objects.select_for_update().get(pk=revision.change_id)
    next_state(change, action)
    refusal = reviewer_refusal(reviewer, change)
    if refusal:
        raise PermissionDenied(refusal)
    current = change.current_revision()
    if current is None or current.pk != revision.pk or shown_hash != revision.content_hash:
        raise InvalidTransition(
            "This change has moved on since you opened it: review its latest revision."
        )
    if revision.reviews.filter(reviewer=reviewer).exists():
        raise InvalidTransition("You have already reviewed this revision.")
    return change


def _review(
    revision: Revision, reviewer: AbstractBaseUser, decision: str, comment: str, full: bool
) -> Review:
    profile = reviewer.reviewer_profile
    return Review.objects.create(
        revision=revision,
        reviewer=reviewer,
        decision=decision,
        comment=comment,
        is_full_review=full,
        credential=profile.credential,
        credential_kind=profile.kind,
    )


@transaction.atomic
def revision_approve(
    *,
    revision: Revision,
    reviewer: AbstractBaseUser,
    content_hash: str,
    comment: str = "",
    full_review: bool = False,
) -> Review:
    """Approve exactly the revision the reviewer was shown (named by its content hash).

    `full_review` attests the reviewer reviewed the whole page; it is only possible on
    a revision that alters one page, and a periodic sign-off is always one.
    """
    change = _check_reviewable(revision, reviewer, content_hash, Action.APPROVE)
    if change.kind == Change.Kind.SIGN_OFF:
        full_review = True
    if full_review and revision.pages.count() != 1:
        raise InvalidTransition(
            "A full medical review covers one page; this change alters "
            f"{revision.pages.count()}. Approve it without marking a full review."
        )
    review = _review(revision, reviewer, Review.Decision.APPROVE, comment, full_review)
    change.review_claims.filter(reviewer=reviewer).delete()
    _audit(AuditEntry.Action.APPROVE, reviewer, change=change, revision=revision, comment=comment)
    notifications.notify_reviewed(review=review)
    if change.state == State.IN_REVIEW and not policy_shortfall(revision):
        change.state = State.APPROVED
        change.save(update_fields=["state"])
        notifications.notify_approved(revision=revision)
    return review


@transaction.atomic
def revision_request_changes(
    *, revision: Revision, reviewer: AbstractBaseUser, content_hash: str, comment: str
) -> Review:
    """Send the revision back to its author with what to change."""
    change = _check_reviewable(revision, reviewer, content_hash, Action.REQUEST_CHANGES)
    if not comment.strip():
        raise InvalidTransition("Say what needs to change.")
    review = _review(revision, reviewer, Review.Decision.REQUEST_CHANGES, comment, False)
    change.review_claims.filter(reviewer=reviewer).delete()
    change.state = next_state(change, Action.REQUEST_CHANGES)
    change.scheduled_at = None
    change.save(update_fields=["state", "scheduled_at"])
    _audit(
        AuditEntry.Action.REQUEST_CHANGES,
        reviewer,
        change=change,
        revision=revision,
        comment=comment,
    )
    notifications.notify_reviewed(review=review)
    return review


@transaction.atomic
def change_claim_review(*, change: Change, reviewer: AbstractBaseUser) -> ReviewClaim:
    """Tell other reviewers that `reviewer` is reviewing this change now."""
    change = Change.objects.select_for_update().get(pk=change.pk)
    if change.state not in (State.IN_REVIEW, State.APPROVED):
        raise InvalidTransition(f"Change {change.pk} is not waiting for review.")
    refusal = reviewer_refusal(reviewer, change)
    if refusal:
        raise PermissionDenied(refusal)
    claim, created = ReviewClaim.objects.get_or_create(change=change, reviewer=reviewer)
    if created:
        _audit(AuditEntry.Action.CLAIM, reviewer, change=change, revision=change.current_revision())
    return claim


def _may_discuss(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(VIEW_DRAFT_PERMISSION)


@transaction.atomic
def comment_add(
    *, change: Change, author: AbstractBaseUser, body: str, parent: Comment | None = None
) -> Comment:
    """Add a remark, or a reply to one, to the change's thread, on its current revision."""
    if not _may_discuss(author):
        raise PermissionDenied("Only editors and reviewers may comment.")
    if not body.strip():
        raise InvalidTransition("Write a comment first.")
    if parent is not None and parent.change_id != change.pk:
        raise InvalidTransition("A reply must answer a comment on the same change.")
    return save_with_history(
        Comment(
            change=change,
            revision=change.current_revision(),
            parent=parent,
            author=author,
            body=body.strip(),
        ),
        user=author,
        reason="Comment",
    )


@transaction.atomic
def comment_resolve(*, comment: Comment, user: AbstractBaseUser) -> Comment:
    """Mark a remark as dealt with: by its writer, the change's author or a managing editor."""
    comment = Comment.objects.select_for_update().select_related("change").get(pk=comment.pk)
    if user.pk not in (comment.author_id, comment.change.author_id) and not is_managing_editor(
        user
    ):
        raise PermissionDenied(
            "Only the commenter, the change's author or a managing editor may resolve it."
        )
    if comment.resolved_at is not None:
        raise InvalidTransition("This comment is already resolved.")
    comment.resolved_at, comment.resolved_by = timezone.now(), user
    return save_with_history(comment, user=user, reason="Resolved")


@dataclass(frozen=True)
class RequirementProgress:
    kind: str
    label: str
    required: int
    approvals: list[Review]

    @property
    def met(self) -> bool:
        return len(self.approvals) >= self.required


def policy_progress(revision: Revision, *, full_review: bool = False) -> list[RequirementProgress]:
    """Per credential the policy requires, the approvals that count now.

    An approval counts if it is on this revision, by someone who did not edit the
    change, whose credential of that kind is current today.
    """
    policy = ReviewPolicy.active()
    change = revision.change
    editors = set(change.editors.values_list("pk", flat=True)) | {change.author_id}
    reviews = revision.reviews.filter(decision=Review.Decision.APPROVE).select_related(
        "reviewer__reviewer_profile"
    )
    if full_review:
        reviews = reviews.filter(is_full_review=True)
    today = timezone.localdate()
    counting: dict[str, list[Review]] = {}
    for review in reviews:
        profile = getattr(review.reviewer, "reviewer_profile", None)
        if review.reviewer_id in editors or profile is None or not profile.is_current(today):
            continue
        counting.setdefault(profile.kind, []).append(review)
    # The policy may ask for more, never for less than a physician and a nurse.
    required = dict(MINIMUM_APPROVALS)
    for requirement in policy.requirements.all():
        required[requirement.kind] = max(required.get(requirement.kind, 0), requirement.count)
    return [
        RequirementProgress(
            kind=kind,
            label=CredentialKind(kind).label,
            required=count,
            approvals=counting.get(kind, []),
        )
        for kind, count in required.items()
    ]


def policy_shortfall(revision: Revision, *, full_review: bool = False) -> str:
    """What the policy still needs before `revision` may be published; '' if nothing."""
    missing = [
        f"{p.required - len(p.approvals)} more {p.label.lower()} approval"
        for p in policy_progress(revision, full_review=full_review)
        if not p.met
    ]
    return ", ".join(missing)


# --- Publishing --------------------------------------------------------------------------


def _check_current(revision: Revision, snapshots: list[RevisionPage]) -> None:
    """Refuse a revision built on publications or records that have moved on since."""
    change = revision.change
    frozen = {(r["model"], r["pk"]): r["history_id"] for r in revision.records}
    if owned_keys(change) != set(frozen) or _latest_history_ids(set(frozen)) != {
        key: history_id for key, history_id in frozen.items() if history_id is not None
    }:
        raise InvalidTransition(
            f"Change {change.pk} was edited after revision {revision.number}: submit it again."
        )
    # A page that went live since the revision was made, showing a record this change
    # edits, would keep the old version while the record's published version moved on.
    unseen = _live_pages_showing(set(frozen)) - {snapshot.page_id for snapshot in snapshots}
    if unseen:
        titles = ", ".join(
            f"“{current.publication.title}”"
            for current in CurrentPublication.objects.filter(page_id__in=unseen)
            .select_related("publication")
            .order_by("page_id")
        )
        raise InvalidTransition(
            f"{titles} went live after revision {revision.number} was made and shows a record "
            "this change edits. Submit the change again so that reviewers see that page too."
        )
    for snapshot in snapshots:
        current = CurrentPublication.objects.filter(page_id=snapshot.page_id).first()
        current_id = current.publication_id if current else None
        if current_id != snapshot.base_publication_id:
            raise InvalidTransition(
                f"“{snapshot.content['title']}” was published or unpublished by another change "
                f"after revision {revision.number} was made. Submit the change again so that "
                "reviewers approve it on top of what is public now."
            )
        holder = (
            CurrentPublication.objects.filter(slug=snapshot.content["slug"])
            .exclude(page_id=snapshot.page_id)
            .select_related("publication")
            .first()
        )
        if holder is not None:
            raise InvalidTransition(
                f"Readers still find “{holder.publication.title}” at the address "
                f"“{snapshot.content['slug']}”. Publish that page's new address, or unpublish "
                "it, before publishing another page there."
            )
        models_shown = {row["model"] for row in snapshot.manifest}
        published = {
            (name, pk): history_id
            for name, pk, history_id in PublishedVersion.objects.filter(
                model__in=models_shown
            ).values_list("model", "object_id", "history_id")
        }
        for row in snapshot.manifest:
            key = (row["model"], row["pk"])
            if key not in frozen and published.get(key) != row["history_id"]:
                raise InvalidTransition(
                    f"“{snapshot.content['title']}” shows a record that another change published "
                    f"after revision {revision.number} was made. Submit the change again."
                )


def _page_dates(
    snapshot: RevisionPage,
    base: Publication | None,
    today: datetime.date,
    full_review_day: datetime.date | None,
    reviewed_by: list[str],
    interval: int,
) -> dict[str, Any]:
    """The dates a new publication shows, each moved only by what justifies it.

    Last Revised moves when the content changed. Last medically reviewed, its
    reviewers and Next review due move only with a full review attested in this
    publication's revision; otherwise they are the base publication's, which got them
    the same way. No attested review on record: no review date, and due now.
    """
    revised = dates.last_revised(
        new_hash=snapshot.content_hash,
        base_hash=base.content_hash if base else None,
        base_last_revised=base.last_revised if base else None,
        today=today,
    )
    if full_review_day:
        reviewed, by = full_review_day, reviewed_by
    else:
        reviewed, by = (base.last_reviewed, base.reviewed_by) if base else (None, [])
    return {
        "last_revised": revised,
        "last_reviewed": reviewed,
        "reviewed_by": by,
        "review_attested": full_review_day is not None,
        "next_review_due": dates.next_review_due(last_reviewed=reviewed, interval_months=interval),
    }


def _write_publications(
    *,
    revision: Revision,
    editor: AbstractBaseUser,
    origin: str,
    last_revised: datetime.date | None = None,
) -> list[Publication]:
    """Write the revision's frozen snapshots as the pages' new publications.

    Holds the publishing lock from before the staleness check until the transaction
    ends: two publishes never both pass the check on the same state, and publication
    times follow the order in which they became public.
    """
    PublishingLock.acquire()
    now = timezone.now()
    today = timezone.localdate(now)
    snapshots = list(revision.pages.select_related("base_publication"))
    _check_current(revision, snapshots)
    interval = ReviewPolicy.active().review_interval_months
    full_day, reviewed_by = None, []
    if (
        origin == Publication.Origin.REVIEWED
        and len(snapshots) == 1
        and not policy_shortfall(revision, full_review=True)
    ):
        attesting = [r for p in policy_progress(revision, full_review=True) for r in p.approvals]
        full_day = timezone.localdate(max(r.created_at for r in attesting))
        reviewed_by = sorted({r.credential for r in attesting})
    publications = []
    for snapshot in snapshots:
        page_dates = _page_dates(
            snapshot, snapshot.base_publication, today, full_day, reviewed_by, interval
        )
        if last_revised is not None:
            page_dates["last_revised"] = last_revised
        publication = Publication.objects.create(
            page_id=snapshot.page_id,
            revision=revision,
            **publication_index(snapshot.content),
            content=snapshot.content,
            html=snapshot.html,
            json_ld=json_ld_text(page_data(snapshot.content, **dates_shown(page_dates))),
            content_hash=snapshot.content_hash,
            manifest=snapshot.manifest,
            summary=revision.summary,
            origin=origin,
            published_at=now,
            published_by=editor,
            **page_dates,
        )
        CurrentPublication.objects.update_or_create(
            page_id=snapshot.page_id,
            defaults={"publication": publication, "slug": publication.slug, "since": now},
        )
        publications.append(publication)
    for row in revision.records:
        if row["history_id"] is None:
            PublishedVersion.objects.filter(model=row["model"], object_id=row["pk"]).delete()
        else:
            PublishedVersion.objects.update_or_create(
                model=row["model"], object_id=row["pk"], defaults={"history_id": row["history_id"]}
            )
    revision.change.records.filter(released_at__isnull=True).update(released_at=now)
    send_on_commit(page_published, sender=Publication, publications=publications)
    return publications


def dates_shown(page_dates: dict[str, Any]) -> dict[str, Any]:
    return {name: page_dates[name] for name in ("last_revised", "last_reviewed", "reviewed_by")}


def _claim_for_publishing(change: Change, from_states: tuple[str, ...]) -> bool:
    # Compare-and-set: of two overlapping publishers, exactly one moves the state.
    return bool(
        Change.objects.filter(pk=change.pk, state__in=from_states).update(state=State.PUBLISHED)
    )


@_conflict_refused
@transaction.atomic
def revision_publish(*, revision: Revision, editor: AbstractBaseUser) -> list[Publication]:
    """Publish exactly this approved revision, now, in one transaction.

    Refuses without the policy's approvals (checked against credentials current now),
    and refuses a revision that is not its change's latest or whose base publication
    is no longer current. On any failure every previous publication stays current.
    """
    change = Change.objects.get(pk=revision.change_id)
    _transition(change, Action.PUBLISH, editor)
    current = change.current_revision()
    if current is None or current.pk != revision.pk:
        raise InvalidTransition(f"Revision {revision.number} is not change {change.pk}'s latest.")
    shortfall = policy_shortfall(revision)
    if shortfall:
        raise InvalidTransition(
            f"Change {change.pk} cannot be published yet: it needs {shortfall}."
        )
    if not _claim_for_publishing(change, (State.APPROVED, State.SCHEDULED)):
        raise AlreadyPublished(f"Change {change.pk} has just been published or changed.")
    publications = _write_publications(
        revision=revision, editor=editor, origin=Publication.Origin.REVIEWED
    )
    for publication in publications:
        _audit(
            AuditEntry.Action.PUBLISH,
            editor,
            change=change,
            revision=revision,
            page_id=publication.page_id,
            publication=publication,
        )
    return publications


@_conflict_refused
@transaction.atomic
def change_import_publish(
    *, change: Change, editor: AbstractBaseUser, last_revised: datetime.date, comment: str
) -> list[Publication]:
    """Publish content approved before this system existed, without review, and say so.

    The one exception to review-gated publishing, used by the seed import alone. It
    refuses any page that has ever been published, so it can never replace content
    that went through review here.
    """
    change = Change.objects.select_for_update().get(pk=change.pk)
    if change.kind != Change.Kind.IMPORT or change.state != State.DRAFT:
        raise InvalidTransition("Only a new import can be published without review.")
    revision = _freeze(change, editor, comment, "")
    for snapshot in revision.pages.all():
        if CurrentPublication.objects.filter(page_id=snapshot.page_id).exists():
            raise InvalidTransition(
                f"“{snapshot.content['title']}” is already published; an import cannot replace it."
            )
    change.state = State.PUBLISHED
    change.save(update_fields=["state"])
    publications = _write_publications(
        revision=revision,
        editor=editor,
        origin=Publication.Origin.IMPORTED,
        last_revised=last_revised,
    )
    for publication in publications:
        _audit(
            AuditEntry.Action.IMPORT,
            editor,
            change=change,
            revision=revision,
            page_id=publication.page_id,
            publication=publication,
            comment=comment,
        )
    return publications


@transaction.atomic
def revision_schedule(
    *, revision: Revision, editor: AbstractBaseUser, at: datetime.datetime
) -> Change:
    """Set an approved revision to be published at `at` by `publish_scheduled`."""
    change = Change.objects.select_for_update().get(pk=revision.change_id)
    state = _transition(change, Action.SCHEDULE, editor)
    if at <= timezone.now():
        raise InvalidTransition("Choose a time in the future, or publish now.")
    if change.current_revision().pk != revision.pk:
        raise InvalidTransition(f"Revision {revision.number} is not change {change.pk}'s latest.")
    change.state, change.scheduled_at, change.scheduled_by = state, at, editor
    change.save(update_fields=["state", "scheduled_at", "scheduled_by"])
    _audit(
        AuditEntry.Action.SCHEDULE,
        editor,
        change=change,
        revision=revision,
        comment=f"For {_when(at)}",
    )
    return change


@transaction.atomic
def change_unschedule(*, change: Change, editor: AbstractBaseUser) -> Change:
    change = Change.objects.select_for_update().get(pk=change.pk)
    change.state = _transition(change, Action.UNSCHEDULE, editor)
    change.scheduled_at = None
    change.save(update_fields=["state", "scheduled_at"])
    _audit(AuditEntry.Action.UNSCHEDULE, editor, change=change)
    return change


def publish_due(*, now: datetime.datetime | None = None) -> list[tuple[Change, str]]:
    """Publish every scheduled change that is due; what happened to each, in words.

    At run time the approvals and credentials are checked again: a change that no
    longer meets the policy, or has gone stale, is not published and returns to review.
    Safe to run from overlapping cron jobs: each change is published once.
    """
    now = now or timezone.now()
    outcomes = []
    due = Change.objects.filter(state=State.SCHEDULED, scheduled_at__lte=now).order_by(
        "scheduled_at"
    )
    for change in due:
        try:
            with transaction.atomic():
                revision = change.current_revision()
                editor = change.scheduled_by
                refusal = publisher_refusal(editor, change)
                if refusal:
                    raise InvalidTransition(
                        f"{display_name(editor)}, who scheduled it, may not publish it: {refusal}"
                    )
                revision_publish(revision=revision, editor=editor)
            outcomes.append((change, "published"))
        except InvalidTransition as refusal:
            if Change.objects.filter(pk=change.pk, state=State.PUBLISHED).exists():
                outcomes.append((change, "already published by another run"))
                continue
            with transaction.atomic():
                if Change.objects.filter(pk=change.pk, state=State.SCHEDULED).update(
                    state=State.IN_REVIEW, scheduled_at=None
                ):
                    _audit(
                        AuditEntry.Action.SCHEDULE_FAILED,
                        change.scheduled_by,
                        change=change,
                        revision=change.current_revision(),
                        comment=str(refusal),
                    )
            outcomes.append((change, f"not published: {refusal}"))
    return outcomes


@transaction.atomic
def page_unpublish(
    *, page: Page, editor: AbstractBaseUser, comment: str = ""
) -> CurrentPublication:
    """Take a page off the public site; every publication of it stays in the history."""
    if not is_managing_editor(editor):
        raise PermissionDenied("Only a managing editor may unpublish a page.")
    PublishingLock.acquire()
    current = CurrentPublication.objects.select_for_update().filter(page=page).first()
    if current is None or current.publication_id is None:
        raise InvalidTransition(f"“{page}” is not published.")
    previous = current.publication
    current.publication, current.slug, current.since = None, None, timezone.now()
    current.save(update_fields=["publication", "slug", "since"])
    send_on_commit(page_unpublished, sender=Publication, page=page, publication=previous)
    _audit(AuditEntry.Action.UNPUBLISH, editor, page=page, publication=previous, comment=comment)
    return current


# --- Withdrawing and reverting -----------------------------------------------------------


def _write_version(name: str, history_id: int, user: AbstractBaseUser, reason: str) -> models.Model:
    """Make a record's working row that historical version again (re-creating it if deleted)."""
    model = MODELS_BY_LABEL[name]
    instance = model.history.get(history_id=history_id).instance
    # Update the row if it exists; a default primary key would otherwise force an insert.
    instance._state.adding = not model.objects.filter(pk=instance.pk).exists()
    return save_with_history(instance, user=user, reason=reason)


def _restore(keys: list[RecordKey], user: AbstractBaseUser, reason: str) -> None:
    """Set each record's working row back to its published version; delete unpublished ones."""
    published = {
        (row.model, row.object_id): row.history_id
        for row in PublishedVersion.objects.filter(object_id__in=[pk for _, pk in keys])
    }
    order = {label(model): index for index, model in enumerate(CONTENT_MODELS)}
    ordered = sorted(keys, key=lambda key: order[key[0]])
    for name, pk in ordered:  # parents first, so restored rows have their parents
        history_id = published.get((name, pk))
        if history_id is not None:
            _write_version(name, history_id, user, reason)
    for name, pk in reversed(ordered):  # parts first, so nothing still points at them
        if (name, pk) not in published:
            row = MODELS_BY_LABEL[name].objects.filter(pk=pk).first()
            if row is not None:
                try:
                    delete_with_history(row, user=user, reason=reason)
                except ProtectedError as error:
                    raise InvalidTransition(
                        f"{row._meta.verbose_name} “{row}” is now used elsewhere; it cannot be removed."
                    ) from error


@transaction.atomic
def change_withdraw(*, change: Change, user: AbstractBaseUser, comment: str = "") -> Change:
    """Abandon a change: its records return to what is published and are released."""
    change = Change.objects.select_for_update().get(pk=change.pk)
    state = _transition(change, Action.WITHDRAW, user)
    keys = sorted(owned_keys(change))
    _restore(keys, user, f"Change {change.pk} withdrawn: restored the published version")
    change.records.filter(released_at__isnull=True).update(released_at=timezone.now())
    change.state, change.scheduled_at = state, None
    change.save(update_fields=["state", "scheduled_at"])
    _audit(AuditEntry.Action.WITHDRAW, user, change=change, comment=comment)
    return change


def _differs(name: str, pk: int, history_id: int) -> bool:
    """Whether a record's working row is not that historical version (or is gone)."""
    model = MODELS_BY_LABEL[name]
    row = model.objects.filter(pk=pk).first()
    if row is None:
        return True
    version = model.history.get(history_id=history_id).instance
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)]
    return any(getattr(row, f.attname) != getattr(version, f.attname) for f in fields)


@transaction.atomic
def publication_revert(*, publication: Publication, editor: AbstractBaseUser) -> Change:
    """Bring a page's records back to an older publication, as a new draft for review.

    Only the records whose working state differs from what that publication showed
    go into the draft (and are held from other writers); the rest are left alone.
    Nothing is published: the draft goes through review like any other change.
    """
    pinned = {(row["model"], row["pk"]): row["history_id"] for row in publication.manifest}
    # Parts of the page or its drugs that the old publication did not show are removed.
    drug_ids = [pk for name, pk in pinned if name == "drugs.drug"]
    extra: list[RecordKey] = []
    for model in PARENT_FIELD:
        parent_ids = drug_ids if PARENT_FIELD[model] == "drug" else [publication.page_id]
        for pk in model.objects.filter(**{f"{PARENT_FIELD[model]}_id__in": parent_ids}).values_list(
            "pk", flat=True
        ):
            if (label(model), pk) not in pinned:
                extra.append((label(model), pk))
    differing = [key for key, history_id in pinned.items() if _differs(*key, history_id)]
    if not differing and not extra:
        raise InvalidTransition(
            f"The page already shows what it showed on {_when(publication.published_at)}: "
            "there is nothing to revert."
        )
    for key in [*differing, *extra]:
        record_check_editable(user=editor, key=key)
    held = next(
        (claim.change for key in [*differing, *extra] if (claim := holding_record(key))), None
    )
    change = held or change_for_edit(user=editor, key=None)
    reason = f"Reverted to the publication of {_when(publication.published_at)}"
    order = {label(model): index for index, model in enumerate(CONTENT_MODELS)}
    for name, pk in sorted(differing, key=lambda key: order[key[0]]):
        instance = _write_version(name, pinned[(name, pk)], editor, reason)
        record_edit(user=editor, instance=instance, change=change)
    for name, pk in reversed(sorted(extra, key=lambda key: order[key[0]])):
        row = MODELS_BY_LABEL[name].objects.get(pk=pk)
        record_edit(user=editor, instance=row, change=change)
        delete_with_history(row, user=editor, reason=reason)
    _audit(
        AuditEntry.Action.REVERT,
        editor,
        change=change,
        page_id=publication.page_id,
        publication=publication,
        comment=reason,
    )
    return change


# --- Credentials -------------------------------------------------------------------------


def credential_refusal(*, editor: AbstractBaseUser, user: AbstractBaseUser) -> str | None:
    """Why `editor` may not set `user`'s credential, or None if they may.

    Only a credential administrator sets credentials: never a managing editor, who
    publishes, nor a superuser as such (invariant 8); and nobody sets their own.
    """
    if editor.is_active and editor.is_superuser:
        return _superuser_refusal("set credentials: a credential administrator does")
    if not may_set_credentials(editor):
        return "Only a credential administrator may set credentials."
    if user.pk == editor.pk:
        # Otherwise one person could grant themselves the approval they need.
        return "Nobody sets their own credential: ask another credential administrator."
    return None


@transaction.atomic
def credential_set(
    *,
    user: AbstractBaseUser,
    credential: str,
    valid_until: datetime.date | None,
    editor: AbstractBaseUser,
) -> ReviewerProfile:
    """Set a reviewer's credential, audited; see `credential_refusal` for who may."""
    refusal = credential_refusal(editor=editor, user=user)
    if refusal:
        raise PermissionDenied(refusal)
    if credential and credential not in ReviewerProfile.Credential.values:
        raise InvalidTransition(f"Unknown credential “{credential}”.")
    profile = ReviewerProfile.objects.filter(user=user).first() or ReviewerProfile(user=user)
    before = profile.credential or "none"
    profile.credential, profile.valid_until = credential, valid_until
    save_with_history(profile, user=editor, reason="Credential set")
    name, login = display_name(user), user.get_username()
    _audit(
        AuditEntry.Action.CREDENTIAL,
        editor,
        comment=(f"{name} ({login})" if name != login else name)
        + f": {before} → {credential or 'none'}"
        + (f", current until {valid_until:%Y-%m-%d}" if valid_until else ""),
    )
    return profile


# --- Reading the record of what was public -----------------------------------------------


def overdue_pages(*, today: datetime.date | None = None) -> models.QuerySet:
    """Live pages whose full medical review is due: never reviewed first, then most overdue.

    A page with no attested full review on record is due until one is attested.
    """
    today = today or timezone.localdate()
    return (
        CurrentPublication.objects.live()
        .filter(
            models.Q(publication__next_review_due__isnull=True)
            | models.Q(publication__next_review_due__lte=today)
        )
        .select_related("publication", "page")
        .order_by(models.F("publication__next_review_due").asc(nulls_first=True), "page_id")
    )


def public_view_at(*, page: Page, moment: datetime.datetime) -> Publication | None:
    """The publication the public read for `page` at `moment`; None if nothing was public."""
    publication = (
        Publication.objects.filter(page=page, published_at__lte=moment)
        .order_by("-published_at", "-pk")
        .first()
    )
    if publication is None:
        return None
    unpublished = AuditEntry.objects.filter(
        action=AuditEntry.Action.UNPUBLISH,
        page=page,
        at__gt=publication.published_at,
        at__lte=moment,
    ).exists()
    return None if unpublished else publication
