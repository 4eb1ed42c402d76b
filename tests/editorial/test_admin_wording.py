"""What the admin says reads as words: field names, times, credentials and diff headings."""

import datetime
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from drugs.models import DrugSection
from editorial import workflow
from editorial.diffing import Passage, html_diff, marked_passages
from editorial.models import AuditEntry, Publication
from editorial.structured_data import credentials_text
from tests.workflow import approve, edit, submit

pytestmark = pytest.mark.django_db

# 13:00 UTC on a winter day is 08:00 in New York, the site's default time zone.
WINTER_AFTERNOON_UTC = datetime.datetime(2026, 3, 2, 13, 0, tzinfo=datetime.UTC)


def test_the_drug_section_fields_say_which_sentence_goes_where():
    evidence = DrugSection._meta.get_field("evidence")
    indication = DrugSection._meta.get_field("indication")
    assert evidence.verbose_name == "what it has been shown to do in this cancer"
    assert indication.verbose_name == "who it is used for in this cancer, and when"
    # The seed's own sentences, each in the field it belongs to.
    assert "It has been shown to help treat advanced pancreatic NETs." in evidence.help_text
    assert "Belzutifan can be used in people with von Hippel-Lindau" in indication.help_text
    assert "Sunitinib is often a first treatment for advanced kidney cancer." in (
        indication.help_text
    )


def test_the_page_form_shows_the_drug_section_names_and_examples(client, writer, seed_page):
    client.force_login(writer)
    html = unescape(
        client.get(reverse("admin:drugs_page_change", args=[seed_page.pk])).content.decode()
    )
    assert "What it has been shown to do in this cancer:" in html
    assert "Who it is used for in this cancer, and when:" in html
    assert "Sunitinib is often a first treatment for advanced kidney cancer." in html


def test_a_publication_is_named_with_its_time_in_the_sites_time_zone():
    publication = Publication(title="Targeted Drug Therapy", published_at=WINTER_AFTERNOON_UTC)
    with timezone.override("America/New_York"):
        assert str(publication) == "Targeted Drug Therapy (2026-03-02 08:00)"


def test_an_audit_entry_is_named_with_its_time_in_the_sites_time_zone(writer):
    entry = AuditEntry(action=AuditEntry.Action.SUBMIT, actor=writer, at=WINTER_AFTERNOON_UTC)
    with timezone.override("America/New_York"):
        assert str(entry) == "Submitted by writer at 2026-03-02 08:00"


def test_credentials_read_as_words_in_the_order_given():
    assert credentials_text(["MD", "OCN"]) == "Physician (MD), Oncology certified nurse (OCN)"
    assert credentials_text(["DO", "AOCN"]) == (
        "Physician (DO), Advanced oncology certified nurse (AOCN)"
    )
    assert credentials_text(["PharmD"]) == "PharmD"  # unknown: as stored
    assert credentials_text([]) == "none"


def test_the_publication_screen_names_the_reviewers_credentials_in_words(
    client, writer, physician, nurse, managing_editor, seed_page
):
    change = edit(writer, seed_page, intro="Targeted drugs work differently from chemo.")
    approve(submit(change, writer), physician, nurse, full_review=True)
    workflow.revision_publish(revision=change.current_revision(), editor=managing_editor)
    publication = Publication.objects.filter(page=seed_page).order_by("-pk").first()
    assert publication.reviewed_by == ["MD", "OCN"]
    client.force_login(writer)
    html = client.get(
        reverse("admin:editorial_publication_change", args=[publication.pk])
    ).content.decode()
    assert "Physician (MD), Oncology certified nurse (OCN)" in html
    assert "[&quot;MD&quot;" not in html and '["MD"' not in html


def test_a_passage_before_the_pages_first_heading_has_no_empty_heading():
    before = '<article class="drug-page">\n  <h1>Targeted Drug Therapy</h1>\n</article>'
    after = before.replace("<article", '<p class="lede">A new first line.</p>\n<article')
    _, marked = html_diff(mark_safe(before), mark_safe(after))  # noqa: S308 - our own markup
    passages = marked_passages(marked, ("diff-added",))
    assert [passage.section for passage in passages] == [""]
    html = render_to_string(
        "admin/editorial/change/passages.html", {"removed": [], "added": passages}
    )
    assert "A new first line." in html
    assert "From" not in html and "passage-section" not in html


def test_a_passage_under_a_heading_is_shown_under_it():
    passage = Passage("References", mark_safe("<li>Yao JC</li>"), "References")
    html = render_to_string(
        "admin/editorial/change/passages.html", {"removed": [passage], "added": []}
    )
    assert '<p class="passage-section">From References</p>' in html
    quoted = render_to_string(
        "admin/editorial/change/passage_heading.html", {"heading": "References", "quoted": True}
    )
    assert quoted == '<p class="passage-section">In “References”</p>'
    assert render_to_string("admin/editorial/change/passage_heading.html", {"heading": ""}) == ""
