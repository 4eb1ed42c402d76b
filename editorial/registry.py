"""The content models: the one list snapshots, roles, the workflow and the admin share.

A content model is one the public content is built from; every edit of one goes
through a change. They are listed parents first, so restoring rows in this order finds
each row's parent already there. A part (a drug's side effect, a page's drug section,
link or reference) belongs to a parent record: editing it edits the parent, and
editing the whole may remove it. `editorial.checks` holds the admin and the apps to
this list.
"""

from dataclasses import dataclass

from django.db import models

from drugs import models as drugs
from references import models as references

# The apps whose every model is content (their history models aside).
CONTENT_APPS = ("drugs", "references")


@dataclass(frozen=True)
class ContentModel:
    model: type[models.Model]
    parent: str | None = None  # the field naming the record this row is part of

    @property
    def is_part(self) -> bool:
        return self.parent is not None


CONTENT: tuple[ContentModel, ...] = (
    ContentModel(drugs.CancerType),
    ContentModel(drugs.SideEffectTerm),
    ContentModel(references.Citation),
    ContentModel(drugs.EditorialTeam),
    ContentModel(drugs.Drug),
    ContentModel(drugs.DrugSideEffect, parent="drug"),
    ContentModel(drugs.Page),
    ContentModel(drugs.DrugSection, parent="page"),
    ContentModel(drugs.MoreInformationLink, parent="page"),
    ContentModel(drugs.PageReference, parent="page"),
    # Its own record, not a part: a translator's change holds the translation alone.
    ContentModel(drugs.Translation),
)


def label(model: type[models.Model] | models.Model) -> str:
    """A model's (or a row's) name in records and manifests: "drugs.drug"."""
    return model._meta.label_lower


# Every model a page is built from, parents before the rows that point at them.
CONTENT_MODELS: list[type[models.Model]] = [entry.model for entry in CONTENT]
# Rows that are part of another record: editing one edits its parent too.
PARENT_FIELD: dict[type[models.Model], str] = {
    entry.model: entry.parent for entry in CONTENT if entry.parent
}
PART_MODELS: list[type[models.Model]] = [entry.model for entry in CONTENT if entry.is_part]
MODELS_BY_LABEL: dict[str, type[models.Model]] = {label(model): model for model in CONTENT_MODELS}
