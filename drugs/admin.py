from django.contrib import admin

from config.history import FIELD_OVERRIDES, HistoryAdmin

from .admin_entry import (
    OrderedInlineMixin,
    SideEffectPasteMixin,
    SortableParentMixin,
    side_effect_group_order,
)
from .forms import DrugForm
from .models import (
    CancerType,
    Drug,
    DrugSection,
    DrugSideEffect,
    EditorialTeam,
    MoreInformationLink,
    Page,
    PageReference,
    SideEffectTerm,
)
from .ordering import position_after_last


@admin.register(CancerType)
class CancerTypeAdmin(HistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SideEffectTerm)
class SideEffectTermAdmin(HistoryAdmin):
    list_display = ["name", "explanation"]
    search_fields = ["name", "explanation"]
    prepopulated_fields = {"slug": ["name"]}


# Stacked, not tabular: a row of five wide fields is wider than a 1,280 px window.
class DrugSideEffectInline(OrderedInlineMixin, admin.StackedInline):
    model = DrugSideEffect
    fields = ["group", "position", "term", "wording", "detail"]
    autocomplete_fields = ["term"]
    extra = 1
    order_group = "group"

    def get_ordering(self, request):
        return side_effect_group_order()


@admin.register(Drug)
class DrugAdmin(SideEffectPasteMixin, SortableParentMixin, HistoryAdmin):
    list_display = ["generic_name", "brand_names", "drug_class", "targets", "route"]
    list_filter = ["drug_class", "route"]
    search_fields = ["generic_name", "brand_names", "drug_class", "targets", "mechanism"]
    prepopulated_fields = {"slug": ["generic_name"]}
    fieldsets = [
        (None, {"fields": ["generic_name", "slug", "brand_names", "change_reason"]}),
        (
            "What it is and how it works",
            {"fields": ["drug_class", "targets", "mechanism"]},
        ),
        ("How it is taken", {"fields": ["administration", "route"]}),
    ]
    form = DrugForm
    inlines = [DrugSideEffectInline]
    history_parts = ((DrugSideEffect, "drug"),)


@admin.register(DrugSideEffect)
class DrugSideEffectAdmin(HistoryAdmin):
    """Side effects are edited inline on their drug; this view finds them across drugs."""

    list_display = ["drug", "group", "position", "term", "wording", "detail"]
    list_filter = ["group", "drug"]
    search_fields = ["term__name", "wording", "detail", "drug__generic_name"]
    autocomplete_fields = ["drug", "term"]
    list_select_related = ["drug", "term"]
    readonly_fields = ["position"]  # ordered on the drug's form, never typed

    def save_model(self, request, obj, form, change) -> None:
        if not change or {"drug", "group"} & set(form.changed_data):
            obj.position = position_after_last(
                DrugSideEffect.objects.filter(drug=obj.drug, group=obj.group).exclude(pk=obj.pk)
            )
        super().save_model(request, obj, form, change)


@admin.register(EditorialTeam)
class EditorialTeamAdmin(HistoryAdmin):
    list_display = ["name"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not EditorialTeam.objects.exists()


class DrugSectionInline(OrderedInlineMixin, admin.StackedInline):
    model = DrugSection
    fields = ["position", "drug", "evidence", "indication"]
    autocomplete_fields = ["drug"]
    extra = 0


class MoreInformationLinkInline(OrderedInlineMixin, admin.StackedInline):
    model = MoreInformationLink
    fk_name = "page"
    fields = ["position", "lead_in", "title", "target_page", "url"]
    formfield_overrides = FIELD_OVERRIDES
    autocomplete_fields = ["target_page"]
    extra = 0


class PageReferenceInline(OrderedInlineMixin, admin.StackedInline):
    model = PageReference
    fields = ["position", "citation"]
    autocomplete_fields = ["citation"]
    extra = 0


@admin.register(Page)
class PageAdmin(SortableParentMixin, HistoryAdmin):
    list_display = ["title", "cancer_type", "slug"]
    list_filter = ["cancer_type"]
    search_fields = ["title", "intro", "drug_sections__drug__generic_name"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "cancer_type", "intro", "change_reason"]}),
        ("More information", {"fields": ["more_information_heading"]}),
    ]
    inlines = [DrugSectionInline, MoreInformationLinkInline, PageReferenceInline]
    history_parts = (
        (DrugSection, "page"),
        (MoreInformationLink, "page"),
        (PageReference, "page"),
    )


# Translations are edited on the translator's screen, which editorial registers
# (editorial/translation_admin.py): it needs the workflow this app knows nothing of.
