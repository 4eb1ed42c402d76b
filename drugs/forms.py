"""Forms for fast data entry: ordered inlines, and pasting a side-effect list."""

from typing import Any

from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.widgets import AutocompleteSelect

from .models import DrugSideEffect, SideEffectTerm
from .ordering import positions_within_groups
from .side_effect_lists import (
    MAX_ENTRIES,
    MAX_PASTE_LENGTH,
    ConfirmedEntry,
    PastedEntry,
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


class PasteForm(forms.Form):
    """Step one: the group and the list as the writer pasted it."""

    group = forms.ChoiceField(label="Group", choices=DrugSideEffect.Group.choices)
    text = forms.CharField(
        label="Side effects",
        max_length=MAX_PASTE_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="Paste the list as it reads, e.g. “nausea, diarrhea, fluid buildup "
        "(usually in the legs), and damage to the lungs, which can cause shortness of "
        "breath”. Commas, semicolons and line breaks separate the side effects.",
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        parsed = parse_side_effect_list(text)
        if not parsed.entries:
            raise forms.ValidationError(
                "Paste at least one side effect: the list has only separators in it."
            )
        if len(parsed.entries) > MAX_ENTRIES:
            raise forms.ValidationError(
                f"This list has {len(parsed.entries)} side effects; paste at most "
                f"{MAX_ENTRIES} at a time."
            )
        self.cleaned_data["entries"] = parsed.entries
        return text


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
        entry: PastedEntry,
        terms: dict[str, SideEffectTerm],
        admin_site: AdminSite,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
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
    def __init__(self, *args, entries: tuple[PastedEntry, ...], **kwargs) -> None:
        self.entries = entries
        # Every term, read once, for matching each entry against.
        self.terms = {term.name: term for term in SideEffectTerm.objects.all()}
        kwargs.setdefault("prefix", "entry")
        super().__init__(*args, **kwargs)
        self.extra = len(entries)

    def total_form_count(self) -> int:
        return len(self.entries)  # one form per pasted entry, whatever was posted

    def initial_form_count(self) -> int:
        return len(self.entries)  # each entry needs an answer: none may be left blank

    def get_form_kwargs(self, index: int) -> dict[str, Any]:
        return {**self.form_kwargs, "entry": self.entries[index], "terms": self.terms}

    def confirmed(self) -> list[ConfirmedEntry]:
        return [form.confirmed() for form in self.forms]


EntryTermFormSet = forms.formset_factory(EntryTermForm, formset=BaseEntryTermFormSet, extra=0)
