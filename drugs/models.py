"""The editable content of drug information pages.

These rows are the working copy that writers edit. The public never reads them:
`editorial` freezes them into publications. This app knows nothing of review.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from references.models import Citation

from .formatting import side_effect_text


class CancerType(models.Model):
    """A cancer type that pages are written for, e.g. pancreatic neuroendocrine tumor."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SideEffectTerm(models.Model):
    """One side effect, named once and reused by every drug that can cause it."""

    name = models.CharField(
        max_length=200, help_text="The term as it reads in a list, e.g. “nausea”."
    )
    slug = models.SlugField(max_length=200, unique=True)
    explanation = models.TextField(
        blank=True,
        help_text="A plain-language explanation, shown wherever the term appears. "
        "Leave empty unless the content gives one.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "side-effect term"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="drugs_sideeffectterm_unique_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Drug(models.Model):
    """A drug, shared by every page that covers it.

    Holds only what is true of the drug whatever the cancer; what a drug does for
    one cancer type belongs to that page's `DrugSection`.
    """

    generic_name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    brand_names = models.CharField(
        max_length=300, blank=True, help_text="Brand names, separated by commas, e.g. “Sutent”."
    )
    drug_class = models.CharField(
        "drug class",
        max_length=200,
        blank=True,
        help_text="The class in the content's own words, e.g. “HIF inhibitor”. "
        "Leave empty where the content names none.",
    )
    targets = models.CharField(
        "what it blocks",
        max_length=300,
        blank=True,
        help_text="What the drug blocks, in short, e.g. “mTOR” or “several tyrosine kinases”.",
    )
    mechanism = models.TextField(
        "how it works",
        blank=True,
        help_text="The paragraph on how the drug works, as readers see it.",
    )
    administration = models.TextField(
        "how it is taken",
        blank=True,
        help_text="How the drug is taken, e.g. “This drug is taken as a pill once a day.”",
    )
    route = models.CharField(
        "form taken",
        max_length=100,
        blank=True,
        help_text="The form or route in the content's own words, e.g. “pill”.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["generic_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("generic_name"), name="drugs_drug_unique_generic_name_ci"
            ),
        ]

    def __str__(self) -> str:
        brands = self.brand_name_list
        return f"{self.generic_name} ({', '.join(brands)})" if brands else self.generic_name

    @property
    def brand_name_list(self) -> list[str]:
        return [name.strip() for name in self.brand_names.split(",") if name.strip()]


class DrugSideEffect(models.Model):
    """One side effect in one of a drug's groups, with the drug's own wording.

    The same term may appear in two groups of one drug (anemia; severe anemia).
    """

    class Group(models.TextChoices):
        COMMON = "common", "Common"
        OTHER = "other", "Other possible"
        SERIOUS = "serious", "Less common but serious"

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="side_effects")
    term = models.ForeignKey(SideEffectTerm, on_delete=models.PROTECT, related_name="drug_uses")
    group = models.CharField(max_length=20, choices=Group.choices)
    position = models.PositiveIntegerField(default=0, help_text="Order within the group.")
    wording = models.CharField(
        max_length=300,
        blank=True,
        help_text="How this drug's text names the effect, if not the term itself, "
        "e.g. “low red blood cell counts (anemia)”.",
    )
    detail = models.CharField(
        max_length=300,
        blank=True,
        help_text="What follows the name, as written: “(usually in the legs)” in brackets, "
        "or a clause such as “which might require blood transfusions”.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["drug_id", "group", "position", "id"]
        verbose_name = "side effect"
        constraints = [
            models.UniqueConstraint(
                fields=["drug", "group", "term"], name="drugs_drugsideeffect_unique_term_per_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.display_text}"

    @property
    def display_text(self) -> str:
        return side_effect_text(
            term=self.term.name,
            explanation=self.term.explanation,
            wording=self.wording,
            detail=self.detail,
        )


class EditorialTeam(models.Model):
    """The site-wide attribution that every page shows; there is only one."""

    # A fixed key, checked by the database: there is never a second attribution.
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "editorial team attribution"
        verbose_name_plural = "editorial team attribution"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="drugs_editorialteam_singleton"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "EditorialTeam | None":
        return cls.objects.filter(pk=1).first()


class Page(models.Model):
    """A patient-facing page about treating one cancer type, like the seed page."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True, help_text="The page's address.")
    cancer_type = models.ForeignKey(CancerType, on_delete=models.PROTECT, related_name="pages")
    intro = models.TextField(
        "introduction", help_text="One or more paragraphs, separated by a blank line."
    )
    more_information_heading = models.CharField(
        "“More information” heading", max_length=200, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("editorial:page", kwargs={"slug": self.slug})


class DrugSection(models.Model):
    """A drug as one page shows it, with what is true of it for that page's cancer only."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="drug_sections")
    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    # The two fields are told apart by where they read on the page, which is also what
    # they say: evidence continues the "how it works" paragraph, use is its own paragraph.
    evidence = models.TextField(
        "what it has been shown to do in this cancer",
        blank=True,
        help_text="One or two sentences on what studies found for this cancer. They read "
        "inside the drug's first paragraph, between how it works and how it is taken, e.g. "
        "“It has been shown to help treat advanced pancreatic NETs.” or “It has been shown "
        "to help slow tumor growth.” Who gets the drug, or when, goes in the next field.",
    )
    indication = models.TextField(
        "who it is used for in this cancer, and when",
        blank=True,
        help_text="Paragraphs of their own, read after how the drug is taken, on who can get "
        "it and at what point of treatment, e.g. “Belzutifan can be used in people with von "
        "Hippel-Lindau (VHL) disease who have a pancreatic NET and don’t need surgery right "
        "away.” or “Sunitinib is often a first treatment for advanced kidney cancer.” "
        "Separate paragraphs with a blank line.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["page_id", "position", "id"]
        verbose_name = "drug section"
        constraints = [
            models.UniqueConstraint(fields=["page", "drug"], name="drugs_drugsection_unique_drug"),
        ]

    def __str__(self) -> str:
        return f"{self.drug.generic_name} on “{self.page.title}”"


class MoreInformationLink(models.Model):
    """A “More information” sentence: a lead-in and a titled link to a page or URL."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="more_information_links")
    position = models.PositiveIntegerField(default=0)
    lead_in = models.CharField(
        max_length=300,
        help_text="E.g. “To learn more about how targeted drugs are used to treat cancer, see”.",
    )
    title = models.CharField(
        max_length=300, help_text="The linked title, e.g. “Targeted Cancer Therapy”."
    )
    target_page = models.ForeignKey(
        Page,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A page of this site, or…",
    )
    url = models.URLField(
        "external URL",
        max_length=500,
        blank=True,
        help_text="…an external address. "
        "Leave both empty until the target is known: the title then shows unlinked.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["page_id", "position", "id"]
        verbose_name = "“More information” link"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_page__isnull=True) | models.Q(url=""),
                name="drugs_moreinformationlink_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.target_page_id and self.url:
            raise ValidationError("Link to a page of this site or to an external URL, not both.")


class PageReference(models.Model):
    """A citation in a page's reference list, at its position."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="references")
    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, related_name="page_uses")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["page_id", "position", "id"]
        verbose_name = "page reference"
        constraints = [
            models.UniqueConstraint(
                fields=["page", "citation"], name="drugs_pagereference_unique_citation"
            ),
        ]

    def __str__(self) -> str:
        return str(self.citation)


class Translation(models.Model):
    """One record's words in another language: the fields of it a reader sees, translated.

    One row per record and language, kept apart from the record itself, so a translator's
    draft holds this row and never the English record, and an English edit never waits
    on a translation. `texts` maps each translated field to its text; `sources` keeps,
    for each, the English text it was translated from, which is what "out of date" and
    the translator's diff compare against. Which fields of which models can be
    translated is `TRANSLATABLE`. Why not django-modeltranslation (columns on the
    English record) or django-parler (the English text moved into a translation table):
    docs/architecture.md, "Translations are edited through the workflow".
    """

    model = models.CharField(max_length=100, help_text="The record's app_label.model_name.")
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=10)
    texts = models.JSONField(default=dict, blank=True)
    sources = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["model", "object_id", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "object_id", "language"], name="drugs_translation_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} in {self.language}"

    def clean(self) -> None:
        fields = TRANSLATABLE.get(self.model)
        if fields is None:
            raise ValidationError(f"{self.model} has no translatable fields.")
        unknown = sorted(set(self.texts) - set(fields))
        if unknown:
            raise ValidationError(f"Not translatable: {', '.join(unknown)}.")


# The fields a reader sees in words, per model: these, and only these, are translated.
# Names (a drug's generic name, slugs) and references stay as published.
TRANSLATABLE: dict[str, tuple[str, ...]] = {
    "drugs.cancertype": ("name",),
    "drugs.sideeffectterm": ("name", "explanation"),
    "drugs.editorialteam": ("name", "description"),
    "drugs.drug": ("brand_names", "drug_class", "targets", "mechanism", "administration", "route"),
    "drugs.drugsideeffect": ("wording", "detail"),
    "drugs.page": ("title", "intro", "more_information_heading"),
    "drugs.drugsection": ("evidence", "indication"),
    "drugs.moreinformationlink": ("lead_in", "title"),
}
