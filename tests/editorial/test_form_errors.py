"""Every admin change form lists its errors at the top, each linking to where it is."""

from html import unescape

import pytest
from django.urls import reverse

from drugs.models import Page
from references.forms import CitationForm
from references.models import Citation
from tests.admin_forms import change_form_data
from tests.workflow import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_form(client, writer, seed_page):
    client.force_login(writer)
    url = reverse("admin:drugs_page_change", args=[seed_page.pk])
    data = change_form_data(client.get(url))
    data["change_reason"] = "Linking the “More information” titles"
    return url, data


def summary_of(response) -> str:
    html = response.content.decode()
    assert response.status_code == 200 and 'class="error-summary"' in html
    start = html.index('class="error-summary"')
    return unescape(html[start : html.index("</nav>", start)])


def test_a_bad_link_url_is_listed_with_a_link_to_its_field(client, page_form):
    url, data = page_form
    data["more_information_links-0-url"] = "www.cancer.org/targeted therapy"
    summary = summary_of(client.post(url, data))
    assert (
        '<a href="#id_more_information_links-0-url">“More information” link 1: '
        "External URL: Enter a valid URL.</a>"
    ) in summary


def test_an_empty_title_is_listed_with_a_link_to_the_title(client, page_form):
    url, data = page_form
    data["title"] = ""
    summary = summary_of(client.post(url, data))
    assert '<a href="#id_title">Title: This field is required.</a>' in summary


def test_an_inline_row_error_links_to_its_row(client, page_form, seed_page):
    url, data = page_form
    data["more_information_links-0-target_page"] = str(seed_page.pk)
    data["more_information_links-0-url"] = "https://www.cancer.org/targeted-therapy"
    summary = summary_of(client.post(url, data))
    assert (
        '<a href="#more_information_links-0">“More information” link 1: Link to a page of '
        "this site or to an external URL, not both.</a>"
    ) in summary


def test_a_formset_error_links_to_its_group(client, page_form, other_writer, seed_page):
    url, data = page_form
    edit(other_writer, seed_page.drug_sections.get(drug__slug="sunitinib"), evidence="Held.")
    data["drug_sections-0-evidence"] = "It has been shown to help slow tumor growth in NETs."
    summary = summary_of(client.post(url, data))
    assert '<a href="#drug_sections-group">Drug sections: Drug section “Sunitinib on' in summary
    assert "is in change" in summary


def test_a_valid_form_saves_and_shows_no_summary(client, page_form, seed_page):
    url, data = page_form
    data["more_information_links-0-url"] = "https://www.cancer.org/targeted-therapy"
    response = client.post(url, data, follow=True)
    assert 'class="error-summary"' not in response.content.decode()
    link = Page.objects.get(pk=seed_page.pk).more_information_links.first()
    assert link.url == "https://www.cancer.org/targeted-therapy"


def test_an_invalid_url_is_not_also_called_missing():
    form = CitationForm(
        {
            "kind": Citation.Kind.WEBSITE,
            "authors": "National Cancer Institute",
            "title": "Pancreatic Neuroendocrine Tumors (Islet Cell Tumors) Treatment",
            "url": "www.cancer.org/pnet treatment",
        }
    )
    assert form.errors == {"url": ["Enter a valid URL."]}


def test_a_website_without_a_url_is_still_told_it_needs_one():
    form = CitationForm(
        {
            "kind": Citation.Kind.WEBSITE,
            "authors": "National Cancer Institute",
            "title": "Pancreatic Neuroendocrine Tumors (Islet Cell Tumors) Treatment",
            "url": "",
        }
    )
    assert list(form.errors) == ["url"]
    assert form.errors["url"][0] != "Enter a valid URL."


def test_the_citation_form_lists_a_bad_url_once(client, writer, seed_page):
    uptodate = Citation.objects.get(url__contains="uptodate.com")
    client.force_login(writer)
    url = reverse("admin:references_citation_change", args=[uptodate.pk])
    data = change_form_data(client.get(url))
    data.update(url="www.uptodate.com/contents/metastatic well", change_reason="Fixing a link")
    summary = summary_of(client.post(url, data))
    assert '<a href="#id_url">' in summary
    assert summary.count("<li>") == 1 and "required" not in summary
