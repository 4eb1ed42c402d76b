"""What a reviewer is shown: each altered page before and after, and every field changed.

Built from the frozen revision when there is one, else (for a draft) from the change's
working rows as a snapshot would read them, so reviewers and authors see exactly what
publishing would write.

A revision that alters more than one page (one edit of a shared drug) is shown as a
`WideReview`: the passages most of its pages share, once, with the record they come from;
then the pages, a searchable list, each with its own diff one link away (`page_diff`).
A page that reads differently is marked, and each reviewer must open it before approving
(`workflow.pages_to_open`).
"""

__all__ = ["Passage", "marked_passages"]  # offered here as before, now kept in diffing

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page as ListPage
from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils.safestring import SafeString

from . import readability, workflow
from .diffing import (
    ADDED,
    CHANGED,
    REMOVED,
    FieldChange,
    PageChanges,
    Passage,
    common_changes,
    field_changes,
    html_diff,
    marked_passages,
    page_changes,
)
from .models import (
    Change,
    CurrentPublication,
    PageDiffOpened,
    PublishedVersion,
    Revision,
    RevisionPage,
)
from .registry import MODELS_BY_LABEL
from .snapshots import ContentSource, page_snapshot, render_page_body


@dataclass(frozen=True)
class PageComparison:
    title: str
    page_id: int
    is_new: bool
    unchanged: bool
    before: SafeString
    after: SafeString
    preview_url: str
    reading: readability.PageReading | readability.PageEase | None = (
        None  # the page as it would read
    )

    @property
    def removed(self) -> list["Passage"]:
        return marked_passages(self.before, (REMOVED, CHANGED))

    @property
    def added(self) -> list["Passage"]:
        return marked_passages(self.after, (ADDED, CHANGED))


@dataclass(frozen=True)
class RecordChanges:
    label: str
    changes: list[FieldChange]


def _values(record: models.Model | None) -> dict[str, Any] | None:
    """A record's field values, with related records named as editors know them."""
    if record is None:
        return None
    values = {}
    for field in record._meta.concrete_fields:
        value = getattr(record, field.attname)
        if (
            field.is_relation
            and value is not None
            and field.related_model in MODELS_BY_LABEL.values()
        ):
            related = field.related_model.objects.filter(pk=value).first()
            value = str(related) if related is not None else value
        values[field.attname] = value
    return values


def _published(name: str, pk: int) -> models.Model | None:
    version = PublishedVersion.objects.filter(model=name, object_id=pk).first()
    if version is None:
        return None
    model = MODELS_BY_LABEL[name]
    return model.history.filter(history_id=version.history_id).first()


def snapshot_comparison(snapshot: RevisionPage, target: int | None = None) -> PageComparison:
    """A revision's page as the public reads it now beside how it would read.

    With a `target` reading grade, the comparison carries the page's reading grades,
    read from the snapshot it already holds.
    """
    base = snapshot.base_publication
    before, after = html_diff(base.html if base else "", snapshot.html)
    return PageComparison(
        title=snapshot.content["title"],
        page_id=snapshot.page_id,
        is_new=base is None,
        unchanged=base is not None and base.content_hash == snapshot.content_hash,
        before=before,
        after=after,
        preview_url=reverse("admin:editorial_change_preview", args=[snapshot.pk]),
        reading=_reading(snapshot.content, target),
    )


def _reading(
    content: dict[str, Any], target: int | None
) -> readability.PageReading | readability.PageEase | None:
    return None if target is None else readability.reading_for(content, target)


def page_comparisons(
    change: Change, revision: Revision | None, *, target: int | None = None
) -> list[PageComparison]:
    """Each page the change alters, as the public reads it now and as it would read it.

    With a `target` reading grade, each carries its reading grades (`editorial.readability`).
    """
    comparisons = []
    if revision is not None:
        for snapshot in revision.pages.select_related("base_publication"):
            comparisons.append(snapshot_comparison(snapshot, target))
        return comparisons
    keys = workflow.owned_keys(change)
    for page_id in workflow.pages_altered(change, keys):
        content = page_snapshot(ContentSource(keys), page_id)
        if content is None:
            continue
        current = (
            CurrentPublication.objects.filter(page_id=page_id).select_related("publication").first()
        )
        base = current.publication if current else None
        after_html = render_page_body(content)
        before, after = html_diff(base.html if base else "", after_html)
        comparisons.append(
            PageComparison(
                title=content["title"],
                page_id=page_id,
                is_new=base is None,
                unchanged=base is not None and base.html == after_html,
                before=before,
                after=after,
                preview_url=reverse(
                    "admin:editorial_change_draft_preview", args=[change.pk, page_id]
                ),
                reading=_reading(content, target),
            )
        )
    return comparisons


def record_changes(change: Change, revision: Revision | None) -> list[RecordChanges]:
    """Field by field, how each record of the change differs from its published version."""
    if revision is not None:
        rows = [(r["model"], r["pk"], r["history_id"]) for r in revision.records]
    else:
        rows = [(name, pk, None) for name, pk in sorted(workflow.owned_keys(change))]
    result = []
    for name, pk, history_id in rows:
        model = MODELS_BY_LABEL.get(name)
        if model is None:
            continue
        if revision is not None:
            new = model.history.filter(history_id=history_id).first() if history_id else None
        else:
            new = model.objects.filter(pk=pk).first()
        old = _published(name, pk)
        changes = field_changes(model, _values(old), _values(new))
        if not changes:
            continue
        shown = new or old
        shown = getattr(shown, "instance", shown)  # a history record stands for its row
        label = f"{model._meta.verbose_name.capitalize()} “{shown}”"
        if old is None:
            label += " (new)"
        elif new is None:
            label += " (removed)"
        result.append(RecordChanges(label=label, changes=changes))
    return result


# --- A change that alters many pages ----------------------------------------------------------

PAGES_PER_SCREEN = 50


@dataclass(frozen=True)
class PageRow:
    """One page in the list of a wide change, with how its diff compares to the common one."""

    snapshot_id: int
    title: str
    is_new: bool
    unchanged: bool
    differs: bool  # its diff reads differently from the common passages: must be opened
    opened: bool  # this reviewer has opened its diff

    @property
    def diff_url(self) -> str:
        return reverse("admin:editorial_change_page_diff", args=[self.snapshot_id])

    @property
    def preview_url(self) -> str:
        return reverse("admin:editorial_change_preview", args=[self.snapshot_id])


@dataclass(frozen=True)
class WideReview:
    page_count: int
    common: PageChanges
    common_count: int  # the pages whose diff is exactly the common passages
    shown_as_on: str  # the page whose passages are shown, with its words around the change
    differing: list[PageRow]  # every page that reads differently, in title order
    listed: ListPage  # the page of the list asked for (rows of PageRow)
    found: int  # how many pages the search matched
    query: str
    only_differing: bool
    reading: readability.PageReading | readability.PageEase | None = (
        None  # the page shown as on, as it would read
    )

    @property
    def unopened(self) -> list[PageRow]:
        return [row for row in self.differing if not row.opened]


def wide_review(
    revision: Revision,
    user: AbstractBaseUser,
    *,
    query: str = "",
    only_differing: bool = False,
    number: int | str = 1,
    target: int | None = None,
) -> WideReview:
    """The review of a revision that alters many pages: common passages and a page list.

    Reads every page's stored HTML and its base publication's in one query and diffs
    each (a fraction of a millisecond a page), so which pages read differently is
    always decided afresh from what will be published, as `workflow.pages_to_open`
    decides it; the screen renders one list page of rows, never every page's diff.
    With a `target` reading grade, the page the passages are shown as on carries its
    reading grades (one more query, whatever the number of pages): the shared passages
    read alike on every page, and each page's own grades are on its diff screen.
    """
    rows = list(
        # In page order, as `workflow.pages_to_open` reads them: a tie between two ways
        # of reading goes the same way on the screen and in the rule.
        revision.pages.order_by("page_id").values_list(
            "pk",
            "content__title",
            "content_hash",
            "base_publication_id",
            "base_publication__content_hash",
            "base_publication__html",
            "html",
        )
    )
    changes = {row[0]: page_changes(row[5] or "", row[6]) for row in rows}
    common = common_changes(changes.values()) or PageChanges((), ())
    opened = set(
        PageDiffOpened.objects.filter(reviewer=user, revision_page__revision=revision).values_list(
            "revision_page_id", flat=True
        )
        if user.is_authenticated
        else ()
    )
    page_rows = [
        PageRow(
            snapshot_id=pk,
            title=title,
            is_new=base_id is None,
            unchanged=base_id is not None and base_hash == content_hash,
            differs=changes[pk] != common,
            opened=pk in opened,
        )
        for pk, title, content_hash, base_id, base_hash, _, _ in rows
    ]
    page_rows.sort(key=lambda row: (row.title.casefold(), row.snapshot_id))
    differing = [row for row in page_rows if row.differs]
    shown = next((row for row in page_rows if not row.differs), None)
    shown_as_on = shown.title if shown else ""
    reading = None
    if target is not None and shown is not None:
        content = revision.pages.filter(pk=shown.snapshot_id).values_list("content", flat=True)
        reading = readability.reading_for(content.get(), target)
    needle = query.strip().casefold()
    matching = [
        row
        for row in (differing if only_differing else page_rows)
        if needle in row.title.casefold()
    ]
    # The pages that need opening come first, so none hides on a later page of the list.
    matching.sort(key=lambda row: not row.differs)
    return WideReview(
        page_count=len(page_rows),
        common=common,
        common_count=len(page_rows) - len(differing),
        shown_as_on=shown_as_on,
        differing=differing,
        listed=Paginator(matching, PAGES_PER_SCREEN).get_page(number),
        found=len(matching),
        query=query.strip(),
        only_differing=only_differing,
        reading=reading,
    )


@dataclass(frozen=True)
class PageDiff:
    """One page of a revision, before and after, with its passages and how they compare."""

    snapshot: RevisionPage
    comparison: PageComparison
    changes: PageChanges
    differs: bool


def page_diff(snapshot: RevisionPage, target: int | None = None) -> PageDiff:
    """One page's diff within its revision, and whether it differs from the common passages.

    With a `target` reading grade, its comparison carries the page's reading grades.
    """
    base = snapshot.base_publication
    changes = page_changes(base.html if base else "", snapshot.html)
    revision = snapshot.revision
    if revision.pages.count() > 1:
        others = revision.pages.order_by("page_id").values_list("base_publication__html", "html")
        common = common_changes(page_changes(old or "", new) for old, new in others)
    else:
        common = changes
    return PageDiff(
        snapshot=snapshot,
        comparison=snapshot_comparison(snapshot, target),
        changes=changes,
        differs=changes != common,
    )


def note_opened(snapshot: RevisionPage, user: AbstractBaseUser) -> bool:
    """Record that `user`, who may review the change, opened this page's diff; True if so.

    Only a reviewer's opening counts (`workflow.pages_to_open`); anyone else's is not kept.
    """
    change = snapshot.revision.change
    if workflow.reviewer_refusal(user, change) is not None:
        return False
    PageDiffOpened.objects.get_or_create(revision_page=snapshot, reviewer=user)
    return True


# The translated fields that are prose a reader reads (as `readability.page_sections`
# grades in English): names, titles, headings and short labels are not scored.
TRANSLATED_PROSE: dict[str, tuple[str, ...]] = {
    "drugs.page": ("intro",),
    "drugs.drug": ("mechanism", "administration"),
    "drugs.drugsection": ("evidence", "indication"),
    "drugs.drugsideeffect": ("wording", "detail"),
    "drugs.sideeffectterm": ("explanation",),
    "drugs.editorialteam": ("description",),
    "drugs.moreinformationlink": ("lead_in", "title"),
}


def translation_reading(
    change: Change, revision: Revision | None, target: int
) -> readability.PageEase | None:
    """The reading ease of the translations a change in a language measured by reading
    ease (Spanish) holds, one section per translated record: as the revision froze
    them, else as the working rows read now. None for any other change, or one that
    holds no translation.
    """
    if change.language not in readability.EASE_LANGUAGES:
        return None
    translation = MODELS_BY_LABEL["drugs.translation"]
    if revision is not None:
        ids = [r["history_id"] for r in revision.records if r["model"] == "drugs.translation"]
        rows = list(translation.history.filter(history_id__in=ids).order_by("model", "object_id"))
    else:
        keys = [pk for name, pk in workflow.owned_keys(change) if name == "drugs.translation"]
        rows = list(translation.objects.filter(pk__in=keys).order_by("model", "object_id"))
    sections = []
    for row in rows:
        fields = TRANSLATED_PROSE.get(row.model, ())
        text = " ".join(
            readability.as_sentence(paragraph)
            for field in fields
            for paragraph in (row.texts.get(field) or "").split("\n\n")
        ).strip()
        model = MODELS_BY_LABEL.get(row.model)
        record = model.objects.filter(pk=row.object_id).first() if model else None
        name = model._meta.verbose_name.capitalize() if model else row.model
        sections.append((f"{name} “{record}”" if record else f"{name} {row.object_id}", text))
    if not sections:
        return None
    return readability.texts_reading_ease(sections, target)
