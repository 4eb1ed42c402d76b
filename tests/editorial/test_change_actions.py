"""The change screen offers only what can be done now, and asks before what is hard to undo."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import Change, CurrentPublication, Publication
from tests.workflow import approve, edit, request_changes, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_review_policy")]

# What the comment thread offers everyone who may comment, in every state.
COMMENTING = {"Comment"}


def buttons(response) -> set[str]:
    """The text of every button in the screen's main content."""
    html = response.content.decode()
    main = html[html.index('id="content-main"') :]
    texts = re.findall(r"<button\b[^>]*>(.*?)</button>", main, re.S)
    values = re.findall(r'<input type="submit"[^>]*value="([^"]*)"', main)
    return {unescape(re.sub(r"<[^>]+>|\s+", " ", text)).strip() for text in [*texts, *values]}


@pytest.fixture
def draft(writer, everolimus) -> Change:
    return edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")


def in_state(state: str, draft, writer, physician, nurse, managing_editor) -> Change:
    """The writer's change to everolimus, taken through the workflow to `state`."""
    if state == Change.State.DRAFT:
        return draft
    if state == Change.State.WITHDRAWN:
        return workflow.change_withdraw(change=draft, user=writer)
    revision = submit(draft, writer)
    if state == Change.State.CHANGES_REQUESTED:
        request_changes(revision, physician, "Say whether to take it with food.")
    if state in (Change.State.APPROVED, Change.State.SCHEDULED, Change.State.PUBLISHED):
        approve(revision, physician, nurse)
    if state == Change.State.SCHEDULED:
        at = timezone.now() + datetime.timedelta(days=1)
        workflow.revision_schedule(revision=revision, editor=managing_editor, at=at)
    if state == Change.State.PUBLISHED:
        workflow.revision_publish(revision=revision, editor=managing_editor)
    return Change.objects.get(pk=draft.pk)


AUTHOR_SEES = {
    "draft": {"Rename", "Submit for review", "Withdraw this change…"},
    "in_review": {"Rename", "Submit again…", "Withdraw this change…"},
    "changes_requested": {"Rename", "Submit for review", "Withdraw this change…"},
    "approved": {"Rename", "Submit again…", "Withdraw this change…"},
    "scheduled": {"Rename", "Withdraw this change…"},
    "published": set(),
    "withdrawn": set(),
}
MANAGING_EDITOR_SEES = {
    "draft": {"Rename", "Submit for review", "Withdraw this change…"},
    "in_review": {"Rename", "Submit again…", "Withdraw this change…"},
    "changes_requested": {"Rename", "Submit for review", "Withdraw this change…"},
    "approved": {
        "Rename",
        "Publish revision 1 now",
        "Schedule",
        "Submit again…",
        "Withdraw this change…",
    },
    "scheduled": {"Rename", "Publish revision 1 now", "Unschedule", "Withdraw this change…"},
    "published": set(),
    "withdrawn": set(),
}


@pytest.mark.parametrize("state", list(AUTHOR_SEES))
def test_the_author_sees_exactly_the_actions_the_state_allows(
    client, state, draft, writer, physician, nurse, managing_editor
):
    change = in_state(state, draft, writer, physician, nurse, managing_editor)
    assert change.state == state
    client.force_login(writer)
    seen = buttons(client.get(change.get_absolute_url())) - COMMENTING
    assert seen == AUTHOR_SEES[state]


@pytest.mark.parametrize("state", list(MANAGING_EDITOR_SEES))
def test_the_managing_editor_sees_exactly_the_actions_the_state_allows(
    client, state, draft, writer, physician, nurse, managing_editor
):
    change = in_state(state, draft, writer, physician, nurse, managing_editor)
    client.force_login(managing_editor)
    seen = buttons(client.get(change.get_absolute_url())) - COMMENTING
    assert seen == MANAGING_EDITOR_SEES[state]


def test_a_reviewer_of_a_change_in_review_sees_the_decision_and_no_author_action(
    client, draft, writer, physician
):
    submit(draft, writer)
    client.force_login(physician)
    seen = buttons(client.get(draft.get_absolute_url())) - COMMENTING
    assert seen == {"Approve revision 1", "Request changes", "I'm reviewing this"}


def test_submit_for_review_is_never_offered_beside_publish(
    client, draft, writer, physician, nurse, managing_editor
):
    approve(submit(draft, writer), physician, nurse)
    client.force_login(managing_editor)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Submit for review" not in html
    assert html.index("Publish revision 1 now") < html.index("Submit again (restarts the review)")


def test_submitting_an_approved_change_again_asks_first_and_says_the_approvals_end(
    client, draft, writer, physician, nurse
):
    approve(submit(draft, writer), physician, nurse)
    client.force_login(writer)
    url = reverse("admin:editorial_change_submit", args=[draft.pk])
    asked = client.post(url, {"summary": "Once a day.", "note": ""})
    assert asked.status_code == 200
    text = unescape(asked.content.decode())
    assert "restart its review?" in text
    assert "Paula Physician (MD), Nina Nurse (OCN)" in text and "no longer count" in text
    assert Change.objects.get(pk=draft.pk).state == Change.State.APPROVED
    assert draft.revisions.count() == 1

    client.post(url, {"summary": "Once a day.", "note": "", "confirmed": "yes"})
    assert Change.objects.get(pk=draft.pk).state == Change.State.IN_REVIEW
    assert draft.revisions.count() == 2


def test_a_first_submission_does_not_ask(client, draft, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:editorial_change_submit", args=[draft.pk]),
        {"summary": "Everolimus is taken once a day.", "note": ""},
    )
    assert response.status_code == 302
    assert Change.objects.get(pk=draft.pk).state == Change.State.IN_REVIEW


def test_withdrawing_asks_first_keeping_the_reason_and_only_yes_withdraws(
    client, draft, writer, everolimus
):
    client.force_login(writer)
    url = reverse("admin:editorial_change_withdraw", args=[draft.pk])
    asked = client.post(url, {"comment": "Wrong label"})
    assert asked.status_code == 200
    text = unescape(asked.content.decode())
    assert "goes back to what is published" in text
    assert 'value="Wrong label"' in text  # the reason typed comes along
    assert f'href="{draft.get_absolute_url()}"' in text  # "No, take me back"
    assert Change.objects.get(pk=draft.pk).state == Change.State.DRAFT

    client.post(url, {"comment": "Wrong label", "confirmed": "yes"})
    assert Change.objects.get(pk=draft.pk).state == Change.State.WITHDRAWN


def test_someone_who_may_not_withdraw_is_refused_at_once_not_asked(client, draft, physician):
    client.force_login(physician)
    response = client.post(
        reverse("admin:editorial_change_withdraw", args=[draft.pk]), {"comment": ""}, follow=True
    )
    assert "may withdraw" in response.content.decode()
    assert "Yes, withdraw" not in response.content.decode()


def test_unpublishing_asks_first_and_the_page_stays_up_until_yes(
    client, seed_page, managing_editor
):
    client.force_login(managing_editor)
    url = reverse("admin:editorial_change_unpublish", args=[seed_page.pk])
    asked = client.post(url, {})
    assert "Readers will no longer find" in unescape(asked.content.decode())
    assert CurrentPublication.objects.get(page=seed_page).publication_id is not None

    client.post(url, {"comment": "Checking the dosing", "confirmed": "yes"})
    assert CurrentPublication.objects.get(page=seed_page).publication_id is None


def test_reverting_asks_first(client, seed_page, writer, physician, nurse, managing_editor):
    seed = Publication.objects.get(page=seed_page)
    change = edit(writer, seed_page, intro="A new introduction.")
    approve(submit(change, writer), physician, nurse)
    workflow.revision_publish(revision=change.current_revision(), editor=managing_editor)
    client.force_login(writer)
    url = reverse("admin:editorial_change_revert", args=[seed.pk])
    asked = client.post(url, {})
    assert "Yes, revert into a new draft" in asked.content.decode()
    assert not Change.objects.filter(state=Change.State.DRAFT).exists()

    client.post(url, {"confirmed": "yes"})
    assert Change.objects.filter(state=Change.State.DRAFT, author=writer).exists()


def test_unpublish_is_offered_only_while_the_page_is_public(client, seed_page, managing_editor):
    client.force_login(managing_editor)
    form = reverse("admin:drugs_page_change", args=[seed_page.pk])
    assert "Unpublish…" in client.get(form).content.decode()
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    assert "Unpublish…" not in client.get(form).content.decode()


def test_the_author_renames_a_change_and_its_history_keeps_the_old_title(client, draft, writer):
    assert draft.title == "Edits by Wren Writer"
    client.force_login(writer)
    client.post(
        reverse("admin:editorial_change_rename", args=[draft.pk]),
        {"title": "  Everolimus:  once a day "},
    )
    draft.refresh_from_db()
    assert draft.title == "Everolimus: once a day"
    newest = draft.history.first()
    assert newest.history_change_reason == "Renamed from “Edits by Wren Writer”"
    assert newest.history_user == writer
    screen = client.get(draft.get_absolute_url()).content.decode()
    assert f"Change {draft.pk}: Everolimus: once a day" in screen


def test_renaming_in_review_keeps_the_review_going(client, draft, writer, physician):
    submit(draft, writer)
    approve(draft.current_revision(), physician)
    client.force_login(writer)
    client.post(reverse("admin:editorial_change_rename", args=[draft.pk]), {"title": "Dosing"})
    draft.refresh_from_db()
    assert (draft.title, draft.state, draft.revisions.count()) == ("Dosing", "in_review", 1)


def test_an_empty_title_is_refused_and_the_title_stays(client, draft, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:editorial_change_rename", args=[draft.pk]), {"title": "   "}, follow=True
    )
    assert "This field is required." in response.content.decode()
    assert Change.objects.get(pk=draft.pk).title == "Edits by Wren Writer"


def test_only_the_author_or_a_managing_editor_renames(client, draft, other_writer):
    client.force_login(other_writer)
    client.post(reverse("admin:editorial_change_rename", args=[draft.pk]), {"title": "Mine"})
    assert Change.objects.get(pk=draft.pk).title == "Edits by Wren Writer"
