from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from config.history import HistoryAdmin, search_term_checked

from .formatting import format_citation_html
from .forms import CitationForm, PasteForm, ReferenceListForm, initial_from_parsed
from .models import Citation
from .reference_list import (
    Outcome,
    add_new_citations,
    list_token,
    new_entries,
    outcome_counts,
    parts_as_saved,
    read_reference_list,
)
from .search import citation_search

# The name of the paste form's button: a POST carrying it fills the form, never saves.
PASTE_BUTTON = "_paste"
# The reference list screens' buttons: read the list (saves nothing), add what it read,
# or go back to the pasted text to change it.
READ_LIST_BUTTON = "_read_list"
CONFIRM_LIST_BUTTON = "_confirm_list"
EDIT_LIST_BUTTON = "_edit_list"


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

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_add_list"
        add_list = path("add-list/", self.admin_site.admin_view(self.add_list_view), name=name)
        return [add_list, *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        paste_form = PasteForm()
        if request.method == "POST" and PASTE_BUTTON in request.POST:
            if not self.has_add_permission(request):
                raise PermissionDenied
            paste_form = PasteForm(request.POST)
            if paste_form.is_valid() and paste_form.is_list:
                if IS_POPUP_VAR not in request.GET and IS_POPUP_VAR not in request.POST:
                    list_form = ReferenceListForm({"references": request.POST["reference"]})
                    if not list_form.is_valid():
                        return self._list_paste_screen(request, list_form)
                    return self._list_confirmation(request, list_form.cleaned_data["references"])
                paste_form.add_error(
                    "reference",
                    "This is a list of several references. In this window, paste one "
                    "reference; to add a whole list, use “Add from a reference list” on "
                    "the list of citations.",
                )
            request = self._filled_from_paste(request, paste_form)
        context = {**(extra_context or {}), "paste_form": paste_form, "paste_button": PASTE_BUTTON}
        return super().add_view(request, form_url, context)

    def add_list_view(self, request):
        """Paste a whole reference list, check what each reference will be, add the new ones.

        Three steps, each a POST but the first: the pasted list; its confirmation, which
        carries only the pasted text (read again on confirming, never trusted as parts);
        and adding. Not offered in a popup: a popup returns one citation to its opener.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST" or EDIT_LIST_BUTTON in request.POST:
            initial = request.POST.dict() if request.method == "POST" else {}
            return self._list_paste_screen(request, ReferenceListForm(initial=initial))
        form = ReferenceListForm(request.POST)
        if not form.is_valid():
            return self._list_paste_screen(request, form)
        text, reason = form.cleaned_data["references"], form.cleaned_data["change_reason"]
        if CONFIRM_LIST_BUTTON not in request.POST:
            return self._list_confirmation(request, text, reason)
        return self._add_list_confirmed(request, text, reason)

    def _list_paste_screen(self, request, form: ReferenceListForm) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add citations from a reference list",
            "form": form,
            "read_button": READ_LIST_BUTTON,
        }
        return TemplateResponse(request, "admin/references/citation/add_list_form.html", context)

    def _list_confirmation(
        self, request, text: str, reason: str = "", entries=None
    ) -> TemplateResponse:
        if entries is None:
            entries = read_reference_list(text, form_class=self.get_form(request), reason=reason)
        rows = [self._list_row(entry) for entry in entries]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Check the references before adding them",
            "rows": rows,
            "counts": [(outcome.label, count) for outcome, count in outcome_counts(entries)],
            "new_count": len(new_entries(entries)),
            "form": ReferenceListForm(initial={"references": text, "change_reason": reason}),
            "token": list_token(entries),
            "confirm_button": CONFIRM_LIST_BUTTON,
            "edit_button": EDIT_LIST_BUTTON,
        }
        return TemplateResponse(
            request, "admin/references/citation/add_list_confirmation.html", context
        )

    def _list_row(self, entry) -> dict:
        citation = entry.citation
        existing = entry.existing
        return {
            "entry": entry,
            "outcome": entry.outcome.label,
            "kind": citation.get_kind_display() if citation else "",
            "label": str(citation) if citation else "",
            "as_it_will_read": format_citation_html(citation) if citation else "",
            "parts": parts_as_saved(citation) if citation else [],
            "existing_url": reverse(
                f"{self.admin_site.name}:references_citation_change", args=[existing.pk]
            )
            if existing
            else "",
        }

    def _add_list_confirmed(self, request, text: str, reason: str):
        entries = read_reference_list(text, form_class=self.get_form(request), reason=reason)
        if request.POST.get("token") != list_token(entries):
            self.message_user(
                request,
                "What this list would add is no longer what you checked (the list or the "
                "library changed meanwhile), so nothing was added. Check the references "
                "again below, then add them.",
                messages.WARNING,
            )
            return self._list_confirmation(request, text, reason, entries)
        if not new_entries(entries):
            self.message_user(request, "Nothing was added: the list has no new citation.")
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:references_citation_changelist")
            )
        try:
            added = add_new_citations(
                entries, save=lambda form: self._save_from_list(request, form)
            )
        except self.save_refusals as refusal:
            self.message_user(request, f"Nothing was added: {refusal}", messages.ERROR)
            return self._list_confirmation(request, text, reason)
        except IntegrityError:
            # Another writer added one of these between the check and the save.
            self.message_user(
                request,
                "Nothing was added: one of these citations was added by someone else just "
                "now. Check the references again below.",
                messages.ERROR,
            )
            return self._list_confirmation(request, text, reason)
        self._say_added(request, added, entries)
        self.say_where_saved(request)
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:references_citation_changelist")
        )

    def _save_from_list(self, request, form) -> Citation:
        """Save one checked citation form as the add form's save does, log entry too."""
        obj = form.save(commit=False)
        self.save_model(request, obj, form, change=False)
        self.save_related(request, form, formsets=[], change=False)
        self.log_addition(
            request, obj, self.construct_change_message(request, form, None, add=True)
        )
        return obj

    def _say_added(self, request, added: list[Citation], entries) -> None:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse(f"{self.admin_site.name}:references_citation_change", args=[c.pk]), c)
                for c in added
            ),
        )
        noun = "citation" if len(added) == 1 else "citations"
        others = [
            f"{count} {outcome.label.lower()}"
            for outcome, count in outcome_counts(entries)
            if outcome != Outcome.NEW
        ]
        rest = f" Not added: {', '.join(others)}." if others else ""
        self.message_user(
            request,
            format_html(
                "Added {} {} from the reference list: {}.{}", len(added), noun, links, rest
            ),
            messages.SUCCESS,
        )

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
