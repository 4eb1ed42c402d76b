"""Line breaks a browser sends: a textarea's are CR LF, the records' are LF.

The HTML standard has a browser send every line break in a textarea as CR LF; the
seed, commands and the records themselves use LF. The admin reads them as LF, so a
form saved unchanged is not an edit.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import models
from django.urls import reverse

from config.history import ChangeReasonAdminMixin
from drugs.models import Page
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def as_a_browser_sends(data: dict) -> dict:
    """The POST a browser makes of these values: textarea line breaks as CR LF."""
    return {
        name: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for name, value in data.items()
    }


def test_a_page_form_saved_unchanged_from_a_browser_is_not_an_edit(client, writer, seed_page):
    page = Page.objects.get()
    intro = page.intro
    assert "\n" in intro  # the seed's introduction has paragraphs
    url = reverse("admin:drugs_page_change", args=[page.pk])
    client.force_login(writer)
    data = change_form_data(client.get(url))
    assert any("\n" in value for value in data.values() if isinstance(value, str))
    response = client.post(url, as_a_browser_sends(data))
    assert response.status_code == 302, response.context["adminform"].form.errors
    page.refresh_from_db()
    assert page.intro == intro
    # The admin's own log says what the form found changed: nothing.
    assert LogEntry.objects.get(object_id=str(page.pk)).get_change_message() == "No fields changed."


def test_an_edited_paragraph_is_saved_with_lf_line_breaks(client, writer, seed_page):
    page = Page.objects.get()
    url = reverse("admin:drugs_page_change", args=[page.pk])
    client.force_login(writer)
    data = change_form_data(client.get(url))
    data["intro"] = "First paragraph.\n\nSecond paragraph."
    data["change_reason"] = "Shorter introduction"
    assert client.post(url, as_a_browser_sends(data)).status_code == 302
    page.refresh_from_db()
    assert page.intro == "First paragraph.\n\nSecond paragraph."


def test_every_content_admin_textarea_reads_cr_lf_as_lf():
    """Each text field of each content admin's form, its inlines' too, reads CR LF as LF."""
    checked = 0
    for model_admin in admin.site._registry.values():
        if not isinstance(model_admin, ChangeReasonAdminMixin):
            continue
        admins = [model_admin, *model_admin.get_inline_instances(_request())]
        for each in admins:
            readonly = set(each.get_readonly_fields(_request()))
            for field in each.model._meta.get_fields():
                if not isinstance(field, models.TextField) or not field.editable:
                    continue
                if field.name in readonly:
                    continue
                formfield = each.formfield_for_dbfield(field, request=_request())
                if formfield is None:
                    continue
                sent = {field.name: "one\r\ntwo\rthree"}
                read = formfield.widget.value_from_datadict(sent, {}, field.name)
                assert read == "one\ntwo\nthree", f"{each} {field.name}"
                checked += 1
    assert checked >= 5


def _request():
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = AnonymousUser()
    return request
