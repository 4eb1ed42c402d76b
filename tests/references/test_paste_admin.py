"""A writer pastes a reference on the citation add screen, checks the filled form, saves it."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from editorial.models import ChangeRecord
from references.formatting import format_citation
from references.models import Citation
from tests.admin_forms import change_form_data
from tests.references.test_parsing import MOTZER, MOTZER_FIELDS, NCCN_KIDNEY

pytestmark = pytest.mark.django_db

ADD = reverse("admin:references_citation_add")


@pytest.fixture
def as_writer(client, writer):
    client.force_login(writer)
    return client


def paste(client, text: str):
    return client.post(ADD, {"reference": text, "_paste": "Fill in the form"})


def filled(response) -> dict:
    """What the citation form shows, field by field, leaving out the empty ones."""
    form = response.context["adminform"].form
    return {
        name: value
        for name, value in change_form_data(response).items()
        if name in form.fields and value not in ("", None)
    }


def test_the_add_screen_offers_a_box_to_paste_a_reference(as_writer):
    html = as_writer.get(ADD).content.decode()

    assert 'id="citation_paste_form"' in html
    assert 'name="reference"' in html
    assert 'name="_paste"' in html


def test_a_pasted_article_fills_the_form_for_the_writer_to_check_and_saves_nothing(as_writer):
    response = paste(as_writer, MOTZER)

    assert response.status_code == 200
    assert not response.context["adminform"].form.is_bound
    assert filled(response) == {
        "kind": Citation.Kind.JOURNAL_ARTICLE,
        "authors": "Motzer RJ\nHutson TE\nTomczak P",
        "authors_et_al": "on",
        "title": MOTZER_FIELDS["title"],
        "container_title": "N Engl J Med",
        "year": "2007",
        "volume": "356",
        "issue": "2",
        "pages": "115-124",
        "doi": "10.1056/NEJMoa065044",
        "pmid": "17215529",
    }
    assert "read as a journal article. Check every part" in response.content.decode()
    assert Citation.objects.count() == 0


def test_the_pasted_text_stays_in_its_box(as_writer):
    response = paste(as_writer, MOTZER)

    assert escape(MOTZER) in response.content.decode()


def test_saving_the_filled_form_puts_the_citation_in_the_writers_change(as_writer, writer):
    data = change_form_data(paste(as_writer, MOTZER))

    response = as_writer.post(ADD, data | {"change_reason": "Cited on the kidney cancer page"})

    assert response.status_code == 302
    citation = Citation.objects.get()
    assert format_citation(citation) == MOTZER
    record = ChangeRecord.objects.get(model="references.citation", object_id=citation.pk)
    assert record.change.author == writer
    assert record.change.is_open
    assert "Your edit is in" in as_writer.get(response.url).content.decode()
    assert citation.history.get().history_change_reason == "Cited on the kidney cancer page"


def test_a_pasted_guideline_fills_its_dates_and_address(as_writer):
    response = paste(as_writer, NCCN_KIDNEY)

    assert filled(response) == {
        "kind": Citation.Kind.GUIDELINE,
        "authors": "National Comprehensive Cancer Network",
        "title": "NCCN Clinical Practice Guidelines in Oncology: Kidney Cancer",
        "version": "Version 2.2024",
        "url": "https://www.nccn.org/professionals/physician_gls/pdf/kidney.pdf",
        "accessed_date": "2024-01-15",
    }


def test_words_no_part_took_are_shown_to_the_writer(as_writer):
    response = paste(as_writer, MOTZER + " PMCID: PMC2743127.")

    assert "Not placed in any part: “PMCID: PMC2743127”" in response.content.decode()


def test_text_that_is_not_a_reference_is_refused_on_the_paste_box_and_fills_nothing(as_writer):
    response = paste(as_writer, "Sunitinib is a good drug, my oncologist says")

    assert response.status_code == 200
    errors = response.context["paste_form"].errors["reference"]
    assert errors[0].startswith("This does not read as a reference in the house style")
    assert escape(errors[0]) in response.content.decode()
    assert filled(response) == {"kind": Citation.Kind.JOURNAL_ARTICLE}  # the form's default
    assert Citation.objects.count() == 0


def test_without_script_the_form_shows_every_part_and_names_each_kinds_parts(as_writer):
    response = as_writer.get(ADD)
    html = response.content.decode()

    for names in Citation.FIELDS_BY_KIND.values():
        for name in names:
            assert f'name="{name}"' in html
    kind = response.context["adminform"].form.fields["kind"].widget.attrs
    assert json.loads(kind["data-kind-fields"]) == {
        kind: list(names) for kind, names in Citation.FIELDS_BY_KIND.items()
    }
    assert "references/citation_form.js" in html


def test_a_part_the_chosen_kind_does_not_have_is_refused_on_its_field(as_writer):
    data = change_form_data(paste(as_writer, NCCN_KIDNEY))

    response = as_writer.post(ADD, data | {"volume": "356"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["volume"] == [
        "A guideline has no volume: clear this, or choose the kind of source it belongs to."
    ]
    assert Citation.objects.count() == 0


def test_a_paste_in_the_page_screens_add_citation_popup_stays_a_popup(as_writer):
    response = as_writer.post(
        ADD + "?_to_field=id&_popup=1", {"reference": MOTZER, "_paste": "Fill in the form"}
    )

    assert response.context["is_popup"]
    assert filled(response)["doi"] == "10.1056/NEJMoa065044"


def test_someone_who_may_not_add_citations_cannot_paste_one(client, physician):
    client.force_login(physician)

    response = paste(client, MOTZER)

    assert response.status_code == 403
