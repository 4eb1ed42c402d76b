"""The translator's screen: a page's words in English now, beside their translation.

Thin: `editorial.translating` says what there is to translate and saves it through the
workflow; this module turns the request into a form and the answer into a screen. The
Translation changelist lists the translations with their record, pages and language;
a translation is written on the translator's screen, never as raw JSON.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from config.history import HistoryAdmin, Textarea
from drugs.models import Page, Translation

from . import actions, translating, workflow
from .admin import WorkflowAdminMixin
from .models import Change
from .registry import MODELS_BY_LABEL

TEXT_PREFIX = "t-"
CONFIRM_PREFIX = "ok-"


def _name(item: translating.TranslationItem) -> str:
    name, pk = item.key
    return f"{name}-{pk}-{item.field}"


class TranslateForm(forms.Form):
    """One textarea per field of the page, and a "still correct" tick per out-of-date one.

    Built from `translating.page_translation`; a field name the form does not know
    (`unknown_fields`) is a bad request, not something to ignore.
    """

    reason = forms.CharField(
        label="Reason for this change",
        max_length=100,
        required=False,
        help_text="Saved in the translation's history, e.g. “Translated the introduction”.",
    )

    def __init__(self, sections, language: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        self.items: dict[str, translating.TranslationItem] = {}
        name = workflow.language_name(language)
        for section in sections:
            for item in section.items:
                key = _name(item)
                self.items[key] = item
                self.fields[TEXT_PREFIX + key] = forms.CharField(
                    label=f"{item.label} in {name}",
                    required=False,
                    strip=False,
                    initial=item.translation or "",
                    widget=Textarea(
                        attrs={
                            "lang": language,
                            "rows": 2 if len(item.english) < 120 else 6,
                            "aria-describedby": f"en-{key}",
                            "class": "translation-text",
                        }
                    ),
                )
                if item.out_of_date:
                    self.fields[CONFIRM_PREFIX + key] = forms.BooleanField(
                        label="Still correct: the translation says what the English says now",
                        required=False,
                    )

    def unknown_fields(self, data) -> list[str]:
        return sorted(
            key
            for key in data
            if key.startswith((TEXT_PREFIX, CONFIRM_PREFIX)) and key not in self.fields
        )

    def rows(self) -> list[dict]:
        """The sections with each item's bound fields, for the template."""
        out = []
        for section in self.sections:
            rows = []
            for item in section.items:
                key = _name(item)
                rows.append(
                    {
                        "id": key,
                        "item": item,
                        "text": self[TEXT_PREFIX + key],
                        "confirm": self[CONFIRM_PREFIX + key] if item.out_of_date else None,
                    }
                )
            out.append({"heading": section.heading, "rows": rows})
        return out

    def texts(self) -> dict[translating.ItemKey, str]:
        """The texts sent; a field the request left out is left as it is, not emptied."""
        return {
            self.items[key[len(TEXT_PREFIX) :]].item_key: value
            for key, value in self.cleaned_data.items()
            if key.startswith(TEXT_PREFIX) and self.add_prefix(key) in self.data
        }

    def confirmed(self) -> set[translating.ItemKey]:
        return {
            self.items[key[len(CONFIRM_PREFIX) :]].item_key
            for key, value in self.cleaned_data.items()
            if key.startswith(CONFIRM_PREFIX) and value
        }


class StartForm(forms.Form):
    """The changelist's "Translate a page": which page, into which language."""

    page = forms.ModelChoiceField(queryset=Page.objects.order_by("title"))
    language = forms.ChoiceField(choices=())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = list(workflow.translation_languages().items())


class TranslationChangeList(ChangeList):
    def get_results(self, request) -> None:
        super().get_results(request)
        rows = list(self.result_list)
        pages = translating.translation_pages(rows)
        records: dict[tuple[str, int], object] = {}
        for name in {row.model for row in rows}:
            model = MODELS_BY_LABEL.get(name)
            if model is None:
                continue
            related = [
                f.name for f in model._meta.concrete_fields if f.is_relation and f.many_to_one
            ]
            found = model.objects.select_related(*related).in_bulk(
                [row.object_id for row in rows if row.model == name]
            )
            records.update({(name, pk): record for pk, record in found.items()})
        for row in rows:
            row.shown_on = pages.get(row.pk, [])
            record = records.get((row.model, row.object_id))
            row.record_text = (
                f"{MODELS_BY_LABEL[row.model]._meta.verbose_name.capitalize()}: {record}"
                if record is not None
                else f"{row.model} {row.object_id} (removed)"
            )


class TranslationAdmin(WorkflowAdminMixin, HistoryAdmin):
    """Translations, listed with what they translate; written on the translator's screen."""

    list_display = ["record", "pages", "language_display"]
    list_filter = ["language", "model"]
    fields = ["model", "object_id", "language", "pages", "texts", "sources"]
    readonly_fields = fields
    change_list_template = "admin/editorial/translation/change_list.html"

    def get_changelist(self, request, **kwargs):
        return TranslationChangeList

    @admin.display(description="record")
    def record(self, obj: Translation) -> str:
        return getattr(obj, "record_text", f"{obj.model} {obj.object_id}")

    @admin.display(description="on the pages")
    def pages(self, obj: Translation) -> str:
        """Each page showing the record, linked to its translator's screen in this language."""
        shown = getattr(obj, "shown_on", None)
        if shown is None:  # the translation's own screen: its pages, read for it alone
            shown = translating.translation_pages([obj]).get(obj.pk, [])
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (
                        reverse("admin:drugs_translation_translate", args=[page.pk, obj.language]),
                        page,
                    )
                    for page in shown
                ),
            )
            or "every page"
        )

    @admin.display(description="language", ordering="language")
    def language_display(self, obj: Translation) -> str:
        return workflow.language_name(obj.language)

    def has_add_permission(self, request) -> bool:
        return False  # a translation is made on the translator's screen

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # …and changed there, through the workflow

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def may_translate(self, request) -> bool:
        return request.user.has_perm("drugs.add_translation") and request.user.has_perm(
            "drugs.change_translation"
        )

    def changelist_view(self, request, extra_context=None):
        extra = {
            "start_form": StartForm() if self.may_translate(request) else None,
            "languages": workflow.translation_languages(),
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        def view(function, name, route):
            return path(route, self.admin_site.admin_view(function), name=name)

        return [
            view(self.start_view, "drugs_translation_start", "start/"),
            view(
                self.translate_view,
                "drugs_translation_translate",
                "page/<int:page_id>/<str:language>/",
            ),
            *super().get_urls(),
        ]

    def start_view(self, request):
        if not self.may_translate(request):
            raise PermissionDenied("You may not translate.")
        form = StartForm(request.GET)
        if not form.is_valid():
            raise BadRequest(" ".join(m for errors in form.errors.values() for m in errors))
        return HttpResponseRedirect(
            reverse(
                "admin:drugs_translation_translate",
                args=[form.cleaned_data["page"].pk, form.cleaned_data["language"]],
            )
        )

    def translate_view(self, request, page_id: int, language: str):
        if not self.may_translate(request):
            raise PermissionDenied("You may not translate.")
        page = get_object_or_404(Page, pk=page_id)
        try:
            workflow.translation_language_checked(language)
        except workflow.InvalidTransition as refusal:
            raise BadRequest(str(refusal)) from refusal
        sections = translating.page_translation(page, language)
        form = TranslateForm(sections, language, request.POST or None)
        if request.method == "POST":
            unknown = form.unknown_fields(request.POST)
            if unknown:
                raise BadRequest(f"Not a field of this page to translate: {', '.join(unknown)}.")
            if form.is_valid():
                try:
                    change = translating.translation_save(
                        user=request.user,
                        page=page,
                        language=language,
                        texts=form.texts(),
                        confirmed=form.confirmed(),
                        reason=form.cleaned_data["reason"],
                    )
                except actions.REFUSALS as refusal:
                    # Rolled back; the form comes back as typed.
                    self.message_user(request, actions.refusal_message(refusal), messages.ERROR)
                else:
                    self._say_saved(request, change)
                    return HttpResponseRedirect(request.get_full_path())
        name = workflow.language_name(language)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "page_opts": Page._meta,
            "title": f"Translate into {name}",
            "subtitle": str(page),
            "page": page,
            "language": language,
            "language_name": name,
            "form": form,
            "sections": form.rows(),
            "change": _open_change(request.user, language),
        }
        return TemplateResponse(request, "admin/editorial/translate.html", context)

    def _say_saved(self, request, change) -> None:
        if change is None:
            self.message_user(request, "Nothing changed: there was nothing to save.", messages.INFO)
            return
        self.message_user(
            request,
            format_html(
                'Your translation is in <a href="{}">change {}</a> ({}). The public site is '
                "unchanged until it is reviewed and published.",
                change.get_absolute_url(),
                change.pk,
                change.get_state_display().lower(),
            ),
            messages.SUCCESS,
        )


def _open_change(user, language: str) -> Change | None:
    return (
        Change.objects.filter(author=user, language=language, state__in=Change.OPEN_STATES)
        .order_by("-created_at", "-pk")
        .first()
    )


admin.site.register(Translation, TranslationAdmin)
