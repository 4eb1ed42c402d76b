"""Submitting a change for review, and the review itself.

Submitting freezes a revision: a snapshot of every page the change alters, its own edits
on top of the published state of everything else. Reviewers approve or send back that
exact revision (named by its content hash); nobody reviews a change they edited. The
active policy of the change's language (never less than one physician and one oncology
nurse) says how many approvals count, from credentials current now, and whether only
from reviewers who review in that language. Depends on `transitions` and `editing`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from config.history import save_with_history
from drugs.models import Page

from .. import notifications
from ..diffing import common_changes, page_changes
from ..languages import language_name, translated_language
from ..models import (
    AuditEntry,
    Change,
    Comment,
    CredentialKind,
    CurrentPublication,
    CurrentTranslation,
    PageDiffOpened,
    Review,
    ReviewClaim,
    ReviewerProfile,
    Revision,
    RevisionPage,
    Signature,
)
from ..registry import label
from ..signing import Signing, SigningRefused, signing_refusal
from ..snapshots import (
    ContentSource,
    RecordKey,
    RecordStore,
    content_hash,
    page_snapshot,
    render_page_body,
)
from .editing import _latest_history_ids, owned_keys, pages_altered, translated_pages_altered
from .transitions import (
    PUBLISH_PERMISSION,
    Action,
    InvalidTransition,
    State,
    _audit,
    _transition,
    active_policy,
    is_managing_editor,
    may_view_drafts,
    next_state,
    reviewer_refusal,
)

# The floor under any review policy (docs/architecture.md, invariant 3).
MINIMUM_APPROVALS = {CredentialKind.PHYSICIAN: 1, CredentialKind.ONCOLOGY_NURSE: 1}


def _freeze(change: Change, user: AbstractBaseUser, note: str, summary: str) -> Revision:
    """Snapshot every page the change alters into a new revision.

    Every record the pages show is read once for all of them (`RecordStore.preload`),
    and the revision's pages are written in one insert: the queries do not grow with
    the number of pages. A change in another language freezes its pages in that
    language, each on top of the page's live publication in it (`_translated_pages`).
    """
    keys = owned_keys(change)
    latest = _latest_history_ids(keys)
    records = sorted(
        ({"model": name, "pk": pk, "history_id": latest.get((name, pk))} for name, pk in keys),
        key=lambda row: (row["model"], row["pk"]),
    )
    language = translated_language(change.language)
    if language is None:
        page_ids = pages_altered(change, keys)
        bases = dict(
            CurrentPublication.objects.filter(page_id__in=page_ids).values_list(
                "page_id", "publication_id"
            )
        )
    else:
        page_ids, bases = _translated_pages(change, keys, language)
    store = RecordStore(keys, latest_owned=latest, language=language)
    store.preload(page_ids)
    snapshots = []
    for page_id in page_ids:
        source = ContentSource(store=store)
        content = page_snapshot(source, page_id, language)
        if content is None:
            continue
        if language is not None:
            _check_translated(content, store.rows[(label(Page), page_id)][0])
            with translation.override(language):
                html = render_page_body(content)
        else:
            html = render_page_body(content)
        snapshots.append(
            {
                "page_id": page_id,
                "base_publication_id": bases.get(page_id),
                "content": content,
                "html": html,
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
    RevisionPage.objects.bulk_create(
        RevisionPage(revision=revision, **snapshot) for snapshot in snapshots
    )
    return revision


def _translated_pages(
    change: Change, keys: set[RecordKey], language: str
) -> tuple[list[int], dict[int, int | None]]:
    """The pages a change in `language` alters, and each one's live publication in it.

    Refuses a page that has no live English publication: a translation is made from one.
    """
    page_ids = translated_pages_altered(change, keys)
    english = set(
        CurrentPublication.objects.live()
        .filter(page_id__in=page_ids)
        .values_list("page_id", flat=True)
    )
    if set(page_ids) - english:
        page = Page.objects.filter(pk__in=set(page_ids) - english).order_by("pk").first()
        raise InvalidTransition(
            f"“{page.title}” has no live English publication to translate from: "
            "publish it in English first."
        )
    bases = dict(
        CurrentTranslation.objects.filter(page_id__in=page_ids, language=language).values_list(
            "page_id", "publication_id"
        )
    )
    return page_ids, bases


def _check_translated(content: dict, page: Page | None) -> None:
    """Refuse a translated page whose title or introduction is not translated yet."""
    missing = [
        name
        for name, field in (("title", "title"), ("introduction", "intro"))
        if content[field] is None
    ]
    if missing:
        title = page.title if page is not None else content["slug"]
        raise InvalidTransition(
            f"“{title}” cannot be submitted in {language_name(content['language'])}: "
            f"its {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not translated yet."
        )


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
    active_policy(change.language)  # nobody could approve it
    revision = _freeze(change, user, note.strip(), summary.strip())
    change.state = state
    change.save(update_fields=["state"])
    change.review_claims.all().delete()  # a new revision is a new review
    _audit(AuditEntry.Action.SUBMIT, user, change=change, revision=revision, comment=note)
    notifications.notify_submitted(revision=revision)
    return revision


@transaction.atomic
def page_sign_off_start(
    *, page: Page, user: AbstractBaseUser, note: str = "", language: str | None = None
) -> Revision:
    """Ask the policy's reviewers to review a published page whole, unchanged, in
    `language` (None: the default language).

    Their full-review approvals, once published, move that language's Last medically
    reviewed and Next review due; the content, its hash and Last Revised stay as they
    are. Each language has its own: a page live in Spanish is reviewed in Spanish, under
    the Spanish policy, by reviewers who review in it.
    """
    if not user.has_perm(PUBLISH_PERMISSION) and not user.has_perm("drugs.change_page"):
        raise PermissionDenied("You may not start a medical review.")
    translated = translated_language(language)
    if translated is None:
        live = CurrentPublication.objects.live().filter(page=page).exists()
    else:
        live = CurrentTranslation.objects.filter(
            page=page, language=translated, slug__isnull=False
        ).exists()
    if not live:
        where = f" in {language_name(translated)}" if translated else ""
        raise InvalidTransition(f"“{page}” is not published{where}: there is nothing to sign off.")
    change = Change.objects.create(
        title=f"Periodic medical review: {page.title}"
        + (f" ({language_name(translated)})" if translated else ""),
        kind=Change.Kind.SIGN_OFF,
        author=user,
        page=page,
        **({"language": translated} if translated else {}),
    )
    _audit(AuditEntry.Action.SIGN_OFF, user, change=change, page=page, comment=note)
    return change_submit(change=change, user=user, note=note, summary="")


def _check_reviewable(
    revision: Revision,
    reviewer: AbstractBaseUser,
    shown_hash: str,
    action: str,
    signing: Signing | None,
) -> Change:
    change = Change.objects.select_for_update().get(pk=revision.change_id)
    next_state(change, action)
    refusal = reviewer_refusal(reviewer, change)
    if refusal:
        raise PermissionDenied(refusal)
    refusal = signing_refusal(signing, reviewer, revision.content_hash)
    if refusal:
        raise SigningRefused(refusal)
    current = change.current_revision()
    if current is None or current.pk != revision.pk or shown_hash != revision.content_hash:
        raise InvalidTransition(
            "This change has moved on since you opened it: review its latest revision."
        )
    if revision.reviews.filter(reviewer=reviewer).exists():
        raise InvalidTransition("You have already reviewed this revision.")
    return change


def _review(
    revision: Revision,
    reviewer: AbstractBaseUser,
    decision: str,
    comment: str,
    full: bool,
    signing: Signing,
) -> tuple[Review, Signature]:
    """The review and its signature, both as the reviewer's credential stands now."""
    profile = ReviewerProfile.objects.get(user_id=reviewer.pk)
    review = Review.objects.create(
        revision=revision,
        reviewer=reviewer,
        decision=decision,
        comment=comment,
        is_full_review=full,
        credential=profile.credential,
        credential_kind=profile.kind,
    )
    if decision == Review.Decision.REQUEST_CHANGES:
        meaning = Signature.Meaning.CHANGES_REQUESTED
    else:
        meaning = Signature.Meaning.FULL_REVIEW if full else Signature.Meaning.APPROVED
    signature = Signature.objects.create(
        review=review,
        signer=reviewer,
        printed_name=profile.printed_name.strip(),
        credential=profile.credential,
        credential_kind=profile.kind,
        credential_valid_until=profile.valid_until,
        meaning=meaning,
        signed_at=signing.at,
        time_zone=settings.TIME_ZONE,
        revision=revision,
        content_hash=revision.content_hash,
        method=signing.method,
        passkey_credential_id=signing.passkey_credential_id,
        webauthn_assertion=dict(signing.webauthn_assertion),
    )
    return review, signature


@transaction.atomic
def revision_approve(
    *,
    revision: Revision,
    reviewer: AbstractBaseUser,
    content_hash: str,
    signing: Signing | None,
    comment: str = "",
    full_review: bool = False,
) -> Review:
    """Approve exactly the revision the reviewer was shown (named by its content hash).

    `full_review` attests the reviewer reviewed the whole page; it is only possible on
    a revision that alters one page, and a periodic sign-off is always one.

    An approval is a signature: `signing` must be the reviewer's own re-authentication
    (`editorial.signing`), the reviewer must have a printed name and have certified
    their signature; the `Signature` is written with the review, and the audit entry
    names it.
    """
    change = _check_reviewable(revision, reviewer, content_hash, Action.APPROVE, signing)
    if change.kind == Change.Kind.SIGN_OFF:
        full_review = True
    if full_review and revision.pages.count() != 1:
        raise InvalidTransition(
            "A full medical review covers one page; this change alters "
            f"{revision.pages.count()}. Approve it without marking a full review."
        )
    unopened = pages_to_open(revision, reviewer)
    if unopened:
        names = ", ".join(f"“{title}”" for title in unopened[:5])
        more = f" and {len(unopened) - 5} more" if len(unopened) > 5 else ""
        raise InvalidTransition(
            "These pages read differently from the passages the others share; open the diff "
            f"of each before approving: {names}{more}."
        )
    review, signature = _review(
        revision, reviewer, Review.Decision.APPROVE, comment, full_review, signing
    )
    change.review_claims.filter(reviewer=reviewer).delete()
    _audit(
        AuditEntry.Action.APPROVE,
        reviewer,
        change=change,
        revision=revision,
        comment=comment,
        signature=signature,
    )
    notifications.notify_reviewed(review=review)
    if change.state == State.IN_REVIEW and not policy_shortfall(revision):
        change.state = State.APPROVED
        change.save(update_fields=["state"])
        notifications.notify_approved(revision=revision)
    return review


def pages_to_open(revision: Revision, reviewer: AbstractBaseUser) -> list[str]:
    """The titles of the pages `reviewer` must open before approving `revision`.

    The rule: a change that alters many pages is read once, as the passages most of its
    pages share (`diffing.common_changes`). A page whose own diff reads differently
    (the change shows there under another heading, or also touches that page's own
    content) was not seen in those passages, so each reviewer must open that page's
    diff, and that opening is recorded (`PageDiffOpened`), before they may approve. A
    one-page revision has nothing to open.
    """
    rows = list(
        revision.pages.order_by("page_id").values_list(
            "pk", "content__title", "base_publication__html", "html"
        )
    )
    changes = {pk: page_changes(before or "", after) for pk, _, before, after in rows}
    common = common_changes(changes.values())
    opened = set(
        PageDiffOpened.objects.filter(
            reviewer=reviewer, revision_page__revision=revision
        ).values_list("revision_page_id", flat=True)
    )
    return sorted(title for pk, title, _, _ in rows if changes[pk] != common and pk not in opened)


@transaction.atomic
def revision_request_changes(
    *,
    revision: Revision,
    reviewer: AbstractBaseUser,
    content_hash: str,
    comment: str,
    signing: Signing | None,
) -> Review:
    """Send the revision back to its author with what to change.

    Signed as an approval is (`revision_approve`), with the meaning "Requested changes".
    """
    change = _check_reviewable(revision, reviewer, content_hash, Action.REQUEST_CHANGES, signing)
    if not comment.strip():
        raise InvalidTransition("Say what needs to change.")
    review, signature = _review(
        revision, reviewer, Review.Decision.REQUEST_CHANGES, comment, False, signing
    )
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
        signature=signature,
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


def may_comment(user: AbstractBaseUser) -> bool:
    """Whether `user` may comment on changes: whoever may read drafts may discuss them."""
    return may_view_drafts(user)


def may_claim(user: AbstractBaseUser, change: Change) -> bool:
    """Whether to offer `user` to claim `change` ("I'm reviewing this").

    Only while the change waits in review, only to someone who may review it, and
    not again to a reviewer who has already claimed it.
    """
    return (
        change.state == State.IN_REVIEW
        and reviewer_refusal(user, change) is None
        and not change.review_claims.filter(reviewer=user).exists()
    )


@transaction.atomic
def comment_add(
    *, change: Change, author: AbstractBaseUser, body: str, parent: Comment | None = None
) -> Comment:
    """Add a remark, or a reply to one, to the change's thread, on its current revision."""
    if not may_comment(author):
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
    """Per credential the policy of the change's language requires, the approvals that count now.

    An approval counts if it is on this revision, by someone who did not edit the
    change, whose credential of that kind is current today and, where the policy asks
    for reviewers in its language, who reviews in that language today.
    """
    change = revision.change
    policy = active_policy(change.language)
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
        if policy.reviewers_in_language and not profile.reviews_in(policy.language):
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
