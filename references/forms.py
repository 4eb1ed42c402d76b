"""The editor's forms for a citation: the citation itself, and a reference to paste into it."""

import datetime
import json

from django import forms
from django.db import models

from config.history import ChangeReasonForm

from .models import Citation, fields_outside_kind
from .parsing import (
    REFERENCE_MAX_CHARS,
    ParsedReference,
    ReferenceNotRecognised,
    parse_reference,
    split_reference_list,
)
from .validators import normalise_doi, validate_doi


def _https_by_default(db_field: models.Field, **kwargs) -> forms.Field:
    """An address typed without a scheme ("www.nccn.org/…") is taken to be https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class CitationForm(ChangeReasonForm):
    """A citation, accepting a DOI as editors paste it, with a reason for the change."""

    class Meta:
        model = Citation
        fields = [
            "kind",
            "authors",
            "authors_et_al",
            "title",
            "container_title",
            "series",
            "chapter_number",
            "book_title",
            "editors",
            "edition",
            "publisher",
            "publisher_place",
            "year",
            "month",
            "volume",
            "issue",
            "pages",
            "doi",
            "pmid",
            "url",
            "version",
            "updated_date",
            "accessed_date",
        ]
        formfield_callback = _https_by_default

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The form's script shows the parts of the chosen kind only; it reads them here,
        # from the one list the house style follows too.
        if "kind" in self.fields:
            self.fields["kind"].widget.attrs["data-kind-fields"] = json.dumps(
                Citation.FIELDS_BY_KIND
            )

    def clean(self) -> dict:
        """Refuse parts the chosen kind does not have: the citation would not show them."""
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            label = Citation.Kind(kind).label.lower()
            for name in fields_outside_kind(kind, cleaned):
                self.add_error(
                    name,
                    f"A {label} has no {self.fields[name].label.lower()}: clear this, "
                    "or choose the kind of source it belongs to.",
                )
        return cleaned

    def clean_doi(self) -> str:
        """Store the DOI bare: "https://doi.org/10.1016/x" and "doi: 10.1016/x" both work."""
        doi = normalise_doi(self.cleaned_data.get("doi", ""))
        if doi:
            validate_doi(doi)
        return doi

    def clean_pmid(self) -> str:
        """A PMID pasted with spaces around it is still the same PMID."""
        return self.cleaned_data.get("pmid", "").strip()


# A pasted list holds at most this much text, and at most this many references.
LIST_MAX_CHARS = 100_000
LIST_MAX_REFERENCES = 100


class PasteForm(forms.Form):
    """One reference pasted whole, read into the citation's parts for the writer to check.

    Several references (a whole list) are not read here: `is_list` says so, and the
    admin shows the list's confirmation instead (`references.reference_list`).
    """

    reference = forms.CharField(
        label="Paste a reference",
        max_length=LIST_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="One reference as a reference list writes it, e.g. “Motzer RJ, Hutson TE, "
        "Tomczak P, et al. Sunitinib versus interferon alfa in metastatic renal-cell "
        "carcinoma. N Engl J Med. 2007;356(2):115-124.” The form below is filled in from "
        "it for you to check; nothing is saved until you save the form. Paste a whole "
        "reference list (one reference a line, or numbered) to add them all at once.",
    )

    parsed: ParsedReference | None = None
    is_list: bool = False

    def clean_reference(self) -> str:
        text = self.cleaned_data["reference"]
        if len(split_reference_list(text)) > 1:
            self.is_list = True
            return text
        if len(text) > REFERENCE_MAX_CHARS:
            raise forms.ValidationError(
                f"One reference is at most {REFERENCE_MAX_CHARS:,} characters; this text "
                f"has {len(text):,}.",
                code="too_long",
            )
        try:
            self.parsed = parse_reference(text)
        except ReferenceNotRecognised as refused:
            raise forms.ValidationError(str(refused), code="not_recognised") from refused
        return text


class ReferenceListForm(forms.Form):
    """A whole reference list, pasted to add every citation in it at once."""

    references = forms.CharField(
        label="Paste the reference list",
        max_length=LIST_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text="As the page's reference list writes it: one reference a line, or "
        "numbered “1. …”; blank lines between them are fine. Nothing is added until you "
        "have checked what each reference will be and confirmed.",
    )
    change_reason = forms.CharField(
        label="Reason for this change",
        max_length=100,
        required=False,
        help_text="Saved in each added citation's history, e.g. “References of the kidney "
        "cancer page”. Left empty: “Added from a pasted reference list”.",
    )

    def clean_references(self) -> str:
        text = self.cleaned_data["references"]
        count = len(split_reference_list(text))
        if not count:
            raise forms.ValidationError("Paste a reference list first: the box was empty.")
        if count > LIST_MAX_REFERENCES:
            raise forms.ValidationError(
                f"This list has {count} references; add at most {LIST_MAX_REFERENCES} "
                "at a time, so that each can be checked."
            )
        return text


def initial_from_parsed(parsed: ParsedReference) -> dict[str, str]:
    """The citation form's initial data for a parsed reference, as the admin reads it.

    Values are text, as in a query string: dates as YYYY-MM-DD, "et al." only when set.
    """
    initial = {"kind": parsed.kind}
    for name, value in parsed.fields.items():
        if isinstance(value, bool):
            if value:
                initial[name] = "on"
        elif isinstance(value, datetime.date):
            initial[name] = value.isoformat()
        else:
            initial[name] = str(value)
    return initial
