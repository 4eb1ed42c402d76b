"""What needs each person now: the sections of their admin front page.

Plain queries over changes, claims and publications; the admin index template shows
the result and every row links to the screen where the person acts.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from . import translation_state, workflow
from .languages import language_name
from .models import Change, ChangeRecord
from .registry import MODELS_BY_LABEL

State = Change.State


@dataclass(frozen=True)
class Row:
    what: str
    who: str
    since: datetime.datetime | datetime.date | None
    url: str
    action: str
    note: str = ""
    language: str = ""  # the name of a change's language, when it is not the default one


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    empty: str
    rows: list[Row] = field(default_factory=list)


def _change_row(change: Change, action: str, since=None, note: str = "") -> Row:
    return Row(
        what=str(change),
        who=workflow.display_name(change.author),
        since=since or change.created_at,
        url=change.get_absolute_url(),
        action=action,
        note=note,
        language=""
        if change.language == settings.LANGUAGES[0][0]
        else language_name(change.language),
    )


def _reviewing_note(change: Change) -> str:
    names = [workflow.display_name(claim.reviewer) for claim in change.review_claims.all()]
    return f"Being reviewed by {', '.join(names)}" if names else ""


def _submitted_at(change: Change):
    revision = change.current_revision()
    return revision.created_at if revision else change.created_at


def _author_sections(mine) -> list[Section]:
    sections: list[Section] = []
    sections.append(
        Section(
            "changes_requested",
            "Changes requested of me",
            "No reviewer has asked you for changes.",
            [
                _change_row(c, "Revise", _submitted_at(c))
                for c in mine.filter(state=State.CHANGES_REQUESTED)
            ],
        )
    )
    sections.append(
        Section(
            "in_review",
            "My changes in review",
            "None of your changes is in review.",
            [
                _change_row(
                    c,
                    "Open",
                    _submitted_at(c),
                    f"{c.get_state_display()}. {_reviewing_note(c)}".strip(),
                )
                for c in mine.filter(state__in=[State.IN_REVIEW, State.APPROVED, State.SCHEDULED])
            ],
        )
    )
    sections.append(
        Section(
            "drafts",
            "My drafts",
            "You have no draft open.",
            [_change_row(c, "Submit") for c in mine.filter(state=State.DRAFT)],
        )
    )
    return sections


def dashboard_sections(user: AbstractBaseUser) -> list[Section]:
    """The person's work, most urgent first; sections they have no part in are left out."""
    changes = Change.objects.select_related("author").prefetch_related("review_claims__reviewer")
    sections: list[Section] = []

    if getattr(user, "reviewer_profile", None) is not None:
        # Changes in a language the reviewer does not review in, where its policy asks
        # for reviewers in it, are not theirs to review (workflow.language_refusal).
        waiting = []
        for change in changes.filter(state=State.IN_REVIEW).order_by("created_at"):
            revision = change.current_revision()
            if (
                revision
                and workflow.reviewer_refusal(user, change) is None
                and not revision.reviews.filter(reviewer=user).exists()
            ):
                waiting.append(
                    _change_row(change, "Review", _submitted_at(change), _reviewing_note(change))
                )
        sections.append(
            Section("review", "Awaiting my review", "Nothing is waiting for you.", waiting)
        )

    mine = changes.filter(author=user)
    edits = user.has_perm("drugs.change_drug") or mine.exists()
    if edits:
        sections += _author_sections(mine)

    if workflow.is_managing_editor(user):
        sections.append(
            Section(
                "ready",
                "Approved and ready to publish",
                "Nothing is approved and waiting.",
                [
                    _change_row(c, "Publish", _submitted_at(c))
                    for c in changes.filter(state=State.APPROVED)
                ],
            )
        )
        sections.append(
            Section(
                "scheduled",
                "Scheduled",
                "Nothing is scheduled.",
                [
                    _change_row(c, "Open", c.scheduled_at, "Goes live at the time shown")
                    for c in changes.filter(state=State.SCHEDULED).order_by("scheduled_at")
                ],
            )
        )

    held = []
    claims = (
        ChangeRecord.objects.filter(
            change__author=user, change__state__in=Change.OPEN_STATES, released_at__isnull=True
        )
        .select_related("change__author")
        .order_by("claimed_at")
    )
    for claim in claims:
        model = MODELS_BY_LABEL.get(claim.model)
        row = model.objects.filter(pk=claim.object_id).first() if model else None
        label = (
            f"{model._meta.verbose_name.capitalize()} “{row}”"
            if row
            else f"{claim.model} {claim.object_id} (removed)"
        )
        held.append(
            Row(
                what=label,
                who=workflow.display_name(claim.change.author),
                since=claim.claimed_at,
                url=claim.change.get_absolute_url(),
                action=f"In change {claim.change_id}",
            )
        )
    if edits:
        sections.append(
            Section("held", "Records I hold in open changes", "You hold no records.", held)
        )

    # Each language has its own queue: English first, then each other language's.
    overdue = [
        Row(
            what=current.page.title,
            who=language_name(language) if language else "",
            since=current.publication.next_review_due,
            url=reverse("admin:drugs_page_change", args=[current.page_id]),
            action="Request review" if workflow.is_managing_editor(user) else "Open",
            note=(
                f"Last medically reviewed {current.publication.last_reviewed:%B %-d, %Y}"
                if current.publication.last_reviewed
                else "No medical review on record"
            ),
        )
        for language in (None, *workflow.translation_languages())
        for current in workflow.overdue_pages(language=language)
    ]
    sections.append(
        Section("overdue", "Pages overdue for medical review", "No page is overdue.", overdue)
    )
    if edits or workflow.is_managing_editor(user):
        sections.append(_translations_section())
    return sections


# What each state reads as ({language} is its English name), and what the row offers.
TRANSLATION_NOTES = {
    translation_state.MISSING: ("{language}: missing, no publication in it yet", "Translate"),
    translation_state.UP_TO_DATE: ("{language}: up to date, published on the date shown", "Open"),
    translation_state.OUT_OF_DATE: (
        "{language}: out of date since the English page changed on the date shown",
        "Update",
    ),
}


def _translations_section() -> Section:
    """Every live English page in each other language: up to date, out of date or
    missing, and since when; each row links the page."""
    languages = [code for code, _name in settings.LANGUAGES[1:]]
    rows = []
    for state in translation_state.translation_status(languages):
        note, action = TRANSLATION_NOTES[state.status]
        name = language_name(state.language)
        rows.append(
            Row(
                what=state.title,
                who=name,
                since=state.since,
                url=reverse("admin:drugs_page_change", args=[state.page_id]),
                action=action,
                note=note.format(language=name),
            )
        )
    return Section("translations", "Translations", "No page is published in English.", rows)
