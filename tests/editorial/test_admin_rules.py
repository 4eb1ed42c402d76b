"""The rules the change screen used to hold are workflow functions; the screen asks them.

And every workflow action the screen offers goes through the one table-driven view,
with the forms the screen renders.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from editorial import actions, workflow
from editorial.models import Change
from tests.workflow import edit, submit

pytestmark = pytest.mark.django_db


def test_a_reviewer_may_claim_a_change_in_review_once(writer, physician, everolimus):
    change = edit(writer, everolimus, administration="By mouth, once a day.")
    assert not workflow.may_claim(physician, change)  # a draft waits for nobody
    submit(change, writer)
    change.refresh_from_db()
    assert workflow.may_claim(physician, change)
    workflow.change_claim_review(change=change, reviewer=physician)
    assert not workflow.may_claim(physician, change)


def test_the_author_may_not_claim_their_own_change(writer, everolimus):
    change = edit(writer, everolimus, administration="By mouth, once a day.")
    submit(change, writer)
    change.refresh_from_db()
    assert not workflow.may_claim(writer, change)


def test_whoever_may_read_drafts_may_comment_and_the_public_may_neither(
    writer, physician, credential_admin
):
    for person in (writer, physician):
        assert workflow.may_view_drafts(person)
        assert workflow.may_comment(person)
    for person in (credential_admin, AnonymousUser()):
        assert not workflow.may_view_drafts(person)
        assert not workflow.may_comment(person)


def test_a_draft_preview_is_refused_to_someone_who_may_not_read_drafts(
    client, writer, credential_admin, everolimus, seed_page
):
    change = edit(writer, everolimus, administration="By mouth, once a day.")
    url = reverse("admin:editorial_change_draft_preview", args=[change.pk, seed_page.pk])
    client.force_login(credential_admin)
    assert client.get(url).status_code == 403
    client.force_login(writer)
    assert client.get(url).status_code == 200


def test_every_action_in_the_table_answers_at_its_admin_url_name():
    for name in actions.ACTIONS:
        assert reverse(f"admin:editorial_change_{name}", kwargs=_arguments(name))


def _arguments(name: str) -> dict:
    if name == "resolve":
        return {"comment_id": 1}
    if name == "take_over":
        return {"model": "drugs.drug", "pk": 1}
    if name in ("sign_off", "unpublish"):
        return {"page_id": 1}
    if name == "revert":
        return {"publication_id": 1}
    return {"pk": 1}


def test_the_change_screen_renders_the_forms_its_actions_accept(client, writer, everolimus):
    change = edit(writer, everolimus, administration="By mouth, once a day.")
    client.force_login(writer)
    html = client.get(change.get_absolute_url()).content.decode()
    for element in ('id="id_summary"', 'id="id_note"', 'id="withdraw-comment"'):
        assert element in html
    response = client.post(
        reverse("admin:editorial_change_submit", args=[change.pk]),
        {"summary": "Everolimus is taken once a day.", "note": ""},
    )
    assert response.status_code == 302
    assert Change.objects.get(pk=change.pk).state == Change.State.IN_REVIEW


def test_an_action_the_workflow_refuses_is_a_message_not_an_error_page(
    client, writer, physician, everolimus
):
    change = edit(writer, everolimus, administration="By mouth, once a day.")
    client.force_login(physician)
    response = client.post(
        reverse("admin:editorial_change_withdraw", args=[change.pk]), {"comment": ""}, follow=True
    )
    assert response.status_code == 200
    assert "may withdraw" in response.content.decode()
    assert Change.objects.get(pk=change.pk).state == Change.State.DRAFT
