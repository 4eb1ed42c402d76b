"""Freezing a page into the public content a publication holds.

`page_snapshot` reads the working rows once; everything after it (`content_hash`,
`render_page_body`) is pure and works on the snapshot alone, so a publication can be
re-rendered or compared without touching the editable content again.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from django.db import models
from django.db.models import Max, Prefetch
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
from editorial.models import Publication
from references.formatting import format_citation, format_citation_html
from references.models import Citation

# The citation fields that are public content: everything an editor fills in.
CITATION_FIELDS = [
    field.name
    for field in Citation._meta.concrete_fields
    if field.name not in {"id", "created_at", "updated_at"}
]


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


def _drug_content(drug: Drug) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {group: [] for group in DrugSideEffect.Group.values}
    for effect in drug.side_effects.all():
        groups[effect.group].append(
            {
                "term": {
                    "name": effect.term.name,
                    "slug": effect.term.slug,
                    "explanation": effect.term.explanation,
                },
                "wording": effect.wording,
                "detail": effect.detail,
                "text": side_effect_text(
                    term=effect.term.name,
                    explanation=effect.term.explanation,
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
            {"group": group, "label": DrugSideEffect.Group(group).label, "entries": entries}
            for group, entries in groups.items()
            if entries
        ],
    }


def safe_href(url: str) -> str:
    """`url` if a reader's browser may follow it (http, https or a path here), else ''."""
    if url.startswith("/") and not url.startswith("//"):
        return url
    return url if urlsplit(url).scheme.lower() in {"http", "https"} else ""


def _link_target(link: MoreInformationLink) -> dict[str, str]:
    if link.url:
        return {"url": safe_href(link.url)}
    if link.target_page_id:
        # Only a published page is a target a reader can follow.
        current = Publication.objects.current().filter(page_id=link.target_page_id).first()
        if current:
            return {"url": current.get_absolute_url()}
    return {"url": ""}


def load_page(page_id: int) -> Page:
    """The page with every row its snapshot needs, in a fixed number of queries."""
    return (
        Page.objects.select_related("cancer_type")
        .prefetch_related(
            Prefetch(
                "drug_sections",
                queryset=DrugSection.objects.select_related("drug").prefetch_related(
                    Prefetch(
                        "drug__side_effects",
                        queryset=DrugSideEffect.objects.select_related("term").order_by(
                            "position", "id"
                        ),
                    )
                ),
            ),
            "more_information_links",
            Prefetch("references", queryset=PageReference.objects.select_related("citation")),
        )
        .get(pk=page_id)
    )


def page_snapshot(page: Page) -> dict[str, Any]:
    """The public content of `page`: every fact a reader sees, and no ids or timestamps.

    Expects `page` as returned by `load_page`. The result is JSON-serialisable and
    is what a publication stores and what its content hash is computed from.
    """
    team = EditorialTeam.current()
    return {
        "title": page.title,
        "slug": page.slug,
        "cancer_type": {"name": page.cancer_type.name, "slug": page.cancer_type.slug},
        "intro": paragraphs(page.intro),
        "drug_sections": [
            {
                "drug": _drug_content(section.drug),
                "evidence": section.evidence,
                "indication": paragraphs(section.indication),
            }
            for section in page.drug_sections.all()
        ],
        "more_information": {
            "heading": page.more_information_heading,
            "links": [
                {"lead_in": link.lead_in, "title": link.title, **_link_target(link)}
                for link in page.more_information_links.all()
            ],
        },
        "attribution": (
            {"name": team.name, "description": paragraphs(team.description)} if team else None
        ),
        "references": [_citation_content(ref.citation) for ref in page.references.all()],
    }


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the content in canonical JSON: the same content always hashes the same."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def render_page_body(content: dict[str, Any]) -> str:
    """The page body's HTML, rendered with autoescaping from the snapshot alone."""
    references = [format_citation_html(citation_from_content(ref)) for ref in content["references"]]
    html = render_to_string("editorial/page_body.html", {"page": content, "references": references})
    return "\n".join(line for line in html.splitlines() if line.strip())


def _rows(page: Page) -> dict[type[models.Model], set[int]]:
    rows: dict[type[models.Model], set[int]] = defaultdict(set)
    rows[Page].add(page.pk)
    rows[CancerType].add(page.cancer_type_id)
    team = EditorialTeam.current()
    if team:
        rows[EditorialTeam].add(team.pk)
    for section in page.drug_sections.all():
        rows[DrugSection].add(section.pk)
        rows[Drug].add(section.drug_id)
        for effect in section.drug.side_effects.all():
            rows[DrugSideEffect].add(effect.pk)
            rows[SideEffectTerm].add(effect.term_id)
    for link in page.more_information_links.all():
        rows[MoreInformationLink].add(link.pk)
    for reference in page.references.all():
        rows[PageReference].add(reference.pk)
        rows[Citation].add(reference.citation_id)
    return rows


def page_manifest(page: Page) -> list[dict[str, Any]]:
    """The latest history record of every row the page's snapshot reads, one query a model."""
    manifest = []
    for model, pks in _rows(page).items():
        latest = (
            model.history.filter(id__in=pks)
            .values("id")
            .annotate(history_id=Max("history_id"))
            .order_by("id")
        )
        label = model._meta.label_lower
        manifest.extend(
            {"model": label, "pk": row["id"], "history_id": row["history_id"]} for row in latest
        )
    return sorted(manifest, key=lambda row: (row["model"], row["pk"]))
