"""Spanish snapshots, revisions and publications, each tied to the English publication
it was translated from."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from drugs.models import Drug, Translation
from editorial import audit_bundle, audit_verify, workflow
from editorial.models import (
    CurrentPublication,
    CurrentTranslation,
    Publication,
    PublicationTranslation,
)
from editorial.snapshots import ContentSource, RecordStore, page_snapshot
from editorial.translation_state import (
    MISSING,
    OUT_OF_DATE,
    UP_TO_DATE,
    translation_state,
    translation_status,
)
from tests.tampering import tampered, verify
from tests.translations import (
    INTRO,
    TITLE,
    publish_in_spanish,
    spanish_change,
    translate,
    translate_page,
)
from tests.wide import open_every_page
from tests.workflow import approve, edit, publish_through_review, submit

pytestmark = pytest.mark.usefixtures("reviewers_in_spanish")


@pytest.fixture
def spanish(seed_page, writer, physician, nurse, managing_editor) -> Publication:
    """The seed page published in Spanish (title and introduction translated)."""
    change = translate_page(writer, seed_page)
    (publication,) = publish_in_spanish(change, writer, physician, nurse, managing_editor)
    return publication


def english_edit(writer, physician, nurse, managing_editor, record, **fields):
    change = edit(writer, record, **fields)
    return publish_through_review(change, writer, physician, nurse, managing_editor)


# --- Snapshots -------------------------------------------------------------------------


def test_a_spanish_snapshot_holds_the_translations_and_none_where_untranslated(seed_page, writer):
    change = translate_page(writer, seed_page)
    source = ContentSource(workflow.owned_keys(change), language="es")
    content = page_snapshot(source, seed_page.pk, "es")
    english = page_snapshot(ContentSource(), seed_page.pk)
    assert content["language"] == "es"
    assert content["title"] == TITLE
    assert content["intro"] == [
        "Esta página explica los medicamentos dirigidos.",
        "Hable con su equipo de atención.",
    ]
    drug = content["drug_sections"][0]["drug"]
    assert drug["mechanism"] is None  # not translated yet
    assert drug["generic_name"] == english["drug_sections"][0]["drug"]["generic_name"]
    assert content["references"] == english["references"]
    assert content["slug"] == english["slug"]


def test_a_spanish_snapshot_costs_the_same_queries_for_one_page_or_two(two_pages, writer):
    change = spanish_change(writer)
    for page in two_pages:
        translate_page(writer, page, change)
    keys = workflow.owned_keys(change)

    def queries(pages) -> int:
        with CaptureQueriesContext(connection) as captured:
            store = RecordStore(keys, language="es")
            store.preload([page.pk for page in pages])
            for page in pages:
                page_snapshot(ContentSource(store=store), page.pk, "es")
        return len(captured.captured_queries)

    assert queries(two_pages) == queries(two_pages[:1])


def test_the_spanish_manifest_names_the_translation_and_the_english_records_read(seed_page, writer):
    change = translate_page(writer, seed_page)
    revision = submit(change, writer, summary="Traducción")
    manifest = {(row["model"], row["pk"]) for row in revision.pages.get().manifest}
    translation = Translation.objects.get(model="drugs.page", object_id=seed_page.pk)
    assert ("drugs.translation", translation.pk) in manifest
    assert ("drugs.page", seed_page.pk) in manifest


def test_the_spanish_body_is_rendered_in_spanish(seed_page, writer):
    change = translate_page(writer, seed_page)
    snapshot = submit(change, writer, summary="Traducción").pages.get()
    assert f"<h1>{TITLE}</h1>" in snapshot.html
    assert '<h2 id="references">Referencias</h2>' in snapshot.html


# --- Submitting ----------------------------------------------------------------------


def test_a_page_whose_introduction_is_untranslated_cannot_be_submitted_in_spanish(
    seed_page, writer
):
    change = translate(writer, spanish_change(writer), seed_page, title=TITLE)
    with pytest.raises(workflow.InvalidTransition, match="introduction is not translated yet"):
        submit(change, writer, summary="Traducción")
    assert not change.revisions.exists()


def test_a_page_whose_title_is_untranslated_cannot_be_submitted_in_spanish(seed_page, writer):
    change = translate(writer, spanish_change(writer), seed_page, intro=INTRO)
    with pytest.raises(workflow.InvalidTransition, match="title is not translated yet"):
        submit(change, writer, summary="Traducción")


def test_a_page_with_no_live_english_publication_cannot_be_submitted_in_spanish(
    seed_page, writer, managing_editor
):
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    change = translate_page(writer, seed_page)
    with pytest.raises(workflow.InvalidTransition, match="no live English publication"):
        submit(change, writer, summary="Traducción")


def test_a_spanish_revision_is_built_on_the_live_spanish_publication(spanish, seed_page, writer):
    change = translate_page(writer, seed_page, more_information_heading="Más información")
    snapshot = submit(change, writer, summary="Traducción").pages.get()
    assert snapshot.base_publication_id == spanish.pk


def test_a_first_spanish_revision_has_no_base_publication(seed_page, writer, seed_publication):
    snapshot = submit(translate_page(writer, seed_page), writer, summary="Traducción").pages.get()
    assert snapshot.base_publication_id is None


def test_a_drug_translation_shared_by_two_spanish_pages_alters_both(
    two_pages, writer, physician, nurse, managing_editor
):
    change = spanish_change(writer)
    for number, page in enumerate(two_pages):
        translate_page(writer, page, change, title=f"{TITLE} {number}")
    revision = submit(change, writer, summary="Traducción")
    open_every_page(revision, physician, nurse)
    approve(revision, physician, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    everolimus = Drug.objects.get(slug="everolimus")
    change = translate(
        writer, spanish_change(writer), everolimus, mechanism="Bloquea la proteína mTOR."
    )
    revision = submit(change, writer, summary="Everolimus en español")
    assert sorted(revision.pages.values_list("page_id", flat=True)) == sorted(
        page.pk for page in two_pages
    )
    for snapshot in revision.pages.all():
        sections = {s["drug"]["slug"]: s for s in snapshot.content["drug_sections"]}
        assert sections["everolimus"]["drug"]["mechanism"] == "Bloquea la proteína mTOR."


def test_an_english_change_alters_no_spanish_page(spanish, seed_page, writer, everolimus):
    change = edit(writer, everolimus, mechanism="Everolimus blocks mTOR.")
    snapshot = submit(change, writer).pages.get()
    assert (
        snapshot.base_publication_id
        == CurrentPublication.objects.get(page=seed_page).publication_id
    )
    assert "language" not in snapshot.content


# --- Publishing ----------------------------------------------------------------------


def test_a_spanish_publication_goes_live_at_its_translation_pointer_not_the_english_one(
    seed_publication, seed_page, spanish
):
    current = CurrentPublication.objects.get(page=seed_page)
    assert current.publication_id == seed_publication.pk
    english = Publication.objects.get(pk=seed_publication.pk)
    assert english.html == seed_publication.html
    assert english.integrity_hash == seed_publication.integrity_hash
    pointer = CurrentTranslation.objects.get(page=seed_page, language="es")
    assert pointer.publication_id == spanish.pk
    assert pointer.slug == spanish.slug
    assert spanish.title == TITLE


def test_a_spanish_publication_names_the_english_publication_it_was_translated_from(
    seed_publication, spanish
):
    row = PublicationTranslation.objects.get(publication=spanish)
    assert row.language == "es"
    assert row.source_id == seed_publication.pk
    assert row.source_content_hash == seed_publication.content_hash


def test_the_integrity_hash_of_a_spanish_publication_covers_its_language_and_source(
    spanish,
):
    from editorial import hashing

    stored = Publication.objects.get(pk=spanish.pk)
    assert hashing.publication_hash(stored) != stored.integrity_hash
    assert hashing.publication_hash(stored, stored.translation) == stored.integrity_hash


def test_publishing_refuses_a_spanish_revision_whose_english_record_was_republished_since(
    seed_page, writer, physician, nurse, managing_editor, everolimus
):
    revision = submit(translate_page(writer, seed_page), writer, summary="Traducción")
    approve(revision, physician, nurse)
    english_edit(
        writer, physician, nurse, managing_editor, everolimus, mechanism="Everolimus blocks mTOR."
    )
    with pytest.raises(workflow.InvalidTransition, match="Submit the change again"):
        workflow.revision_publish(revision=revision, editor=managing_editor)
    assert not CurrentTranslation.objects.filter(page=seed_page).exists()


def test_publishing_refuses_a_spanish_revision_once_the_english_page_is_unpublished(
    seed_page, writer, physician, nurse, managing_editor
):
    revision = submit(translate_page(writer, seed_page), writer, summary="Traducción")
    approve(revision, physician, nurse)
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    with pytest.raises(workflow.InvalidTransition, match="no longer published in English"):
        workflow.revision_publish(revision=revision, editor=managing_editor)


def test_a_second_spanish_publication_moves_the_spanish_pointer_only(
    seed_publication, seed_page, spanish, writer, physician, nurse, managing_editor
):
    change = translate_page(writer, seed_page, more_information_heading="Más información")
    (second,) = publish_in_spanish(change, writer, physician, nurse, managing_editor)
    assert CurrentTranslation.objects.get(page=seed_page, language="es").publication_id == second.pk
    assert CurrentPublication.objects.get(page=seed_page).publication_id == seed_publication.pk


def test_unpublishing_in_spanish_leaves_the_english_page_live(
    seed_publication, seed_page, spanish, managing_editor
):
    workflow.page_unpublish(page=seed_page, editor=managing_editor, language="es")
    assert CurrentTranslation.objects.get(page=seed_page, language="es").publication is None
    assert CurrentPublication.objects.get(page=seed_page).publication_id == seed_publication.pk
    assert verify()[0]


def test_unpublishing_a_page_not_live_in_spanish_is_refused(seed_page, managing_editor):
    with pytest.raises(workflow.InvalidTransition, match="not published in Español"):
        workflow.page_unpublish(page=seed_page, editor=managing_editor, language="es")


# --- Versions, dates, the past ----------------------------------------------------------


def test_spanish_and_english_versions_are_counted_apart(
    seed_publication, seed_page, spanish, writer, physician, nurse, managing_editor, everolimus
):
    assert spanish.version.number == 1
    (english,) = english_edit(
        writer, physician, nurse, managing_editor, everolimus, mechanism="Everolimus blocks mTOR."
    )
    assert english.version.number == seed_publication.version.number + 1
    change = translate_page(writer, seed_page, more_information_heading="Más información")
    (second,) = publish_in_spanish(change, writer, physician, nurse, managing_editor)
    assert second.version.number == 2


def test_spanish_last_revised_is_its_own(seed_publication, spanish):
    assert seed_publication.last_revised == datetime.date(2021, 8, 17)
    assert spanish.last_revised == timezone.localdate()


def test_an_english_publish_does_not_move_spanish_dates(
    seed_page, spanish, writer, physician, nurse, managing_editor, everolimus
):
    english_edit(
        writer, physician, nurse, managing_editor, everolimus, mechanism="Everolimus blocks mTOR."
    )
    live = CurrentTranslation.objects.get(page=seed_page, language="es").publication
    assert live.pk == spanish.pk


def test_public_view_at_reads_each_language_apart(
    seed_publication, seed_page, spanish, managing_editor
):
    moment = timezone.now()
    assert workflow.public_view_at(page=seed_page, moment=moment) == seed_publication
    assert workflow.public_view_at(page=seed_page, moment=moment, language="es") == spanish
    workflow.page_unpublish(page=seed_page, editor=managing_editor, language="es")
    later = timezone.now()
    assert workflow.public_view_at(page=seed_page, moment=later) == seed_publication
    assert workflow.public_view_at(page=seed_page, moment=later, language="es") is None


def test_before_its_spanish_publication_a_page_read_nothing_in_spanish(
    seed_publication, seed_page, spanish
):
    before = spanish.published_at - datetime.timedelta(microseconds=1)
    assert workflow.public_view_at(page=seed_page, moment=before, language="es") is None


# --- Out of date ---------------------------------------------------------------------


def test_a_page_without_a_spanish_publication_is_missing(seed_page):
    assert translation_state(seed_page.pk, "es").status == MISSING


def test_a_fresh_translation_is_up_to_date(seed_page, spanish):
    state = translation_state(seed_page.pk, "es")
    assert state.status == UP_TO_DATE
    assert state.since == spanish.published_at


def test_an_english_republish_with_different_content_makes_it_out_of_date_since_then(
    seed_page, spanish, writer, physician, nurse, managing_editor, everolimus
):
    (english,) = english_edit(
        writer, physician, nurse, managing_editor, everolimus, mechanism="Everolimus blocks mTOR."
    )
    state = translation_state(seed_page.pk, "es")
    assert state.status == OUT_OF_DATE
    assert state.since == english.published_at


def test_out_of_date_dates_from_the_first_english_publication_of_the_content_shown_now(
    seed_page, spanish, writer, physician, nurse, managing_editor, everolimus
):
    (changed,) = english_edit(
        writer, physician, nurse, managing_editor, everolimus, mechanism="Everolimus blocks mTOR."
    )
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    assert translation_state(seed_page.pk, "es").since == changed.published_at


def test_an_english_republish_of_the_same_content_keeps_it_up_to_date(
    seed_page, spanish, physician, nurse, managing_editor
):
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    (republished,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    assert republished.content_hash == spanish.translation.source_content_hash
    assert translation_state(seed_page.pk, "es").status == UP_TO_DATE


def test_translation_status_lists_every_live_english_page_in_a_fixed_number_of_queries(
    two_pages, seed_page, spanish, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        rows = translation_status(["es"])
    assert {(row.page_id, row.status) for row in rows} == {
        (seed_page.pk, UP_TO_DATE),
        (two_pages[1].pk, MISSING),
    }


def test_the_dashboard_shows_each_page_in_each_language(seed_page, spanish, managing_editor):
    from editorial.dashboard import dashboard_sections

    (section,) = [s for s in dashboard_sections(managing_editor) if s.key == "translations"]
    (row,) = section.rows
    assert row.what == seed_page.title
    assert row.who == "Español"
    assert "up to date" in row.note
    assert row.since == spanish.published_at
    assert row.url.endswith(f"/drugs/page/{seed_page.pk}/change/")


# --- The record ----------------------------------------------------------------------


def test_verify_integrity_passes_with_spanish_publications(spanish):
    passed, output = verify()
    assert passed, output


def test_verify_integrity_names_a_spanish_publication_whose_source_hash_was_rewritten(spanish):
    with tampered() as sql:
        sql(
            "UPDATE editorial_publicationtranslation SET source_content_hash = %s "
            "WHERE publication_id = %s",
            ["0" * 64, spanish.pk],
        )
        passed, output = verify()
        assert not passed
        assert (
            f"publication {spanish.pk} ({spanish.slug}): the content hash it was translated"
            in output
        )
        assert f"publication {spanish.pk} ({spanish.slug}): what the public reads" in output
    assert verify()[0]


def test_verify_integrity_names_a_spanish_publication_moved_onto_another_source(
    spanish, seed_page, writer, physician, nurse, managing_editor, everolimus
):
    english_edit(
        writer, physician, nurse, managing_editor, everolimus, mechanism="Everolimus blocks mTOR."
    )
    with tampered() as sql:
        sql(
            "UPDATE editorial_publicationtranslation SET source_id = %s WHERE publication_id = %s",
            [spanish.pk, spanish.pk],
        )
        passed, output = verify()
        assert not passed
        assert "is not this page's in the default language" in output
    assert verify()[0]


def test_verify_integrity_names_a_spanish_pointer_the_audit_trail_does_not_support(
    spanish, seed_page, seed_publication
):
    with tampered() as sql:
        sql(
            "UPDATE editorial_currenttranslation SET publication_id = NULL, slug = NULL "
            "WHERE page_id = %s",
            [seed_page.pk],
        )
        passed, output = verify()
        assert not passed
        assert f"page {seed_page.pk} in es: the public reads nothing" in output
    assert verify()[0]


def test_the_audit_bundle_lists_the_spanish_publication_with_its_language_and_source(
    seed_publication, seed_page, spanish
):
    bundle = audit_bundle.bundle_build(seed_page)
    by_id = {publication["id"]: publication for publication in bundle["publications"]}
    assert by_id[spanish.pk]["translation"] == {
        "language": "es",
        "source_id": seed_publication.pk,
        "source_content_hash": seed_publication.content_hash,
    }
    assert "translation" not in by_id[seed_publication.pk]
    assert by_id[spanish.pk]["fields"]["language"] == "es"
    assert audit_verify.verify(bundle) == []


def test_the_admin_front_page_shows_the_translations_panel_linking_each_page(
    client, seed_page, spanish, writer, everolimus, physician, nurse, managing_editor
):
    english_edit(
        writer, physician, nurse, managing_editor, everolimus, mechanism="Everolimus blocks mTOR."
    )
    client.force_login(managing_editor)
    html = client.get("/admin/").content.decode()
    panel = html[html.index('id="dashboard-translations"') :]
    assert f"/admin/drugs/page/{seed_page.pk}/change/" in panel
    assert "Español: out of date since the English page changed" in panel


def test_a_spanish_publication_is_written_as_an_english_one_is(spanish, seed_page):
    from editorial.models import AuditEntry, PublishedVersion

    assert spanish.compliance_number.reference.startswith("IMP-")
    assert spanish.record_rows.filter(model="drugs.translation").exists()
    translation = Translation.objects.get(model="drugs.page", object_id=seed_page.pk)
    assert PublishedVersion.objects.filter(model="drugs.translation", object_id=translation.pk)
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.PUBLISH, publication=spanish, page=seed_page
    ).exists()


def test_a_spanish_full_review_moves_the_spanish_review_date_alone(
    seed_publication, seed_page, writer, physician, nurse, managing_editor
):
    revision = submit(translate_page(writer, seed_page), writer, summary="Traducción")
    approve(revision, physician, nurse, full_review=True)
    (reviewed,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    assert reviewed.last_reviewed == timezone.localdate()
    assert reviewed.reviewed_by == ["MD", "OCN"]
    english = CurrentPublication.objects.get(page=seed_page).publication
    assert english.last_reviewed == seed_publication.last_reviewed
    change = translate_page(writer, seed_page, more_information_heading="Más información")
    (next_one,) = publish_in_spanish(change, writer, physician, nurse, managing_editor)
    assert next_one.last_reviewed == reviewed.last_reviewed


def test_a_reviewer_reads_a_spanish_revision_and_its_preview(client, seed_page, writer, physician):
    from django.urls import reverse

    revision = submit(translate_page(writer, seed_page), writer, summary="Traducción")
    client.force_login(physician)
    screen = client.get(reverse("admin:editorial_change_change", args=[revision.change_id]))
    assert screen.status_code == 200
    assert TITLE in screen.content.decode()
    preview = client.get(reverse("admin:editorial_change_preview", args=[revision.pages.get().pk]))
    assert preview.status_code == 200


def test_a_reviewer_reads_the_diff_of_a_spanish_revision_from_the_live_spanish_page(
    client, spanish, seed_page, writer, physician
):
    from django.urls import reverse

    change = translate_page(writer, seed_page, more_information_heading="Más información")
    revision = submit(change, writer, summary="Traducción")
    client.force_login(physician)
    screen = client.get(reverse("admin:editorial_change_change", args=[revision.change_id]))
    assert screen.status_code == 200
    assert "Más información" in screen.content.decode()
