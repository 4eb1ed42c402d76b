"""Structured citations, entered once and reused by every page that cites them.

How a citation reads on the page is decided by `references.formatting`, not here: the
model only holds the parts. Nothing happens in `save()`; normalising and checking the
identifiers is `clean()`'s job (called by the admin form and by `full_clean()`).
"""

import re
import textwrap
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from .validators import normalise_doi, validate_doi, validate_pmid

# Characters left unescaped in a doi.org link: "/" separates prefix and suffix, and the
# rest are legal in a URL path. Anything else ("#", "?", "%", "<", ">", spaces) is
# percent-encoded, as doi.org asks.
_DOI_URL_SAFE = "/:;()[]!$&'*+,=@"

# A person as the house style writes one: one to three surname words, then initials.
_PERSON = re.compile(r"(?:[\w'’-]+\s+){1,3}[A-Z]{1,4}")
# A leading collection name that ends in a colon: "NCCN Clinical Practice Guidelines in
# Oncology (NCCN Guidelines®): Kidney Cancer".
_COLLECTION = re.compile(r"^[^:]*\bguidelines?\b[^:]*:\s*(?=\S)", re.IGNORECASE)
_YEAR_ENDING_VERSION = re.compile(r"((?:19|20)\d\d)\s*$")
# Words too small to end a shortened title on ("Sunitinib versus interferon alfa in…").
_DANGLING = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
_LABEL_TITLE_WIDTH = 40


def _without_collection(title: str) -> str:
    return _COLLECTION.sub("", title, count=1)


def _shorten(title: str) -> str:
    """The title cut at a word to about 40 characters, ending in "…" when cut."""
    if len(title) <= _LABEL_TITLE_WIDTH:
        return title
    words = textwrap.shorten(title, width=_LABEL_TITLE_WIDTH, placeholder="").split()
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(",;:") + "…"


class Citation(models.Model):
    """One source (journal article, book chapter, website or guideline) as structured parts."""

    class Kind(models.TextChoices):
        JOURNAL_ARTICLE = "journal_article", "Journal article"
        BOOK_CHAPTER = "book_chapter", "Book chapter"
        WEBSITE = "website", "Website"
        GUIDELINE = "guideline", "Guideline"

    # The parts each kind has, beyond the kind itself: the one list that the house style
    # (`references.formatting` writes exactly these), the form (which shows only these,
    # see `references.forms`) and the paste parser (`references.parsing`) all follow.
    # Website and guideline share one pattern in the house style, so they share parts.
    _COMMON_FIELDS = ("authors", "authors_et_al", "title", "year")
    _WEB_FIELDS = (
        *_COMMON_FIELDS,
        "series",
        "container_title",
        "version",
        "updated_date",
        "url",
        "accessed_date",
    )
    FIELDS_BY_KIND = {
        Kind.JOURNAL_ARTICLE: (
            *_COMMON_FIELDS,
            "container_title",
            "month",
            "volume",
            "issue",
            "pages",
            "doi",
            "pmid",
        ),
        Kind.BOOK_CHAPTER: (
            *_COMMON_FIELDS,
            "chapter_number",
            "book_title",
            "editors",
            "edition",
            "publisher",
            "publisher_place",
        ),
        Kind.WEBSITE: _WEB_FIELDS,
        Kind.GUIDELINE: _WEB_FIELDS,
    }

    # The parts each kind cannot do without, beyond the title that every kind needs (the
    # field itself requires it). `clean()` reports the missing ones on their fields.
    REQUIRED_BY_KIND = {
        Kind.JOURNAL_ARTICLE: ("container_title", "year"),
        Kind.BOOK_CHAPTER: ("book_title",),
        Kind.WEBSITE: ("url",),
        Kind.GUIDELINE: ("url",),
    }

    kind = models.CharField(
        "kind of source",
        max_length=20,
        choices=Kind.choices,
        default=Kind.JOURNAL_ARTICLE,
        help_text="Decides which parts are needed and how the citation is written out.",
    )
    authors = models.TextField(
        "authors",
        blank=True,
        default="",
        help_text="One author per line, as the source lists them: a person as surname and "
        "initials (“Chan JA”), or an organisation (“National Cancer Institute”).",
    )
    authors_et_al = models.BooleanField(
        "more authors (et al.)",
        default=False,
        help_text="Tick when the source lists more authors than you entered: the citation "
        "then ends the author list with “et al.”.",
    )
    title = models.CharField(
        "title",
        max_length=500,
        help_text="The article, chapter or page title, exactly as the source writes it.",
    )
    container_title = models.CharField(
        "journal or website",
        max_length=300,
        blank=True,
        default="",
        help_text="For an article, the journal's abbreviated name (“Clin Ther”); for a "
        "website, its name (“UpToDate”), without the word “website”.",
    )
    series = models.CharField(
        "series",
        max_length=300,
        blank=True,
        default="",
        help_text="A series the page belongs to, written before the title, e.g. "
        "“Physician Data Query (PDQ)”.",
    )
    chapter_number = models.CharField(
        "chapter number",
        max_length=20,
        blank=True,
        default="",
        help_text="For a book chapter, the number only, e.g. “71”.",
    )
    book_title = models.CharField(
        "book title",
        max_length=500,
        blank=True,
        default="",
        help_text="For a book chapter, the title of the whole book.",
    )
    editors = models.TextField(
        "editors",
        blank=True,
        default="",
        help_text="For a book chapter, the book's editors, one per line (“Niederhuber JE”).",
    )
    edition = models.CharField(
        "edition",
        max_length=50,
        blank=True,
        default="",
        help_text="The edition without “ed.”, e.g. “5th”. Leave empty for a first edition.",
    )
    publisher = models.CharField(
        "publisher",
        max_length=300,
        blank=True,
        default="",
        help_text="The book's publisher, e.g. “Elsevier”.",
    )
    publisher_place = models.CharField(
        "place of publication",
        max_length=200,
        blank=True,
        default="",
        help_text="Where the book was published, e.g. “Philadelphia, Pa”.",
    )
    year = models.PositiveSmallIntegerField(
        "year",
        null=True,
        blank=True,
        help_text="Year of publication. For a website, the year it gives when it has no "
        "“updated” date.",
    )
    month = models.PositiveSmallIntegerField(
        "month",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="For a journal article, the month of the issue as a number, 1 to 12.",
    )
    volume = models.CharField(
        "volume",
        max_length=50,
        blank=True,
        default="",
        help_text="The journal volume, e.g. “39”.",
    )
    issue = models.CharField(
        "issue",
        max_length=50,
        blank=True,
        default="",
        help_text="The journal issue, e.g. “11”.",
    )
    pages = models.CharField(
        "pages",
        max_length=50,
        blank=True,
        default="",
        help_text="The page range, e.g. “2146-2157”. Any dash is written as a hyphen.",
    )
    doi = models.CharField(
        "DOI",
        max_length=255,
        blank=True,
        default="",
        help_text="The Digital Object Identifier, e.g. “10.1016/j.clinthera.2017.10.010”. "
        "You may paste it with a “doi:” or “https://doi.org/” prefix; it is stored bare.",
    )
    pmid = models.CharField(
        "PubMed ID (PMID)",
        max_length=8,
        blank=True,
        default="",
        help_text="The PubMed ID, 1 to 8 digits, e.g. “21306237”.",
    )
    url = models.URLField(
        "web address (URL)",
        max_length=500,
        blank=True,
        default="",
        help_text="For a website or guideline, the address of the page you read.",
    )
    version = models.CharField(
        "version",
        max_length=50,
        blank=True,
        default="",
        help_text="For a guideline, its version as the source writes it, e.g. “V.3.2018”.",
    )
    updated_date = models.DateField(
        "last updated",
        null=True,
        blank=True,
        help_text="For a website, the date the page says it was last updated.",
    )
    accessed_date = models.DateField(
        "accessed",
        null=True,
        blank=True,
        help_text="For a website or guideline, the date you read it.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["authors", "title"]
        verbose_name = "citation"
        verbose_name_plural = "citations"
        constraints = [
            # DOIs compare case-insensitively; empty means "no DOI", so many may lack one.
            models.UniqueConstraint(
                Lower("doi"),
                condition=~Q(doi=""),
                name="references_citation_unique_doi_ci",
            ),
            models.UniqueConstraint(
                fields=["pmid"],
                condition=~Q(pmid=""),
                name="references_citation_unique_pmid",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="references_citation_month_1_to_12",
            ),
        ]

    def __str__(self) -> str:
        """What tells this citation apart in a list: "Motzer RJ · 2007 · Sunitinib versus…".

        First author, year, title and version, joined by " · ", each left out when empty:

        - The first author as entered; an organisation whose initials the title itself
          uses is shown by them ("National Comprehensive Cancer Network" → "NCCN").
        - The year; without one, the year the page was last updated; without that, a
          year ending the version ("Version 2.2024" → 2024).
        - The title, without a leading "… Guidelines …:" collection name (every NCCN
          guideline starts with the same one), shortened to about 40 characters.
        - The version, as the source writes it.

        Every word shown comes from a field the citation admin searches, so typing the
        label finds the citation.
        """
        parts = [
            self._label_author(),
            str(self.label_year or ""),
            _shorten(_without_collection(self.title.strip())),
            self.version.strip(),
        ]
        return " · ".join(part for part in parts if part)

    @property
    def label_year(self) -> int | None:
        """The year the label shows (see `__str__`), or None."""
        if self.year:
            return self.year
        if self.updated_date:
            return self.updated_date.year
        match = _YEAR_ENDING_VERSION.search(self.version or "")
        return int(match.group(1)) if match else None

    def _label_author(self) -> str:
        first = next((line.strip() for line in self.authors.splitlines() if line.strip()), "")
        if not first or _PERSON.fullmatch(first):
            return first
        initials = "".join(word[0] for word in first.split() if word[0].isupper() and len(word) > 1)
        if len(initials) > 1 and re.search(rf"\b{re.escape(initials)}\b", self.title):
            return initials
        return first

    def filled_fields_outside_kind(self) -> list[str]:
        """The filled fields this citation's kind does not have (see `fields_outside_kind`)."""
        values = {field.name: getattr(self, field.name) for field in self._meta.concrete_fields}
        return fields_outside_kind(self.kind, values)

    @property
    def doi_url(self) -> str:
        """The doi.org address of the DOI, or "" when there is none."""
        return f"https://doi.org/{quote(self.doi, safe=_DOI_URL_SAFE)}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        """The PubMed address of the PMID, or "" when there is none."""
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    def clean(self) -> None:
        """Normalise the identifiers, check them, and check the parts this kind needs.

        The DOI is stored bare (see `normalise_doi`). A DOI or PMID that another citation
        already has is refused on that field, naming the citation, so the editor can reuse
        it instead of entering it twice.
        """
        self.doi = normalise_doi(self.doi)
        self.pmid = (self.pmid or "").strip()
        errors: dict[str, list[ValidationError]] = {}

        for name, validate in (("doi", validate_doi), ("pmid", validate_pmid)):
            if getattr(self, name):
                try:
                    validate(getattr(self, name))
                except ValidationError as error:
                    errors[name] = [error]

        for name in self.REQUIRED_BY_KIND.get(self.kind, ()):
            if getattr(self, name) in (None, ""):
                message = f"Required for a {self.get_kind_display().lower()}."
                errors.setdefault(name, []).append(ValidationError(message, code="required"))

        for name, error in self._duplicate_identifier_errors(exclude=set(errors)).items():
            errors.setdefault(name, []).append(error)

        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: set[str] | None = None) -> None:
        """Check the database constraints, naming the citation that a duplicate clashes with.

        Django's own message for a conditional unique constraint names only the
        constraint. Within `full_clean()`, `clean()` has already reported a duplicate, so
        that field arrives here excluded; this override is for callers that check the
        constraints alone.
        """
        exclude = set(exclude or ())
        duplicates = self._duplicate_identifier_errors(exclude=exclude)
        errors = {name: [error] for name, error in duplicates.items()}
        try:
            super().validate_constraints(exclude=exclude | set(errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _duplicate_identifier_errors(self, *, exclude: set[str]) -> dict[str, ValidationError]:
        """Errors for a DOI (any case) or PMID that another citation already has."""
        others = Citation.objects.all()
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        checks = (
            ("doi", "DOI", Q(doi__iexact=self.doi)),
            ("pmid", "PMID", Q(pmid=self.pmid)),
        )
        errors = {}
        for name, label, lookup in checks:
            if name in exclude or not getattr(self, name):
                continue
            existing = others.filter(lookup).first()
            if existing is not None:
                errors[name] = ValidationError(
                    'A citation with this %(label)s already exists: "%(existing)s"',
                    code="duplicate",
                    params={"label": label, "existing": existing},
                )
        return errors


def fields_outside_kind(kind: str, values: dict) -> list[str]:
    """The names in `values` that are filled but are not parts of `kind`, in model order.

    The house style does not show them, so a writer who changed the kind after filling in
    parts would keep text that no reader sees; the form refuses them instead of dropping
    them silently.
    """
    own = set(Citation.FIELDS_BY_KIND.get(kind, ()))
    parts = {name for names in Citation.FIELDS_BY_KIND.values() for name in names}
    return [
        field.name
        for field in Citation._meta.concrete_fields
        if field.name in values
        and field.name in parts
        and field.name not in own
        and values[field.name] not in (None, "", False)
    ]
