"""Forms for fast data entry: ordered inlines, and pasting a side-effect list."""

from collections.abc import Mapping, Sequence
from typing import Any

from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.widgets import AutocompleteSelect

from config.history import ChangeReasonForm, Textarea

from .models import DrugSideEffect, SideEffectTerm
from .ordering import positions_within_groups
from .side_effect_lists import (
    MAX_ENTRIES,
    MAX_PASTE_LENGTH,
    ConfirmedEntry,
    PastedEntry,
    group_heading,
    likely_term,
    match_terms,
    parse_side_effect_list,
)


class OrderedInlineFormSet(CustomInlineFormSet):
    """An inline formset that saves its rows' positions 1, 2, 3… (within `order_group`).

    The form sends each row's place (the drag and the move buttons renumber them as
    shown); a row counts as changed only if its saved position would differ, so
    reordering one row does not put untouched rows into anyone's change.
    """

    order_group: str | None = None  # a field rows are ordered within, e.g. "group"

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        forms_kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]
        rows = []
        for form in forms_kept:
            place = form.cleaned_data.get(self.default_order_field)
            group = form.cleaned_data.get(self.order_group) if self.order_group else None
            rows.append((group, place if place and place > 0 else None))
        for form, position in zip(forms_kept, positions_within_groups(rows), strict=True):
            setattr(form.instance, self.default_order_field, position)
            changed = [name for name in form.changed_data if name != self.default_order_field]
            if form.instance.pk is None or position != form.initial.get(self.default_order_field):
                changed.append(self.default_order_field)
            form.changed_data = changed  # what has_changed() and the history read


PASTE_HELP = (
    "Paste each group's list as it reads, e.g. “nausea, diarrhea, fluid buildup "
    "(usually in the legs), and damage to the lungs, which can cause shortness of "
    "breath”. Commas, semicolons and line breaks separate the side effects. Leave a "
    "group empty to add nothing to it. You check every entry before it is saved."
)


class PastedListField(forms.CharField):
    """One group's pasted list, kept exactly as pasted; empty means nothing to add.

    Never itself a change to the record its form edits: what a writer pastes is added
    on the confirm screen, so pasting asks no reason for an edit of the drug.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", Textarea(attrs={"rows": 5, "cols": 80}))
        super().__init__(required=False, strip=False, max_length=MAX_PASTE_LENGTH, **kwargs)

    def validate(self, value: str) -> None:
        super().validate(value)
        if not value.strip():
            return
        count = len(parse_side_effect_list(value).entries)
        if not count:
            raise forms.ValidationError(
                "Paste at least one side effect: the list has only separators in it."
            )
        if count > MAX_ENTRIES:
            raise forms.ValidationError(
                f"This list has {count} side effects; paste at most {MAX_ENTRIES} at a time."
            )

    def has_changed(self, initial, data) -> bool:
        return False


def paste_field_name(group: str) -> str:
    return f"paste_{group}"


PastedListsFields = type(
    "PastedListsFields",
    (forms.Form,),
    {
        paste_field_name(group): PastedListField(label=group_heading(group))
        for group in DrugSideEffect.Group.values
    },
)
PastedListsFields.__doc__ = "One paste box per side-effect group, headed as readers see it."
PASTE_FIELDS = [paste_field_name(group) for group in DrugSideEffect.Group.values]


class PastedListsMixin:
    """What a form with the paste boxes (`PastedListsFields`) had pasted in them."""

    def pasted_texts(self) -> dict[str, str]:
        """Each group's pasted text, as pasted, for the groups that have one."""
        texts = {}
        for group in DrugSideEffect.Group.values:
            text = self.cleaned_data.get(paste_field_name(group)) or ""
            if text.strip():
                texts[group] = text
        return texts

    def pasted_entries(self) -> dict[str, tuple[PastedEntry, ...]]:
        return {
            group: parse_side_effect_list(text).entries
            for group, text in self.pasted_texts().items()
        }


class PasteForm(PastedListsMixin, PastedListsFields):
    """Step one of the paste screen: each group's list as the writer pasted it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-describedby"] = "paste-help"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not self.pasted_texts():
            raise forms.ValidationError("Paste the side effects of at least one group.")
        return cleaned


class DrugForm(PastedListsMixin, ChangeReasonForm, PastedListsFields):
    """The drug's own form, with the paste boxes below its fields.

    Lists pasted here are read and checked on the confirm screen after the drug is
    saved; `paste_allowed` False (for someone who may not add side effects) drops them.
    """

    paste_allowed = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.paste_allowed:
            for name in PASTE_FIELDS:
                del self.fields[name]


NEW, OTHER = "new", "other"


class EntryTermForm(forms.Form):
    """Step two, one entry: which term it is (a match, another term, or a new one)."""

    choice = forms.ChoiceField(label="Term", widget=forms.RadioSelect)
    new_name = forms.CharField(
        label="New term named",
        max_length=SideEffectTerm._meta.get_field("name").max_length,
        required=False,
    )

    def __init__(
        self,
        *args,
        group: str,
        entry: PastedEntry,
        terms: dict[str, SideEffectTerm],
        admin_site: AdminSite,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        self.entry = entry
        matches = match_terms(entry, terms)
        offered = [name for name in [matches.exact, *matches.near] if name]
        self.matches = matches
        self.offered = {str(terms[name].pk): terms[name] for name in offered}
        self.fields["choice"].choices = [
            *[
                (pk, f"{term.name} ({'this term' if term.name == matches.exact else 'near match'})")
                for pk, term in self.offered.items()
            ],
            (OTHER, "Another existing term, chosen below"),
            (NEW, "A new term, named below"),
        ]
        likely = likely_term(matches, entry)
        self.fields["choice"].initial = str(terms[likely].pk) if likely else NEW
        self.fields["new_name"].initial = entry.proposed_name
        # The admin's own term search (select2), as the side-effect rows use.
        self.fields["other_term"] = forms.ModelChoiceField(
            label="Another term",
            queryset=SideEffectTerm.objects.all(),
            required=False,
            widget=AutocompleteSelect(DrugSideEffect._meta.get_field("term"), admin_site),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        choice = cleaned.get("choice")
        if choice == OTHER and not cleaned.get("other_term"):
            self.add_error("other_term", "Choose the term, or pick another option.")
        if choice == NEW and not cleaned.get("new_name", "").strip():
            self.add_error("new_name", "Give the new term a name.")
        return cleaned

    def confirmed(self) -> ConfirmedEntry:
        choice = self.cleaned_data["choice"]
        if choice == NEW:
            return ConfirmedEntry(self.entry, new_name=self.cleaned_data["new_name"].strip())
        term = self.cleaned_data["other_term"] if choice == OTHER else self.offered[choice]
        return ConfirmedEntry(self.entry, term=term)

    def confirmed_or_initial(self) -> ConfirmedEntry:
        """What the writer chose, if the form is bound and valid, else what it offers."""
        if self.is_bound and self.is_valid():
            return self.confirmed()
        choice = self.fields["choice"].initial
        if choice == NEW:
            return ConfirmedEntry(self.entry, new_name=self.entry.proposed_name)
        return ConfirmedEntry(self.entry, term=self.offered[choice])


class BaseEntryTermFormSet(forms.BaseFormSet):
    """One form per pasted entry, of every group pasted; each form knows its `group`."""

    def __init__(self, *args, lists: Mapping[str, Sequence[PastedEntry]], **kwargs) -> None:
        self.items = [(group, entry) for group, entries in lists.items() for entry in entries]
        # Every term, read once, for matching each entry against.
        self.terms = {term.name: term for term in SideEffectTerm.objects.all()}
        kwargs.setdefault("prefix", "entry")
        super().__init__(*args, **kwargs)
        self.extra = len(self.items)

    def total_form_count(self) -> int:
        return len(self.items)  # one form per pasted entry, whatever was posted

    def initial_form_count(self) -> int:
        return len(self.items)  # each entry needs an answer: none may be left blank

    def get_form_kwargs(self, index: int) -> dict[str, Any]:
        group, entry = self.items[index]
        return {**self.form_kwargs, "group": group, "entry": entry, "terms": self.terms}

    def by_group(self) -> dict[str, list[EntryTermForm]]:
        forms_of: dict[str, list[EntryTermForm]] = {}
        for form in self.forms:
            forms_of.setdefault(form.group, []).append(form)
        return forms_of

    def confirmed(self) -> dict[str, list[ConfirmedEntry]]:
        """Each group's entries with the terms the writer chose (the formset is valid)."""
        return {
            group: [form.confirmed() for form in group_forms]
            for group, group_forms in self.by_group().items()
        }

    def confirmed_or_initial(self) -> dict[str, list[ConfirmedEntry]]:
        """Each group's entries with the terms chosen so far, or offered."""
        return {
            group: [form.confirmed_or_initial() for form in group_forms]
            for group, group_forms in self.by_group().items()
        }


EntryTermFormSet = forms.formset_factory(EntryTermForm, formset=BaseEntryTermFormSet, extra=0)
