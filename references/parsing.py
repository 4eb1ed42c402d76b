"""A pasted reference, read back into a citation's parts.

The reverse of `references.formatting`: a writer pastes a reference as a reference list
writes it, and gets the parts of a citation to check before saving. Pure functions: no
database, no request, nothing fetched. The rules, in the order they are applied:

1. Whitespace (line breaks too) becomes single spaces; a leading list number ("3." or
   "[3]") is dropped. The text is cut into parts after each ".", "?" or "!" that is
   followed by a space, as the house style separates its parts; a part's final period is
   not part of its text.
2. Identifiers are taken from any part, whatever the kind: a DOI after "doi:" or "DOI"
   or as a doi.org address, and a PMID after "PMID" (with or without a colon).
3. The kind is recognised from the shape of the parts, first match wins:
   - a book chapter has a part that starts "In:" (or a "Chapter N:" part);
   - a journal article has a source part: a year, optionally a month, then ";volume",
     "(issue)" and/or ":pages" ("2017 Nov;39(11):2146-2157", "2011;364:501-513");
   - a website or guideline has a web address or an "Accessed" or "Updated" date; it is
     a guideline when it has a version ("V.3.2018", "Version 2.2024") or its title or
     series says "guideline";
   - with none of these, a DOI or PMID makes it a journal article;
   - anything else is not recognised, and nothing is filled in.
4. Authors are one part, separated by commas, with "et al." (or "et al") at the end
   meaning more authors. When every name looks like a person ("Motzer RJ") each is one
   author; otherwise the part is one organisation ("National Cancer Institute").
5. Journal article: the part just before the source is the journal, the part before
   that begins the title; a part before the title is the authors.
6. Book chapter: the part before "In:" is the title (after "Chapter N:", if any), a part
   before it the authors. "In: A, B, eds." lists the editors and the next part is the
   book; without editors the book follows "In:". Then "Nth ed." is the edition, and the
   rest is place, publisher and year: "Philadelphia, Pa: Elsevier; 2014", or the seed's
   "Philadelphia, Pa. Elsevier: 2014".
7. Website or guideline: a web address (after "Accessed at" or "Available at", or bare),
   "Accessed [on] <date>", "Updated <date>", a version, a year alone and "<name> website"
   are recognised wherever they are. The text parts before the first of those are, in
   order, the authors (if there are two or more, or the first names people), the series
   (if two remain) and the title.
8. Dates are read as "August 31, 2018", "Aug 31, 2018", "31 August 2018" or "2018-08-31".

A whole reference list is first cut into references by `split_reference_list`.

Nothing is dropped silently: every piece of text that no rule places (a day of the
month, a PMCID, a sentence after the identifiers) is returned in `unplaced`, for the
writer to put where it belongs.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from .formatting import MONTHS
from .models import Citation
from .validators import DOI_RE, normalise_doi

_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS |= {name[:3].lower(): number for name, number in list(_MONTH_NUMBERS.items())}
_MONTH_NUMBERS["sept"] = 9

_LIST_NUMBER = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}[.)])\s+")
_PART_END = re.compile(r"(?<=[.?!])\s+")
_DOI = re.compile(
    r"(?:\bdoi\b\s*:?\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/\S+)", re.IGNORECASE
)
_PMID = re.compile(r"\bPMID\b\s*:?\s*(\d{1,8})\b", re.IGNORECASE)
_ET_AL = re.compile(r",?\s*\bet\.?\s*al\b\.?", re.IGNORECASE)
_ET_AL_THEN_TEXT = re.compile(r"^(.*?,?\s*\bet\.?\s*al\b\.?)\s+(\S.*)$", re.IGNORECASE)
_PERSON = re.compile(r"(?:[\w'’-]+\s+){1,3}[A-Z]{1,4}")
_FIRST_AUTHOR = re.compile(r"^(?:[\w'’-]+\s+){1,3}[A-Z]{1,4}[,.]")
_AND = re.compile(r"\s+(?:and|&)\s+")

_SOURCE = re.compile(
    r"^(?P<year>(?:1[6-9]|20)\d\d)"
    r"(?:\s+(?P<month>[A-Za-z]{3,9})\.?(?:\s+(?P<day>\d{1,2}))?)?"
    r"\s*(?:;\s*(?P<volume>[^():;\s][^():;]*?)?\s*(?:\((?P<issue>[^)]*)\))?)?"
    r"\s*(?::\s*(?P<pages>\S+))?$"
)
_IN = re.compile(r"^In\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_EDITORS_END = re.compile(r",?\s*\beds?\.?$", re.IGNORECASE)
_CHAPTER = re.compile(r"^Chapter\s+(?P<number>\w+)(?:\s*[:.]\s*(?P<title>.+))?$", re.IGNORECASE)
_EDITION = re.compile(r"^(?P<edition>\S+)\s+(?:ed|edn|edition)\.?$", re.IGNORECASE)
_PUBLICATION = (
    # The house style: "Philadelphia, Pa: Elsevier; 2014" (a comma before the year too).
    re.compile(r"^(?P<place>[^:;]+?)\s*:\s*(?P<publisher>[^:;]+?)\s*[;,]\s*(?P<year>\d{4})$"),
    # The seed's other form: "Philadelphia, Pa. Elsevier: 2014".
    re.compile(r"^(?P<place>.+)\.\s+(?P<publisher>[^.:;]+?)\s*[:;,]\s*(?P<year>\d{4})$"),
    # No place: "Elsevier; 2014".
    re.compile(r"^(?P<publisher>[^:;]+?)\s*[;,]\s*(?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})$"),
)

_DATE = (
    r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"  # August 31, 2018 / Aug 31 2018
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}"  # 31 August 2018
    r"|\d{4}-\d{2}-\d{2})"  # 2018-08-31
)
_URL = r"(?:https?://|www\.)\S+"
_WEB_PIECES = (
    (
        "url+accessed",
        re.compile(rf"\bAccessed\s+(?:at\s+)?(?P<url>{_URL})\s+on\s+(?P<date>{_DATE})", re.I),
    ),
    ("accessed", re.compile(rf"\b(?:Accessed|Retrieved)\s+(?:on\s+)?(?P<date>{_DATE})", re.I)),
    (
        "updated",
        re.compile(rf"\b(?:Last\s+)?(?:Updated|Revised)\s*:?\s*(?:on\s+)?(?P<date>{_DATE})", re.I),
    ),
    (
        "url",
        re.compile(
            rf"(?:\b(?:Accessed|Available|Retrieved)\s+(?:at|from)\s*:?\s*)?(?P<url>{_URL})", re.I
        ),
    ),
)
_VERSION = re.compile(r"^(?:V\.?\s?\d\S*|Version\s+\S+|v\d\S*)$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:1[6-9]|20)\d\d$")
_WEBSITE = re.compile(r"^(?P<name>.+?)\s+website$", re.IGNORECASE)
_LEFTOVER_PUNCTUATION = " ,;:.-–—"

NOT_RECOGNISED = (
    "This does not read as a reference in the house style: no journal source "
    "(“2011;364:501-513”), no “In:” of a book chapter and no web address or “Accessed” "
    "date was found. Nothing was filled in; check the text, or fill in the form by hand."
)
NO_TITLE = (
    "This reads as a {kind}, but no title was found before the {where}. Nothing was "
    "filled in; check the text, or fill in the form by hand."
)


class ReferenceNotRecognised(ValueError):
    """The pasted text is not a reference this parser can read; the message says why."""


@dataclass
class ParsedReference:
    """What a pasted reference gave: its kind, the citation's fields, and what was left."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)

    def citation(self) -> Citation:
        """An unsaved citation with these parts, for the formatter."""
        return Citation(kind=self.kind, **self.fields)


def parse_reference(text: str) -> ParsedReference:
    """Read a pasted reference into a citation's kind and fields (see the module docstring).

    Raises `ReferenceNotRecognised` when the kind or the title cannot be told.
    """
    parts = _parts(text)
    if not parts:
        raise ReferenceNotRecognised("Paste a reference first: the box was empty.")
    found: dict[str, Any] = {}
    unplaced: list[str] = []
    parts = _take_identifiers(parts, found, unplaced)

    if any(_IN.match(part) for part in parts[1:]) or any(_CHAPTER.match(part) for part in parts):
        result = ParsedReference(Citation.Kind.BOOK_CHAPTER)
        _book_chapter(parts, result)
    elif any(_is_source(part) for part in parts[1:]):
        result = ParsedReference(Citation.Kind.JOURNAL_ARTICLE)
        _journal_article(parts, result)
    elif any(_is_web_piece(part) for part in parts):
        result = ParsedReference(Citation.Kind.WEBSITE)
        _web(parts, result)
    elif found:
        result = ParsedReference(Citation.Kind.JOURNAL_ARTICLE)
        _journal_article(parts, result)
    else:
        raise ReferenceNotRecognised(NOT_RECOGNISED)

    if result.kind == Citation.Kind.JOURNAL_ARTICLE:
        result.fields |= found
    else:
        unplaced.extend(f"{name.upper()} {value}" for name, value in found.items())
    result.unplaced.extend(unplaced)
    result.fields = {
        name: value for name, value in result.fields.items() if value not in ("", None)
    }
    return result


# A reference is at most this long; a longer "reference" is two run together.
REFERENCE_MAX_CHARS = 3000


def split_reference_list(text: str) -> list[str]:
    """Cut a pasted reference list into its references, in order, each on one line.

    The rules, as a page's reference list writes one:

    1. When any line starts with a list number ("1.", "1)" or "[1]"), each numbered line
       starts a reference and every line up to the next numbered one belongs to it (a
       reference the page wrapped). Text before the first number is a reference of its own.
    2. Otherwise each line is one reference, except that a line not ending in ".", "?"
       or "!" runs on into the next line of the same paragraph (a wrapped reference:
       the house style ends every reference with a period), unless that line starts
       with an author as a person ("Motzer RJ," or "Motzer RJ.").
    3. Blank lines only separate; they never belong to a reference. The list numbers
       are dropped (the order is kept).
    """
    lines = [line.strip() for line in (text or "").splitlines()]
    numbered = any(_LIST_NUMBER.match(line) for line in lines)
    entries: list[list[str]] = []
    open_entry = False  # whether the next line may continue the last reference
    for line in lines:
        if not line:
            open_entry = numbered and bool(entries)
            continue
        if numbered:
            starts = bool(_LIST_NUMBER.match(line))
        else:
            starts = not open_entry or bool(_FIRST_AUTHOR.match(line))
        if starts or not entries:
            entries.append([_LIST_NUMBER.sub("", line)])
        else:
            entries[-1].append(line)
        open_entry = numbered or not line.endswith((".", "?", "!"))
    return [" ".join(entry) for entry in entries]


def _parts(text: str) -> list[str]:
    text = " ".join((text or "").split())
    text = _LIST_NUMBER.sub("", text)
    parts = [part for part in _PART_END.split(text) if part]
    if parts:
        # "Raymond E, Dahan L, et al Sunitinib…": the authors end at "et al" even unpunctuated.
        match = _ET_AL_THEN_TEXT.match(parts[0])
        if match:
            parts[:1] = [match.group(1), match.group(2)]
    return [_without_final_period(part) for part in parts]


def _without_final_period(part: str) -> str:
    part = part.strip()
    return part[:-1].rstrip() if part.endswith(".") else part


def _take_identifiers(parts: list[str], found: dict[str, Any], unplaced: list[str]) -> list[str]:
    """Take the first DOI and PMID out of the parts; a second of either is left over."""
    remaining = []
    for part in parts:
        for name, pattern in (("doi", _DOI), ("pmid", _PMID)):
            for match in list(pattern.finditer(part)):
                value = match.group(1).rstrip(".,;")
                if name == "doi":
                    value = normalise_doi(value)
                    if not DOI_RE.fullmatch(value):
                        continue
                if name in found:
                    unplaced.append(match.group(0))
                else:
                    found[name] = value
                part = part.replace(match.group(0), " ", 1)
        part = part.strip(_LEFTOVER_PUNCTUATION)
        if part:
            remaining.append(part)
    return remaining


def _is_source(part: str) -> bool:
    match = _SOURCE.match(part)
    return bool(match and (match["volume"] or match["issue"] or match["pages"]))


def _authors(text: str, result: ParsedReference) -> None:
    """Fill authors (one per line) and "et al." from an author part."""
    et_al = _ET_AL.search(text)
    if et_al and text[et_al.end() :].strip(" .") == "":
        result.fields["authors_et_al"] = True
        text = text[: et_al.start()]
    text = text.strip(" ,.")
    names = [name.strip() for item in text.split(",") for name in _AND.split(item)]
    names = [name for name in names if name]
    if names and all(_PERSON.fullmatch(name) for name in names):
        result.fields["authors"] = "\n".join(names)
    elif text:
        result.fields["authors"] = text


def _journal_article(parts: list[str], result: ParsedReference) -> None:
    source_at = next((i for i, part in enumerate(parts) if i and _is_source(part)), None)
    if source_at is None:
        # Identified by a DOI or PMID only: read the parts as authors, title and journal.
        source_at = len(parts)
    else:
        _source(parts[source_at], result)
    # A lone part before the journal that names people is the authors, not a title.
    if source_at < 2 or (source_at == 2 and _looks_like_people(parts[0])):
        raise ReferenceNotRecognised(NO_TITLE.format(kind="journal article", where="journal"))
    result.fields["container_title"] = parts[source_at - 1]
    before = parts[: source_at - 1]
    if len(before) > 1:
        _authors(before[0], result)
        before = before[1:]
    result.fields["title"] = ". ".join(before)
    result.unplaced.extend(parts[source_at + 1 :])


def _source(part: str, result: ParsedReference) -> None:
    match = _SOURCE.match(part)
    result.fields["year"] = int(match["year"])
    if match["month"]:
        month = _MONTH_NUMBERS.get(match["month"].lower())
        if month:
            result.fields["month"] = month
        else:
            result.unplaced.append(match["month"])
    if match["day"]:
        result.unplaced.append(f"{match['month']} {match['day']} (the day of the issue)")
    result.fields["volume"] = (match["volume"] or "").strip()
    result.fields["issue"] = (match["issue"] or "").strip()
    result.fields["pages"] = match["pages"] or ""


def _book_chapter(parts: list[str], result: ParsedReference) -> None:
    in_at = next((i for i, part in enumerate(parts) if i and _IN.match(part)), None)
    chapter_at = next((i for i, part in enumerate(parts) if _CHAPTER.match(part)), None)
    title_end = in_at if in_at is not None else len(parts)
    if chapter_at is not None and chapter_at < title_end:
        match = _CHAPTER.match(parts[chapter_at])
        result.fields["chapter_number"] = match["number"]
        if chapter_at:
            _authors(" ".join(parts[:chapter_at]), result)
        title_parts = parts[chapter_at + 1 : title_end]
        if match["title"]:
            title_parts.insert(0, match["title"])
    else:
        if title_end > 1:
            _authors(parts[0], result)
        title_parts = parts[1:title_end] if title_end > 1 else parts[:title_end]
    if not title_parts:
        raise ReferenceNotRecognised(NO_TITLE.format(kind="book chapter", where="“In:”"))
    result.fields["title"] = ". ".join(title_parts)
    if in_at is None:
        return

    rest = parts[in_at + 1 :]
    in_text = _IN.match(parts[in_at])["rest"].strip()
    if _EDITORS_END.search(in_text):
        editors = _EDITORS_END.sub("", in_text)
        result.fields["editors"] = "\n".join(
            name.strip() for name in editors.split(",") if name.strip()
        )
        if rest:
            result.fields["book_title"] = rest.pop(0)
    else:
        result.fields["book_title"] = in_text
    if rest and (match := _EDITION.match(rest[0])):
        result.fields["edition"] = match["edition"]
        rest.pop(0)
    if not rest:
        return
    publication = ". ".join(rest)
    for pattern in _PUBLICATION:
        match = pattern.match(publication)
        if match:
            groups = match.groupdict()
            result.fields["publisher_place"] = (groups.get("place") or "").strip()
            result.fields["publisher"] = (groups.get("publisher") or "").strip()
            result.fields["year"] = int(groups["year"])
            return
    result.unplaced.append(publication)


def _web(parts: list[str], result: ParsedReference) -> None:
    texts: list[str] = []  # the text parts before the first recognised piece
    seen_piece = False
    for part in parts:
        rest = _take_web_pieces(part, result)
        if rest != part:
            seen_piece = True
        if not rest:
            continue
        if match := _WEBSITE.match(rest):
            result.fields["container_title"] = match["name"]
            seen_piece = True
        elif _VERSION.match(rest) and "version" not in result.fields:
            result.fields["version"] = rest
            seen_piece = True
        elif _YEAR.match(rest) and "year" not in result.fields:
            result.fields["year"] = int(rest)
            seen_piece = True
        elif seen_piece:
            result.unplaced.append(rest)
        else:
            texts.append(rest)

    if texts and (len(texts) > 1 or _looks_like_people(texts[0])):
        _authors(texts.pop(0), result)
    if not texts:
        raise ReferenceNotRecognised(NO_TITLE.format(kind="web page", where="address"))
    if len(texts) > 1:
        result.fields["series"] = texts.pop(0)
    result.fields["title"] = ". ".join(texts)
    described = f"{result.fields.get('series', '')} {result.fields['title']}".lower()
    if "version" in result.fields or "guideline" in described:
        result.kind = Citation.Kind.GUIDELINE


def _take_web_pieces(part: str, result: ParsedReference) -> str:
    """Take web addresses and dates out of a part; what is left of it is returned."""
    for name, pattern in _WEB_PIECES:
        for match in list(pattern.finditer(part)):
            groups = match.groupdict()
            taken = False
            if groups.get("url") and "url" not in result.fields:
                url = groups["url"].rstrip(".,;")
                result.fields["url"] = url if "://" in url else f"https://{url}"
                taken = True
            date = _date(groups["date"]) if groups.get("date") else None
            field_name = "updated_date" if name == "updated" else "accessed_date"
            if date and field_name not in result.fields:
                result.fields[field_name] = date
                taken = True
            if taken:
                part = part.replace(match.group(0), " ", 1)
    return part.strip(_LEFTOVER_PUNCTUATION)


def _is_web_piece(part: str) -> bool:
    return bool(_WEBSITE.match(part)) or any(pattern.search(part) for _, pattern in _WEB_PIECES)


def _looks_like_people(text: str) -> bool:
    names = [name.strip() for name in _ET_AL.sub("", text).split(",") if name.strip()]
    return bool(names) and all(_PERSON.fullmatch(name) for name in names)


def _date(text: str) -> datetime.date | None:
    text = text.replace(",", " ").replace(".", " ")
    words = text.split()
    try:
        if len(words) == 1:
            return datetime.date.fromisoformat(words[0])
        if words[0].isdigit():
            day, month, year = words
        else:
            month, day, year = words
        number = _MONTH_NUMBERS.get(month.lower())
        return datetime.date(int(year), number, int(day)) if number else None
    except ValueError:
        return None
