"""A pasted side-effect list, read into entries of one drug's group.

A writer pastes a list as it reads in the drug's text, e.g. "nausea, diarrhea, fluid
buildup (usually in the legs), and damage to the lungs, which can cause shortness of
breath". Reading it follows these rules, and changes or drops no word of it:

- Entries are separated by semicolons, line breaks and commas outside brackets; a
  comma inside brackets ("(redness, pain, and skin peeling …)") belongs to its entry.
- Between entries, "and", "or" and "and/or" after a separator, list bullets ("-", "*",
  "•", "1.") at the start of a line, and a full stop ending an entry are separators,
  not wording. Nothing else is dropped: `PastedList.rejoined()` gives back the paste.
- A comma (even one ending a line) followed by a clause ("which can cause …", "for
  which you might need …", "usually in the legs"; see CLAUSE_OPENERS) does not start
  an entry: the clause is the previous entry's detail, as the drug's text attaches it.
- Otherwise an entry ending in brackets, "fluid buildup (usually in the legs)", has
  the bracket as its detail.

A writer may paste several groups' lists at once (`pasted_lists_add`): each is read
and matched on its own, and all are added together or none is.

Matching an entry to the existing terms (`match_terms`) ignores case; near matches
("mouth sore" for "mouth sores") come from `difflib`. `entry_fields` then says what
wording and detail the entry stores so that it reads exactly as pasted.
"""

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from config.history import save_with_history

from .formatting import side_effect_text
from .models import Drug, DrugSideEffect, SideEffectTerm
from .ordering import position_after_last

# More than this is not a side-effect list; a form refuses it rather than read it.
MAX_PASTE_LENGTH = 10_000
MAX_ENTRIES = 100
NEAR_MATCH_CUTOFF = 0.8
# A near match this close is what the writer meant, unless they say otherwise.
LIKELY_MATCH_CUTOFF = 0.9

_OPEN, _CLOSE = "([{", ")]}"
_SPLIT_AT = ";,\n"
# Words that begin a clause about the previous entry rather than a new entry.
CLAUSE_OPENERS = (
    "which",
    "that",
    "who",
    "whose",
    "where",
    "when",
    "for which",
    "in which",
    "usually",
    "often",
    "mostly",
    "mainly",
    "sometimes",
    "especially",
    "particularly",
    "including",
    "such as",
    "possibly",
)
_OPENERS = "|".join(re.escape(word) for word in CLAUSE_OPENERS)
_CLAUSE = re.compile(rf"(?:{_OPENERS})\b", re.I)
_BULLET = re.compile(r"(?:[-*•·–—]|\d{1,3}[.)])\s+")
_JOINER = re.compile(r"(?:and/or|and|or)\s+", re.I)
_SPACES = re.compile(r"\s+")


def collapse_spaces(text: str) -> str:
    """Runs of spaces and line breaks as one space, trimmed: how an entry reads."""
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class PastedEntry:
    """One entry as pasted (`raw`), and how it reads (`text`), split into head and detail."""

    raw: str
    text: str
    head: str
    detail: str

    @property
    def bracketed(self) -> str:
        """The words in the entry's trailing bracket, which may name its term ("anemia")."""
        for part in (self.detail, self.head):
            if part.endswith(")") and "(" in part:
                return part[part.rindex("(") + 1 : -1].strip()
        return ""

    @property
    def proposed_name(self) -> str:
        """The name a new term for this entry would have: the head without its bracket."""
        head = self.head
        if head.endswith(")") and " (" in head:
            head = head[: head.rindex(" (")]
        return head.strip()


@dataclass(frozen=True)
class PastedList:
    """The entries of a paste, with the separators between them exactly as pasted."""

    entries: tuple[PastedEntry, ...]
    separators: tuple[str, ...]  # before each entry, then one after the last

    def rejoined(self) -> str:
        """The paste again, character for character."""
        parts = []
        for separator, entry in zip(self.separators, self.entries, strict=False):
            parts += [separator, entry.raw]
        parts.append(self.separators[-1])
        return "".join(parts)


def _top_level(text: str) -> list[bool]:
    """For each character, whether it is outside every bracket."""
    depth, outside = 0, []
    for char in text:
        if char in _CLOSE and depth:
            depth -= 1
            outside.append(False)
            continue
        outside.append(depth == 0 and char not in _OPEN)
        if char in _OPEN:
            depth += 1
    return outside


def _pieces(text: str) -> list[tuple[str, str]]:
    """(delimiter before, piece) for the text cut at top-level ; , and line breaks."""
    outside = _top_level(text)
    pieces, start, delimiter = [], 0, ""
    for index, char in enumerate(text):
        if outside[index] and char in _SPLIT_AT:
            pieces.append((delimiter, text[start:index]))
            delimiter, start = char, index + 1
    pieces.append((delimiter, text[start:]))
    return pieces


def _split_detail(text: str) -> tuple[str, str]:
    """An entry's head and detail: a clause after a top-level comma, else a final bracket."""
    outside = _top_level(text)
    for index, char in enumerate(text):
        if outside[index] and char == "," and _CLAUSE.match(text[index + 1 :].lstrip()):
            return text[:index].strip(), text[index + 1 :].strip()
    if text.endswith(")"):
        depth = 0
        for index in range(len(text) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[index], 0)
            if depth == 0:
                if index > 0 and text[index - 1] == " " and outside[index - 1]:
                    return text[:index].strip(), text[index:]
                break
    return text, ""


def _entry(raw: str) -> PastedEntry:
    text = collapse_spaces(raw)
    head, detail = _split_detail(text)
    return PastedEntry(raw=raw, text=text, head=head, detail=detail)


def _trimmed(body: str) -> tuple[str, str]:
    """An entry's words, and what follows them: spaces and a closing full stop."""
    words = body.rstrip()
    trail = body[len(words) :]
    if words.endswith(".") and not words.endswith(".."):
        words, trail = words[:-1], "." + trail
    return words, trail


def parse_side_effect_list(text: str) -> PastedList:
    """The entries of a pasted list, by the rules in this module's docstring."""
    entries: list[str] = []  # raw entries
    separators: list[str] = [""]
    for delimiter, piece in _pieces(text):
        lead = len(piece) - len(piece.lstrip())
        body = piece[lead:]
        pending = separators[-1] + delimiter + piece[:lead]
        if entries and pending.strip() == "," and _CLAUSE.match(body):
            # A clause about the previous entry (after a comma, even one ending a line):
            # it stays that entry's detail.
            words, trail = _trimmed(body)
            entries[-1] += pending + words
            separators[-1] = trail
            continue
        separators[-1] += delimiter + piece[:lead]
        bullet = _BULLET.match(body) if delimiter in ("", "\n") else None
        if bullet:
            separators[-1] += bullet.group()
            body = body[bullet.end() :]
        joiner = _JOINER.match(body) if delimiter else None
        if joiner:
            separators[-1] += joiner.group()
            body = body[joiner.end() :]
        words, trail = _trimmed(body)
        if words:
            entries.append(words)
            separators.append(trail)
        else:
            separators[-1] += body
    return PastedList(entries=tuple(_entry(raw) for raw in entries), separators=tuple(separators))


@dataclass(frozen=True)
class TermMatches:
    """The terms an entry may be: one that is it (ignoring case), and near ones."""

    exact: str | None
    near: tuple[str, ...]


def _candidates(entry: PastedEntry) -> list[str]:
    seen, names = set(), []
    for name in (entry.text, entry.head, entry.proposed_name, entry.bracketed):
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def match_terms(entry: PastedEntry, names: Iterable[str], *, limit: int = 3) -> TermMatches:
    """The existing term names an entry matches.

    Exact: the entry, its head, its head without a bracket, or the words in its bracket
    ("anemia" in "low red blood cell counts (anemia)") is a term's name, ignoring case.
    Near: up to `limit` names that `difflib` finds close to one of those (ratio at
    least NEAR_MATCH_CUTOFF), or that appear whole inside one ("anemia" in "severe
    anemia"), best first.
    """
    by_fold = {}
    for name in names:
        by_fold.setdefault(name.casefold(), name)
    candidates = [name.casefold() for name in _candidates(entry)]
    for candidate in candidates:
        if candidate in by_fold:
            return TermMatches(exact=by_fold[candidate], near=())
    scores: dict[str, float] = {}
    for candidate in candidates:
        for fold, name in by_fold.items():
            ratio = difflib.SequenceMatcher(None, candidate, fold).ratio()
            if ratio < NEAR_MATCH_CUTOFF and re.search(rf"\b{re.escape(fold)}\b", candidate):
                ratio = NEAR_MATCH_CUTOFF  # named whole inside a longer wording
            if ratio >= NEAR_MATCH_CUTOFF:
                scores[name] = max(scores.get(name, 0.0), ratio)
    ranked = sorted(scores, key=lambda name: (-scores[name], name))[:limit]
    return TermMatches(exact=None, near=tuple(ranked))


def likely_term(matches: TermMatches, entry: PastedEntry) -> str | None:
    """The term a writer most likely means: the exact match, else a near one at least
    LIKELY_MATCH_CUTOFF close ("mouth sore" → "mouth sores"); None offers a new term."""
    if matches.exact:
        return matches.exact
    for name in matches.near:
        for candidate in _candidates(entry):
            ratio = difflib.SequenceMatcher(None, candidate.casefold(), name.casefold()).ratio()
            if ratio >= LIKELY_MATCH_CUTOFF:
                return name
    return None


def entry_fields(entry: PastedEntry, *, term: str, explanation: str = "") -> tuple[str, str]:
    """The (wording, detail) an entry stores with `term` so that it reads as pasted.

    Wording stays empty where the term's own name (with its explanation, if any) reads
    as pasted, letter for letter; a bracket that names the term stays in the wording
    ("low red blood cell counts (anemia)"). In every case the stored entry reads
    exactly as `entry.text` (`side_effect_text`).
    """
    text, head, detail = entry.text, entry.head, entry.detail
    options = [("", "")]
    if detail.startswith("(") and detail[1:-1].strip().casefold() == term.casefold():
        options.append((text, ""))
    options += [("", detail), (head, detail)]
    for wording, kept_detail in options:
        reads = side_effect_text(
            term=term, explanation=explanation, wording=wording, detail=kept_detail
        )
        if reads == text:
            return wording, kept_detail
    return text, ""  # the whole entry as its wording always reads as pasted


# --- Adding the entries a writer confirmed -----------------------------------------------


@dataclass(frozen=True)
class ConfirmedEntry:
    """An entry and the term the writer chose: an existing one, or a new one's name."""

    entry: PastedEntry
    term: SideEffectTerm | None = None
    new_name: str = ""


@dataclass
class PastePlan:
    """What adding confirmed entries would write, or the problems that stop it."""

    rows: list[tuple[PastedEntry, SideEffectTerm | str, str, str]]  # term or new name
    new_terms: list[str]
    problems: list[str]


def paste_plan(*, drug: Drug, group: str, confirmed: Sequence[ConfirmedEntry]) -> PastePlan:
    """The rows, new terms and problems of adding `confirmed` to a drug's `group`.

    A new name that is an existing term's name, ignoring case, is that term (never a
    second one); entries naming one new term share it. A term may be in a group once:
    one already there, or named by two entries, is a problem, as is a wording or
    detail longer than the fields hold. Reads the database; writes nothing.
    """
    existing = {
        term.name.casefold(): term
        for term in SideEffectTerm.objects.filter(
            name__in=[item.new_name for item in confirmed if item.new_name]
        )
    } | {
        term.name.casefold(): term
        for term in SideEffectTerm.objects.filter(
            pk__in=[item.term.pk for item in confirmed if item.term]
        )
    }
    for item in confirmed:  # a differently cased name is the same term
        if item.new_name and item.new_name.casefold() not in existing:
            match = SideEffectTerm.objects.filter(name__iexact=item.new_name).first()
            if match:
                existing[match.name.casefold()] = match
    in_group = set(
        DrugSideEffect.objects.filter(drug=drug, group=group).values_list("term_id", flat=True)
    )
    label = DrugSideEffect.Group(group).label
    wording_limit = DrugSideEffect._meta.get_field("wording").max_length
    detail_limit = DrugSideEffect._meta.get_field("detail").max_length
    rows, new_terms, problems, named = [], [], [], {}
    for number, item in enumerate(confirmed, start=1):
        term = item.term or existing.get(item.new_name.casefold())
        name = term.name if term else item.new_name
        explanation = term.explanation if term else ""
        wording, detail = entry_fields(item.entry, term=name, explanation=explanation)
        if name.casefold() in named:
            problems.append(
                f"Entry {number} (“{item.entry.text}”) and entry {named[name.casefold()]} "
                f"are both “{name}”: a term can be in a group once."
            )
        named.setdefault(name.casefold(), number)
        if term and term.pk in in_group:
            problems.append(
                f"Entry {number} (“{item.entry.text}”): {drug.generic_name} already lists "
                f"“{name}” under {label}."
            )
        if len(wording) > wording_limit or len(detail) > detail_limit:
            problems.append(
                f"Entry {number} is longer than a side effect can be ({wording_limit} "
                "characters for its wording and for its detail): split it, or shorten it."
            )
        if term is None and name.casefold() not in {new.casefold() for new in new_terms}:
            new_terms.append(name)
        rows.append((item.entry, term or name, wording, detail))
    return PastePlan(rows=rows, new_terms=new_terms, problems=problems)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:190] or "term"
    slug, number = base, 1
    while SideEffectTerm.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@dataclass
class PastedListsPlan:
    """What adding the confirmed entries of several groups would write, or its problems."""

    plans: dict[str, PastePlan]  # by group, in the groups' order
    new_terms: list[str]
    problems: list[str]


def pasted_lists_plan(
    *, drug: Drug, lists: Mapping[str, Sequence[ConfirmedEntry]]
) -> PastedListsPlan:
    """Each group's `paste_plan`, and the new terms and problems of them all.

    A new term named in several groups (ignoring case) is one new term, created once;
    a term may be in several groups of a drug. Each problem names its group, as
    readers see it ("Common side effects: …"). Reads the database; writes nothing.
    """
    groups = [group for group in DrugSideEffect.Group.values if lists.get(group)]
    # One new term, however cased in each group, has the name it is first given, and
    # each group's entries read as pasted with that name.
    names: dict[str, str] = {}
    for group in groups:
        for item in lists[group]:
            if item.new_name:
                names.setdefault(item.new_name.casefold(), item.new_name)
    plans = {
        group: paste_plan(
            drug=drug,
            group=group,
            confirmed=[
                replace(item, new_name=names[item.new_name.casefold()]) if item.new_name else item
                for item in lists[group]
            ],
        )
        for group in groups
    }
    new_terms: list[str] = []
    problems: list[str] = []
    for group, plan in plans.items():
        for name in plan.new_terms:
            if name.casefold() not in {new.casefold() for new in new_terms}:
                new_terms.append(name)
        label = group_heading(group)
        problems += [f"{label}: {problem}" for problem in plan.problems]
    return PastedListsPlan(plans=plans, new_terms=new_terms, problems=problems)


def group_heading(group: str) -> str:
    """A group as the drug's page heads it: "Less common but serious side effects"."""
    return f"{DrugSideEffect.Group(group).label} side effects"


def groups_named(groups: Iterable[str]) -> str:
    """Groups as a sentence names them: "common and less common but serious"."""
    labels = [DrugSideEffect.Group(group).label.lower() for group in groups]
    if len(labels) < 2:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


@transaction.atomic
def pasted_lists_add(
    *,
    drug: Drug,
    lists: Mapping[str, Sequence[ConfirmedEntry]],
    user: Any,
    reason: str,
    may_create_terms: bool = True,
    saved: Callable[[models.Model], None] = lambda record: None,
) -> dict[str, list[DrugSideEffect]]:
    """Add each group's confirmed entries at the end of that group, in the pasted order.

    New terms are created first, each once however many groups name it; someone who
    may not create terms (`may_create_terms`) is refused with PermissionDenied if any is
    needed. Every record is saved with `user` and `reason` in its history and then
    passed to `saved` (the admin puts it into the writer's change there). All or
    nothing, for all the groups together: a problem of `pasted_lists_plan` raises
    ValidationError, and whatever `saved` raises propagates, with nothing written.
    """
    Drug.objects.select_for_update().filter(pk=drug.pk).first()  # one paste at a time
    plan = pasted_lists_plan(drug=drug, lists=lists)
    if plan.problems:
        raise ValidationError(plan.problems)
    if plan.new_terms and not may_create_terms:
        raise PermissionDenied("You may not create side-effect terms: choose existing ones.")
    created: dict[str, SideEffectTerm] = {}
    for name in plan.new_terms:
        term = SideEffectTerm(name=name, slug=_unique_slug(name))
        save_with_history(term, user=user, reason=reason)
        saved(term)
        created[name.casefold()] = term
    added: dict[str, list[DrugSideEffect]] = {}
    for group, group_plan in plan.plans.items():
        siblings = DrugSideEffect.objects.filter(drug=drug, group=group)
        position = position_after_last(siblings) - 1
        added[group] = []
        for _entry, term, wording, detail in group_plan.rows:
            position += 1
            if isinstance(term, str):
                term = created[term.casefold()]
            effect = DrugSideEffect(
                drug=drug,
                group=group,
                term=term,
                position=position,
                wording=wording,
                detail=detail,
            )
            save_with_history(effect, user=user, reason=reason)
            saved(effect)
            added[group].append(effect)
    return added


def pasted_entries_add(
    *,
    drug: Drug,
    group: str,
    confirmed: Sequence[ConfirmedEntry],
    user: Any,
    reason: str,
    may_create_terms: bool = True,
    saved: Callable[[models.Model], None] = lambda record: None,
) -> list[DrugSideEffect]:
    """Add one group's confirmed entries: `pasted_lists_add` with that one list."""
    added = pasted_lists_add(
        drug=drug,
        lists={group: confirmed},
        user=user,
        reason=reason,
        may_create_terms=may_create_terms,
        saved=saved,
    )
    return added.get(group, [])
