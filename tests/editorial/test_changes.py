"""Edits are drafts in a change; a record belongs to one open change at a time."""

import pytest
from django.core.exceptions import PermissionDenied

from drugs.models import DrugSideEffect, SideEffectTerm
from editorial import workflow
from editorial.models import AuditEntry, Change, ChangeRecord
from tests.workflow import approve, edit, submit

pytestmark = pytest.mark.django_db


def test_an_edit_opens_a_draft_change_owned_by_its_author(writer, everolimus):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    assert change.state == Change.State.DRAFT
    assert change.author == writer
    assert workflow.owned_keys(change) == {("drugs.drug", everolimus.pk)}


def test_further_edits_join_the_authors_draft(writer, everolimus, seed_page):
    first = edit(writer, everolimus, administration="Everolimus is a tablet.")
    second = edit(writer, seed_page, title="Targeted Drugs for Pancreatic NETs")
    assert first == second


def test_a_record_in_another_persons_change_cannot_be_edited(writer, other_writer, everolimus):
    change = edit(other_writer, everolimus, administration="Otto's draft.")
    with pytest.raises(workflow.RecordHeld) as refusal:
        edit(writer, everolimus, administration="Wren's draft.")
    message = str(refusal.value)
    assert f"in change {change.pk} by Otto Other since " in message
    everolimus.refresh_from_db()
    assert everolimus.administration == "Otto's draft."


def test_the_refusal_reads_as_one_sentence_whatever_the_time_of_day(
    writer, other_writer, everolimus
):
    edit(other_writer, everolimus, administration="Otto's draft.")
    with pytest.raises(workflow.RecordHeld) as refusal:
        edit(writer, everolimus, administration="Wren's draft.")
    assert ".." not in str(refusal.value)  # times read "10:21 a.m."


def test_the_database_refuses_a_second_open_claim_on_a_record(writer, other_writer, everolimus):
    from django.db import IntegrityError, transaction

    edit(other_writer, everolimus, administration="Otto's draft.")
    mine = Change.objects.create(title="Mine", author=writer)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRecord.objects.create(
            change=mine, model="drugs.drug", object_id=everolimus.pk, claimed_by=writer
        )


def test_a_managing_editor_can_take_a_record_over_and_it_is_audited(
    other_writer, managing_editor, everolimus
):
    old = edit(other_writer, everolimus, administration="Otto's draft.")
    new = workflow.record_take_over(
        key=("drugs.drug", everolimus.pk), editor=managing_editor, comment="Otto is away"
    )
    assert new.author == managing_editor
    assert workflow.owned_keys(new) == {("drugs.drug", everolimus.pk)}
    assert workflow.owned_keys(old) == set()
    everolimus.refresh_from_db()
    assert everolimus.administration == "Otto's draft."  # the working state moves with it
    entry = AuditEntry.objects.get(action=AuditEntry.Action.TAKE_OVER)
    assert entry.actor == managing_editor and f"change {old.pk}" in entry.comment


def test_a_writer_cannot_take_a_record_over(writer, other_writer, everolimus):
    edit(other_writer, everolimus, administration="Otto's draft.")
    with pytest.raises(PermissionDenied):
        workflow.record_take_over(key=("drugs.drug", everolimus.pk), editor=writer)


def test_a_reviewer_cannot_edit_content(physician, everolimus):
    with pytest.raises(PermissionDenied):
        edit(physician, everolimus, administration="A physician's edit.")


def test_an_edit_after_submission_sends_the_change_back_to_draft(writer, physician, everolimus):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    revision = submit(change, writer)
    approve(revision, physician)
    edit(writer, everolimus, administration="Everolimus is a small tablet.")
    change.refresh_from_db()
    assert change.state == Change.State.DRAFT


def test_submitting_needs_edits_and_a_public_summary(writer, everolimus):
    empty = Change.objects.create(title="Nothing", author=writer)
    with pytest.raises(workflow.InvalidTransition, match="no edits"):
        submit(empty, writer)
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    with pytest.raises(workflow.InvalidTransition, match="public summary"):
        submit(change, writer, summary=" ")


def test_a_revision_freezes_every_published_page_a_shared_drug_change_alters(
    writer, everolimus, seed_page
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    revision = submit(change, writer, note="Label update", summary="Everolimus form")
    (snapshot,) = revision.pages.all()
    assert snapshot.page == seed_page
    assert snapshot.base_publication == seed_page.publications.get()
    assert "Everolimus is a tablet." in snapshot.html
    assert revision.note == "Label update" and revision.summary == "Everolimus form"


def test_a_new_side_effect_row_alters_the_pages_that_show_its_drug(writer, everolimus):
    row = DrugSideEffect(
        drug=everolimus, term=SideEffectTerm.objects.get(slug="headache"), group="other", position=1
    )
    change = edit(writer, row)
    revision = submit(change, writer)
    assert [page.content["title"] for page in revision.pages.all()] == [
        "Targeted Drug Therapy for Pancreatic Neuroendocrine Tumor"
    ]
    assert "<li>headache</li>" in revision.pages.get().html


def test_a_revision_never_holds_another_changes_draft(writer, other_writer, everolimus, seed_page):
    edit(other_writer, everolimus, administration="Otto's unreviewed draft.")
    change = edit(writer, seed_page, title="A new title")
    snapshot = submit(change, writer).pages.get()
    assert "A new title" in snapshot.html
    assert "Otto's unreviewed draft." not in snapshot.html
    assert "Everolimus is a pill taken once a day." in snapshot.html
