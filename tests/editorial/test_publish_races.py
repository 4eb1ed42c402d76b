"""Publishes that run at the same moment: exactly one wins, nothing approved is lost.

Real concurrent transactions, so PostgreSQL only (SQLite serialises every writer).
Each race releases two managing editors' publishes together with a barrier; after
every race the record must still hold together: the live pages carry every edit that
was published, `PublishedVersion` agrees with what the live pages show, and
`public_view_at` names, for each moment, the publication readers then saw.
"""

import datetime
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from drugs.models import CancerType, Drug, DrugSection, Page
from editorial import integrity, workflow
from editorial.models import (
    Change,
    ComplianceNumber,
    CurrentPublication,
    Publication,
    PublishedVersion,
    Review,
)
from editorial.workflow import publishing
from tests.requirements import skip_unless_required
from tests.workflow import approve, edit, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

RACES = 20
SUBMIT_AGAIN = r"Submit the change again"


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_unless_required(
            "real concurrent publishes need PostgreSQL (SQLite serialises writers)",
            "REQUIRE_POSTGRESQL",
        )


def race(*actions: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run each action in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[tuple[str, Any]] = [("not run", None)] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = ("published", action())
        except workflow.InvalidTransition as refusal:
            outcomes[index] = ("refused", refusal)
        except Exception as error:
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def approved(change: Change, author, physician, nurse):
    revision = submit(change, author, summary="An update.")
    approve(revision, physician, nurse)
    return revision


def publisher(revision, editor) -> Callable[[], Any]:
    return lambda: workflow.revision_publish(revision=revision, editor=editor)


class Timeline:
    """What readers of a page saw, moment by moment, as the test observed it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.moments: list[tuple[datetime.datetime, int | None]] = []

    def observe(self) -> None:
        time.sleep(0.002)  # a moment strictly after the last commit
        current = CurrentPublication.objects.filter(page=self.page).first()
        self.moments.append((timezone.now(), current.publication_id if current else None))

    def wrong_moments(self) -> list[tuple[datetime.datetime, int | None, int | None]]:
        wrong = []
        for moment, expected in self.moments:
            seen = workflow.public_view_at(page=self.page, moment=moment)
            if (seen.pk if seen else None) != expected:
                wrong.append((moment, expected, seen.pk if seen else None))
        return wrong


def published_versions_disagreeing_with_live_pages() -> list[str]:
    """Every record a live page shows must be at the version PublishedVersion names."""
    published = {
        (model, pk): history_id
        for model, pk, history_id in PublishedVersion.objects.values_list(
            "model", "object_id", "history_id"
        )
    }
    wrong = []
    for publication in Publication.objects.live():
        for row in publication.manifest:
            key = (row["model"], row["pk"])
            if published.get(key) != row["history_id"]:
                wrong.append(f"{publication.title}: {key} shows {row['history_id']}")
    return wrong


def live_html(page: Page) -> str:
    return CurrentPublication.objects.get(page=page).publication.html


def assert_exactly_one_published(outcomes: list[tuple[str, Any]]) -> int:
    kinds = [kind for kind, _ in outcomes]
    assert sorted(kinds) == ["published", "refused"], outcomes
    loser = kinds.index("refused")
    assert "submit" in str(outcomes[loser][1]).lower() and "again" in str(outcomes[loser][1])
    return kinds.index("published")


def test_of_two_simultaneous_publishes_to_one_page_exactly_one_wins_and_nothing_is_lost(
    writer,
    other_writer,
    physician,
    nurse,
    managing_editor,
    second_managing_editor,
    seed_page,
):
    everolimus = Drug.objects.get(slug="everolimus")
    timeline = Timeline(seed_page)
    timeline.observe()
    for number in range(RACES):
        administration = f"Everolimus is a tablet taken once a day (race {number})."
        intro = f"Targeted drugs work differently from chemo (race {number})."
        drug_change = edit(
            writer, Drug.objects.get(pk=everolimus.pk), administration=administration
        )
        page_change = edit(other_writer, Page.objects.get(pk=seed_page.pk), intro=intro)
        revisions = [
            approved(drug_change, writer, physician, nurse),
            approved(page_change, other_writer, physician, nurse),
        ]
        editors = [managing_editor, second_managing_editor][:: 1 if number % 2 else -1]

        outcomes = race(publisher(revisions[0], editors[0]), publisher(revisions[1], editors[1]))
        winner = assert_exactly_one_published(outcomes)
        timeline.observe()
        loser = 1 - winner
        won_text, lost_text = [(administration, intro), (intro, administration)][winner]
        assert won_text in live_html(seed_page)
        assert lost_text not in live_html(seed_page)
        assert published_versions_disagreeing_with_live_pages() == []

        # The refused change keeps its approvals and waits, approved, to be submitted again.
        losing = Change.objects.get(pk=revisions[loser].change_id)
        assert losing.state == Change.State.APPROVED
        assert Review.objects.filter(revision=revisions[loser]).count() == 2
        author = [writer, other_writer][loser]
        workflow.revision_publish(
            revision=approved(losing, author, physician, nurse), editor=managing_editor
        )
        timeline.observe()
        assert administration in live_html(seed_page) and intro in live_html(seed_page)
        assert published_versions_disagreeing_with_live_pages() == []
    assert timeline.wrong_moments() == []


def test_a_first_publication_and_an_edit_of_a_drug_it_shows_never_both_win(
    writer, other_writer, physician, nurse, managing_editor, second_managing_editor, seed_page
):
    everolimus = Drug.objects.get(slug="everolimus")
    for number in range(RACES // 2):
        cancer = CancerType(name=f"Cancer {number}", slug=f"cancer-{number}")
        page_change = edit(writer, cancer)
        page = Page(
            title=f"Targeted Therapy for Cancer {number}",
            slug=f"targeted-therapy-for-cancer-{number}",
            cancer_type=cancer,
            intro="Test content: a new page that shows everolimus.",
        )
        edit(writer, page, change=page_change)
        edit(writer, DrugSection(page=page, drug=everolimus, position=1), change=page_change)
        administration = f"Everolimus is a tablet (first-publication race {number})."
        drug_change = edit(
            other_writer, Drug.objects.get(pk=everolimus.pk), administration=administration
        )
        new_page = approved(page_change, writer, physician, nurse)
        drug_edit = approved(drug_change, other_writer, physician, nurse)

        outcomes = race(
            publisher(new_page, managing_editor), publisher(drug_edit, second_managing_editor)
        )
        winner = assert_exactly_one_published(outcomes)
        assert published_versions_disagreeing_with_live_pages() == []
        losing, author = [(drug_change, other_writer), (page_change, writer)][winner]
        workflow.revision_publish(
            revision=approved(Change.objects.get(pk=losing.pk), author, physician, nurse),
            editor=managing_editor,
        )
        assert administration in live_html(page)
        assert published_versions_disagreeing_with_live_pages() == []


def test_a_publish_waits_for_one_holding_the_lock_and_is_then_refused(
    monkeypatch,
    writer,
    other_writer,
    physician,
    nurse,
    managing_editor,
    second_managing_editor,
    seed_page,
):
    everolimus = Drug.objects.get(slug="everolimus")
    first = approved(
        edit(writer, everolimus, administration="Everolimus is a tablet (held)."),
        writer,
        physician,
        nurse,
    )
    second = approved(
        edit(other_writer, seed_page, intro="Targeted drugs work differently (waiting)."),
        other_writer,
        physician,
        nurse,
    )
    holding, release = threading.Event(), threading.Event()
    real_check = publishing._check_current

    def hold_the_lock(revision, snapshots):
        real_check(revision, snapshots)
        if revision.pk == first.pk:
            holding.set()
            release.wait(timeout=30)

    # Patched where it is looked up: revision_publish calls it inside
    # editorial.workflow.publishing, not through the package.
    monkeypatch.setattr(publishing, "_check_current", hold_the_lock)
    outcomes: dict[str, tuple[str, Any]] = {}

    def run(name, revision, editor):
        try:
            outcomes[name] = ("published", publisher(revision, editor)())
        except workflow.InvalidTransition as refusal:
            outcomes[name] = ("refused", refusal)
        except Exception as error:
            outcomes[name] = ("error", error)
        finally:
            connections.close_all()

    holder = threading.Thread(target=run, args=("first", first, managing_editor))
    holder.start()
    assert holding.wait(timeout=30)
    waiter = threading.Thread(target=run, args=("second", second, second_managing_editor))
    waiter.start()
    waited = False
    for _ in range(200):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                waited = True
                break
        time.sleep(0.02)
    release.set()
    holder.join(timeout=60)
    waiter.join(timeout=60)

    assert waited, "the second publish should wait for the first's lock"
    assert outcomes["first"][0] == "published"
    assert outcomes["second"][0] == "refused", outcomes["second"]
    assert "Everolimus is a tablet (held)." in live_html(seed_page)
    assert published_versions_disagreeing_with_live_pages() == []


def test_simultaneous_publishes_of_two_pages_get_distinct_numbers_in_publishing_order(
    writer,
    other_writer,
    physician,
    nurse,
    managing_editor,
    second_managing_editor,
    seed_page,
    kidney_page,
):
    taken = []
    for number in range(RACES // 2):
        seed_change = edit(
            writer, Page.objects.get(pk=seed_page.pk), intro=f"Targeted drugs (race {number})."
        )
        kidney_change = edit(
            other_writer, Page.objects.get(pk=kidney_page.pk), intro=f"A second page ({number})."
        )
        revisions = [
            approved(seed_change, writer, physician, nurse),
            approved(kidney_change, other_writer, physician, nurse),
        ]
        outcomes = race(
            publisher(revisions[0], managing_editor),
            publisher(revisions[1], second_managing_editor),
        )
        # Different pages: both publish, one after the other under the publishing lock.
        assert [kind for kind, _ in outcomes] == ["published", "published"], outcomes
        published = sorted(
            (publications[0] for _, publications in outcomes),
            key=lambda publication: (publication.published_at, publication.pk),
        )
        numbers = [
            ComplianceNumber.objects.get(publication=publication).number
            for publication in published
        ]
        assert numbers[0] < numbers[1]
        taken += numbers
    assert len(set(taken)) == len(taken) == RACES
    assert taken == sorted(taken)
    assert integrity.verify_compliance_numbers() == []
