"""What a reviewer is shown: each altered page before and after, and every field changed.

Built from the frozen revision when there is one, else (for a draft) from the change's
working rows as a snapshot would read them, so reviewers and authors see exactly what
publishing would write.
"""

from dataclasses import dataclass
from html import unescape
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from . import workflow
from .diffing import FieldChange, field_changes, html_diff
from .models import Change, CurrentPublication, PublishedVersion, Revision
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

    @property
    def removed(self) -> list["Passage"]:
        return marked_passages(self.before, ("diff-removed", "diff-changed"))

    @property
    def added(self) -> list["Passage"]:
        return marked_passages(self.after, ("diff-added", "diff-changed"))


@dataclass(frozen=True)
class Passage:
    section: str  # the heading of the part of the page it is in, e.g. a drug's name
    html: SafeString


def marked_passages(html: SafeString, classes: tuple[str, ...]) -> list[Passage]:
    """The lines of a marked-up diff that carry one of `classes`, each valid on its own,
    with the heading of the section they are in.

    A list item is wrapped in its own list so the excerpt stays valid HTML. The lines
    come from `html_diff`, which only adds our own markup to autoescaped page HTML.
    """
    passages = []
    section = ""
    for line in html.splitlines():
        text = line.strip()
        if text.startswith(("<h1", "<h2")):
            section = unescape(strip_tags(text))
        if any(name in text for name in classes):
            if text.startswith("<li"):
                text = f"<ul>{text}</ul>"
            passages.append(Passage(section, mark_safe(text)))  # noqa: S308 - see docstring
    return passages


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


def page_comparisons(change: Change, revision: Revision | None) -> list[PageComparison]:
    """Each page the change alters, as the public reads it now and as it would read it."""
    comparisons = []
    if revision is not None:
        for snapshot in revision.pages.select_related("base_publication"):
            base = snapshot.base_publication
            before, after = html_diff(base.html if base else "", snapshot.html)
            comparisons.append(
                PageComparison(
                    title=snapshot.content["title"],
                    page_id=snapshot.page_id,
                    is_new=base is None,
                    unchanged=base is not None and base.content_hash == snapshot.content_hash,
                    before=before,
                    after=after,
                    preview_url=reverse("admin:editorial_change_preview", args=[snapshot.pk]),
                )
            )
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
