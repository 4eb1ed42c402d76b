"""Withdrawing abandons a change; reverting brings an old publication back through review."""

import pytest
from django.core.exceptions import PermissionDenied

from drugs.models import Drug, DrugSideEffect, EditorialTeam, SideEffectTerm, Translation
from editorial import workflow
from editorial.models import AuditEntry, Change, CurrentPublication
from editorial.registry import CONTENT_MODELS
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


def _draft_of(record) -> dict:
    """Field values a draft might give `record`: a translation's texts reworded, else as is."""
    if isinstance(record, Translation):
        return {"texts": {**record.texts, "title": "Un borrador que abandonamos"}}
    return {}


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model._meta.label_lower)
def test_a_change_to_any_kind_of_record_can_be_withdrawn(
    model, writer, seed_publication, published_translation
):
    def content(row):
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)]
        return {field.attname: getattr(row, field.attname) for field in fields}

    record = model.objects.order_by("pk").first()
    published = content(record)
    change = edit(writer, record, reason="A draft we abandon.", **_draft_of(record))

    workflow.change_withdraw(change=change, user=writer)

    assert content(model.objects.get(pk=record.pk)) == published
    assert Change.objects.get(pk=change.pk).state == Change.State.WITHDRAWN
    assert workflow.owned_keys(change) == set()


def test_a_revert_draft_that_restores_the_attribution_can_be_withdrawn(
    writer, physician, nurse, managing_editor, seed_publication
):
    team = EditorialTeam.current()
    seed_description = team.description
    change = edit(writer, team, description="Doctors, nurses, editors and translators.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    revert = workflow.publication_revert(publication=seed_publication, editor=managing_editor)
    assert ("drugs.editorialteam", team.pk) in workflow.owned_keys(revert)
    assert EditorialTeam.current().description == seed_description

    workflow.change_withdraw(change=revert, user=managing_editor, comment="Keep the new wording")

    assert EditorialTeam.current().description == "Doctors, nurses, editors and translators."
    assert Change.objects.get(pk=revert.pk).state == Change.State.WITHDRAWN
    assert workflow.owned_keys(revert) == set()


def test_a_revert_holds_only_the_records_that_differ_from_the_publication(
    writer, other_writer, physician, nurse, managing_editor, everolimus, seed_publication
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    publish_through_review(change, writer, physician, nurse, managing_editor)

    revert = workflow.publication_revert(publication=seed_publication, editor=managing_editor)

    assert workflow.owned_keys(revert) == {("drugs.drug", everolimus.pk)}
    # The page's other shared drugs stay free for other writers.
    sunitinib = Drug.objects.get(slug="sunitinib")
    edit(other_writer, sunitinib, administration="Sunitinib is a capsule taken once a day.")


def test_reverting_to_what_the_page_already_shows_is_refused(managing_editor, seed_publication):
    with pytest.raises(workflow.InvalidTransition, match="already shows"):
        workflow.publication_revert(publication=seed_publication, editor=managing_editor)
    assert not Change.objects.filter(author=managing_editor).exists()
