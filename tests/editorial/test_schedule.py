"""Scheduled publishing: due changes go live once, and only if still approved then."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from editorial import workflow
from editorial.models import AuditEntry, Change, Publication
from editorial.workflow import publishing
from tests.workflow import approve, edit, submit

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(hours=1)


@pytest.fixture
def scheduled(writer, physician, nurse, managing_editor, everolimus):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    revision = submit(change, writer)
    approve(revision, physician, nurse)
    workflow.revision_schedule(revision=revision, editor=managing_editor, at=timezone.now() + SOON)
    return Change.objects.get(pk=change.pk)


def test_a_scheduled_change_is_published_when_due_and_not_before(scheduled):
    assert workflow.publish_due(now=timezone.now()) == []
    outcomes = workflow.publish_due(now=timezone.now() + 2 * SOON)
    assert [(change.pk, outcome) for change, outcome in outcomes] == [(scheduled.pk, "published")]
    assert Change.objects.get(pk=scheduled.pk).state == Change.State.PUBLISHED


def test_a_scheduled_publish_whose_approvers_credential_lapsed_does_not_publish(
    scheduled, physician
):
    profile = physician.reviewer_profile
    profile.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    profile.save()
    (outcome,) = workflow.publish_due(now=timezone.now() + 2 * SOON)
    assert "not published" in outcome[1] and "physician" in outcome[1]
    assert Publication.objects.count() == 1
    assert Change.objects.get(pk=scheduled.pk).state == Change.State.IN_REVIEW
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SCHEDULE_FAILED).exists()


def test_a_second_run_publishes_nothing_more(scheduled):
    workflow.publish_due(now=timezone.now() + 2 * SOON)
    assert workflow.publish_due(now=timezone.now() + 2 * SOON) == []
    assert Publication.objects.count() == 2


def test_a_scheduled_change_cannot_be_published_twice_by_overlapping_publishers(
    scheduled, managing_editor
):
    revision = scheduled.current_revision()
    # The other publisher has claimed it (its transaction moved the state) first. The
    # compare-and-set is private to the publishing module, so it is called from there.
    assert publishing._claim_for_publishing(scheduled, (Change.State.SCHEDULED,))
    with pytest.raises(workflow.InvalidTransition):
        workflow.revision_publish(revision=revision, editor=managing_editor)
    assert not Publication.objects.filter(revision=revision).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_review_policy")
def test_two_overlapping_cron_runs_publish_once(scheduled):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions: runs on PostgreSQL")
    barrier = threading.Barrier(2)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(workflow.publish_due(now=timezone.now() + 2 * SOON))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Publication.objects.filter(revision__change=scheduled).count() == 1
    outcomes = sorted(outcome for result in results for _, outcome in result)
    assert outcomes.count("published") == 1


def test_scheduling_needs_a_future_time(writer, physician, nurse, managing_editor, everolimus):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    revision = submit(change, writer)
    approve(revision, physician, nurse)
    with pytest.raises(workflow.InvalidTransition, match="future"):
        workflow.revision_schedule(revision=revision, editor=managing_editor, at=timezone.now())


def test_the_command_reports_what_it_published(scheduled, capsys, monkeypatch):
    later = timezone.now() + 2 * SOON
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled")
    assert f"Change {scheduled.pk}: published" in capsys.readouterr().out
