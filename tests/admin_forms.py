"""Build an admin change form's POST data from the form the admin rendered."""

from typing import Any


def _field_values(form) -> dict[str, Any]:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(item) for item in value]
            continue
        data[bound.html_name] = value
    return data


def change_form_data(response) -> dict[str, Any]:
    """The POST data that would save the admin form in `response` unchanged.

    It includes the hidden version the form was opened on, so a POST built from an
    older GET is refused as a stale form, as a browser's would be.
    """
    context = response.context
    data = _field_values(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_field_values(formset.management_form))
        for form in formset.forms:
            data.update(_field_values(form))
    return data
