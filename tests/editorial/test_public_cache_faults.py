"""A failing Redis never reaches a reader or an editor, and never keeps an old page long.

Each test runs a redis-server of its own (tests/redis_server.py) and stops it, stalls it
with SIGSTOP, restarts it from an older snapshot or fills it. The freshness bound is a
few seconds here, so "within the bound" is measured, not assumed.
"""

import logging
import time

import pytest
from django.core.management import call_command

from config.settings.base import redis_caches
from editorial import workflow
from editorial.models import Publication
from tests.redis_server import RedisServer
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db

BOUND = 4  # PUBLIC_FRESHNESS_SECONDS in these tests; Django keeps a page 2 s
# A request spends at most 1 s on the cache; the rest of this is rendering on a busy CI.
SLOWEST_READ = 1.0 + 0.8
NEW_ADMINISTRATION = "Everolimus is a tablet; published while the cache was failing."


def start_redis(tmp_path, settings, *options: str) -> RedisServer:
    server = RedisServer(tmp_path, *options)
    server.start()
    settings.CACHES = redis_caches(server.url)
    settings.PUBLIC_FRESHNESS_SECONDS = BOUND
    return server


@pytest.fixture
def redis_server(tmp_path, settings):
    server = start_redis(tmp_path, settings)
    yield server
    server.stop()


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def cached_pages(server: RedisServer) -> int:
    return len(server.client().keys("*views.decorators.cache.cache_page*"))


def publish_edit(writer, physician, nurse, managing_editor, everolimus, capture) -> float:
    """Publish an edit and run what follows its commit; how long the after-commit part took."""
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    with capture(execute=False) as callbacks:
        publish_through_review(change, writer, physician, nurse, managing_editor)
    started = time.monotonic()
    for callback in callbacks:  # what runs once the publish commits: the signals
        callback()
    return time.monotonic() - started


def reads_until_fresh(client, url, is_fresh, since: float) -> float:
    """Read until `is_fresh(response)`; seconds from `since` until it was. Fails past the bound."""
    while True:
        response = client.get(url)
        waited = time.monotonic() - since
        if is_fresh(response):
            return waited
        assert waited <= BOUND, f"still the old page {waited:.1f}s after the publish"
        time.sleep(0.1)


def test_with_redis_stopped_pages_are_rendered_afresh_within_a_second(
    client, redis_server, seed_url
):
    assert client.get(seed_url).status_code == 200
    assert cached_pages(redis_server) == 1
    redis_server.stop()
    for url in (seed_url, "/", "/robots.txt", "/sitemap.xml", "/search/?q=everolimus"):
        response, took = timed_get(client, url)
        assert response.status_code == 200, url
        assert took < SLOWEST_READ, f"{url} took {took:.2f}s"


def test_with_redis_stopped_a_publish_succeeds_and_readers_see_it(
    client,
    redis_server,
    seed_url,
    writer,
    physician,
    nurse,
    managing_editor,
    everolimus,
    django_capture_on_commit_callbacks,
):
    client.get(seed_url)
    redis_server.stop()
    took = publish_edit(
        writer, physician, nurse, managing_editor, everolimus, django_capture_on_commit_callbacks
    )
    assert took < 1.0
    assert NEW_ADMINISTRATION in client.get(seed_url).content.decode()


def test_import_seed_does_not_crash_when_redis_is_down(
    redis_server, django_capture_on_commit_callbacks
):
    redis_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_seed")
    assert Publication.objects.exists()


def test_a_failing_cache_is_logged_once_a_minute_not_per_request(
    client, redis_server, seed_url, caplog
):
    (once_a_minute,) = logging.getLogger("imprimatur.cache").filters
    once_a_minute._last = float("-inf")  # whatever an earlier test logged
    redis_server.stop()
    with caplog.at_level(logging.ERROR, logger="imprimatur.cache"):
        for _ in range(5):
            assert client.get(seed_url).status_code == 200
    assert [r.name for r in caplog.records if r.name == "imprimatur.cache"] == ["imprimatur.cache"]


def test_a_reader_waits_at_most_a_second_for_a_stalled_redis(client, redis_server, seed_url):
    client.get(seed_url)
    redis_server.stall()
    try:
        for url in (seed_url, "/", "/robots.txt"):
            response, took = timed_get(client, url)
            assert response.status_code == 200, url
            assert took < SLOWEST_READ, f"{url} took {took:.2f}s"
    finally:
        redis_server.resume()


def test_a_publish_during_a_stall_succeeds_and_readers_see_it_within_the_bound(
    client,
    redis_server,
    seed_url,
    writer,
    physician,
    nurse,
    managing_editor,
    everolimus,
    django_capture_on_commit_callbacks,
):
    assert NEW_ADMINISTRATION not in client.get(seed_url).content.decode()
    redis_server.stall()
    try:
        took = publish_edit(
            writer,
            physician,
            nurse,
            managing_editor,
            everolimus,
            django_capture_on_commit_callbacks,
        )
        published = time.monotonic() - took
        assert took <= 1.0, f"the editor waited {took:.2f}s on the cache"
        time.sleep(1)
    finally:
        redis_server.resume()
    reads_until_fresh(
        client, seed_url, lambda r: NEW_ADMINISTRATION in r.content.decode(), published
    )


def test_an_unpublish_during_a_stall_answers_410_within_the_bound(
    client, redis_server, seed_url, seed_page, managing_editor, django_capture_on_commit_callbacks
):
    assert client.get(seed_url).status_code == 200
    redis_server.stall()
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            workflow.page_unpublish(page=seed_page, editor=managing_editor)
        unpublished = time.monotonic()
        for callback in callbacks:
            callback()
        assert time.monotonic() - unpublished <= 1.0
        time.sleep(1)
    finally:
        redis_server.resume()
    reads_until_fresh(client, seed_url, lambda r: r.status_code == 410, unpublished)


def test_redis_restarted_from_an_older_snapshot_serves_no_old_page_beyond_the_bound(
    client,
    redis_server,
    seed_url,
    writer,
    physician,
    nurse,
    managing_editor,
    everolimus,
    django_capture_on_commit_callbacks,
):
    client.get(seed_url)
    redis_server.client().save()  # the snapshot: the old page and its generation
    publish_edit(
        writer, physician, nurse, managing_editor, everolimus, django_capture_on_commit_callbacks
    )
    published = time.monotonic()
    assert NEW_ADMINISTRATION in client.get(seed_url).content.decode()
    redis_server.stop()
    redis_server.start()  # loads dump.rdb: the generation from before the publish
    assert redis_server.client().dbsize() > 0
    while time.monotonic() - published < BOUND + 1:
        fresh = NEW_ADMINISTRATION in client.get(seed_url).content.decode()
        assert fresh or time.monotonic() - published <= BOUND
        time.sleep(0.2)


def test_with_redis_full_pages_are_still_served(tmp_path, settings, client, seed_url):
    server = start_redis(tmp_path, settings, "--maxmemory", "1", "--maxmemory-policy", "noeviction")
    try:
        for url in (seed_url, seed_url, "/", "/robots.txt"):
            response, took = timed_get(client, url)
            assert response.status_code == 200, url
            assert took < SLOWEST_READ
        assert cached_pages(server) == 0
    finally:
        server.stop()
