"""Withdrawing abandons a change; reverting brings an old publication back through review."""

import pytest
from django.core.exceptions import PermissionDenied

from drugs.models import Drug, DrugSideEffect, SideEffectTerm
from editorial import workflow
from editorial.models import AuditEntry, Change, CurrentPublication
from tests.workflow import edit, publish_through_review, remove, submit

pytestmark = pytest.mark.django_db


def test_withdraw_restores_the_published_state_and_releases_the_records(
    writer, other_writer, everolimus
):
    published = everolimus.administration
    nausea = everolimus.side_effects.get(term__slug="nausea")
    change = edit(writer, everolimus, administration="A draft we abandon.")
    remove(writer, nausea, change=change)
    added = DrugSideEffect(
        drug=everolimus, term=SideEffectTerm.objects.get(slug="headache"), group="other"
    )
    edit(writer, added, change=change)
    submit(change, writer)

    workflow.change_withdraw(change=change, user=writer, comment="Wrong label")

    everolimus.refresh_from_db()
    assert everolimus.administration == published
    assert everolimus.side_effects.filter(term__slug="nausea").exists()  # deleted row is back
    assert not everolimus.side_effects.filter(term__slug="headache").exists()  # new row gone
    assert Change.objects.get(pk=change.pk).state == Change.State.WITHDRAWN
    assert workflow.owned_keys(change) == set()
    edit(other_writer, everolimus, administration="Free again.")


def test_withdraw_keeps_the_history_of_the_abandoned_draft(writer, everolimus):
    change = edit(writer, everolimus, administration="A draft we abandon.")
    workflow.change_withdraw(change=change, user=writer)
    administrations = list(everolimus.history.values_list("administration", flat=True))
    assert "A draft we abandon." in administrations
    assert AuditEntry.objects.filter(action=AuditEntry.Action.WITHDRAW, change=change).exists()


def test_only_the_author_or_a_managing_editor_withdraws(
    writer, other_writer, managing_editor, everolimus
):
    change = edit(writer, everolimus, administration="A draft.")
    with pytest.raises(PermissionDenied):
        workflow.change_withdraw(change=change, user=other_writer)
    workflow.change_withdraw(change=change, user=managing_editor)
    assert Change.objects.get(pk=change.pk).state == Change.State.WITHDRAWN


def test_a_published_change_cannot_be_withdrawn(
    writer, physician, nurse, managing_editor, everolimus
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    with pytest.raises(workflow.InvalidTransition, match="published"):
        workflow.change_withdraw(change=change, user=writer)


def test_reverting_to_an_older_publication_makes_a_draft_that_needs_review(
    client, writer, physician, nurse, managing_editor, everolimus, seed_page, seed_publication
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    publish_through_review(change, writer, physician, nurse, managing_editor)

    revert = workflow.publication_revert(publication=seed_publication, editor=managing_editor)
    assert revert.state == Change.State.DRAFT
    everolimus.refresh_from_db()
    assert everolimus.administration == "Everolimus is a pill taken once a day."
    current = CurrentPublication.objects.get(page=seed_page).publication
    assert "Everolimus is a tablet." in client.get(current.get_absolute_url()).content.decode()

    (republished,) = publish_through_review(
        revert, managing_editor, physician, nurse, managing_editor
    )
    assert republished.content_hash == seed_publication.content_hash
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVERT).exists()


def test_reverting_removes_parts_the_old_publication_did_not_show(
    writer, physician, nurse, managing_editor, everolimus, seed_publication
):
    added = DrugSideEffect(
        drug=everolimus, term=SideEffectTerm.objects.get(slug="headache"), group="other"
    )
    change = edit(writer, added)
    publish_through_review(change, writer, physician, nurse, managing_editor)
    workflow.publication_revert(publication=seed_publication, editor=managing_editor)
    assert (
        not Drug.objects.get(pk=everolimus.pk).side_effects.filter(term__slug="headache").exists()
    )
