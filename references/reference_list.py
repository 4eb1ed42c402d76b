"""A whole reference list pasted at once: read it, say what each reference will be, add the new.

The rules, applied to each reference of the list in order (`read_reference_list`):

1. The list is cut into references by `references.parsing.split_reference_list`, and
   each is read by `parse_reference`. One that cannot be read is skipped, with the
   reason; the others are not affected.
2. A reference whose source the library already has (`references.matching.same_source`)
   is not added again: it is shown with the citation it matches.
3. A reference that repeats an earlier one of the same list is not added twice.
4. Every other reference is checked exactly as the citation form checks a citation
   typed by hand (the form runs the model's `full_clean`); one the form refuses is
   skipped, with the form's messages.
5. What is left is added, all in one transaction or none (`add_new_citations`).

Nothing here saves by itself or knows of review: the caller passes the form to check
with and the function that saves one checked form (the admin's own save, with history
and the writer's change).
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.db.models import TextChoices

from .formatting import format_date
from .forms import initial_from_parsed
from .matching import existing_citations, same_source
from .models import Citation
from .parsing import (
    REFERENCE_MAX_CHARS,
    ParsedReference,
    ReferenceNotRecognised,
    parse_reference,
    split_reference_list,
)

DEFAULT_REASON = "Added from a pasted reference list"


class Outcome(TextChoices):
    """What becomes of one reference of a pasted list."""

    NEW = "new", "To add"
    EXISTING = "existing", "Already in the library"
    REPEATED = "repeated", "Repeated in this list"
    UNREADABLE = "unreadable", "Cannot be read"
    REFUSED = "refused", "Cannot be added"


@dataclass
class ListEntry:
    """One reference of a pasted list: its text, how it was read, and what becomes of it."""

    number: int
    text: str
    outcome: Outcome = Outcome.NEW
    parsed: ParsedReference | None = None
    form: forms.ModelForm | None = None
    existing: Citation | None = None
    repeats: int | None = None  # the number of the earlier entry it repeats
    problems: list[str] = field(default_factory=list)

    @property
    def citation(self) -> Citation | None:
        """The citation as it will be saved (unsaved), or None when it could not be read."""
        if self.form is not None:
            return self.form.instance
        return self.parsed.citation() if self.parsed else None

    @property
    def warnings(self) -> list[str]:
        """The text of the reference that no part took, for the writer to look at."""
        return list(self.parsed.unplaced) if self.parsed else []


def read_reference_list(
    text: str, *, form_class: type[forms.ModelForm], reason: str = ""
) -> list[ListEntry]:
    """Read a pasted list into entries, each with its outcome (see the module docstring).

    `form_class` is the citation form to check each new reference with; `reason` is the
    reason for the change each added citation's history records.
    """
    entries = [
        ListEntry(number=number, text=entry)
        for number, entry in enumerate(split_reference_list(text), start=1)
    ]
    for entry in entries:
        if len(entry.text) > REFERENCE_MAX_CHARS:
            entry.outcome = Outcome.UNREADABLE
            entry.problems.append(
                f"This is {len(entry.text):,} characters long, more than one reference "
                f"({REFERENCE_MAX_CHARS:,} at most): are two references run together? "
                "Put each on a line of its own."
            )
            continue
        try:
            entry.parsed = parse_reference(entry.text)
        except ReferenceNotRecognised as refused:
            entry.outcome = Outcome.UNREADABLE
            entry.problems.append(str(refused))

    readable = [entry for entry in entries if entry.parsed is not None]
    matches = existing_citations(entry.parsed.citation() for entry in readable)
    earlier: list[ListEntry] = []
    for entry, existing in zip(readable, matches, strict=True):
        candidate = entry.parsed.citation()
        if existing is not None:
            entry.outcome, entry.existing = Outcome.EXISTING, existing
            continue
        repeated = next((e for e in earlier if same_source(candidate, e.citation)), None)
        if repeated is not None:
            entry.outcome, entry.repeats = Outcome.REPEATED, repeated.number
            continue
        data = initial_from_parsed(entry.parsed) | {"change_reason": reason or DEFAULT_REASON}
        entry.form = form_class(data=data)
        if entry.form.is_valid():
            earlier.append(entry)
        else:
            entry.outcome = Outcome.REFUSED
            entry.problems.extend(_form_messages(entry.form))
    return entries


def new_entries(entries: list[ListEntry]) -> list[ListEntry]:
    """The entries that will be added."""
    return [entry for entry in entries if entry.outcome == Outcome.NEW]


def outcome_counts(entries: list[ListEntry]) -> list[tuple[Outcome, int]]:
    """How many entries have each outcome, in the order of `Outcome`, the outcomes no entry has left out."""
    counts = [(outcome, sum(entry.outcome == outcome for entry in entries)) for outcome in Outcome]
    return [(outcome, count) for outcome, count in counts if count]


def list_token(entries: list[ListEntry]) -> str:
    """A digest of what the list will do: each entry's outcome, match and parts.

    The confirmation carries it; if reading the same text again gives another token
    (another citation was added meanwhile), nothing is added and the list is shown again.
    """
    summary = [
        [
            entry.outcome,
            entry.existing.pk if entry.existing else None,
            entry.repeats,
            sorted(
                (name, str(value))
                for name, value in (entry.parsed.fields if entry.parsed else {}).items()
            ),
        ]
        for entry in entries
    ]
    return hashlib.sha256(json.dumps(summary).encode()).hexdigest()


def add_new_citations(
    entries: list[ListEntry], *, save: Callable[[forms.ModelForm], Citation]
) -> list[Citation]:
    """Save every entry to add, in list order, in one transaction: all of them or none.

    `save` saves one checked form as the caller saves a citation (the admin: with its
    history and into the writer's change). Entries with any other outcome are left out.
    """
    with transaction.atomic():
        return [save(entry.form) for entry in new_entries(entries)]


def parts_as_saved(citation: Citation) -> list[tuple[str, str]]:
    """The filled parts of a citation's kind, as (label, text), in the form's order."""
    parts = []
    for name in Citation.FIELDS_BY_KIND.get(citation.kind, ()):
        value = getattr(citation, name)
        if value in (None, "", False):
            continue
        label = Citation._meta.get_field(name).verbose_name
        if value is True:
            text = "yes"
        elif isinstance(value, datetime.date):
            text = format_date(value)
        elif name in ("authors", "editors"):
            text = "; ".join(line.strip() for line in value.splitlines() if line.strip())
        else:
            text = str(value)
        parts.append((label[:1].upper() + label[1:], text))
    return parts


def _form_messages(form: forms.Form) -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        where = "" if name == "__all__" else f"{form.fields[name].label}: "
        messages.extend(f"{where}{error}" for error in errors)
    return messages
