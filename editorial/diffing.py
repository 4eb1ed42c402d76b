"""What a change does: the page body before and after, marked up, and the fields that differ.

Pure functions: nothing here reads the database or the request. Dependencies run one
way (editorial → drugs), so models are passed in, never imported.
"""

import dataclasses
import datetime
import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from typing import Any

from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

REMOVED = "diff-removed"
ADDED = "diff-added"
CHANGED = "diff-changed"

# A tag, a word (anything up to whitespace or a tag, so an entity such as `&lt;` is
# never split), or a run of whitespace. Together they cover every character of a line.
_TOKEN = re.compile(r"<[^>]*>|[^<\s]+|\s+")
# An opening (or self-closing) element tag: not `</…>`, `<!--…-->` or `<!DOCTYPE>`.
_OPENING_TAG = re.compile(r"<[A-Za-z][^>]*>")
_CLASS_ATTRIBUTE = re.compile(r"""(\sclass\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)

# Fields that every version differs in, or that no editor ever sets.
_BOOKKEEPING_FIELDS = frozenset({"id", "created_at", "updated_at"})


def html_diff(before: str, after: str) -> tuple[SafeString, SafeString]:
    """The page body before and after a change, with what changed marked on each side.

    Both inputs are HTML from our own autoescaping renderer (`render_page_body`): one
    block element, or one opening or closing tag, per line. The rules:

    1. Lines are compared whole (`difflib.SequenceMatcher`, `autojunk=False`). `before`
       may be empty (a new page), in which case every line of `after` is added.
    2. A line only in `before` gains the class `diff-removed` on its first opening tag,
       a line only in `after` gains `diff-added`; an existing `class` attribute is
       extended, never duplicated. A line with no opening tag (`</ul>`) is left as it
       is, since its opening line carries the mark; should such a line hold words,
       they are wrapped in `<del>` or `<ins>` so no removal or addition is invisible.
    3. A run of lines replaced by another run is paired line by line, in order. Each
       pair is compared token by token (tags, words, whitespace): removed runs of words
       are wrapped in `<del>` on the before side, inserted runs in `<ins>` on the after
       side, and both lines gain `diff-changed`. Tags are never wrapped or split: each
       side keeps its own tags, so a changed link target shows as the old link before
       and the new link after. Lines left over from a pairing follow rule 2.
    4. Words are whatever lies between whitespace and tags, so entities (`&amp;`,
       `&lt;script&gt;`) stay whole and escaped text stays escaped: the only markup
       added is `<del>`, `<ins>` and class names of our own.
    5. Lines that are the same on both sides come back exactly as they were.
    """
    before_lines = _lines(before)
    after_lines = _lines(after)
    marked_before: list[str] = []
    marked_after: list[str] = []
    matcher = difflib.SequenceMatcher(a=before_lines, b=after_lines, autojunk=False)
    for opcode, b_start, b_end, a_start, a_end in matcher.get_opcodes():
        old = before_lines[b_start:b_end]
        new = after_lines[a_start:a_end]
        if opcode == "equal":
            marked_before.extend(old)
            marked_after.extend(new)
            continue
        paired = min(len(old), len(new)) if opcode == "replace" else 0
        for old_line, new_line in zip(old[:paired], new[:paired], strict=True):
            old_marked, new_marked = _line_diff(old_line, new_line)
            marked_before.append(old_marked)
            marked_after.append(new_marked)
        marked_before.extend(_whole_line(line, REMOVED, "del") for line in old[paired:])
        marked_after.extend(_whole_line(line, ADDED, "ins") for line in new[paired:])
    # The one justified safe-mark: both inputs are our own autoescaped renderer output,
    # and every character added here is a tag or class name of our own; editor text is
    # copied through exactly as the renderer escaped it.
    return mark_safe("\n".join(marked_before)), mark_safe("\n".join(marked_after))  # noqa: S308


def _add_class(line: str, name: str) -> str:
    """The line with `name` added to the class list of its first opening tag.

    An existing `class` attribute is extended; otherwise one is added. A line without
    an opening tag comes back unchanged.
    """
    tag = _OPENING_TAG.search(line)
    if tag is None:
        return line
    text = tag.group()
    existing = _CLASS_ATTRIBUTE.search(text)
    if existing is not None:
        quote = '"' if existing.group(2) is not None else "'"
        classes = (existing.group(2) or existing.group(3) or "").split()
        if name not in classes:
            classes.append(name)
        attribute = f"{existing.group(1)}{quote}{' '.join(classes)}{quote}"
        new_tag = text[: existing.start()] + attribute + text[existing.end() :]
    else:
        end = len(text) - 2 if text.endswith("/>") else len(text) - 1
        new_tag = f'{text[:end].rstrip()} class="{name}"{text[end:]}'
    return line[: tag.start()] + new_tag + line[tag.end() :]


def _lines(html: str) -> list[str]:
    # An empty page has no lines, not one empty line that could pair with a real one.
    return html.split("\n") if html else []


def _tokens(line: str) -> list[str]:
    return _TOKEN.findall(line)


def _is_tag(token: str) -> bool:
    return token.startswith("<")


def _is_space(token: str) -> bool:
    return token.isspace()


def _wrap_words(tokens: Iterable[str], wrapper: str) -> str:
    """The tokens with each run of words (and the spaces between them) wrapped.

    Tags end a run, so the wrapper never straddles a tag and the result nests properly;
    whitespace at either end of a run stays outside the wrapper.
    """
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        trailing: list[str] = []
        while run and _is_space(run[-1]):
            trailing.insert(0, run.pop())
        if run:
            out.append(f"<{wrapper}>{''.join(run)}</{wrapper}>")
        out.extend(trailing)
        run.clear()

    for token in tokens:
        if _is_tag(token):
            flush()
            out.append(token)
        elif _is_space(token) and not run:
            out.append(token)
        else:
            run.append(token)
    flush()
    return "".join(out)


def _whole_line(line: str, class_name: str, wrapper: str) -> str:
    """A line present on one side only: marked by class, or by wrapper if it has no tag."""
    if _OPENING_TAG.search(line):
        return _add_class(line, class_name)
    return _wrap_words(_tokens(line), wrapper)


# Pure, and a wide change replaces the same line on many pages: each pair is diffed once.
@functools.lru_cache(maxsize=4096)
def _line_diff(old_line: str, new_line: str) -> tuple[str, str]:
    """A replaced line and its replacement, with removed and inserted words marked."""
    # Mark first, so the class lands on the line's own first tag, never on a <del>.
    old_tokens = _tokens(_add_class(old_line, CHANGED))
    new_tokens = _tokens(_add_class(new_line, CHANGED))
    old_out: list[str] = []
    new_out: list[str] = []
    for changed, old_part, new_part in _token_runs(old_tokens, new_tokens):
        if changed:
            old_out.append(_wrap_words(old_part, "del"))
            new_out.append(_wrap_words(new_part, "ins"))
        else:
            old_out.extend(old_part)
            new_out.extend(new_part)
    return "".join(old_out), "".join(new_out)


def _token_runs(
    old_tokens: list[str], new_tokens: list[str]
) -> list[tuple[bool, list[str], list[str]]]:
    """The two token lists as alternating runs: (changed?, old tokens, new tokens).

    A lone space that both sides share between two changes joins them, so "a pill taken"
    replaced by "two tablets swallowed" reads as one deletion and one insertion, not three.
    """
    runs: list[tuple[bool, list[str], list[str]]] = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for opcode, o_start, o_end, n_start, n_end in matcher.get_opcodes():
        run = (opcode != "equal", old_tokens[o_start:o_end], new_tokens[n_start:n_end])
        if (
            run[0]
            and len(runs) >= 2
            and runs[-2][0]
            and all(_is_space(token) for token in runs[-1][1])
        ):
            gap = runs.pop()
            previous = runs.pop()
            run = (True, previous[1] + gap[1] + run[1], previous[2] + gap[2] + run[2])
        runs.append(run)
    return runs


def words_diff(before: str, after: str) -> tuple[SafeString, SafeString]:
    """Two plain texts, escaped, with removed words in `<del>` and inserted ones in `<ins>`.

    The word diff of `html_diff`'s replaced lines (rule 3), for text that is not HTML
    (a field's value): both sides are escaped first, so the only markup in the result
    is the `<del>` and `<ins>` added here. Equal texts come back escaped, unmarked.
    """
    old, new = escape(before), escape(after)
    if old == new:
        return mark_safe(old), mark_safe(new)  # noqa: S308 (escaped just above)
    old_out: list[str] = []
    new_out: list[str] = []
    for changed, old_part, new_part in _token_runs(_tokens(old), _tokens(new)):
        if changed:
            old_out.append(_wrap_words(old_part, "del"))
            new_out.append(_wrap_words(new_part, "ins"))
        else:
            old_out.extend(old_part)
            new_out.extend(new_part)
    # Escaped above; the only tags are our own <del> and <ins>.
    return mark_safe("".join(old_out)), mark_safe("".join(new_out))  # noqa: S308


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions of a record, as an editor reads it."""

    field: str  # the field's verbose name, capitalised ("How it is taken")
    old: str
    new: str


def field_changes(
    model: type[models.Model], old: dict[str, Any] | None, new: dict[str, Any] | None
) -> list[FieldChange]:
    """The editor-facing fields that differ between two versions of a record (None: absent).

    `old` and `new` map field names, or attnames such as `drug_id`, to values. Fields
    come in the model's order, named by their capitalised verbose name; the primary
    key, `created_at` and `updated_at` are left out, as are keys the model has no
    concrete field for. Values are shown as an editor reads them: "" for None, the
    label of a choice, "yes"/"no" for booleans, ISO dates, otherwise `str` (a foreign
    key shows its id). A field differs when what is shown differs, so a record added
    lists every non-empty field with old "" and a record deleted every non-empty field
    with new "".
    """
    old = old or {}
    new = new or {}
    changes: list[FieldChange] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in _BOOKKEEPING_FIELDS:
            continue
        old_text = _display_value(field, _value(field, old))
        new_text = _display_value(field, _value(field, new))
        if old_text != new_text:
            changes.append(FieldChange(str(capfirst(field.verbose_name)), old_text, new_text))
    return changes


def _display_value(field: models.Field, value: Any) -> str:
    """A field's value as an editor reads it (the rules of `field_changes`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.choices and isinstance(value, str | int):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _value(field: models.Field, version: dict[str, Any]) -> Any:
    for key in (field.name, field.attname):
        if key in version:
            return version[key]
    return None


# --- What a change does to a page, in passages ------------------------------------------------

_HEADING = re.compile(r"<h([1-3])\b")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Passage:
    """One marked line of a page's diff, valid HTML on its own, and where it sits.

    `section` is the heading of the part of the page it is in (the page's title, a drug's
    name, "References"); `record` names what it comes from as an editor knows it:
    "Drug: Everolimus (Afinitor) — Common side effects", "Page: <title>", or the heading
    of the page's own section ("References").
    """

    section: str
    html: SafeString
    record: str = ""


def _text(line: str) -> str:
    """A line's words without its tags, unescaped (our renderer's lines: tags never nest in text)."""
    return unescape(_TAG.sub("", line))


def _first_tag_classes(line: str) -> list[str]:
    tag = _OPENING_TAG.search(line)
    attribute = _CLASS_ATTRIBUTE.search(tag.group()) if tag else None
    return (attribute.group(2) or attribute.group(3) or "").split() if attribute else []


def marked_passages(html: SafeString, classes: tuple[str, ...]) -> list[Passage]:
    """The lines of a marked-up diff (`html_diff`) whose first tag carries one of `classes`,
    or that hold a `<del>` or `<ins>`, each valid on its own, with where they sit.

    A list item is wrapped in its own list so the excerpt stays valid HTML. The lines
    come from `html_diff`, which only adds our own markup to autoescaped page HTML, so
    a `<del>` in a line is ours (an editor's is escaped).
    """
    passages = []
    section = part = kind = ""
    for line in html.splitlines():
        text = line.strip()
        heading = _HEADING.match(text) if text.startswith("<h") else None
        if text.startswith("<section"):
            kind = "Drug" if re.search(r'class="drug[\s"]', text) else ""
            part = ""
        elif heading and heading.group(1) in "12":
            section, part = _text(text), ""
            if heading.group(1) == "1":
                kind = "Page"
        elif heading:
            part = _text(text)
        if (
            not any(name in text for name in classes)
            and "<del>" not in text
            and ("<ins>" not in text)
        ):
            continue  # unmarked (the quick test; most lines of a page are)
        if not _text(text).strip():
            continue  # an opening or closing container: its lines carry the words
        if any(name in _first_tag_classes(text) for name in classes) or (
            "<del>" in text or "<ins>" in text
        ):
            if text.startswith("<li"):
                text = f"<ul>{text}</ul>"
            record = f"{kind}: {section}" if kind else section
            if part:
                record += f" — {part}"
            passages.append(Passage(section, mark_safe(text), record))  # noqa: S308 - see docstring
    return passages


@dataclass(frozen=True)
class PageChanges:
    """What a change does to one page: its marked passages, and what they change.

    Two pages' changes are equal when their `key`s are: the same lines removed and added
    whole, and in each line changed word by word the same words removed and inserted
    and the same tags, each under the same record (`Passage.record`). The unchanged
    words around a change are not part of it: a drug's sentence that also holds one
    page's own words ("It has been shown to help …") changes the same on every page.
    The passages shown are one page's, with that page's words around the change.
    """

    removed: tuple[Passage, ...] = dataclasses.field(compare=False)
    added: tuple[Passage, ...] = dataclasses.field(compare=False)
    key: tuple = dataclasses.field(default=(), repr=False)


_RUN = re.compile(r"<(del|ins)>(.*?)</\1>")
_RUN_TAGS = frozenset({"<del>", "</del>", "<ins>", "</ins>"})


def _what_changes(passage: Passage) -> tuple:
    """A passage as `PageChanges.key` compares it (see there)."""
    if CHANGED in _first_tag_classes(passage.html):
        tags = tuple(tag for tag in _TAG.findall(passage.html) if tag not in _RUN_TAGS)
        return (passage.record, tags, tuple(_RUN.findall(passage.html)))
    return (passage.record, str(passage.html))


def page_changes(before: str, after: str) -> PageChanges:
    """The passages a change removes from and adds to a page body (`before` '' if new)."""
    marked_before, marked_after = html_diff(before, after)
    removed = tuple(marked_passages(marked_before, (REMOVED, CHANGED)))
    added = tuple(marked_passages(marked_after, (ADDED, CHANGED)))
    key = (tuple(map(_what_changes, removed)), tuple(map(_what_changes, added)))
    return PageChanges(removed=removed, added=added, key=key)


def common_changes(changes: Iterable[PageChanges]) -> PageChanges | None:
    """The changes most pages share (on a tie, the first in `changes`' order: callers give
    pages in page order); None if there are no pages.

    Every page whose changes differ from these reads differently and is shown on its own.
    """
    counts: dict[PageChanges, int] = {}
    for page in changes:
        counts[page] = counts.get(page, 0) + 1
    if not counts:
        return None
    return max(counts, key=counts.__getitem__)  # max keeps the first of equals
