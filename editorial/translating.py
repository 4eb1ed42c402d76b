"""Translating a page: what there is to translate on it, and saving a translator's words.

What a translator translates is what a reader of the page reads in words: the
`drugs.TRANSLATABLE` fields of every record the page shows, as the page reads (the
page's title and introduction, each drug section with its drug, side effects and their
terms, the "More information" links, the cancer type, the editorial team). The English
beside each field is the text readers read now: the record's *published* version, never
a draft in someone's change. A translation keeps, per field, the English it was made
from (`Translation.sources`); it is out of date when that differs from the English now,
and the translator sees the difference word by word.

Saving goes through the workflow like any edit: each changed translation row is saved
with its history and put into the translator's change in that language
(`workflow.record_edit`), all in one transaction; a row another person's change holds
is refused with who holds it, and nothing is saved.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from config.history import line_breaks_as_lf, save_with_history
from drugs.models import (
    TRANSLATABLE,
    CancerType,
    Drug,
    DrugSection,
    DrugSideEffect,
    EditorialTeam,
    MoreInformationLink,
    Page,
    SideEffectTerm,
    Translation,
)

from . import workflow
from .diffing import words_diff
from .models import Change
from .registry import label
from .snapshots import GROUP_ORDER, RecordKey, RecordStore

# One field of one record: (model label, pk, field name).
ItemKey = tuple[str, int, str]


@dataclass(frozen=True)
class TranslationItem:
    """One field a reader of the page reads, with its English now and its translation."""

    key: RecordKey  # the English record: ("drugs.page", 3)
    field: str  # "intro"
    label: str  # the model field's verbose name, capitalised: "Introduction"
    record: str  # which record, for the translator: "Side effect: nausea"
    english: str  # the English readers read now: the published version's text
    translation: str | None  # the working translation; None if untranslated
    source: str | None  # the English it was translated from
    out_of_date: bool  # translated, and the English changed since
    diff: tuple[SafeString, SafeString] | None  # source → English now, words marked

    @property
    def item_key(self) -> ItemKey:
        return (*self.key, self.field)


@dataclass
class TranslationSection:
    """The items of one part of the page, in the order the page reads them."""

    heading: str
    items: list[TranslationItem] = field(default_factory=list)


def _fields(model: type[models.Model]) -> tuple[str, ...]:
    return TRANSLATABLE[label(model)]


def _verbose(model: type[models.Model], name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _ordered(rows: Iterable[models.Model]) -> list[models.Model]:
    return sorted(rows, key=lambda row: (row.position, row.pk))


def page_translation(page: Page, language: str) -> list[TranslationSection]:
    """Everything a reader of `page` reads in words, grouped as the page reads, in `language`.

    The page (title, introduction, "More information" heading); each drug section (what
    it has been shown to do, who it is for) with its drug's fields, its side effects'
    wording and detail and their terms' names and explanations (a term the page shows
    twice is listed once); each "More information" link; the cancer type; the editorial
    team. English is each record's published version; a record never published, and an
    English field that is empty, has nothing to translate and is left out. The
    translation is the working `Translation` row's text, if any.

    A fixed number of queries whatever the page's size: one per kind of record, and one
    for the translations.
    """
    workflow.translation_language_checked(language)
    store = RecordStore()  # owns nothing: every record at its published version

    def row(model: type[models.Model], pk: int | None) -> models.Model | None:
        return store.rows.get((label(model), pk), (None, None))[0]

    def kids(model: type[models.Model], parent: int) -> list[models.Model]:
        return [kid for kid, _ in store.kids.get((label(model), parent), [])]

    store.load(Page, [page.pk])
    published = row(Page, page.pk)
    if published is None:
        return []
    store.load(CancerType, [published.cancer_type_id])
    store.load(EditorialTeam, [1])
    store.load_children(DrugSection, [page.pk])
    store.load_children(MoreInformationLink, [page.pk])
    sections = _ordered(kids(DrugSection, page.pk))
    store.load(Drug, {section.drug_id for section in sections})
    drug_ids = [s.drug_id for s in sections if row(Drug, s.drug_id) is not None]
    store.load_children(DrugSideEffect, drug_ids)
    store.load(SideEffectTerm, {e.term_id for pk in drug_ids for e in kids(DrugSideEffect, pk)})

    # (record, its description) in reading order, each with its section heading.
    plan: list[tuple[str, models.Model, str]] = [("The page", published, str(published))]
    seen_terms: set[int] = set()
    for section in sections:
        drug = row(Drug, section.drug_id)
        if drug is None:
            continue
        heading = f"Drug section: {drug.generic_name}"
        plan.append((heading, section, f"{drug.generic_name} in this cancer"))
        plan.append((heading, drug, drug.generic_name))
        effects = sorted(
            kids(DrugSideEffect, drug.pk),
            key=lambda e: (GROUP_ORDER[e.group], e.position, e.pk),
        )
        for effect in effects:
            term = row(SideEffectTerm, effect.term_id)
            if term is None:
                continue
            plan.append((heading, effect, f"{effect.get_group_display()} side effect: {term.name}"))
            if term.pk not in seen_terms:
                seen_terms.add(term.pk)
                plan.append((heading, term, f"Side-effect term: {term.name}"))
    for link in _ordered(kids(MoreInformationLink, page.pk)):
        plan.append(("More information links", link, f"Link: {link.title}"))
    cancer_type = row(CancerType, published.cancer_type_id)
    if cancer_type is not None:
        plan.append(("The cancer type", cancer_type, cancer_type.name))
    team = row(EditorialTeam, 1)
    if team is not None:
        plan.append(("The editorial team", team, team.name))

    translations = _translations([(label(record), record.pk) for _, record, _ in plan], language)
    result: list[TranslationSection] = []
    for heading, record, description in plan:
        if not result or result[-1].heading != heading:
            result.append(TranslationSection(heading))
        key = (label(record), record.pk)
        translated = translations.get(key)
        for name in _fields(type(record)):
            english = getattr(record, name) or ""
            if not english.strip():
                continue
            text = translated.texts.get(name) if translated else None
            source = translated.sources.get(name) if translated and text is not None else None
            out_of_date = text is not None and source != english
            result[-1].items.append(
                TranslationItem(
                    key=key,
                    field=name,
                    label=_verbose(type(record), name),
                    record=description,
                    english=english,
                    translation=text,
                    source=source,
                    out_of_date=out_of_date,
                    diff=words_diff(source or "", english) if out_of_date else None,
                )
            )
    return [section for section in result if section.items]


def _translations(keys: list[RecordKey], language: str) -> dict[RecordKey, Translation]:
    """The working translations of these records into `language`, in one query."""
    by_model: dict[str, set[int]] = {}
    for name, pk in keys:
        by_model.setdefault(name, set()).add(pk)
    if not by_model:
        return {}
    condition = Q()
    for name, pks in by_model.items():
        condition |= Q(model=name, object_id__in=pks)
    return {
        (row.model, row.object_id): row
        for row in Translation.objects.filter(condition, language=language)
    }


def page_translation_items(page: Page, language: str) -> dict[ItemKey, TranslationItem]:
    """`page_translation`'s items by (model label, pk, field)."""
    return {
        item.item_key: item
        for section in page_translation(page, language)
        for item in section.items
    }


class TranslationRefused(workflow.InvalidTransition):
    """The translator's edits name something there is nothing to translate for."""


@transaction.atomic
def translation_save(
    *,
    user: AbstractBaseUser,
    page: Page,
    language: str,
    texts: Mapping[ItemKey, str],
    confirmed: Iterable[ItemKey] = (),
    reason: str = "",
) -> Change | None:
    """Save a translator's words for `page` in `language`; the change they went into.

    For each field whose text differs from its working translation, the translation
    gets the text (`texts[field]`) and, as the English it was made from
    (`sources[field]`), the English readers read now. An emptied text leaves the field
    untranslated. A field in `confirmed` (the translator's "still correct" tick beside
    an out-of-date field) keeps its text and takes the English now as its source, so it
    is no longer out of date. Unchanged fields are left alone; a row with nothing
    changed is not saved and joins no change.

    Each changed row is saved with its history (`save_with_history`, with `reason`) and
    put into the translator's change in `language` (`workflow.record_edit`), all in one
    transaction. Refused, with nothing saved: a language records are not translated
    into, a field that is not one the page shows in words (`TranslationRefused`), a text
    with a NUL character, a person who may not translate (PermissionDenied), and a
    translation held by another person's open change (`RecordHeld`, saying who).
    """
    workflow.translation_language_checked(language)
    if not (user.has_perm("drugs.add_translation") and user.has_perm("drugs.change_translation")):
        raise PermissionDenied("You may not translate.")
    items = page_translation_items(page, language)
    confirmed = set(confirmed)
    unknown = sorted({*texts, *confirmed} - items.keys())
    if unknown:
        raise TranslationRefused(
            "Nothing to translate on this page for: "
            + ", ".join(f"{name} {pk} {field}" for name, pk, field in unknown)
            + "."
        )
    if any("\x00" in text for text in texts.values()):
        raise TranslationRefused("A translation may not contain a NUL character.")

    changed: dict[RecordKey, dict[str, str | None]] = {}  # record -> field -> new text
    for item_key, item in items.items():
        current = item.translation
        if item_key in texts:
            text = line_breaks_as_lf(texts[item_key]).strip()
            if text != (current or ""):
                changed.setdefault(item.key, {})[item.field] = text or None
                continue
        if item_key in confirmed and item.out_of_date:
            changed.setdefault(item.key, {})[item.field] = current
    if not changed:
        return None

    rows = {
        (row.model, row.object_id): row
        for row in Translation.objects.select_for_update().filter(
            _any_of(changed), language=language
        )
    }
    # Every refusal before the first write: a held row refuses the whole save.
    for row in rows.values():
        workflow.record_check_editable(user=user, key=workflow.record_key(row))
    change = None
    for (name, pk), fields in sorted(changed.items()):
        row = rows.get((name, pk)) or Translation(model=name, object_id=pk, language=language)
        row.texts, row.sources = dict(row.texts), dict(row.sources)
        for field_name, text in fields.items():
            if text is None:
                row.texts.pop(field_name, None)
                row.sources.pop(field_name, None)
            else:
                row.texts[field_name] = text
                row.sources[field_name] = items[(name, pk, field_name)].english
        row.clean()
        save_with_history(
            row,
            user=user,
            reason=reason or f"Translated into {workflow.language_name(language)}",
        )
        change = workflow.record_edit(user=user, instance=row)
    return change


def _any_of(keys: Iterable[RecordKey]) -> Q:
    condition = Q()
    for name, pk in keys:
        condition |= Q(model=name, object_id=pk)
    return condition


def translation_pages(rows: Iterable[Translation]) -> dict[int, list[Page]]:
    """For each translation's id, the pages (working copy) that show its record.

    A page, its drug sections and links are on their page; a drug, its side effects and
    their terms on every page with a section of the drug; a cancer type on its pages;
    the editorial team on every page (listed as none, since it is all of them).
    """
    rows = list(rows)
    by_model: dict[str, set[int]] = {}
    for row in rows:
        by_model.setdefault(row.model, set()).add(row.object_id)
    pages: dict[tuple[str, int], set[int]] = {}

    def add(name: str, pairs: Iterable[tuple[int, int]]) -> None:
        for pk, page_id in pairs:
            pages.setdefault((name, pk), set()).add(page_id)

    for name, pks in by_model.items():
        if name == "drugs.page":
            add(name, ((pk, pk) for pk in pks))
        elif name == "drugs.drugsection":
            add(name, DrugSection.objects.filter(pk__in=pks).values_list("pk", "page_id"))
        elif name == "drugs.moreinformationlink":
            add(name, MoreInformationLink.objects.filter(pk__in=pks).values_list("pk", "page_id"))
        elif name == "drugs.drug":
            add(name, DrugSection.objects.filter(drug_id__in=pks).values_list("drug_id", "page_id"))
        elif name == "drugs.drugsideeffect":
            add(
                name,
                DrugSideEffect.objects.filter(pk__in=pks).values_list(
                    "pk", "drug__sections__page_id"
                ),
            )
        elif name == "drugs.sideeffectterm":
            add(
                name,
                DrugSideEffect.objects.filter(term_id__in=pks).values_list(
                    "term_id", "drug__sections__page_id"
                ),
            )
        elif name == "drugs.cancertype":
            add(
                name,
                Page.objects.filter(cancer_type_id__in=pks).values_list("cancer_type_id", "pk"),
            )
    wanted = {page_id for ids in pages.values() for page_id in ids if page_id is not None}
    found = Page.objects.in_bulk(wanted)
    return {
        row.pk: sorted(
            (found[pk] for pk in pages.get((row.model, row.object_id), ()) if pk in found),
            key=lambda page: page.title,
        )
        for row in rows
    }
