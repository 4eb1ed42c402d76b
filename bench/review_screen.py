"""Time the review screen of a wide change: one edit of a drug that N pages show.

    .venv/bin/python bench/review_screen.py            # N=1,000 on SQLite (in memory)
    PAGES=101 .venv/bin/python bench/review_screen.py
    DATABASE_URL=postgres://root@127.0.0.1:5432/anything .venv/bin/python bench/review_screen.py

It runs with the test settings in a database of its own, made for the run and dropped
after it (`bench_review_screen`, or SQLite in memory), so it never touches a real one.
It imports the seed page, publishes PAGES - 1 more pages that each show everolimus (one
change through the workflow, as the tests do: a minute or two for 1,000), edits
everolimus once, submits the change, and then, logged in as a physician reviewer, GETs
the review screen ROUNDS times and one page's diff, printing the time of each, the
bytes and the number of SQL queries. Budget: at most 1 s and 300 KB at PAGES=1,000.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

PAGES = int(os.environ.get("PAGES", "1000"))
ROUNDS = int(os.environ.get("ROUNDS", "5"))
BUDGET_SECONDS, BUDGET_BYTES = 1.0, 300_000


def people() -> dict:
    from editorial import roles
    from editorial.models import ReviewerProfile

    groups = roles.role_groups()
    made = {}
    for key, role, credential in [
        ("writer", roles.WRITER, None),
        ("physician", roles.PHYSICIAN, "MD"),
        ("nurse", roles.NURSE, "OCN"),
        ("managing_editor", roles.MANAGING_EDITOR, None),
    ]:
        user = get_user_model().objects.create_user(
            username=f"bench-{key}", is_staff=True, first_name="Bench", last_name=key
        )
        user.groups.add(groups[role])
        if credential:
            ReviewerProfile.objects.create(
                user=user, credential=credential, printed_name=user.get_full_name()
            )
        made[key] = user
    return made


def timed_get(client: Client, url: str) -> tuple[float, int, int, int, float]:
    """Wall seconds, bytes, queries, status and this process's CPU seconds for one GET.

    On SQLite the database runs in this process, so the CPU seconds are the request's
    whole cost, and less at the mercy of whatever else the machine runs than wall time.
    """
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, len(response.content), len(queries), response.status_code, cpu


def measure() -> None:
    from drugs.models import Drug
    from editorial.importing import seed_import
    from tests.wide import publish_pages_showing
    from tests.workflow import edit, submit

    started = time.monotonic()
    seed_import()
    who = people()
    everolimus = Drug.objects.get(slug="everolimus")
    publish_pages_showing(everolimus, PAGES - 1, prefix="bench", **who)
    change = edit(who["writer"], everolimus, administration="Everolimus is a tablet.")
    revision = submit(change, who["writer"])
    pages = revision.pages.count()
    print(f"setup: {pages} pages in the revision ({time.monotonic() - started:.0f} s)")

    client = Client()
    client.force_login(who["physician"])
    url = reverse("admin:editorial_change_change", args=[change.pk])
    rounds = [timed_get(client, url) for _ in range(ROUNDS)]
    seconds = [r[0] for r in rounds]
    _, size, queries, status, _ = rounds[-1]
    cpu = statistics.median(r[4] for r in rounds)
    print(
        f"review screen, {pages} pages: status {status}; "
        f"first {seconds[0]:.3f} s, median {statistics.median(seconds):.3f} s, "
        f"max {max(seconds):.3f} s (median CPU {cpu:.3f} s); {size:,} bytes; {queries} queries"
    )
    print(f"load average: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    try:
        diff_url = reverse(
            "admin:editorial_change_page_diff", args=[revision.pages.order_by("pk").last().pk]
        )
    except NoReverseMatch:  # the screen before the per-page endpoint existed
        diff_url = None
    if diff_url:
        elapsed, size, queries, status, cpu = timed_get(client, diff_url)
        print(
            f"one page's diff: status {status}; {elapsed:.3f} s (CPU {cpu:.3f} s); "
            f"{size:,} bytes; {queries} queries"
        )
    median = statistics.median(seconds)
    verdict = "within" if median <= BUDGET_SECONDS and size <= BUDGET_BYTES else "OVER"
    print(f"budget ({BUDGET_SECONDS} s, {BUDGET_BYTES:,} bytes) at {pages} pages: {verdict}")


def main() -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("TEST", {})["NAME"] = "bench_review_screen"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
