"""History is never lost: for any page and moment, what the public saw then."""

import datetime

import pytest
from django.utils import timezone

from editorial import workflow
from editorial.models import AuditEntry
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db


def test_the_system_returns_what_the_public_saw_at_any_past_moment(
    writer, physician, nurse, managing_editor, everolimus, seed_page, seed_publication
):
    before_edit = timezone.now()
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    (newer,) = publish_through_review(change, writer, physician, nurse, managing_editor)
    after_publish = timezone.now()
    workflow.page_unpublish(page=seed_page, editor=managing_editor)

    assert workflow.public_view_at(page=seed_page, moment=before_edit).html == seed_publication.html
    assert workflow.public_view_at(page=seed_page, moment=after_publish) == newer
    assert "tablet" in workflow.public_view_at(page=seed_page, moment=after_publish).html
    assert workflow.public_view_at(page=seed_page, moment=timezone.now()) is None
    long_ago = seed_publication.published_at - datetime.timedelta(days=1)
    assert workflow.public_view_at(page=seed_page, moment=long_ago) is None


def test_every_workflow_action_is_an_audit_entry(
    writer, physician, nurse, managing_editor, everolimus
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    actions = list(
        AuditEntry.objects.filter(change=change)
        .order_by("at", "pk")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("submit", "writer"),
        ("approve", "physician"),
        ("approve", "nurse"),
        ("publish", "editor"),
    ]


def test_audit_entries_are_never_changed(seed_publication):
    from editorial.models import AppendOnlyError

    entry = AuditEntry.objects.get()
    entry.comment = "Rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_every_edit_of_a_record_is_kept_with_who_and_why(writer, everolimus):
    edit(writer, everolimus, administration="First draft.", reason="Label v1")
    edit(writer, everolimus, administration="Second draft.", reason="Label v2")
    records = list(everolimus.history.order_by("history_id"))
    assert [r.administration for r in records][-2:] == ["First draft.", "Second draft."]
    assert [r.history_change_reason for r in records][-2:] == ["Label v1", "Label v2"]
    assert {r.history_user for r in records[-2:]} == {writer}
