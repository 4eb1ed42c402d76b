from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from config.history import HistoryAdmin, search_term_checked

from .formatting import format_citation_html
from .forms import CitationForm, PasteForm, initial_from_parsed
from .models import Citation
from .search import citation_search

# The name of the paste form's button: a POST carrying it fills the form, never saves.
PASTE_BUTTON = "_paste"


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
    form = CitationForm
    add_form_template = "admin/references/citation/add_form.html"
    list_display = ["__str__", "kind", "year", "container_title", "doi"]
    list_filter = ["kind", "year"]
    # Declared for the admin's search box and autocomplete; `get_search_results` decides.
    search_fields = ["authors", "title", "container_title", "doi", "pmid"]
    readonly_fields = ["rendered"]
    # Every field shows without script; with it, citation_form.js hides the parts the
    # chosen kind does not have (Citation.FIELDS_BY_KIND).
    fieldsets = [
        (
            "Source",
            {
                "fields": [
                    "kind",
                    "authors",
                    "authors_et_al",
                    "title",
                    "container_title",
                    "year",
                    "change_reason",
                ]
            },
        ),
        (
            "Journal article",
            {"fields": ["month", "volume", "issue", "pages", "doi", "pmid"]},
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

    class Media:
        js = ["references/citation_form.js"]
        css = {"all": ["references/citation_form.css"]}

    @admin.display(description="As it will read")
    def rendered(self, obj: Citation) -> str:
        if obj is None or obj.pk is None:
            return "Shown once the citation is saved."
        return format_citation_html(obj)

    def get_search_results(self, request, queryset, search_term):
        """Every word must match a part (see `references.search.citation_search`)."""
        return citation_search(queryset, search_term_checked(search_term)), False

    def add_view(self, request, form_url="", extra_context=None):
        paste_form = PasteForm()
        if request.method == "POST" and PASTE_BUTTON in request.POST:
            if not self.has_add_permission(request):
                raise PermissionDenied
            paste_form = PasteForm(request.POST)
            request = self._filled_from_paste(request, paste_form)
        context = {**(extra_context or {}), "paste_form": paste_form, "paste_button": PASTE_BUTTON}
        return super().add_view(request, form_url, context)

    def _filled_from_paste(self, request, paste_form: PasteForm):
        """The request as a fresh add form, its initial data read from the pasted reference.

        The admin takes an add form's initial data from the query string, so the parsed
        parts go there, on a GET: the writer sees the filled form and saves it as any.
        """
        filled = request.GET.copy()
        if paste_form.is_valid():
            parsed = paste_form.parsed
            filled.update(initial_from_parsed(parsed))
            kind = Citation.Kind(parsed.kind).label.lower()
            self.message_user(
                request,
                f"The form is filled in from the pasted reference, read as a {kind}. Check "
                "every part against the source, then save.",
                messages.SUCCESS,
            )
            if parsed.unplaced:
                left = "; ".join(f"“{text}”" for text in parsed.unplaced)
                self.message_user(
                    request,
                    f"Not placed in any part: {left}. Put it where it belongs, or leave it "
                    "out if the citation does not need it.",
                    messages.WARNING,
                )
        # A copy, so the request the middleware sees stays the POST it was.
        as_get = request.__class__.__new__(request.__class__)
        as_get.__dict__ = {**request.__dict__, "method": "GET", "GET": filled}
        return as_get
