"""The people whose turn it is hear about it by mail, and only once the action commits.

State is built outside `django_capture_on_commit_callbacks(execute=True)`: the test's
transaction never commits, so any mail the workflow itself queues while building it is
never sent, and the outbox holds only what the function under test sent.
"""

import datetime
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from editorial import roles, workflow
from editorial.models import Review, ReviewerProfile
from editorial.notifications import notify_approved, notify_reviewed, notify_submitted
from tests.workflow import approve, edit, request_changes, submit

pytestmark = pytest.mark.django_db

SITE_URL = "https://imprimatur.example.org"


def with_email(user, address: str):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture(autouse=True)
def addresses(writer, physician, nurse, managing_editor):
    with_email(writer, "wren@example.org")
    with_email(physician, "paula@example.org")
    with_email(nurse, "nina@example.org")
    with_email(managing_editor, "mara@example.org")


@pytest.fixture
def revision(writer, everolimus):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    return submit(
        change,
        writer,
        summary="We say how everolimus is taken.",
        note="Please check the dosing sentence.",
    )


def recipients(outbox) -> list[list[str]]:
    return sorted(message.to for message in outbox)


def test_reviewers_are_told_when_a_change_is_submitted(
    revision, seed_page, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)

    assert recipients(mailoutbox) == [["nina@example.org"], ["paula@example.org"]]
    change = revision.change
    message = mailoutbox[0]
    assert message.subject == f"Review requested: change {change.pk} — Edits by Wren Writer"
    assert "Wren Writer submitted" in message.body
    assert "We say how everolimus is taken." in message.body
    assert "Please check the dosing sentence." in message.body
    assert f"- {seed_page.title}" in message.body


def test_the_author_is_not_asked_to_review_their_own_change(
    revision, writer, nurse, mailoutbox, django_capture_on_commit_callbacks
):
    ReviewerProfile.objects.create(user=writer, credential="MD")
    revision.change.editors.add(nurse)

    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)

    assert recipients(mailoutbox) == [["paula@example.org"]]


def test_a_reviewer_with_a_lapsed_credential_is_not_asked(
    revision, second_physician, mailoutbox, django_capture_on_commit_callbacks
):
    with_email(second_physician, "omar@example.org")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ReviewerProfile.objects.filter(user=second_physician).update(valid_until=yesterday)

    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)

    assert ["omar@example.org"] not in recipients(mailoutbox)
    assert len(mailoutbox) == 2


def test_inactive_reviewers_and_reviewers_without_an_address_are_not_asked(
    revision, physician, nurse, mailoutbox, django_capture_on_commit_callbacks
):
    physician.is_active = False
    physician.save(update_fields=["is_active"])
    with_email(nurse, "")

    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)

    assert mailoutbox == []


def test_the_author_hears_each_decision_with_the_policys_progress(
    revision, physician, nurse, mailoutbox, django_capture_on_commit_callbacks
):
    approve(revision, physician)
    approval = Review.objects.get(revision=revision, reviewer=physician)
    with django_capture_on_commit_callbacks(execute=True):
        notify_reviewed(review=approval)

    request_changes(revision, nurse, "Say whether it is taken with food.")
    request = Review.objects.get(revision=revision, reviewer=nurse)
    with django_capture_on_commit_callbacks(execute=True):
        notify_reviewed(review=request)

    approved, requested = mailoutbox
    assert approved.to == requested.to == ["wren@example.org"]
    change = revision.change
    assert approved.subject == (
        f"Approved by Paula Physician (MD): change {change.pk} — Edits by Wren Writer"
    )
    assert "Decision: Approved" in approved.body
    assert (
        "Physician: approved by Paula Physician (MD); Oncology certified nurse: waiting"
        in approved.body
    )
    assert requested.subject.startswith("Changes requested by Nina Nurse (OCN):")
    assert "Decision: Changes requested" in requested.body
    assert "Say whether it is taken with food." in requested.body
    assert "Physician: approved by Paula Physician (MD)" in requested.body


def test_an_author_without_an_address_hears_nothing(
    revision, writer, physician, mailoutbox, django_capture_on_commit_callbacks
):
    with_email(writer, "")
    approve(revision, physician)

    with django_capture_on_commit_callbacks(execute=True):
        notify_reviewed(review=Review.objects.get(revision=revision))

    assert mailoutbox == []


def test_managing_editors_hear_when_a_change_is_fully_approved(
    revision, physician, nurse, mailoutbox, django_capture_on_commit_callbacks
):
    approve(revision, physician, nurse)
    User = get_user_model()
    User.objects.create_superuser("root", email="root@example.org", password="root-password")
    retired = User.objects.create_user("retired", email="retired@example.org", is_active=False)
    retired.groups.add(roles.role_groups()[roles.MANAGING_EDITOR])

    with django_capture_on_commit_callbacks(execute=True):
        notify_approved(revision=revision)

    assert recipients(mailoutbox) == [["mara@example.org"]]
    message = mailoutbox[0]
    assert message.subject == (
        f"Ready to publish: change {revision.change_id} — Edits by Wren Writer"
    )
    assert "ready to publish" in message.body
    assert (
        "Physician: approved by Paula Physician (MD); "
        "Oncology certified nurse: approved by Nina Nurse (OCN)" in message.body
    )


def test_only_those_who_may_publish_it_hear_a_change_is_ready(
    revision,
    physician,
    managing_editor,
    second_managing_editor,
    credential_admin,
    administrator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Not a superuser, a credential administrator, nor the editor who approved it."""
    with_email(second_managing_editor, "max@example.org")
    with_email(administrator, "root@example.org")
    with_email(credential_admin, "cora@example.org")
    credential_admin.groups.add(roles.role_groups()[roles.MANAGING_EDITOR])
    workflow.credential_set(
        user=managing_editor,
        credential="OCN",
        valid_until=None,
        editor=credential_admin,
        printed_name="Mara Editor",
    )
    approve(revision, physician, managing_editor)

    with django_capture_on_commit_callbacks(execute=True):
        notify_approved(revision=revision)

    assert recipients(mailoutbox) == [["max@example.org"]]


@override_settings(SITE_URL=SITE_URL)
def test_each_mail_links_to_the_screen_where_the_person_acts(
    revision, physician, nurse, mailoutbox, django_capture_on_commit_callbacks
):
    approve(revision, physician, nurse)

    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)
        notify_reviewed(review=Review.objects.filter(revision=revision).first())
        notify_approved(revision=revision)

    link = f"{SITE_URL}/admin/editorial/change/{revision.change_id}/change/"
    assert len(mailoutbox) == 4
    assert all(link in message.body for message in mailoutbox)


def test_nothing_is_sent_when_the_action_rolls_back(
    revision, physician, nurse, mailoutbox, django_capture_on_commit_callbacks
):
    approve(revision, physician, nurse)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_submitted(revision=revision)
        notify_reviewed(review=Review.objects.filter(revision=revision).first())
        notify_approved(revision=revision)
        raise RuntimeError("The action failed after notifying.")

    assert callbacks == []
    assert mailoutbox == []


def test_nothing_is_sent_before_the_action_commits(revision, mailoutbox):
    notify_submitted(revision=revision)

    assert mailoutbox == []


def test_a_hostile_summary_cannot_inject_mail_headers(
    writer, everolimus, mailoutbox, django_capture_on_commit_callbacks
):
    hostile = "Dosing\nBcc: evil@example.org\r\nX-Evil: yes"
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    change.title = hostile
    change.save(update_fields=["title"])
    revision = submit(change, writer, summary=hostile, note=hostile)

    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)

    assert mailoutbox
    for message in mailoutbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.bcc == []
        headers = message.message()
        assert headers["Bcc"] is None and headers["X-Evil"] is None
        assert "Dosing Bcc: evil@example.org X-Evil: yes" in message.subject


def test_mails_are_plain_text(
    revision, physician, nurse, mailoutbox, django_capture_on_commit_callbacks
):
    approve(revision, physician, nurse)

    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)
        notify_reviewed(review=Review.objects.filter(revision=revision).first())
        notify_approved(revision=revision)

    assert len(mailoutbox) == 4
    for message in mailoutbox:
        assert message.content_subtype == "plain"
        assert getattr(message, "alternatives", []) == []
        assert message.message().get_content_type() == "text/plain"


def test_text_is_not_html_escaped(
    writer, everolimus, mailoutbox, django_capture_on_commit_callbacks
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    revision = submit(change, writer, summary="Dose <10 mg & “with food”")

    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)

    assert "Dose <10 mg & “with food”" in mailoutbox[0].body


class RefusingBackend(EmailBackend):
    """The locmem backend, with a mail server that refuses one address."""

    def send_messages(self, messages):
        for message in messages:
            if "paula@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused({"paula@example.org": (550, b"No such user")})
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND=f"{__name__}.RefusingBackend")
def test_one_refused_address_does_not_stop_the_others(
    revision, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_submitted(revision=revision)

    assert recipients(mailoutbox) == [["nina@example.org"]]
    assert "paula@example.org" in caplog.text


def test_the_workflow_tells_each_person_in_turn(
    writer,
    physician,
    nurse,
    managing_editor,
    everolimus,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from tests.workflow import approve, edit, submit

    for user in (writer, physician, nurse, managing_editor):
        user.email = f"{user.username}@example.org"
        user.save()
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    with django_capture_on_commit_callbacks(execute=True):
        revision = submit(change, writer)
    assert sorted(m.to[0] for m in mailoutbox) == ["nurse@example.org", "physician@example.org"]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve(revision, physician, nurse)
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == ["editor@example.org", "writer@example.org", "writer@example.org"]
