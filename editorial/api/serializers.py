"""The API's JSON shapes: a publication's frozen content, described field by field for the schema.

Serializers read the dicts the publication froze; they never reach an editable row.
Addresses are absolute, built from the request the partner made.
"""

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from drugs.models import DrugSideEffect
from editorial.snapshots import safe_href
from editorial.templatetags.editorial_public import citation_links

from . import reading


def absolute(context: dict[str, Any], path: str) -> str:
    """`path` on this site as an absolute URL, from the request the partner made."""
    return context["request"].build_absolute_uri(path)


class CancerTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


class SideEffectTermSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    explanation = serializers.CharField(help_text="Plain-language explanation; empty when none.")


class SideEffectSerializer(serializers.Serializer):
    term = SideEffectTermSerializer()
    wording = serializers.CharField(help_text="The drug's own wording, if it has one.")
    detail = serializers.CharField()
    text = serializers.CharField(help_text="How the side effect reads in the drug's list.")


class SideEffectGroupSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=DrugSideEffect.Group.choices)
    label = serializers.CharField()
    entries = SideEffectSerializer(many=True)


class DrugSerializer(serializers.Serializer):
    """A drug as the pages show it."""

    generic_name = serializers.CharField()
    slug = serializers.SlugField()
    brand_names = serializers.ListField(child=serializers.CharField())
    drug_class = serializers.CharField()
    targets = serializers.CharField(help_text="What it blocks.")
    mechanism = serializers.CharField(help_text="How it works.")
    administration = serializers.CharField(help_text="How it is taken.")
    route = serializers.CharField()
    side_effects = SideEffectGroupSerializer(many=True)


class DrugSectionSerializer(serializers.Serializer):
    drug = DrugSerializer()
    evidence = serializers.CharField(help_text="What it has been shown to do in this cancer.")
    indication = serializers.ListField(child=serializers.CharField(), help_text="Paragraphs.")


class LinkSerializer(serializers.Serializer):
    lead_in = serializers.CharField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="Absolute; empty when none is published.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, link: dict[str, Any]) -> str:
        url = safe_href(link["url"]) if link["url"] else ""
        return absolute(self.context, url) if url.startswith("/") else url


class MoreInformationSerializer(serializers.Serializer):
    heading = serializers.CharField()
    links = LinkSerializer(many=True)


class AttributionSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.ListField(child=serializers.CharField(), help_text="Paragraphs.")


class ReferenceLinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.URLField()


class ReferenceSerializer(serializers.Serializer):
    """A citation: its fields as stored, the house style's text, and its DOI/PubMed/web links."""

    kind = serializers.CharField()
    text = serializers.CharField(help_text="The citation in the site's house style.")
    authors = serializers.CharField()
    authors_et_al = serializers.BooleanField()
    title = serializers.CharField()
    container_title = serializers.CharField()
    series = serializers.CharField()
    chapter_number = serializers.CharField()
    book_title = serializers.CharField()
    editors = serializers.CharField()
    edition = serializers.CharField()
    publisher = serializers.CharField()
    publisher_place = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    volume = serializers.CharField()
    issue = serializers.CharField()
    pages = serializers.CharField()
    doi = serializers.CharField()
    pmid = serializers.CharField()
    url = serializers.CharField()
    version = serializers.CharField()
    updated_date = serializers.DateField(allow_null=True)
    accessed_date = serializers.DateField(allow_null=True)
    links = serializers.SerializerMethodField()

    @extend_schema_field(ReferenceLinkSerializer(many=True))
    def get_links(self, reference: dict[str, Any]) -> list[dict[str, str]]:
        return citation_links(reference)


class PageContentSerializer(serializers.Serializer):
    """The page as it was frozen when published: every fact a reader sees."""

    title = serializers.CharField()
    slug = serializers.SlugField()
    cancer_type = CancerTypeSerializer(allow_null=True)
    intro = serializers.ListField(child=serializers.CharField(), help_text="Paragraphs.")
    drug_sections = DrugSectionSerializer(many=True)
    more_information = MoreInformationSerializer()
    attribution = AttributionSerializer(allow_null=True)
    references = ReferenceSerializer(many=True)


class MedicalReviewSerializer(serializers.Serializer):
    date = serializers.DateField()
    reviewed_by = serializers.CharField(
        help_text="The reviewers' credentials in words, e.g. "
        "“a physician and an oncology certified nurse”."
    )
    credentials = serializers.ListField(child=serializers.CharField(), help_text="e.g. MD, OCN.")


class PageSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    cancer_type = serializers.CharField(help_text="The cancer type's name; empty when none.")
    last_revised = serializers.DateField(help_text="When the content readers see last changed.")
    url = serializers.SerializerMethodField(help_text="This page in the API.")
    canonical_url = serializers.SerializerMethodField(help_text="The page on the public site.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, publication: Any) -> str:
        return absolute(self.context, reverse("api:page", kwargs={"slug": publication.slug}))

    @extend_schema_field(OpenApiTypes.URI)
    def get_canonical_url(self, publication: Any) -> str:
        return absolute(self.context, reverse("editorial:page", kwargs={"slug": publication.slug}))


class PageSerializer(PageSummarySerializer):
    published_at = serializers.DateTimeField(help_text="When this version went live.")
    last_medically_reviewed = serializers.SerializerMethodField(
        help_text="The last full medical review on record; null while there is none."
    )
    version_label = serializers.SerializerMethodField(
        help_text="The editors' label for this version; null while it has none."
    )
    content_hash = serializers.CharField(
        help_text="SHA-256 of the content: it changes exactly when the content does."
    )
    content = PageContentSerializer()

    @extend_schema_field(MedicalReviewSerializer(allow_null=True))
    def get_last_medically_reviewed(self, publication: Any) -> dict[str, Any] | None:
        review = reading.medical_review(publication)
        return None if review is None else MedicalReviewSerializer(review).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_version_label(self, publication: Any) -> str | None:
        return reading.version_label(publication)


class PageLinkSerializer(serializers.Serializer):
    """A live page that shows a drug."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The page in the API.")
    canonical_url = serializers.SerializerMethodField(help_text="The page on the public site.")

    get_url = PageSummarySerializer.get_url
    get_canonical_url = PageSummarySerializer.get_canonical_url


class DrugSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField(source="drug.slug")
    generic_name = serializers.CharField(source="drug.generic_name")
    brand_names = serializers.ListField(child=serializers.CharField(), source="drug.brand_names")
    drug_class = serializers.CharField(source="drug.drug_class")
    url = serializers.SerializerMethodField(help_text="This drug in the API.")
    canonical_url = serializers.SerializerMethodField(help_text="The drug on the public site.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, entry: dict[str, Any]) -> str:
        return absolute(self.context, reverse("api:drug", kwargs={"slug": entry["drug"]["slug"]}))

    @extend_schema_field(OpenApiTypes.URI)
    def get_canonical_url(self, entry: dict[str, Any]) -> str:
        path = reverse("editorial:drug", kwargs={"slug": entry["drug"]["slug"]})
        return absolute(self.context, path)


class DrugDetailSerializer(DrugSummarySerializer):
    drug = DrugSerializer(help_text="The drug as the newest live page showing it shows it.")
    pages = PageLinkSerializer(many=True, help_text="The live pages that show it, by title.")


class GlossaryDrugSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    generic_name = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The drug in the API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, drug: dict[str, Any]) -> str:
        return absolute(self.context, reverse("api:drug", kwargs={"slug": drug["slug"]}))


class GlossaryTermSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    explanation = serializers.CharField(help_text="Plain-language explanation; empty when none.")
    drugs = GlossaryDrugSerializer(many=True, help_text="The live drugs that have it.")
