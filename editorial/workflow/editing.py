"""Edits go into changes: which change an edit joins, who holds a record, taking one over.

A record belongs to at most one open change. Another person's edit of a held record is
refused, saying who holds it and since when, until a managing editor takes it over.

A change writes in one language (`Change.language`). An English change (the first of
settings.LANGUAGES) edits the records themselves and holds no translation; a change in
another language holds only translations (`drugs.Translation` rows) into that language.
So a translator's draft never holds an English record, and an English edit never waits
on a translation.

Also here: the records a change owns and the pages it alters. Depends on `transitions`.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from drugs.models import Page, Translation

from ..languages import language_name, source_language, translation_languages
from ..lookups import live_pages_showing_records, live_translated_pages_showing_records
from ..models import (
    AuditEntry,
    Change,
    ChangeRecord,
    PublishedVersion,
    display_name,
)
from ..registry import MODELS_BY_LABEL, PARENT_FIELD, label
from ..snapshots import RecordKey
from .transitions import (
    TAKE_OVER_PERMISSION,
    Action,
    InvalidTransition,
    RecordHeld,
    State,
    _audit,
    _holds,
    _transition,
    _when,
    is_managing_editor,
)


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
            # The time ends "a.m." or "p.m.", so the sentence goes on after it.
            f"This record is in change {change.pk} by {display_name(change.author)} "
            f"since {_when(claim.claimed_at)}: ask them, or a managing editor, to release it."
        )


TRANSLATION = "drugs.translation"


def translation_language_checked(language: str) -> str:
    """`language` if records may be translated into it, else InvalidTransition saying which may."""
    if language not in translation_languages():
        offered = ", ".join(f"{name} ({code})" for code, name in translation_languages().items())
        raise InvalidTransition(
            f"There is no translation into “{language}”: records are translated into "
            f"{offered or 'no other language'}."
        )
    return language


def record_language(instance: models.Model) -> str:
    """The language an edit of `instance` writes in: a translation's own, else English.

    A translation into a language the site does not offer is refused here, so no change
    ever writes in one.
    """
    if label(instance) == TRANSLATION:
        return translation_language_checked(instance.language)
    return source_language()


def _check_language(change: Change, key: RecordKey, language: str) -> None:
    """Refuse a record whose language is not the one `change` writes in."""
    if change.language == language:
        return
    if language == source_language():
        raise InvalidTransition(
            f"Change {change.pk} is a translation into {language_name(change.language)}: "
            f"it holds only translations, so this edit of {key[0]} {key[1]} goes into an "
            f"{language_name(language)} change."
        )
    raise InvalidTransition(
        f"Change {change.pk} writes in {language_name(change.language)}: a translation into "
        f"{language_name(language)} goes into a change in that language."
    )


def _new_change_title(user: AbstractBaseUser, language: str) -> str:
    if language == source_language():
        return f"Edits by {display_name(user)}"
    return f"Translation into {language_name(language)} by {display_name(user)}"


def change_for_edit(
    *, user: AbstractBaseUser, key: RecordKey | None, language: str | None = None
) -> Change:
    """The change an edit goes into: the one holding the record, else the user's draft.

    A person's edits of records nobody holds join their newest draft change in the
    edit's language (English unless given); if they have none, a new change in that
    language is opened for them. So a translator starting to translate into Spanish gets
    their Spanish draft, or a new one, and never their English draft.
    """
    language = language or source_language()
    if language != source_language():
        translation_language_checked(language)
    if key is not None:
        record_check_editable(user=user, key=key)
        claim = holding_record(key)
        if claim:
            _check_language(claim.change, key, language)
            return claim.change
    draft = Change.objects.filter(
        author=user, state=State.DRAFT, kind=Change.Kind.EDIT, language=language
    ).first()
    return draft or Change.objects.create(
        title=_new_change_title(user, language),
        author=user,
        kind=Change.Kind.EDIT,
        language=language,
    )


@transaction.atomic
def record_edit(
    *, user: AbstractBaseUser, instance: models.Model, change: Change | None = None
) -> Change:
    """Put an edited (or deleted) record into its change, which returns to draft.

    Call it in the same transaction as the save. The change must be the author's own:
    editing a submitted change sends it back to draft, since its revision no longer
    matches its records and any approval of it no longer counts.

    The change writes in the record's language (`record_language`): a translation goes
    into a change in its language, every other record into an English one. A change
    given in another language is refused (InvalidTransition, saying which), and the
    caller's transaction rolls the save back.
    """
    key = record_key(instance)
    model = type(instance)
    if not user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}"):
        raise PermissionDenied("You may not edit this record.")
    language = record_language(instance)
    change = change or change_for_edit(user=user, key=key, language=language)
    change = Change.objects.select_for_update().get(pk=change.pk)
    record_check_editable(user=user, key=key)
    _check_language(change, key, language)
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
    # Into the editor's draft in the held change's language: a translation stays a translation.
    change = change_for_edit(user=editor, key=None, language=old.language)
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
        # Matched on PublishedVersion's (model, object_id) index, whatever the site's size.
        published = (
            model.history.filter(id__in=pks)
            .filter(
                Exists(
                    PublishedVersion.objects.filter(
                        model=label(model),
                        object_id=OuterRef("id"),
                        history_id=OuterRef("history_id"),
                    )
                )
            )
            .values_list(column, flat=True)
        )
        parents |= {(parent, pk) for pk in [*current, *published]}
    return parents


def _live_pages_showing(keys: set[RecordKey]) -> set[int]:
    """The live pages whose publication shows any of these records or their parents.

    An indexed lookup of the records in the publications' manifest rows
    (`PublicationRecord`), so it costs the same however many pages are live.
    """
    return live_pages_showing_records(keys | _parent_keys(keys))


def pages_altered(change: Change, keys: set[RecordKey]) -> list[int]:
    """Every page a change alters: its own pages, and every live page showing its records."""
    pages = {pk for name, pk in keys if name == "drugs.page"}
    if change.page_id:
        pages.add(change.page_id)
    return sorted(pages | _live_pages_showing(keys))


def _translated_records(keys: set[RecordKey]) -> set[RecordKey]:
    """The records that the owned translations translate, now and in their history."""
    pks = [pk for name, pk in keys if name == label(Translation)]
    if not pks:
        return set()
    return set(Translation.history.filter(id__in=pks).values_list("model", "object_id").distinct())


def translated_live_pages_showing(keys: set[RecordKey], language: str) -> set[int]:
    """The pages whose live publication in `language` shows one of these translations, or
    a record one of them translates (a first translation of a drug the page shows)."""
    return live_translated_pages_showing_records(keys | _translated_records(keys), language)


def translated_pages_altered(change: Change, keys: set[RecordKey]) -> list[int]:
    """Every page a change in another language alters: the pages whose own translation
    (of the page record) it holds, and every page whose live publication in its language
    shows a translation it holds or a record one of them translates."""
    pages = {pk for name, pk in _translated_records(keys) if name == label(Page)}
    if change.page_id:
        pages.add(change.page_id)
    return sorted(pages | translated_live_pages_showing(keys, change.language))


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


def may_rename(user: AbstractBaseUser, change: Change) -> bool:
    """Whether `user` may retitle `change`: its author or a managing editor, while it is open."""
    return (
        change.is_open
        and user.is_authenticated
        and user.is_active
        and (user.pk == change.author_id or is_managing_editor(user))
    )


@transaction.atomic
def change_rename(*, change: Change, user: AbstractBaseUser, title: str) -> Change:
    """Give an open change the title its author chose (“Edits by NAME” until then).

    The title is for editors only: no revision, approval or publication reads it, so
    renaming a change in review does not restart its review. Its history records who
    renamed it and from what.
    """
    title = " ".join(title.split())
    if not title:
        raise InvalidTransition("Give the change a title.")
    if not change.is_open:
        raise InvalidTransition(
            f"Change {change.pk} is {change.get_state_display().lower()}: its title is kept "
            "as it was."
        )
    if not may_rename(user, change):
        raise PermissionDenied(
            f"Only its author or a managing editor may rename change {change.pk}."
        )
    change = Change.objects.select_for_update().get(pk=change.pk)
    if title != change.title:
        change._change_reason = f"Renamed from “{change.title}”"
        change.title = title
        change.save(update_fields=["title"])
    return change
