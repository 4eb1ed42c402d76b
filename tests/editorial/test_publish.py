"""Publishing writes exactly the approved revision, never rolls back another change,
and either completes or leaves every previous publication current."""

import pytest
from django.core.exceptions import PermissionDenied

from drugs.models import Drug
from editorial import workflow
from editorial.models import (
    AuditEntry,
    Change,
    CurrentPublication,
    Publication,
    PublishedVersion,
)
from editorial.workflow import publishing
from tests.workflow import approve, edit, publish_through_review, submit

pytestmark = pytest.mark.django_db

NEW_INTRO = "Targeted drugs work differently from chemo. (Revised intro.)"
NEW_ADMINISTRATION = "Everolimus is a tablet taken once a day."


def public_html(client, page) -> str:
    current = CurrentPublication.objects.get(page=page).publication
    response = client.get(current.get_absolute_url())
    return response.content.decode()


def approved(change, author, physician, nurse):
    revision = submit(change, author)
    approve(revision, physician, nurse)
    return revision


def test_the_public_sees_nothing_of_a_change_until_it_is_published(
    client, writer, physician, nurse, managing_editor, everolimus, seed_page, seed_url
):
    before = client.get(seed_url).content
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    assert client.get(seed_url).content == before
    revision = submit(change, writer)
    approve(revision, physician)
    assert client.get(seed_url).content == before
    approve(revision, nurse)
    assert client.get(seed_url).content == before
    workflow.revision_publish(revision=revision, editor=managing_editor)
    assert NEW_ADMINISTRATION in client.get(seed_url).content.decode()


def test_publishing_needs_the_policys_approvals(writer, physician, managing_editor, everolimus):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    revision = submit(change, writer)
    approve(revision, physician)
    with pytest.raises(workflow.InvalidTransition):
        workflow.revision_publish(revision=revision, editor=managing_editor)
    assert Publication.objects.count() == 1


def test_only_a_managing_editor_publishes(writer, other_writer, physician, nurse, everolimus):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    revision = approved(change, writer, physician, nurse)
    for user in (writer, other_writer, physician, nurse):
        with pytest.raises(PermissionDenied):
            workflow.revision_publish(revision=revision, editor=user)
    assert Publication.objects.count() == 1


def test_publishing_writes_the_approved_revision_not_the_latest_working_rows(
    writer, physician, nurse, managing_editor, everolimus, seed_page
):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    revision = approved(change, writer, physician, nurse)
    # A sneaky direct write (bypassing the workflow) after approval is not published.
    Drug.objects.filter(pk=everolimus.pk).update(administration="Unapproved text.")
    (publication,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    assert NEW_ADMINISTRATION in publication.html
    assert "Unapproved text." not in publication.html
    assert publication.content_hash == revision.pages.get().content_hash


def test_a_published_change_releases_its_records(
    writer, other_writer, physician, nurse, managing_editor, everolimus
):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    publish_through_review(change, writer, physician, nurse, managing_editor)
    assert workflow.holding_record(("drugs.drug", everolimus.pk)) is None
    edit(other_writer, everolimus, administration="Otto's next edit.")  # free to edit again


def test_publishing_is_audited_with_the_revision(
    writer, physician, nurse, managing_editor, everolimus
):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    (publication,) = publish_through_review(change, writer, physician, nurse, managing_editor)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PUBLISH)
    assert entry.publication == publication
    assert entry.revision == publication.revision
    assert entry.actor == managing_editor


@pytest.mark.parametrize("order", ["page first", "drug first"])
def test_two_changes_to_one_page_never_lose_or_leak_an_edit(
    order, client, writer, other_writer, physician, nurse, managing_editor, everolimus, seed_page
):
    page_change = edit(writer, seed_page, intro=NEW_INTRO)
    drug_change = edit(other_writer, everolimus, administration=NEW_ADMINISTRATION)
    first, second = (
        (page_change, drug_change) if order == "page first" else (drug_change, page_change)
    )
    authors = {page_change.pk: writer, drug_change.pk: other_writer}
    first_revision = approved(first, authors[first.pk], physician, nurse)
    second_revision = approved(second, authors[second.pk], physician, nurse)

    workflow.revision_publish(revision=first_revision, editor=managing_editor)
    html = public_html(client, seed_page)
    first_text, second_text = (
        (NEW_INTRO, NEW_ADMINISTRATION)
        if order == "page first"
        else (NEW_ADMINISTRATION, NEW_INTRO)
    )
    assert first_text in html and second_text not in html

    with pytest.raises(
        workflow.InvalidTransition, match="published or unpublished by another change"
    ):
        workflow.revision_publish(revision=second_revision, editor=managing_editor)
    assert second_text not in public_html(client, seed_page)

    rebuilt = approved(second, authors[second.pk], physician, nurse)
    workflow.revision_publish(revision=rebuilt, editor=managing_editor)
    html = public_html(client, seed_page)
    assert NEW_INTRO in html and NEW_ADMINISTRATION in html


def test_a_shared_drug_change_republishes_every_page_that_shows_it(
    client, writer, physician, nurse, managing_editor, everolimus, two_pages
):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    publications = publish_through_review(change, writer, physician, nurse, managing_editor)
    assert {p.page for p in publications} == set(two_pages)
    for page in two_pages:
        assert NEW_ADMINISTRATION in public_html(client, page)


def test_a_publish_that_fails_half_way_leaves_every_previous_publication_current(
    monkeypatch, client, writer, physician, nurse, managing_editor, everolimus, two_pages
):
    before = {
        page.pk: CurrentPublication.objects.get(page=page).publication_id for page in two_pages
    }
    versions_before = list(
        PublishedVersion.objects.order_by("pk").values_list("history_id", flat=True)
    )
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    revision = approved(change, writer, physician, nurse)

    # Fail after the live pointers have moved, on the last write of the publish.
    seen = []

    def fail_after_the_pointers_moved(*args, **kwargs):
        seen.append(
            dict(CurrentPublication.objects.values_list("page_id", "publication__revision_id"))
        )
        raise RuntimeError("database connection lost")

    monkeypatch.setattr(PublishedVersion.objects, "bulk_create", fail_after_the_pointers_moved)
    with pytest.raises(RuntimeError):
        workflow.revision_publish(revision=revision, editor=managing_editor)
    monkeypatch.undo()

    # Every page had been switched to the new revision when it failed.
    assert seen == [{page.pk: revision.pk for page in two_pages}]
    after = {
        page.pk: CurrentPublication.objects.get(page=page).publication_id for page in two_pages
    }
    assert after == before
    assert Publication.objects.filter(revision=revision).count() == 0
    assert (
        list(PublishedVersion.objects.order_by("pk").values_list("history_id", flat=True))
        == versions_before
    )
    assert Change.objects.get(pk=change.pk).state == Change.State.APPROVED
    for page in two_pages:
        assert NEW_ADMINISTRATION not in public_html(client, page)
    workflow.revision_publish(revision=revision, editor=managing_editor)  # and it can try again


def test_a_new_page_is_a_change_too(client, kidney_page):
    current = CurrentPublication.objects.get(page=kidney_page).publication
    html = client.get(current.get_absolute_url()).content.decode()
    assert "Targeted Therapy for Kidney Cancer" in html
    assert "Everolimus (Afinitor)" in html
    assert current.origin == Publication.Origin.REVIEWED


def test_an_unpublished_page_leaves_the_public_site_and_keeps_its_history(
    client, managing_editor, seed_page, seed_url
):
    workflow.page_unpublish(page=seed_page, editor=managing_editor, comment="Outdated")
    response = client.get(seed_url)
    assert response.status_code == 410
    assert "no longer available" in response.content.decode()
    assert seed_page.publications.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UNPUBLISH, page=seed_page).exists()


def test_a_revision_of_an_unpublished_page_cannot_be_published_over_it(
    writer, physician, nurse, managing_editor, seed_page
):
    change = edit(writer, seed_page, intro=NEW_INTRO)
    revision = approved(change, writer, physician, nurse)
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    with pytest.raises(
        workflow.InvalidTransition, match="published or unpublished by another change"
    ):
        workflow.revision_publish(revision=revision, editor=managing_editor)


def test_an_edit_of_a_drug_a_page_went_live_with_meanwhile_must_be_submitted_again(
    client, writer, other_writer, physician, nurse, managing_editor, everolimus, seed_page
):
    from drugs.models import CancerType, DrugSection, Page

    drug_change = edit(other_writer, everolimus, administration=NEW_ADMINISTRATION)
    drug_revision = approved(drug_change, other_writer, physician, nurse)
    cancer = CancerType(name="Kidney cancer", slug="kidney-cancer")
    page_change = edit(writer, cancer)
    page = Page(title="Kidney", slug="kidney", cancer_type=cancer, intro="A new page.")
    edit(writer, page, change=page_change)
    edit(writer, DrugSection(page=page, drug=everolimus, position=1), change=page_change)
    publish_through_review(page_change, writer, physician, nurse, managing_editor)

    with pytest.raises(workflow.InvalidTransition, match="went live after revision 1"):
        workflow.revision_publish(revision=drug_revision, editor=managing_editor)
    rebuilt = approved(drug_change, other_writer, physician, nurse)
    publications = workflow.revision_publish(revision=rebuilt, editor=managing_editor)
    assert {publication.page_id for publication in publications} == {seed_page.pk, page.pk}
    assert NEW_ADMINISTRATION in public_html(client, page)


def test_a_new_page_frozen_before_its_drug_was_republished_must_be_submitted_again(
    client, writer, other_writer, physician, nurse, managing_editor, everolimus
):
    from drugs.models import CancerType, DrugSection, Page

    cancer = CancerType(name="Kidney cancer", slug="kidney-cancer")
    page_change = edit(writer, cancer)
    page = Page(title="Kidney", slug="kidney", cancer_type=cancer, intro="A new page.")
    edit(writer, page, change=page_change)
    edit(writer, DrugSection(page=page, drug=everolimus, position=1), change=page_change)
    page_revision = approved(page_change, writer, physician, nurse)
    drug_change = edit(other_writer, everolimus, administration=NEW_ADMINISTRATION)
    publish_through_review(drug_change, other_writer, physician, nurse, managing_editor)

    with pytest.raises(workflow.InvalidTransition, match="shows a record that another change"):
        workflow.revision_publish(revision=page_revision, editor=managing_editor)
    assert not CurrentPublication.objects.filter(page=page).exists()
    rebuilt = approved(page_change, writer, physician, nurse)
    workflow.revision_publish(revision=rebuilt, editor=managing_editor)
    assert NEW_ADMINISTRATION in public_html(client, page)


def test_a_publish_the_database_breaks_off_as_a_deadlock_is_refused_not_a_500(
    monkeypatch, writer, physician, nurse, managing_editor, everolimus
):
    import psycopg
    from django.db import OperationalError

    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    revision = approved(change, writer, physician, nurse)

    def deadlocked(*args, **kwargs):
        try:
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        except psycopg.errors.DeadlockDetected as error:
            raise OperationalError("deadlock detected") from error

    # Patched where it is looked up: revision_publish calls it inside
    # editorial.workflow.publishing, not through the package.
    monkeypatch.setattr(publishing, "_check_current", deadlocked)
    with pytest.raises(workflow.PublishConflict, match="Submit the change again"):
        workflow.revision_publish(revision=revision, editor=managing_editor)
    assert not Publication.objects.filter(revision=revision).exists()
    assert Change.objects.get(pk=change.pk).state == Change.State.APPROVED
    assert revision.reviews.count() == 2


def test_other_database_errors_in_a_publish_are_not_mistaken_for_a_conflict(
    monkeypatch, writer, physician, nurse, managing_editor, everolimus
):
    from django.db import OperationalError

    revision = approved(
        edit(writer, everolimus, administration=NEW_ADMINISTRATION), writer, physician, nurse
    )

    def disk_full(*args, **kwargs):
        raise OperationalError("could not extend file: No space left on device")

    # Patched where it is looked up: revision_publish calls it inside
    # editorial.workflow.publishing, not through the package.
    monkeypatch.setattr(publishing, "_check_current", disk_full)
    with pytest.raises(OperationalError):
        workflow.revision_publish(revision=revision, editor=managing_editor)
