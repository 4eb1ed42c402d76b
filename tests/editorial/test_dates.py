"""Dates keep themselves: each moves only when the content justifies it."""

import datetime

import pytest
from django.utils import timezone

from editorial import workflow
from editorial.dates import add_months, next_review_due
from editorial.models import CurrentPublication
from tests.workflow import approve, edit, publish_through_review, submit

pytestmark = pytest.mark.django_db


def current(page):
    return CurrentPublication.objects.get(page=page).publication


def test_months_are_added_by_the_calendar():
    assert add_months(datetime.date(2021, 8, 17), 12) == datetime.date(2022, 8, 17)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 11, 30), 3) == datetime.date(2025, 2, 28)


def test_next_review_is_due_an_interval_after_the_last_full_review():
    reviewed = datetime.date(2025, 3, 1)
    assert next_review_due(last_reviewed=reviewed, interval_months=12) == datetime.date(2026, 3, 1)


def test_without_a_full_review_on_record_no_next_review_date_is_invented():
    assert next_review_due(last_reviewed=None, interval_months=12) is None


def test_the_imported_seed_has_no_review_date_and_is_due_now(seed_publication):
    assert seed_publication.last_reviewed is None
    assert seed_publication.next_review_due is None
    assert [row.page for row in workflow.overdue_pages()] == [seed_publication.page]


def test_an_ordinary_edit_leaves_a_never_reviewed_page_in_the_overdue_queue(
    writer, physician, nurse, managing_editor, everolimus, seed_page
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    assert current(seed_page).last_revised == timezone.localdate()
    assert current(seed_page).next_review_due is None
    assert [row.page for row in workflow.overdue_pages()] == [seed_page]


def test_the_overdue_queue_says_a_never_reviewed_page_has_no_review_on_record(
    managing_editor, seed_page
):
    from editorial.dashboard import dashboard_sections

    (overdue,) = [s for s in dashboard_sections(managing_editor) if s.key == "overdue"]
    (row,) = overdue.rows
    assert row.what == seed_page.title
    assert row.note == "No medical review on record"


def test_pages_never_reviewed_come_first_then_the_most_overdue(
    physician, nurse, managing_editor, seed_page, kidney_page
):
    revision = workflow.page_sign_off_start(page=kidney_page, user=managing_editor)
    approve(revision, physician, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    later = timezone.localdate() + datetime.timedelta(days=400)
    assert [row.page for row in workflow.overdue_pages(today=later)] == [seed_page, kidney_page]
    assert [row.page for row in workflow.overdue_pages()] == [seed_page]


def test_last_revised_moves_to_the_publish_date_when_the_content_changed(
    writer, physician, nurse, managing_editor, everolimus, seed_page
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    assert current(seed_page).last_revised == timezone.localdate()


def test_a_republish_of_the_same_content_keeps_last_revised(
    writer, physician, nurse, managing_editor, everolimus, seed_page
):
    before = current(seed_page)
    # An edit that is undone before submitting: the content the public reads is the same.
    change = edit(writer, everolimus, administration="Changed")
    edit(
        writer,
        everolimus,
        administration=before.content["drug_sections"][1]["drug"]["administration"],
    )
    publish_through_review(change, writer, physician, nurse, managing_editor)
    after = current(seed_page)
    assert after.pk != before.pk and after.content_hash == before.content_hash
    assert after.last_revised == datetime.date(2021, 8, 17)


def test_approving_a_shared_drug_change_is_not_a_medical_review_of_the_page(
    writer, physician, nurse, managing_editor, everolimus, seed_page
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    assert current(seed_page).last_reviewed is None


def test_a_periodic_sign_off_moves_last_reviewed_and_next_review_due_not_last_revised(
    physician, nurse, managing_editor, seed_page
):
    before = current(seed_page)
    revision = workflow.page_sign_off_start(
        page=seed_page, user=managing_editor, note="Annual review"
    )
    assert revision.pages.get().content_hash == before.content_hash
    approve(revision, physician, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    after = current(seed_page)
    today = timezone.localdate()
    assert after.content_hash == before.content_hash
    assert after.last_revised == before.last_revised == datetime.date(2021, 8, 17)
    assert after.last_reviewed == today
    assert after.reviewed_by == ["MD", "OCN"]
    assert after.next_review_due == add_months(today, 12)
    assert list(workflow.overdue_pages()) == []


def test_an_approval_marked_as_a_full_review_moves_last_reviewed_with_the_edit(
    writer, physician, nurse, managing_editor, seed_page
):
    change = edit(writer, seed_page, title="Targeted Drug Therapy for Pancreatic NETs")
    revision = submit(change, writer)
    approve(revision, physician, nurse, full_review=True)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    after = current(seed_page)
    assert after.last_revised == after.last_reviewed == timezone.localdate()


def test_one_full_review_is_not_enough_when_the_policy_needs_both(
    writer, physician, nurse, managing_editor, seed_page
):
    change = edit(writer, seed_page, title="Targeted Drug Therapy for Pancreatic NETs")
    revision = submit(change, writer)
    approve(revision, physician, full_review=True)
    approve(revision, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    assert current(seed_page).last_reviewed is None


def test_dates_are_shown_in_the_sites_time_zone(
    settings, client, writer, physician, nurse, managing_editor, everolimus, seed_page
):
    # 02:30 UTC on March 2 is still March 1 in New York.
    settings.TIME_ZONE = "America/New_York"
    moment = datetime.datetime(2026, 3, 2, 2, 30, tzinfo=datetime.UTC)
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    revision = submit(change, writer)
    approve(revision, physician, nurse)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        workflow.revision_publish(revision=revision, editor=managing_editor)
    publication = current(seed_page)
    assert publication.last_revised == datetime.date(2026, 3, 1)
    assert (
        'Last Revised: <time datetime="2026-03-01">March 1, 2026</time>'
        in client.get(publication.get_absolute_url()).content.decode()
    )
