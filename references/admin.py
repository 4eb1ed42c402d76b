from django.contrib import admin

from config.history import HistoryAdmin

from .formatting import format_citation_html
from .forms import CitationForm
from .models import Citation


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
    form = CitationForm
    list_display = ["__str__", "kind", "year", "container_title", "doi"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "authors", "container_title", "book_title", "doi", "pmid"]
    readonly_fields = ["rendered"]
    fieldsets = [
        ("Source", {"fields": ["kind", "authors", "authors_et_al", "title", "change_reason"]}),
        (
            "Journal article",
            {
                "description": "The journal (or website name) and year are used by websites too.",
                "fields": [
                    "container_title",
                    "year",
                    "month",
                    "volume",
                    "issue",
                    "pages",
                    "doi",
                    "pmid",
                ],
            },
        ),
        (
            "Book chapter",
            {
                "fields": [
                    "chapter_number",
                    "book_title",
                    "editors",
                    "edition",
                    "publisher",
                    "publisher_place",
                ]
            },
        ),
        (
            "Website or guideline",
            {"fields": ["series", "version", "url", "updated_date", "accessed_date"]},
        ),
        ("Rendered", {"fields": ["rendered"]}),
    ]

    @admin.display(description="As it will read")
    def rendered(self, obj: Citation) -> str:
        if obj is None or obj.pk is None:
            return "Shown once the citation is saved."
        return format_citation_html(obj)
