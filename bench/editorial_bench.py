"""The editorial benchmark: what edit, submit, review, approve and publish cost as a site grows.

Run through `bench/editorial`, which gives it a fresh PostgreSQL database with the seed
imported. Pages are built through the workflow functions (never bulk inserts), a batch of
pages per change; at each size it measures a shared-drug change (everolimus, which every
page shows) and a one-page change (one page's intro), each step's wall time and queries.
"""

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from config.history import save_with_history  # noqa: E402
from drugs.models import Drug, DrugSection, Page  # noqa: E402
from editorial import roles, seed, signing, workflow  # noqa: E402
from editorial.models import (  # noqa: E402
    Change,
    CurrentPublication,
    PageDiffOpened,
    ReviewerProfile,
)

BATCH = 100  # new pages per change while building: as many as one change comfortably holds
STEPS = ("edit", "submit", "review screen", "approve", "publish")
PASSWORD = "bench-password"  # noqa: S105 - the bench users, in the bench's own database


def _user(username: str, role: str, credential: str = "") -> Any:
    user, created = get_user_model().objects.get_or_create(
        username=f"bench-{username}",
        defaults={"first_name": username.title(), "last_name": "Bench", "is_staff": True},
    )
    if created:
        user.groups.add(roles.role_groups()[role])
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        if credential:
            ReviewerProfile.objects.create(
                user=user, credential=credential, printed_name=user.get_full_name()
            )
    return user


def sign(user: Any) -> signing.Signing:
    """The reviewer's re-authentication, certified on first use (not what is measured:
    the password hash is slow by design)."""
    proof = signing.signing_by_password(
        signing.command_request(user), user=user, username=user.username, password=PASSWORD
    )
    if not signing.is_certified(user):
        signing.signature_certify(signing=proof)
    return proof


def edit(user: Any, instance: Any, change: Change | None = None, **fields: Any) -> Change:
    """An edit as the admin makes it: saved with history, into the writer's change."""
    with transaction.atomic():
        if instance.pk:
            workflow.record_check_editable(user=user, key=workflow.record_key(instance))
        for name, value in fields.items():
            setattr(instance, name, value)
        save_with_history(instance, user=user, reason="Benchmark")
        return workflow.record_edit(user=user, instance=instance, change=change)


class People:
    def __init__(self) -> None:
        self.writer = _user("writer", roles.WRITER)
        self.physician = _user("physician", roles.PHYSICIAN, "MD")
        self.nurse = _user("nurse", roles.NURSE, "OCN")
        self.editor = _user("editor", roles.MANAGING_EDITOR)

    def publish(self, change: Change, summary: str) -> None:
        revision = workflow.change_submit(change=change, user=self.writer, summary=summary)
        for reviewer in (self.physician, self.nurse):
            # New pages read like no other, so a reviewer opens each (not what is measured).
            PageDiffOpened.objects.bulk_create(
                PageDiffOpened(revision_page=snapshot, reviewer=reviewer)
                for snapshot in revision.pages.all()
            )
            workflow.revision_approve(
                revision=revision,
                reviewer=reviewer,
                content_hash=revision.content_hash,
                signing=sign(reviewer),
            )
        workflow.revision_publish(revision=revision, editor=self.editor)


def build_pages(people: People, upto: int) -> None:
    """Add pages showing the seed's three drugs until `upto` besides the seed are live."""
    seed_page = Page.objects.get(slug=seed.PAGE["slug"])
    drugs = list(Drug.objects.order_by("pk"))
    have = Page.objects.exclude(pk=seed_page.pk).count()
    while have < upto:
        change = None
        for index in range(have, min(upto, have + BATCH)):
            page = Page(
                title=f"Benchmark page {index + 1}",
                slug=f"benchmark-page-{index + 1}",
                cancer_type_id=seed_page.cancer_type_id,
                intro=f"Benchmark content {index + 1}: a page that shows the seed's drugs.",
            )
            change = edit(people.writer, page, change=change)
            for position, drug in enumerate(drugs, start=1):
                edit(
                    people.writer,
                    DrugSection(page=page, drug=drug, position=position, indication="Benchmark."),
                    change=change,
                )
        people.publish(change, summary="New benchmark pages")
        have = min(upto, have + BATCH)


class QueryCounter:
    """Counts every statement sent, however many: CaptureQueriesContext keeps only the
    last 9,000 of a connection's queries, which a per-page step at 200 pages exceeds."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(step: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        result = step()
        seconds = time.perf_counter() - start
    return result, {"seconds": round(seconds, 4), "queries": counter.count}


def settle() -> None:
    """Let the database finish the previous case's work before the next is measured.

    A publish of a thousand pages leaves dead rows for autovacuum and dirty pages for the
    checkpointer. On a real site minutes pass between two editors' actions; here the
    next case starts at once, and a one-page submit measured straight after a wide
    publish took twice as long (0.094 s against 0.050 s) with the same 30 queries. So
    each case starts from a vacuumed, analyzed and checkpointed database.
    """
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def run_case(people: People, client: Client, instance: Any, **fields: Any) -> dict[str, Any]:
    """Edit, submit, open the review screen, approve (both reviewers) and publish, measured."""
    settle()
    out: dict[str, Any] = {}
    change, out["edit"] = measure(lambda: edit(people.writer, instance, **fields))
    revision, out["submit"] = measure(
        lambda: workflow.change_submit(change=change, user=people.writer, summary="Benchmark")
    )
    out["pages altered"] = revision.pages.count()
    url = reverse("admin:editorial_change_change", args=[change.pk])
    response, out["review screen"] = measure(lambda: client.get(url))
    if response.status_code != 200:
        raise RuntimeError(f"the review screen answered {response.status_code}")
    out["review screen"]["bytes"] = len(response.content)

    proofs = {reviewer: sign(reviewer) for reviewer in (people.physician, people.nurse)}

    def approve() -> None:
        for reviewer, proof in proofs.items():
            workflow.revision_approve(
                revision=revision,
                reviewer=reviewer,
                content_hash=revision.content_hash,
                signing=proof,
            )

    _, out["approve"] = measure(approve)
    _, out["publish"] = measure(
        lambda: workflow.revision_publish(revision=revision, editor=people.editor)
    )
    return out


def refreshed(instance: Any) -> Any:
    instance.refresh_from_db()
    return instance


def median_of(rounds: int, case: Callable[[int], dict[str, Any]]) -> dict[str, Any]:
    """Each step's median time over `rounds` runs of the case (its queries and bytes are
    the same every round; the last round's are kept), and every round's times."""
    runs = [case(round) for round in range(rounds)]
    out = runs[-1]
    for step in STEPS:
        times = sorted(run[step]["seconds"] for run in runs)
        out[step] = {**out[step], "seconds": times[len(times) // 2], "rounds": times}
    return out


def table(results: dict[str, Any]) -> str:
    lines = [
        "| N | change | pages altered | "
        + " | ".join(f"{step} s (queries)" for step in STEPS)
        + " | review screen bytes |",
        "| ---: | --- | ---: | " + " | ".join("---:" for _ in STEPS) + " | ---: |",
    ]
    for size, cases in results["sizes"].items():
        for case, steps in cases.items():
            cells = " | ".join(
                f"{steps[step]['seconds']:.3f} ({steps[step]['queries']})" for step in STEPS
            )
            lines.append(
                f"| {size} | {case} | {steps['pages altered']} | {cells} | "
                f"{steps['review screen']['bytes']:,} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20,200,1000")
    parser.add_argument("--revision", default="unknown")
    parser.add_argument("--out", required=True)
    parser.add_argument("--rounds", type=int, default=3, help="measured runs of each case")
    arguments = parser.parse_args()
    database = connection.settings_dict["NAME"]
    if database == "test" or database.startswith("test_"):
        sys.exit(f"bench: refusing to use database {database!r} (the test suite's)")
    started = time.perf_counter()
    people = People()
    client = Client()
    client.force_login(people.physician)
    everolimus = Drug.objects.get(slug="everolimus")
    results: dict[str, Any] = {
        "revision": arguments.revision,
        "machine": f"{platform.node()} ({os.cpu_count()} CPUs)",
        "sizes": {},
        "build_seconds": {},
    }
    for size in [int(size) for size in arguments.sizes.split(",")]:
        start = time.perf_counter()
        build_pages(people, size)
        results["build_seconds"][size] = round(time.perf_counter() - start, 1)
        live = CurrentPublication.objects.live().count()
        print(f"bench: {live} live pages (built in {results['build_seconds'][size]} s)")
        page = Page.objects.get(slug=f"benchmark-page-{size}")
        # One unmeasured round first, so template loading and connection warm-up are not
        # counted against the first measured step.
        run_case(people, client, page, intro=f"Warm-up at {size}.")
        results["sizes"][size] = {
            "shared drug (everolimus)": median_of(
                arguments.rounds,
                lambda round, size=size: run_case(
                    people,
                    client,
                    refreshed(everolimus),
                    administration=f"Everolimus is a tablet, taken once a day ({size}, {round}).",
                ),
            ),
            "one page (intro)": median_of(
                arguments.rounds,
                lambda round, size=size, page=page: run_case(
                    people, client, refreshed(page), intro=f"Measured at {size} ({round})."
                ),
            ),
        }
        print(table({"sizes": {size: results["sizes"][size]}}))
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    with open(arguments.out, "w") as out:
        json.dump(results, out, indent=2)
    print()
    print(table(results))
    print(f"\nbuild: {results['build_seconds']} s; bench total {results['total_seconds']} s")


if __name__ == "__main__":
    main()
