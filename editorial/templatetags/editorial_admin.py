"""Template tags for the admin's forms: the error summary, and what a page's screen offers."""

from dataclasses import dataclass
from typing import Any

from django import forms, template

from drugs.models import Page
from editorial import workflow
from editorial.models import CurrentPublication, CurrentTranslation

register = template.Library()


@dataclass(frozen=True)
class FormError:
    """One error as the summary lists it: where it is, what it says, and the link to it."""

    where: str
    message: str
    anchor: str


def _field_errors(form: forms.BaseForm, where: str, row_anchor: str) -> list[FormError]:
    found = []
    for name, messages in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            if row_anchor:  # the main form's own are shown in full above the summary
                found += [FormError(where, message, row_anchor) for message in messages]
            continue
        field = form[name]
        label = f"{where}: {field.label}" if where else str(field.label)
        found += [FormError(label, message, field.auto_id) for message in messages]
    return found


def form_errors(form: forms.BaseForm, inline_formsets: list[Any]) -> list[FormError]:
    """Every error of an admin form and its inline formsets, in the order they show.

    A field's error links to its input (Django's `id_<name>` or `id_<prefix>-<n>-<name>`),
    an inline row's own error to the row, a formset's to its group. The main form's
    non-field errors are not repeated: Django shows them in full above the summary.
    """
    found = _field_errors(form, "", "")
    for inline in inline_formsets:
        formset = inline.formset
        noun = str(inline.opts.verbose_name)
        noun = noun[:1].upper() + noun[1:]
        for number, row in enumerate(formset.forms):
            found += _field_errors(row, f"{noun} {number + 1}", f"{formset.prefix}-{number}")
        found += [
            FormError(
                str(inline.opts.verbose_name_plural).capitalize(),
                message,
                f"{formset.prefix}-group",
            )
            for message in formset.non_form_errors()
        ]
    return found


@register.inclusion_tag("admin/error_summary.html")
def error_summary(adminform: Any, inline_admin_formsets: list[Any]) -> dict:
    return {"summary": form_errors(adminform.form, inline_admin_formsets)}


@register.simple_tag
def page_is_live(page: Page | None) -> bool:
    """Whether the public site shows `page` now (so it can be unpublished or signed off)."""
    return page is not None and CurrentPublication.objects.live().filter(page=page).exists()


@register.simple_tag
def page_live_languages(page: Page | None) -> dict[str, str]:
    """The other languages `page` is live in now, code -> name (each has its own review)."""
    if page is None:
        return {}
    live = set(
        CurrentTranslation.objects.filter(page=page, slug__isnull=False).values_list(
            "language", flat=True
        )
    )
    return {code: name for code, name in workflow.translation_languages().items() if code in live}


@register.simple_tag
def translation_languages() -> dict[str, str]:
    """The languages a page is translated into, code -> name (all but the first listed)."""
    return workflow.translation_languages()
