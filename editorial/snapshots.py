"""Freezing pages into the public content that revisions and publications hold.

A snapshot reads each record from a `ContentSource`: a change's own working rows for
the records it owns, and the published version of everything else. So a revision holds
exactly its change's edits on top of what the public reads, never another change's
drafts. After `page_snapshot`, everything (`content_hash`, `render_page_body`) is pure.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.db import models
from django.db.models import Max
from django.template.loader import render_to_string

from drugs.formatting import paragraphs, side_effect_text
from drugs.models import (
    CancerType,
    Drug,
    DrugSection,
    DrugSideEffect,
    EditorialTeam,
    MoreInformationLink,
    Page,
    PageReference,
    SideEffectTerm,
)
from references.formatting import format_citation, format_citation_html
from references.models import Citation

from .models import CurrentPublication, PublishedVersion
from .registry import MODELS_BY_LABEL, PARENT_FIELD, label

GROUP_ORDER = {group: index for index, group in enumerate(DrugSideEffect.Group.values)}

# The citation fields that are public content: everything an editor fills in.
CITATION_FIELDS = [
    field.name
    for field in Citation._meta.concrete_fields
    if field.name not in {"id", "created_at", "updated_at"}
]

RecordKey = tuple[str, int]


class ContentSource:
    """Reads records as a change sees them: its own working rows, else the published ones.

    `owned` is the set of (model label, pk) the change owns; with none, the source
    reads exactly what is published. Every record read is noted in `used`, which
    becomes the snapshot's manifest.
    """

    def __init__(self, owned: Iterable[RecordKey] = ()) -> None:
        self.owned = set(owned)
        self.used: dict[RecordKey, int | None] = {}
        self._cache: dict[RecordKey, models.Model | None] = {}

    def _owned_pks(self, model: type[models.Model]) -> set[int]:
        name = label(model)
        return {pk for owner, pk in self.owned if owner == name}

    def _published_history_ids(self, model: type[models.Model]) -> models.QuerySet:
        return PublishedVersion.objects.filter(model=label(model)).values("history_id")

    def get(self, model: type[models.Model], pk: int | None) -> models.Model | None:
        if pk is None:
            return None
        key = (label(model), pk)
        if key not in self._cache:
            if key in self.owned:
                row = model.objects.filter(pk=pk).first()
                self._note(key, row, None)
            else:
                record = model.history.filter(
                    history_id__in=self._published_history_ids(model), id=pk
                ).first()
                row = record.instance if record else None
                self._note(key, row, record.history_id if record else None)
            self._cache[key] = row
        return self._cache[key]

    def children(self, model: type[models.Model], parent_id: int) -> list[models.Model]:
        """The rows of `model` that belong to `parent_id`, as this source sees them."""
        fk = f"{PARENT_FIELD[model]}_id"
        owned = self._owned_pks(model)
        rows = list(model.objects.filter(pk__in=owned, **{fk: parent_id}))
        for row in rows:
            self._note((label(model), row.pk), row, None)
        published = model.history.filter(
            history_id__in=self._published_history_ids(model), **{fk: parent_id}
        ).exclude(id__in=owned)
        for record in published:
            rows.append(record.instance)
            self._note((label(model), record.id), record.instance, record.history_id)
        return rows

    def _note(self, key: RecordKey, row: models.Model | None, history_id: int | None) -> None:
        if row is not None:
            self.used[key] = history_id

    def manifest(self) -> list[dict[str, Any]]:
        """The history record of every row read; owned rows at their latest version."""
        latest_owned: dict[RecordKey, int] = {}
        pending: dict[str, list[int]] = defaultdict(list)
        for (name, pk), history_id in self.used.items():
            if history_id is None:
                pending[name].append(pk)
        for name, pks in pending.items():
            model = MODELS_BY_LABEL[name]
            for row in (
                model.history.filter(id__in=pks).values("id").annotate(latest=Max("history_id"))
            ):
                latest_owned[(name, row["id"])] = row["latest"]
        return sorted(
            (
                {"model": name, "pk": pk, "history_id": history_id or latest_owned[(name, pk)]}
                for (name, pk), history_id in self.used.items()
            ),
            key=lambda row: (row["model"], row["pk"]),
        )


def safe_href(url: str) -> str:
    """`url` if a reader's browser may follow it (http, https or a path here), else ''."""
    if url.startswith("/") and not url.startswith("//"):
        return url
    return url if urlsplit(url).scheme.lower() in {"http", "https"} else ""


def _citation_content(citation: Citation) -> dict[str, Any]:
    content: dict[str, Any] = {}
    for name in CITATION_FIELDS:
        value = getattr(citation, name)
        content[name] = value.isoformat() if isinstance(value, datetime.date) else value
    content["text"] = format_citation(citation)
    return content


def citation_from_content(content: dict[str, Any]) -> Citation:
    """An unsaved Citation rebuilt from a snapshot, for the pure formatters."""
    fields = {name: content.get(name) for name in CITATION_FIELDS}
    for name in ("updated_date", "accessed_date"):
        if fields.get(name):
            fields[name] = datetime.date.fromisoformat(fields[name])
    return Citation(**fields)


def _drug_content(source: ContentSource, drug: Drug) -> dict[str, Any]:
    effects = sorted(
        source.children(DrugSideEffect, drug.pk),
        key=lambda effect: (GROUP_ORDER[effect.group], effect.position, effect.pk),
    )
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for effect in effects:
        term = source.get(SideEffectTerm, effect.term_id)
        if term is None:
            continue
        groups[effect.group].append(
            {
                "term": {"name": term.name, "slug": term.slug, "explanation": term.explanation},
                "wording": effect.wording,
                "detail": effect.detail,
                "text": side_effect_text(
                    term=term.name,
                    explanation=term.explanation,
                    wording=effect.wording,
                    detail=effect.detail,
                ),
            }
        )
    return {
        "generic_name": drug.generic_name,
        "slug": drug.slug,
        "brand_names": drug.brand_name_list,
        "drug_class": drug.drug_class,
        "targets": drug.targets,
        "mechanism": drug.mechanism,
        "administration": drug.administration,
        "route": drug.route,
        "side_effects": [
            {"group": group, "label": DrugSideEffect.Group(group).label, "entries": groups[group]}
            for group in DrugSideEffect.Group.values
            if groups[group]
        ],
    }


def _link_target(link: MoreInformationLink) -> str:
    if link.url:
        return safe_href(link.url)
    if link.target_page_id:
        # Only a page the public can read now is a target a reader can follow.
        current = (
            CurrentPublication.objects.live()
            .filter(page_id=link.target_page_id)
            .select_related("publication")
            .first()
        )
        if current:
            return current.publication.get_absolute_url()
    return ""


def _ordered(rows: list[models.Model]) -> list[models.Model]:
    return sorted(rows, key=lambda row: (row.position, row.pk))


def page_snapshot(source: ContentSource, page_id: int) -> dict[str, Any] | None:
    """The public content of a page as `source` sees it; None if the page is gone.

    Every fact a reader sees, and no ids or timestamps: the result is JSON, and is
    what a revision and a publication store and what their content hash covers.
    """
    page = source.get(Page, page_id)
    if page is None:
        return None
    cancer_type = source.get(CancerType, page.cancer_type_id)
    team = source.get(EditorialTeam, 1)
    sections = []
    for section in _ordered(source.children(DrugSection, page.pk)):
        drug = source.get(Drug, section.drug_id)
        if drug is not None:
            sections.append(
                {
                    "drug": _drug_content(source, drug),
                    "evidence": section.evidence,
                    "indication": paragraphs(section.indication),
                }
            )
    references = []
    for reference in _ordered(source.children(PageReference, page.pk)):
        citation = source.get(Citation, reference.citation_id)
        if citation is not None:
            references.append(_citation_content(citation))
    return {
        "title": page.title,
        "slug": page.slug,
        "cancer_type": (
            {"name": cancer_type.name, "slug": cancer_type.slug} if cancer_type else None
        ),
        "intro": paragraphs(page.intro),
        "drug_sections": sections,
        "more_information": {
            "heading": page.more_information_heading,
            "links": [
                {"lead_in": link.lead_in, "title": link.title, "url": _link_target(link)}
                for link in _ordered(source.children(MoreInformationLink, page.pk))
            ],
        },
        "attribution": (
            {"name": team.name, "description": paragraphs(team.description)} if team else None
        ),
        "references": references,
    }


def content_hash(content: Any) -> str:
    """SHA-256 of the content in canonical JSON: the same content always hashes the same."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def render_page_body(content: dict[str, Any]) -> str:
    """The page body's HTML, rendered with autoescaping from the snapshot alone."""
    references = [format_citation_html(citation_from_content(ref)) for ref in content["references"]]
    html = render_to_string("editorial/page_body.html", {"page": content, "references": references})
    return "\n".join(line for line in html.splitlines() if line.strip())


def publication_index(content: dict[str, Any]) -> dict[str, str]:
    """The columns a publication is found by: address, title, cancer type, drugs, words.

    Written with the publication from its own content, so public lists, drug pages and
    search read publications alone.
    """
    drugs = [section["drug"] for section in content["drug_sections"]]
    terms = [
        entry["term"]["name"]
        for drug in drugs
        for group in drug["side_effects"]
        for entry in group["entries"]
    ]
    words = [
        content["title"],
        *(drug["generic_name"] for drug in drugs),
        *(name for drug in drugs for name in drug["brand_names"]),
        *(drug["drug_class"] for drug in drugs),
        *terms,
    ]
    cancer_type = content.get("cancer_type") or {}
    return {
        "slug": content["slug"],
        "title": content["title"],
        "cancer_type": cancer_type.get("name", ""),
        "drug_slugs": "".join(f"|{drug['slug']}|" for drug in drugs),
        "search_text": " ".join(word for word in words if word),
    }
