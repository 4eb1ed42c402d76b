from django.contrib import admin
from django.utils.html import format_html

from .models import AuditEntry, Publication


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: nobody adds, changes or deletes them in the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["title", "published_at", "origin", "published_by", "last_revised", "short_hash"]
    list_filter = ["origin", "published_at"]
    search_fields = ["title", "slug", "content_hash"]
    list_select_related = ["published_by"]
    date_hierarchy = "published_at"
    fields = [
        "page",
        "title",
        "slug",
        "origin",
        "published_at",
        "published_by",
        "last_revised",
        "content_hash",
        "public_view",
        "manifest",
    ]
    readonly_fields = fields

    @admin.display(description="hash")
    def short_hash(self, obj: Publication) -> str:
        return obj.content_hash[:12]

    @admin.display(description="as the public saw it")
    def public_view(self, obj: Publication):
        # The stored body was autoescaped when it was rendered; show it as published.
        return format_html('<div class="publication-body">{}</div>', obj.html_safe)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "page", "comment"]
    list_filter = ["action"]
    search_fields = ["comment", "page__title", "actor__username"]
    list_select_related = ["actor", "page"]
    date_hierarchy = "at"
