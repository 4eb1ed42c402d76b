"""Publishing, scheduling, unpublishing, withdrawing and reverting; the dates readers see.

Publishing writes a revision's frozen snapshots in one transaction, holding the
publishing lock from the staleness check to the commit. It needs the policy's approvals
from credentials current now and refuses a revision built on a publication or record
that has moved on, so it never rolls back anyone else's published edits; a deadlock is
refused the same way. Last Revised moves only with the content's hash; Last medically
reviewed only with an attested full review. Depends on `transitions`, `editing` and
`review`.
"""

import datetime
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from config.history import delete_with_history, save_with_history
from drugs.models import Page

from .. import dates
from ..compliance import compliance_numbers_write
from ..languages import language_name, translated_language
from ..lookups import first_page_showing_stale_record, lookups_write, records_condition
from ..models import (
    AuditEntry,
    Change,
    CurrentPublication,
    CurrentTranslation,
    Publication,
    PublicationTranslation,
    PublishedVersion,
    PublishingLock,
    Revision,
    RevisionPage,
    display_name,
)
from ..registry import CONTENT_MODELS, MODELS_BY_LABEL, PARENT_FIELD, label
from ..signals import page_published, page_unpublished, send_on_commit
from ..snapshots import RecordKey, publication_index
from ..structured_data import json_ld_text, page_data
from ..versions import in_language, next_version, previous_versions, versions_write
from .editing import (
    _latest_history_ids,
    _live_pages_showing,
    change_for_edit,
    holding_record,
    owned_keys,
    record_check_editable,
    record_edit,
    translated_live_pages_showing,
)
from .review import _freeze, policy_progress, policy_shortfall
from .transitions import (
    Action,
    AlreadyPublished,
    InvalidTransition,
    PublishConflict,
    State,
    _audit,
    _transition,
    _when,
    active_policy,
    is_managing_editor,
    publisher_refusal,
)

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


def _check_current(revision: Revision, snapshots: list[RevisionPage]) -> None:
    """Refuse a revision built on publications or records that have moved on since.

    Each check reads what it needs for every page at once, so it costs a fixed number
    of queries however many pages the revision holds; pages are checked in order, so
    the refusal names the first page that fails. A revision of a change in another
    language is checked against the live pointers of that language, and against every
    English record its pages read like any other record.
    """
    change = revision.change
    language = translated_language(change.language)
    frozen = {(r["model"], r["pk"]): r["history_id"] for r in revision.records}
    if owned_keys(change) != set(frozen) or _latest_history_ids(set(frozen)) != {
        key: history_id for key, history_id in frozen.items() if history_id is not None
    }:
        raise InvalidTransition(
            f"Change {change.pk} was edited after revision {revision.number}: submit it again."
        )
    # A page that went live since the revision was made, showing a record this change
    # edits, would keep the old version while the record's published version moved on.
    pointers = (
        CurrentPublication.objects.all()
        if language is None
        else CurrentTranslation.objects.filter(language=language)
    )
    showing = (
        _live_pages_showing(set(frozen))
        if language is None
        else translated_live_pages_showing(set(frozen), language)
    )
    unseen = showing - {snapshot.page_id for snapshot in snapshots}
    if unseen:
        titles = ", ".join(
            f"“{current.publication.title}”"
            for current in pointers.filter(page_id__in=unseen)
            .select_related("publication")
            .order_by("page_id")
        )
        raise InvalidTransition(
            f"{titles} went live after revision {revision.number} was made and shows a record "
            "this change edits. Submit the change again so that reviewers see that page too."
        )
    page_ids = [snapshot.page_id for snapshot in snapshots]
    live = dict(pointers.filter(page_id__in=page_ids).values_list("page_id", "publication_id"))
    holders = {
        current.slug: current
        for current in pointers.filter(
            slug__in=[snapshot.content["slug"] for snapshot in snapshots]
        )
        .select_related("publication")
        .only("page_id", "slug", "publication__title")
    }
    stale = first_page_showing_stale_record(revision.pk)
    for snapshot in snapshots:
        if live.get(snapshot.page_id) != snapshot.base_publication_id:
            raise InvalidTransition(
                f"“{snapshot.content['title']}” was published or unpublished by another change "
                f"after revision {revision.number} was made. Submit the change again so that "
                "reviewers approve it on top of what is public now."
            )
        holder = holders.get(snapshot.content["slug"])
        if holder is not None and holder.page_id != snapshot.page_id:
            raise InvalidTransition(
                f"Readers still find “{holder.publication.title}” at the address "
                f"“{snapshot.content['slug']}”. Publish that page's new address, or unpublish "
                "it, before publishing another page there."
            )
        if snapshot.page_id == stale:
            raise InvalidTransition(
                f"“{snapshot.content['title']}” shows a record that another change published "
                f"after revision {revision.number} was made. Submit the change again."
            )


# What a new publication takes from the one it replaces (`_page_dates`).
BASE_FIELDS = ("content_hash", "last_revised", "last_reviewed", "reviewed_by")


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
    # Of the base publications, only the dates and hash the new ones carry on.
    snapshots = list(
        revision.pages.select_related("base_publication").only(
            *(field.name for field in RevisionPage._meta.concrete_fields),
            *(f"base_publication__{name}" for name in BASE_FIELDS),
        )
    )
    language = translated_language(revision.change.language)
    _check_current(revision, snapshots)
    sources = _translation_sources(snapshots) if language is not None else {}
    signs_off = revision.change.kind == Change.Kind.SIGN_OFF
    kept = _kept_translations(snapshots) if language is not None and signs_off else {}
    interval = active_policy(revision.change.language).review_interval_months
    full_day, reviewed_by = None, []
    if (
        origin == Publication.Origin.REVIEWED
        and len(snapshots) == 1
        and not policy_shortfall(revision, full_review=True)
    ):
        attesting = [r for p in policy_progress(revision, full_review=True) for r in p.approvals]
        full_day = timezone.localdate(max(r.created_at for r in attesting))
        reviewed_by = sorted({r.credential for r in attesting})
    # Each page's newest publication, live or not: what a new version counts from.
    previous = previous_versions(revision.pages.values("page_id"), language)
    publications, numbers = [], {}
    for snapshot in snapshots:
        page_dates = _page_dates(
            snapshot, snapshot.base_publication, today, full_day, reviewed_by, interval
        )
        if last_revised is not None:
            page_dates["last_revised"] = last_revised
        numbers[snapshot.page_id] = next_version(
            previous.get(snapshot.page_id), snapshot.content_hash, page_dates["last_revised"]
        )
        publications.append(
            Publication(
                page_id=snapshot.page_id,
                revision=revision,
                **publication_index(snapshot.content),
                content=snapshot.content,
                html=snapshot.html,
                json_ld=json_ld_text(
                    page_data(
                        snapshot.content,
                        **dates_shown(page_dates),
                        version=numbers[snapshot.page_id][0],
                    )
                ),
                content_hash=snapshot.content_hash,
                manifest=snapshot.manifest,
                summary=revision.summary,
                origin=origin,
                published_at=now,
                published_by=editor,
                **page_dates,
            )
        )
        if language is not None:
            source = sources[snapshot.page_id]
            tie = kept.get(snapshot.page_id) or {
                "source": source,
                "source_content_hash": source.content_hash,
            }
            # Written with the publication, and covered by its hash (`translation_record`).
            publications[-1].pending_translation = PublicationTranslation(language=language, **tie)
    # One insert each, whatever the number of pages: the publications (each sealed
    # with its hash), their lookup rows, versions and compliance numbers, and the live
    # pointers moved onto them.
    publications = Publication.objects.bulk_create_from_snapshots(
        publications, [snapshot.pk for snapshot in snapshots]
    )
    lookups_write(revision.pk, publications)
    versions_write(publications, numbers)
    compliance_numbers_write(publications)
    if language is None:
        CurrentPublication.objects.bulk_create(
            [
                CurrentPublication(
                    page_id=publication.page_id,
                    publication=publication,
                    slug=publication.slug,
                    since=now,
                )
                for publication in publications
            ],
            update_conflicts=True,
            unique_fields=["page"],
            update_fields=["publication", "slug", "since"],
        )
    else:
        _translations_write(publications, language, now)
    _published_versions_write(revision.records)
    revision.change.records.filter(released_at__isnull=True).update(released_at=now)
    send_on_commit(page_published, sender=Publication, publications=publications)
    return publications


def _translation_sources(snapshots: list[RevisionPage]) -> dict[int, Publication]:
    """Each page's live English publication, which its translation is published from.

    Refuses a page that is no longer published in English: there is nothing to
    translate from, and nothing for readers to compare with.
    """
    sources = {
        current.page_id: current.publication
        for current in CurrentPublication.objects.live()
        .filter(page_id__in=[snapshot.page_id for snapshot in snapshots])
        .select_related("publication")
        .only("page_id", "publication__content_hash", "publication__title")
    }
    for snapshot in snapshots:
        if snapshot.page_id not in sources:
            raise InvalidTransition(
                f"“{snapshot.content['title']}” is no longer published in English, which it "
                "is translated from. Publish the English page, then submit the change again."
            )
    return sources


def _kept_translations(snapshots: list[RevisionPage]) -> dict[int, dict[str, Any]]:
    """What each translated page a periodic sign-off republishes stays translated from.

    The rule: a translation is tied to the English it was made from. A sign-off
    translates nothing, so a page it republishes unchanged keeps its base publication's
    source and stays as up to date, or as out of date, as it was. A translator's change
    is a translation, even one that confirms the words as they were: it is tied to the
    English live when it is published.
    """
    unchanged = [
        snapshot.base_publication_id
        for snapshot in snapshots
        if snapshot.base_publication_id is not None
        and snapshot.base_publication.content_hash == snapshot.content_hash
    ]
    return {
        row.publication.page_id: {
            "source_id": row.source_id,
            "source_content_hash": row.source_content_hash,
        }
        for row in PublicationTranslation.objects.filter(publication_id__in=unchanged)
        .select_related("publication")
        .only("source_id", "source_content_hash", "publication__page_id")
    }


def _translations_write(
    publications: list[Publication], language: str, now: datetime.datetime
) -> None:
    """Write each translated publication's language and source, and move the page's live
    pointer in that language onto it (`CurrentTranslation`); English stays as it is."""
    rows = []
    for publication in publications:
        row = publication.pending_translation
        row.publication = publication
        rows.append(row)
    PublicationTranslation.objects.bulk_create(rows)
    CurrentTranslation.objects.bulk_create(
        [
            CurrentTranslation(
                page_id=publication.page_id,
                language=language,
                publication=publication,
                slug=publication.slug,
                since=now,
            )
            for publication in publications
        ],
        update_conflicts=True,
        unique_fields=["page", "language"],
        update_fields=["publication", "slug", "since"],
    )


def _published_versions_write(records: list[dict[str, Any]]) -> None:
    """Move each record's published version to the revision's; a deleted record has none."""
    gone = [(row["model"], row["pk"]) for row in records if row["history_id"] is None]
    if gone:
        PublishedVersion.objects.filter(records_condition(gone)).delete()
    PublishedVersion.objects.bulk_create(
        [
            PublishedVersion(model=row["model"], object_id=row["pk"], history_id=row["history_id"])
            for row in records
            if row["history_id"] is not None
        ],
        update_conflicts=True,
        unique_fields=["model", "object_id"],
        update_fields=["history_id"],
    )


def _audit_published(
    action: str,
    editor: AbstractBaseUser,
    change: Change,
    revision: Revision,
    publications: list[Publication],
    comment: str = "",
) -> None:
    """One audit entry per publication, appended to the chain in one insert."""
    at = timezone.now()
    AuditEntry.append_all(
        [
            AuditEntry(
                action=action,
                actor=editor,
                at=at,
                change=change,
                revision=revision,
                page_id=publication.page_id,
                publication=publication,
                comment=comment,
            )
            for publication in publications
        ]
    )


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
    _audit_published(AuditEntry.Action.PUBLISH, editor, change, revision, publications)
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
    _audit_published(AuditEntry.Action.IMPORT, editor, change, revision, publications, comment)
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
    *, page: Page, editor: AbstractBaseUser, comment: str = "", language: str | None = None
) -> CurrentPublication | CurrentTranslation:
    """Take a page off the public site; every publication of it stays in the history.

    In another language (`language`), only the page's publication in that language
    comes down; its English publication stays live.
    """
    if not is_managing_editor(editor):
        raise PermissionDenied("Only a managing editor may unpublish a page.")
    language = translated_language(language)
    PublishingLock.acquire()
    if language is None:
        current = CurrentPublication.objects.select_for_update().filter(page=page).first()
    else:
        current = (
            CurrentTranslation.objects.select_for_update()
            .filter(page=page, language=language)
            .first()
        )
    if current is None or current.publication_id is None:
        raise InvalidTransition(
            f"“{page}” is not published" + (f" in {language_name(language)}." if language else ".")
        )
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


# --- Reading the record of what was public -----------------------------------------------


def overdue_pages(
    *, today: datetime.date | None = None, language: str | None = None
) -> models.QuerySet:
    """Live pages whose full medical review is due: never reviewed first, then most overdue.

    A page with no attested full review on record is due until one is attested. Each
    language has its own queue: in another `language`, the pages live in it (their
    `CurrentTranslation`), by the dates of their publications there.
    """
    today = today or timezone.localdate()
    translated = translated_language(language)
    live = (
        CurrentPublication.objects.live()
        if translated is None
        else CurrentTranslation.objects.filter(language=translated, slug__isnull=False)
    )
    return (
        live.filter(
            models.Q(publication__next_review_due__isnull=True)
            | models.Q(publication__next_review_due__lte=today)
        )
        .select_related("publication", "page")
        .order_by(models.F("publication__next_review_due").asc(nulls_first=True), "page_id")
    )


def public_view_at(
    *, page: Page, moment: datetime.datetime, language: str | None = None
) -> Publication | None:
    """The publication the public read for `page` in `language` (None: the default) at
    `moment`; None if nothing was public in it. Each language has its own past."""
    language = translated_language(language)
    publication = (
        Publication.objects.filter(in_language(language), page=page, published_at__lte=moment)
        .order_by("-published_at", "-pk")
        .first()
    )
    if publication is None:
        return None
    # An unpublish entry names the publication it took down, so it has its language.
    unpublished = AuditEntry.objects.filter(
        action=AuditEntry.Action.UNPUBLISH,
        page=page,
        at__gt=publication.published_at,
        at__lte=moment,
    )
    if language is None:
        unpublished = unpublished.exclude(publication__translation__isnull=False)
    else:
        unpublished = unpublished.filter(publication__translation__language=language)
    unpublished = unpublished.exists()
    return None if unpublished else publication
