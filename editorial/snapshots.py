"""Freezing pages into the public content that revisions and publications hold.

A snapshot reads each record from a `ContentSource`: a change's own working rows for
the records it owns, and the published version of everything else. So a revision holds
exactly its change's edits on top of what the public reads, never another change's
drafts. After `page_snapshot`, everything (`content_hash`, `render_page_body`) is pure.
"""

import datetime
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.db import models
from django.db.models import Exists, Max, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from drugs.formatting import paragraphs, side_effect_text
from drugs.models import (
    TRANSLATABLE,
    CancerType,
    Drug,
    DrugSection,
    DrugSideEffect,
    EditorialTeam,
    MoreInformationLink,
    Page,
    PageReference,
    SideEffectTerm,
    Translation,
)
from references.formatting import format_citation, format_citation_html
from references.models import Citation

from .languages import translated_language
from .lookups import records_condition
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

TRANSLATION = label(Translation)


class RecordStore:
    """Records as a change sees them, loaded a kind at a time and shared by many snapshots.

    `owned` is the set of (model label, pk) the change owns: those are read from the
    working rows, everything else at its published version. `load` and `load_children`
    fetch every missing row of one kind in a query or two, so snapshots of many pages
    cost a fixed number of queries per kind of record, not per page (`preload`).
    """

    def __init__(
        self,
        owned: Iterable[RecordKey] = (),
        latest_owned: dict[RecordKey, int] | None = None,
        language: str | None = None,
    ) -> None:
        self.owned = set(owned)
        # Another language than the default: the translations snapshots read, per record.
        self.language = translated_language(language)
        self.translations: dict[RecordKey, tuple[Translation | None, int | None]] = {}
        # key -> (row or None, its published history id; None for a working row)
        self.rows: dict[RecordKey, tuple[models.Model | None, int | None]] = {}
        self.kids: dict[tuple[str, int], list[tuple[models.Model, int | None]]] = {}
        self.live_urls: dict[int, str] = {}
        # drug pk -> (its content, the records that content was read from)
        self.drugs: dict[int, tuple[dict[str, Any], dict[RecordKey, int | None]]] = {}
        self._latest_owned = latest_owned

    def _owned_pks(self, model: type[models.Model]) -> set[int]:
        name = label(model)
        return {pk for owner, pk in self.owned if owner == name}

    def _published(self, model: type[models.Model]) -> models.QuerySet:
        """The history records of `model` that are its rows' published versions.

        Matched row by row on PublishedVersion's (model, object_id) index, so reading a
        few rows costs the same however many rows of the model are published.
        """
        return model.history.filter(
            Exists(
                PublishedVersion.objects.filter(
                    model=label(model), object_id=OuterRef("id"), history_id=OuterRef("history_id")
                )
            )
        )

    def load(self, model: type[models.Model], pks: Iterable[int | None]) -> None:
        """Fetch the rows of `model` with these pks not yet loaded (absent ones too)."""
        name = label(model)
        missing = {pk for pk in pks if pk is not None and (name, pk) not in self.rows}
        if not missing:
            return
        for pk in missing:
            self.rows[(name, pk)] = (None, None)
        owned = missing & self._owned_pks(model)
        if owned:
            for row in model.objects.filter(pk__in=owned):
                self.rows[(name, row.pk)] = (row, None)
        if missing - owned:
            for record in self._published(model).filter(id__in=missing - owned):
                self.rows[(name, record.id)] = (record.instance, record.history_id)

    def load_children(self, model: type[models.Model], parent_ids: Iterable[int]) -> None:
        """Fetch the rows of a part model belonging to parents not yet loaded."""
        name = label(model)
        missing = {pk for pk in parent_ids if (name, pk) not in self.kids}
        if not missing:
            return
        for pk in missing:
            self.kids[(name, pk)] = []
        fk = f"{PARENT_FIELD[model]}_id"
        owned = self._owned_pks(model)
        if owned:
            for row in model.objects.filter(pk__in=owned, **{f"{fk}__in": missing}):
                self.kids[(name, getattr(row, fk))].append((row, None))
        published = self._published(model).filter(**{f"{fk}__in": missing})
        if owned:
            published = published.exclude(id__in=owned)
        for record in published:
            self.kids[(name, getattr(record, fk))].append((record.instance, record.history_id))

    def load_translations(self, keys: Iterable[RecordKey]) -> None:
        """Fetch the translations into the store's language of these records, not yet loaded.

        A translation is a record like any other: the change's own working row if it owns
        it, else its published version. Two queries for any number of records.
        """
        missing = {key for key in keys if key not in self.translations}
        if self.language is None or not missing:
            return
        for key in missing:
            self.translations[key] = (None, None)
        owned = self._owned_pks(Translation)
        if owned:
            for row in Translation.objects.filter(pk__in=owned, language=self.language):
                if (row.model, row.object_id) in missing:
                    self.translations[(row.model, row.object_id)] = (row, None)
        published = self._published(Translation).filter(
            records_condition(missing), language=self.language
        )
        if owned:
            published = published.exclude(id__in=owned)
        for record in published:
            self.translations[(record.model, record.object_id)] = (
                record.instance,
                record.history_id,
            )

    def load_live_urls(self, page_ids: Iterable[int | None]) -> None:
        """Where readers find each of these pages now ('' for a page that is not live)."""
        missing = {pk for pk in page_ids if pk is not None and pk not in self.live_urls}
        if not missing:
            return
        for pk in missing:
            self.live_urls[pk] = ""
        for current in (
            CurrentPublication.objects.live()
            .filter(page_id__in=missing)
            .select_related("publication")
            .only("page_id", "publication__slug")
        ):
            self.live_urls[current.page_id] = current.publication.get_absolute_url()

    def latest_owned(self) -> dict[RecordKey, int]:
        """The newest history record of every owned row that exists, read once."""
        if self._latest_owned is None:
            self._latest_owned = {}
            pending: dict[str, list[int]] = defaultdict(list)
            for name, pk in self.owned:
                pending[name].append(pk)
            for name, pks in pending.items():
                model = MODELS_BY_LABEL[name]
                for row in (
                    model.history.filter(id__in=pks)
                    .values("id")
                    .annotate(latest=Max("history_id"))
                    .order_by()
                ):
                    self._latest_owned[(name, row["id"])] = row["latest"]
        return self._latest_owned

    def preload(self, page_ids: Iterable[int]) -> None:
        """Load everything snapshots of these pages read, one kind of record at a time.

        Follows `page_snapshot`'s reading order: pages, then their parts, then what the
        parts point at. Anything it missed is still read on demand, one row at a time.
        """
        page_ids = sorted(set(page_ids))
        self.load(Page, page_ids)
        pages = [self.rows[(label(Page), pk)][0] for pk in page_ids]
        pages = [page for page in pages if page is not None]
        self.load(CancerType, {page.cancer_type_id for page in pages})
        self.load(EditorialTeam, [1])
        shown = [page.pk for page in pages]
        for part in (DrugSection, MoreInformationLink, PageReference):
            self.load_children(part, shown)

        def parts(model: type[models.Model]) -> list[models.Model]:
            return [row for pk in shown for row, _ in self.kids[(label(model), pk)]]

        self.load(Drug, {section.drug_id for section in parts(DrugSection)})
        drugs = {section.drug_id for section in parts(DrugSection)}
        drugs = {pk for pk in drugs if self.rows[(label(Drug), pk)][0] is not None}
        self.load_children(DrugSideEffect, drugs)
        effects = [row for pk in drugs for row, _ in self.kids[(label(DrugSideEffect), pk)]]
        self.load(SideEffectTerm, {effect.term_id for effect in effects})
        self.load(Citation, {reference.citation_id for reference in parts(PageReference)})
        self.load_live_urls(
            link.target_page_id for link in parts(MoreInformationLink) if not link.url
        )
        if self.language is not None:
            loaded = [
                *(key for key, (row, _) in self.rows.items() if row is not None),
                *((name, row.pk) for (name, _), kids in self.kids.items() for row, _ in kids),
            ]
            self.load_translations(key for key in loaded if key[0] in TRANSLATABLE)


class ContentSource:
    """Reads records as a change sees them: its own working rows, else the published ones.

    `owned` is the set of (model label, pk) the change owns; with none, the source
    reads exactly what is published. Every record read is noted in `used`, which
    becomes the snapshot's manifest. Sources for many pages of one change share one
    `RecordStore`, so each row is fetched once for all of them.
    """

    def __init__(
        self,
        owned: Iterable[RecordKey] = (),
        store: RecordStore | None = None,
        language: str | None = None,
    ) -> None:
        self.store = store or RecordStore(owned, language=language)
        self.owned = self.store.owned
        self.used: dict[RecordKey, int | None] = {}

    def get(self, model: type[models.Model], pk: int | None) -> models.Model | None:
        if pk is None:
            return None
        key = (label(model), pk)
        self.store.load(model, [pk])
        row, history_id = self.store.rows[key]
        self._note(key, row, history_id)
        return row

    def children(self, model: type[models.Model], parent_id: int) -> list[models.Model]:
        """The rows of `model` that belong to `parent_id`, as this source sees them."""
        self.store.load_children(model, [parent_id])
        rows = []
        for row, history_id in self.store.kids[(label(model), parent_id)]:
            self._note((label(model), row.pk), row, history_id)
            rows.append(row)
        return rows

    def text(self, row: models.Model, field: str) -> Any:
        """A field of `row` as a reader of the store's language sees it.

        In the default language, the field itself. In another, its translation, or None
        where it is untranslated; a field empty in English stays empty, as there is
        nothing to translate. The translation read is noted in the manifest.
        """
        value = getattr(row, field)
        if self.store.language is None or not value:
            return value
        key = (label(row), row.pk)
        self.store.load_translations([key])
        translation, history_id = self.store.translations[key]
        if translation is None:
            return None
        self._note((TRANSLATION, translation.pk), translation, history_id)
        return translation.texts.get(field) or None

    def live_url(self, page_id: int) -> str:
        """Where readers find a page now; '' if it is not live."""
        self.store.load_live_urls([page_id])
        return self.store.live_urls[page_id]

    def _note(self, key: RecordKey, row: models.Model | None, history_id: int | None) -> None:
        if row is not None:
            self.used[key] = history_id

    def manifest(self) -> list[dict[str, Any]]:
        """The history record of every row read; owned rows at their latest version."""
        latest_owned = self.store.latest_owned()
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
    """A drug as pages show it; built once per store, since every page shows it alike."""
    if drug.pk not in source.store.drugs:
        reading = ContentSource(store=source.store)
        source.store.drugs[drug.pk] = (_build_drug_content(reading, drug), reading.used)
    content, used = source.store.drugs[drug.pk]
    source.used.update(used)
    return content


def _build_drug_content(source: ContentSource, drug: Drug) -> dict[str, Any]:
    effects = sorted(
        source.children(DrugSideEffect, drug.pk),
        key=lambda effect: (GROUP_ORDER[effect.group], effect.position, effect.pk),
    )
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for effect in effects:
        term = source.get(SideEffectTerm, effect.term_id)
        if term is None:
            continue
        name, explanation = source.text(term, "name"), source.text(term, "explanation")
        wording, detail = source.text(effect, "wording"), source.text(effect, "detail")
        # The line reads the drug's wording, else the term's name and explanation: untranslated
        # if any part of it is.
        used = (wording, detail) if effect.wording else (name, explanation, detail)
        groups[effect.group].append(
            {
                "term": {"name": name, "slug": term.slug, "explanation": explanation},
                "wording": wording,
                "detail": detail,
                "text": None
                if None in used
                else side_effect_text(
                    term=name, explanation=explanation, wording=wording, detail=detail
                ),
            }
        )
    return {
        "generic_name": drug.generic_name,
        "slug": drug.slug,
        # Names: where a translation gives none of its own, the English ones stand.
        "brand_names": _name_list(source.text(drug, "brand_names") or drug.brand_names),
        "drug_class": source.text(drug, "drug_class"),
        "targets": source.text(drug, "targets"),
        "mechanism": source.text(drug, "mechanism"),
        "administration": source.text(drug, "administration"),
        "route": source.text(drug, "route"),
        "side_effects": [
            {"group": group, "label": DrugSideEffect.Group(group).label, "entries": groups[group]}
            for group in DrugSideEffect.Group.values
            if groups[group]
        ],
    }


def _link_target(source: ContentSource, link: MoreInformationLink) -> str:
    if link.url:
        return safe_href(link.url)
    if link.target_page_id:
        # Only a page the public can read now is a target a reader can follow.
        return source.live_url(link.target_page_id)
    return ""


def _name_list(names: str | None) -> list[str] | None:
    """A comma-separated list of names as a list (`Drug.brand_name_list`); None stays None."""
    if names is None:
        return None
    return [name.strip() for name in names.split(",") if name.strip()]


def _paragraphs(text: str | None) -> list[str] | None:
    """`paragraphs` of a text; None (untranslated) stays None."""
    return None if text is None else paragraphs(text)


def _ordered(rows: list[models.Model]) -> list[models.Model]:
    return sorted(rows, key=lambda row: (row.position, row.pk))


def page_snapshot(
    source: ContentSource, page_id: int, language: str | None = None
) -> dict[str, Any] | None:
    """The public content of a page as `source` sees it; None if the page is gone.

    Every fact a reader sees, and no ids or timestamps: the result is JSON, and is
    what a revision and a publication store and what their content hash covers.

    In another language than the default (`language`, which must be the store's), the
    same shape plus "language": every translatable text is its translation, or None
    where untranslated (paragraph lists too); names, slugs, references and addresses
    stay as published.
    """
    language = translated_language(language)
    if language != source.store.language:
        if source.store.rows:
            raise ValueError(
                f"This source reads {source.store.language or 'the default language'}, "
                f"not {language or 'the default language'}."
            )
        source.store.language = language  # a store that has read nothing yet
    text = source.text
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
                    "evidence": text(section, "evidence"),
                    "indication": _paragraphs(text(section, "indication")),
                }
            )
    references = []
    for reference in _ordered(source.children(PageReference, page.pk)):
        citation = source.get(Citation, reference.citation_id)
        if citation is not None:
            references.append(_citation_content(citation))
    content = {
        "title": text(page, "title"),
        "slug": page.slug,
        "cancer_type": (
            {"name": text(cancer_type, "name"), "slug": cancer_type.slug} if cancer_type else None
        ),
        "intro": _paragraphs(text(page, "intro")),
        "drug_sections": sections,
        "more_information": {
            "heading": text(page, "more_information_heading"),
            "links": [
                {
                    "lead_in": text(link, "lead_in"),
                    "title": text(link, "title"),
                    "url": _link_target(source, link),
                }
                for link in _ordered(source.children(MoreInformationLink, page.pk))
            ],
        },
        "attribution": (
            # The team's name is a name: where a translation gives none, the English stands.
            {
                "name": text(team, "name") or team.name,
                "description": _paragraphs(text(team, "description")),
            }
            if team
            else None
        ),
        "references": references,
    }
    if language is not None:
        content["language"] = language
    return content


def content_hash(content: Any) -> str:
    """SHA-256 of the content in canonical JSON: the same content always hashes the same."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> str:
    # A cache key, not a hash: equal strings mean equal content, which is all it needs
    # (keys in another order only miss the cache), and unsorted is faster to write.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# Pages that show a drug share its section, word for word: a change to a shared drug
# renders it once for all of them, not once per page. The HTML is a pure function of
# the content, so it can be kept for as long as the process lives.
# Keyed on the active language too: the templates' own words are translated. A
# translated section's key also holds the English page's address, which its notices link.
def side_effects_untranslated(groups: list[dict[str, Any]]) -> bool:
    """A drug's side effects (its groups) with one not translated yet: the list is not
    shown (never half in English); a notice links the English page instead."""
    return any(
        entry["text"] is None or entry["term"]["name"] is None
        for group in groups
        for entry in group["entries"]
    )


@functools.lru_cache(maxsize=1024)
def _side_effects_html(canonical: str, language: str, english_url: str = "") -> SafeString:
    groups = json.loads(canonical)
    return render_to_string(
        "editorial/page_side_effects.html",
        {
            "drug": {"side_effects": groups},
            "translated": bool(english_url),
            "untranslated": side_effects_untranslated(groups),
            "english_url": english_url,
        },
    )


# What a drug section says in words of its own; one of them None is an untranslated section.
SECTION_TEXTS = (("drug", "mechanism"), ("drug", "administration"), ("evidence",), ("indication",))


def _untranslated(section: dict[str, Any]) -> bool:
    """A translated drug section with any of its own words not translated: its text is
    not shown (never half in English); a notice links the English page's section."""
    for path in SECTION_TEXTS:
        value: Any = section
        for key in path:
            value = value[key]
        if value is None:
            return True
    return False


@functools.lru_cache(maxsize=1024)
def _drug_section_html(canonical: str, language: str, english_url: str = "") -> SafeString:
    section = json.loads(canonical)
    untranslated = bool(english_url) and _untranslated(section)
    side_effects = (
        ""
        if untranslated
        else _side_effects_html(
            _canonical(section["drug"]["side_effects"]),
            language,
            f"{english_url}#{section['drug']['slug']}" if english_url else "",
        )
    )
    return render_to_string(
        "editorial/page_drug_section.html",
        {
            "section": section,
            "drug": section["drug"],
            "side_effects": side_effects,
            "untranslated": untranslated,
            "english_url": english_url,
        },
    )


def render_page_body(content: dict[str, Any]) -> str:
    """The page body's HTML, rendered with autoescaping from the snapshot alone.

    The body's links (each drug's heading to its drug page; each explained side effect,
    its line as the content reads, in a `<details>` that opens without script onto a
    link to its glossary entry) are rendered here, into the frozen body, not added when a page is read:
    they are a pure function of the content (slugs and explanations it holds), so
    reviewers see them in the preview and the diff exactly as the public will; the page
    view stays one query with no per-request work on the body (no parsing of stored
    HTML, no reading of the content's JSON). The cost: a publication made before the
    links existed keeps its body as it was (publications are never rewritten) and
    gains them at its next publish; a re-publish of the same content does not move
    Last Revised, since the content hash is the content's, not the body's.

    Translated content (with a "language", rendered with that language active) shows no
    English words of its own: a drug section or side-effect list with an untranslated
    text says so and links the English page's section; an untranslated "More
    information" link is left out.
    """
    references = [format_citation_html(citation_from_content(ref)) for ref in content["references"]]
    language = get_language()
    english_url = (
        reverse("editorial:page", kwargs={"slug": content["slug"]})
        if content.get("language")
        else ""
    )
    sections = [
        _drug_section_html(_canonical(section), language, english_url)
        for section in content["drug_sections"]
    ]
    more = content.get("more_information") or {}
    html = render_to_string(
        "editorial/page_body.html",
        {
            "page": content,
            "sections": sections,
            "references": references,
            "more_links": [
                link
                for link in more.get("links") or []
                if link["lead_in"] is not None and link["title"] is not None
            ],
        },
    )
    return "\n".join(line for line in html.splitlines() if line.strip())


def publication_index(content: dict[str, Any]) -> dict[str, str]:
    """The columns a publication is found by: address, title, cancer type, drugs, words.

    Written with the publication from its own content, so public lists, drug pages and
    search read publications alone.
    """
    drugs = [section["drug"] for section in content["drug_sections"]]
    terms = [  # a translation's untranslated term (None) is left out by the join below
        entry["term"]["name"]
        for drug in drugs
        for group in drug["side_effects"]
        for entry in group["entries"]
    ]
    words = [
        content["title"],
        *(drug["generic_name"] for drug in drugs),
        *(name for drug in drugs for name in drug["brand_names"] or []),
        *(drug["drug_class"] for drug in drugs),
        *terms,
    ]
    cancer_type = content.get("cancer_type") or {}
    return {
        "slug": content["slug"],
        "title": content["title"],
        "cancer_type": cancer_type.get("name") or "",
        "drug_slugs": "".join(f"|{drug['slug']}|" for drug in drugs),
        "search_text": " ".join(word for word in words if word),
    }
