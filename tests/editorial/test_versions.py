"""Version labels: each publication that changed what readers see starts the next version."""

import datetime
import importlib
import json
import re

import pytest
from django.utils import timezone

from editorial import integrity, workflow
from editorial.models import AppendOnlyError, CurrentPublication, Publication, PublicationVersion
from editorial.structured_data import page_json_ld
from editorial.versions import numbered, version_label
from tests.tampering import raw, tampered
from tests.workflow import approve, edit, publish_through_review

pytestmark = pytest.mark.django_db

SEED_LABEL = "Version 1 · August 17, 2021"  # the seed's Last Revised


def current(page) -> Publication:
    return CurrentPublication.objects.get(page=page).publication


def today_label(number: int) -> str:
    return version_label(number, timezone.localdate())


def change_administration(people, everolimus, text: str) -> Publication:
    writer, physician, nurse, managing_editor = people
    change = edit(writer, everolimus, administration=text)
    (publication,) = publish_through_review(change, writer, physician, nurse, managing_editor)
    return publication


def republish_unchanged(people, everolimus) -> Publication:
    """An edit undone before submitting: a new publication, the same content."""
    writer, physician, nurse, managing_editor = people
    shown = everolimus.administration
    change = edit(writer, everolimus, administration="Changed")
    edit(writer, everolimus, administration=shown)
    (publication,) = publish_through_review(change, writer, physician, nurse, managing_editor)
    return publication


def put_back(people, page, intro: str | None = None) -> Publication:
    """Publish an edit of the page itself, which brings a page taken down back up:
    with a new intro, or with an edit undone (the same content)."""
    writer, physician, nurse, managing_editor = people
    shown = page.intro
    change = edit(writer, page, intro=intro or "Changed")
    if intro is None:
        edit(writer, page, intro=shown)
    (publication,) = publish_through_review(change, writer, physician, nurse, managing_editor)
    return publication


@pytest.fixture
def people(writer, physician, nurse, managing_editor):
    return writer, physician, nurse, managing_editor


def test_the_label_reads_the_number_and_the_day_in_words():
    assert version_label(7, datetime.date(2026, 12, 1)) == "Version 7 · December 1, 2026"


def test_versions_count_the_publications_whose_content_differs_from_the_one_before():
    day = datetime.date
    rows = [
        (1, "a", day(2021, 8, 17)),
        (2, "a", day(2021, 8, 17)),  # republished, nothing changed
        (3, "b", day(2026, 1, 5)),
        (4, "a", day(2026, 2, 9)),  # back to the first content: still a change
    ]
    assert numbered(rows) == [
        (1, 1, day(2021, 8, 17)),
        (2, 1, day(2021, 8, 17)),
        (3, 2, day(2026, 1, 5)),
        (4, 3, day(2026, 2, 9)),
    ]


def test_the_imported_seed_is_version_1_dated_its_last_revised(seed_publication):
    assert seed_publication.version.label == SEED_LABEL


def test_a_change_readers_see_starts_the_next_version_dated_today(people, everolimus):
    publication = change_administration(people, everolimus, "A tablet taken once a day.")
    assert publication.version.label == today_label(2)


def test_a_republish_that_changed_nothing_keeps_the_label_it_had(
    people, everolimus, seed_publication
):
    publication = republish_unchanged(people, everolimus)
    assert publication.pk != seed_publication.pk
    assert publication.content_hash == seed_publication.content_hash
    assert publication.version.label == SEED_LABEL


def test_a_sign_off_without_a_change_keeps_the_label(
    physician, nurse, managing_editor, seed_page, seed_publication
):
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    (signed_off,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    assert signed_off.version.label == SEED_LABEL


def test_a_page_taken_down_and_put_back_unchanged_keeps_its_label(people, everolimus, seed_page):
    change_administration(people, everolimus, "A tablet taken once a day.")
    workflow.page_unpublish(page=seed_page, editor=people[-1])
    back = put_back(people, seed_page)
    assert current(seed_page) == back
    assert back.version.label == today_label(2)


def test_a_page_put_back_with_new_content_counts_on_from_its_last_version(
    people, everolimus, seed_page
):
    change_administration(people, everolimus, "A tablet taken once a day.")
    workflow.page_unpublish(page=seed_page, editor=people[-1])
    back = put_back(people, seed_page, intro="Targeted drugs block what tumors need to grow.")
    assert current(seed_page) == back
    assert back.version.label == today_label(3)


def test_a_shared_drug_change_gives_each_page_it_alters_its_own_next_version(
    people, everolimus, two_pages
):
    writer, physician, nurse, managing_editor = people
    change = edit(writer, everolimus, administration="A tablet taken once a day.")
    publications = publish_through_review(change, writer, physician, nurse, managing_editor)
    assert {p.page_id: p.version.number for p in publications} == {
        two_pages[0].pk: 2,  # the seed was imported, then this
        two_pages[1].pk: 2,  # the kidney page was made, then this
    }


def test_the_page_shows_its_version_under_its_title(client, people, everolimus, seed_url):
    change_administration(people, everolimus, "A tablet taken once a day.")
    html = client.get(seed_url).content.decode()
    # Under the title, with the byline, before the page's own text begins.
    title_then_label = re.compile(
        r"<h1>Targeted Drug Therapy[^<]*</h1>(?:(?!<h2).)*?<p class=\"page-version\">(.*?)</p>",
        re.S,
    )
    assert title_then_label.search(html).group(1) == today_label(2)


def test_the_change_log_labels_every_version_and_keeps_the_old_ones_findable(
    client, people, everolimus, seed_url
):
    republish_unchanged(people, everolimus)
    change_administration(people, everolimus, "A tablet taken once a day.")
    html = client.get(f"{seed_url}changes/").content.decode()
    labels = re.findall(r'<p class="change-list__version">(.*?)</p>', html)
    assert labels == [today_label(2), f"Still {SEED_LABEL}", SEED_LABEL]
    assert f"The page now shows {today_label(2)}." in html
    assert re.search(r'<li id="version-1">\s*<p class="change-list__version">Version 1 ·', html)


def test_a_new_publication_stores_its_version_in_its_json_ld(people, everolimus):
    publication = change_administration(people, everolimus, "A tablet taken once a day.")
    assert json.loads(publication.json_ld)["version"] == 2


def test_the_page_s_json_ld_carries_the_version_it_shows(client, people, everolimus, seed_url):
    change_administration(people, everolimus, "A tablet taken once a day.")
    html = client.get(seed_url).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(script.group(1))
    assert data["version"] == 2 and data["url"].endswith(seed_url)


def test_json_ld_stored_before_versions_were_kept_gets_its_version_at_view_time():
    stored = '{"@context": "https://schema.org", "name": "A page"}'
    script = page_json_ld(stored, "https://drugs.example.org/pages/a/", 4)
    data = json.loads(re.search(r">(.*)</", str(script)).group(1))
    assert data == {
        "url": "https://drugs.example.org/pages/a/",
        "version": 4,
        "@context": "https://schema.org",
        "name": "A page",
    }


def test_stored_json_ld_keeps_the_version_it_was_published_with():
    stored = '{"@context": "https://schema.org", "version": 2}'
    script = str(page_json_ld(stored, "https://drugs.example.org/pages/a/", 9))
    assert json.loads(re.search(r">(.*)</", script).group(1))["version"] == 2


def test_version_rows_are_never_changed(seed_publication):
    with pytest.raises(AppendOnlyError, match="never updated"):
        version = seed_publication.version
        version.number = 5
        version.save()


def test_the_integrity_check_recounts_every_version(people, everolimus):
    republish_unchanged(people, everolimus)
    change_administration(people, everolimus, "A tablet taken once a day.")
    assert integrity.verify_versions() == []


def test_the_integrity_check_names_a_renumbered_version(people, everolimus):
    publication = change_administration(people, everolimus, "A tablet taken once a day.")
    with tampered():
        raw(
            "UPDATE editorial_publicationversion SET number = 7 WHERE publication_id = %s",
            [publication.pk],
        )
        (problem,) = integrity.verify_versions()
    assert problem.record == f"publication {publication.pk} ({publication.slug})"
    assert today_label(2) in problem.message


def test_the_integrity_check_names_a_publication_without_its_version(seed_publication):
    with tampered():
        raw("DELETE FROM editorial_publicationversion")
        (problem,) = integrity.verify_versions()
    assert "missing or wrong" in problem.message
    assert PublicationVersion.objects.count() == 1  # the tampering was rolled back


def test_the_migration_numbers_older_publications_as_publishing_numbers_new_ones(
    people, everolimus, kidney_page
):
    from django.apps import apps

    migration = importlib.import_module("editorial.migrations.0018_publication_versions")
    writer, physician, nurse, managing_editor = people
    # Two changes to both pages, then an edit undone: both republished unchanged.
    for text in ("A tablet taken once a day.", "A tablet, once a day, with water.", "Undone"):
        change = edit(writer, everolimus, administration=text)
        if text == "Undone":
            edit(writer, everolimus, administration="A tablet, once a day, with water.")
        publish_through_review(change, writer, physician, nurse, managing_editor)
    written = set(PublicationVersion.objects.values_list("publication_id", "number", "day"))
    assert len(written) == Publication.objects.count() == 8
    assert {number for _, number, _ in written} == {1, 2, 3}
    with tampered():
        raw("DELETE FROM editorial_publicationversion")
        migration.number_publications(apps, None)
        numbered_again = set(
            PublicationVersion.objects.values_list("publication_id", "number", "day")
        )
    assert numbered_again == written
