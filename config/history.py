"""Who, when and why for every history record, in the admin and in commands alike.

django-simple-history records the request's user by itself (its middleware); the
reason for a change has to be asked for. The admin asks with a "Reason for this
change" field; commands pass their reason and user to `save_with_history`.
"""

import re
from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import models
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .versions import Parts, changes_since, version_token


def save_with_history(obj: models.Model, *, user: Any, reason: str) -> models.Model:
    """Save `obj`, recording `user` and `reason` on the history record it writes."""
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    return obj


def delete_with_history(obj: models.Model, *, user: Any, reason: str) -> None:
    """Delete `obj`; its history keeps it, with `user` and `reason` on the last record."""
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()


class VersionField(forms.Field):
    """The hidden version token; never itself a change to the record."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data) -> bool:
        return False


class ChangeReasonForm(forms.ModelForm):
    """A model form that asks why; required when an existing record is edited.

    When `version_parts` is set (the admin sets it), an existing record's form carries
    the version it was opened on and is refused if the record moved on since.
    """

    change_reason = forms.CharField(
        label="Reason for this change",
        max_length=100,
        required=False,
        help_text="Saved in the record's history, e.g. “Added a side effect from the new label”.",
    )
    opened_version = VersionField(required=False)
    version_parts: Parts | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.version_parts is not None and self.instance.pk and not self.is_bound:
            self.initial["opened_version"] = version_token(self.instance, self.version_parts)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.version_parts is not None and self.instance.pk:
            self._check_version()
        return cleaned

    def _check_version(self) -> None:
        """Refuse a form opened on an older version (or on none): saving would overwrite."""
        name = self.add_prefix("opened_version")
        opened = self.data.get(name)
        current = version_token(self.instance, self.version_parts)
        if opened == current:
            return
        changes = changes_since(self.instance, self.version_parts, opened)
        noun = self.instance._meta.verbose_name
        if changes is None:
            messages = [
                f"This form does not say which version of the {noun} it was opened on, so "
                "nothing was saved. Check the form against the record and save again."
            ]
        else:
            messages = [
                f"This {noun} was saved after you opened this form, so nothing was saved. "
                "What changed meanwhile:",
                *changes,
                "Your edits are still in the form: check them against these changes, then "
                "save again to replace the record with what the form shows.",
            ]
        self.add_error(None, forms.ValidationError(messages))
        # Re-shown, the form carries the current version: saving again after reading
        # this message overwrites knowingly, not silently.
        self.data = self.data.copy()
        self.data[name] = current

    def _update_errors(self, errors: ValidationError) -> None:
        """Add the model's errors, less "required" on a field whose value the form refused.

        A value that fails its field's own check ("Enter a valid URL.") never reaches the
        instance, so a model `clean()` that needs the field (a website citation's URL)
        finds it empty and calls it missing: beside a field that is not empty, that
        second error is false.
        """
        if hasattr(errors, "error_dict"):
            kept = {
                name: [
                    error
                    for error in field_errors
                    if not (error.code == "required" and name in self._errors)
                ]
                for name, field_errors in errors.error_dict.items()
            }
            kept = {name: field_errors for name, field_errors in kept.items() if field_errors}
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)

    def clean_change_reason(self) -> str:
        reason = self.cleaned_data["change_reason"].strip()
        if self.instance.pk and self.has_changed() and not reason:
            raise forms.ValidationError("Say briefly why you are making this change.")
        return reason


# What the admin's searches (its lists and autocompletes) accept: any text but NUL.
_SEARCH_TERM = forms.CharField(required=False, strip=False)


def search_term_checked(term: str) -> str:
    """The admin search term, or BadRequest (400) for one no database can compare (NUL)."""
    try:
        return _SEARCH_TERM.clean(term)
    except ValidationError as error:
        raise BadRequest(" ".join(error.messages)) from error


_LINE_BREAK = re.compile(r"\r\n?")


def line_breaks_as_lf(text: str) -> str:
    """A text with its CR LF and lone CR line breaks as LF, the records' own line break."""
    return _LINE_BREAK.sub("\n", text)


class LineBreaksMixin:
    """A textarea widget that reads the browser's line breaks as LF.

    Browsers send a textarea's line breaks as CR LF (the HTML standard's form
    submission), and Django's fields keep them. Read as sent, a paragraph saved
    unchanged differs from the stored text: the form counts it as an edit (asking for a
    reason, putting the record in a change) and stores CR LF. Reading them as LF here,
    where the submission is read, means the form's cleaning, `has_changed()` and a
    re-shown form all see the text as it is stored.
    """

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return line_breaks_as_lf(value) if isinstance(value, str) else value


class Textarea(LineBreaksMixin, forms.Textarea):
    """A textarea for forms of our own, reading line breaks as LF."""


class AdminTextarea(LineBreaksMixin, AdminTextareaWidget):
    """The admin's textarea for text fields, reading line breaks as LF."""


# What every admin form and inline uses for these model fields. An address typed
# without a scheme ("www.nccn.org/…") is taken to be https, as Django 6 will do by
# default; a text field's line breaks are read as LF.
FIELD_OVERRIDES = {
    models.URLField: {"assume_scheme": "https"},
    models.TextField: {"widget": AdminTextarea},
}


class ChangeReasonAdminMixin:
    """Writes the form's reason onto the history of the record and of its inline rows."""

    form = ChangeReasonForm
    formfield_overrides = FIELD_OVERRIDES
    history_parts: Parts = ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        attributes = {"version_parts": self.history_parts}
        return type(form_class.__name__, (form_class,), attributes)

    def get_fieldsets(self, request, obj=None):
        # Declared fieldsets name the fields shown; the version token rides in the first.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any(
            "opened_version" in options.get("fields", ()) for _, options in fieldsets
        ):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "opened_version"]}), *rest]

    def _change_reason(self, form: forms.Form, change: bool) -> str:
        reason = form.cleaned_data.get("change_reason", "")
        return reason or ("Edited in admin" if change else "Created in admin")

    # What `record_saved` may refuse with, for "you may not" or "not now" (the workflow
    # adds its own): a view that saves records itself shows these as messages, its
    # transaction rolled back.
    save_refusals: tuple[type[Exception], ...] = (PermissionDenied,)

    def record_refusal(self, request, obj) -> str:
        """Why this person may not edit `obj` now ("" if they may); a hook for the workflow."""
        return ""

    def record_saved(self, request, obj) -> None:
        """Called after each record (or inline row) is saved; a hook for the workflow."""

    def say_where_saved(self, request) -> None:
        """Called once a view has saved records; a hook for the workflow to say where."""

    def record_deleting(self, request, obj) -> None:
        """Called before each record (or inline row) is deleted; a hook for the workflow."""

    def save_model(self, request, obj, form, change) -> None:
        obj._change_reason = self._change_reason(form, change)
        super().save_model(request, obj, form, change)
        self.record_saved(request, obj)

    def save_formset(self, request, form, formset, change) -> None:
        reason = self._change_reason(form, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.record_deleting(request, obj)
            obj._change_reason = reason
            obj.delete()
        for obj in instances:
            obj._change_reason = reason
            obj.save()
            self.record_saved(request, obj)
        formset.save_m2m()

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term_checked(search_term))

    def delete_model(self, request, obj) -> None:
        self.record_deleting(request, obj)
        obj._change_reason = "Deleted in admin"
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        # One by one, so each deletion has its history reason and workflow hook.
        for obj in queryset:
            self.delete_model(request, obj)


class HistoryAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    """Base for content admins: history with field changes, a reason for every edit.

    `history_parts` names the inline models edited with this one, as (model, foreign
    key) pairs; their changes are listed under the record's own history, since an
    editor thinks of a drug's side effects as part of the drug.
    """

    object_history_template = "admin/history_with_parts.html"
    history_parts_limit = 200

    def history_view(self, request, object_id, extra_context=None):
        parts = [
            {
                "name": model._meta.verbose_name_plural,
                "records": self._part_records(request, model, fk, object_id),
            }
            for model, fk in self.history_parts
        ]
        return super().history_view(
            request, object_id, {**(extra_context or {}), "history_parts": parts}
        )

    def _part_records(self, request, model, fk: str, object_id) -> list:
        records = list(
            model.history.filter(**{f"{fk}_id": object_id})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[: self.history_parts_limit]
        )
        older: dict[int, object] = {}
        for record in reversed(records):  # oldest first, so each record meets its predecessor
            previous = older.get(record.id)
            if previous is not None:
                helper = HistoricalRecordContextHelper(model, record)
                record.history_delta_changes = helper.context_for_delta_changes(
                    record.diff_against(previous)
                )
            older[record.id] = record
        return records

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history only hides its Revert button when reverting is disabled; a
        # POST would still write the old version. Past versions are for reading.
        if request.method != "GET":
            raise PermissionDenied("Past versions are read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)
