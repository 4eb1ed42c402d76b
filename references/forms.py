"""The editor's form for a citation."""

from django import forms
from django.db import models

from config.history import ChangeReasonForm

from .models import Citation
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

    def clean_doi(self) -> str:
        """Store the DOI bare: "https://doi.org/10.1016/x" and "doi: 10.1016/x" both work."""
        doi = normalise_doi(self.cleaned_data.get("doi", ""))
        if doi:
            validate_doi(doi)
        return doi

    def clean_pmid(self) -> str:
        """A PMID pasted with spaces around it is still the same PMID."""
        return self.cleaned_data.get("pmid", "").strip()
