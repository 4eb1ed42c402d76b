"""Publishing purges the HTTP caches in front of the site; a cache that is down fails nothing.

A recording backend stands in for the caches, except where the Varnish backend's own HTTP
is the point: then a small server on loopback records what arrives, or nothing listens.
"""

import socket
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from editorial import workflow
from editorial.models import PendingPurge, Publication
from editorial.public import frontend_cache
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db

RECORDING = "tests.editorial.test_frontend_cache.RecordingBackend"
CACHE_A = "http://127.0.0.1:6081"
CACHE_B = "http://127.0.0.1:6082"


class RecordingBackend(frontend_cache.FrontendCacheBackend):
    """Records what each cache was sent; a location in `down` refuses everything."""

    sent: list[tuple[str, str, str, object]] = []
    down: set[str] = set()

    def _record(self, kind: str, targets: object) -> None:
        if self.location in self.down:
            raise frontend_cache.PurgeFailed(f"{self.location} is down")
        self.sent.append((self.location, self.host, kind, targets))

    def purge(self, urls: Sequence[str]) -> None:
        self._record("purge", list(urls))

    def ban(self, pattern: str) -> None:
        self._record("ban", pattern)


@pytest.fixture
def caches(settings) -> Iterator[type[RecordingBackend]]:
    settings.FRONTEND_CACHE_BACKEND = RECORDING
    settings.FRONTEND_CACHE_URLS = [CACHE_A]
    settings.FRONTEND_CACHE_HOST = "drugs.example.org"
    RecordingBackend.sent = []
    RecordingBackend.down = set()
    yield RecordingBackend
    RecordingBackend.sent = []
    RecordingBackend.down = set()


def purged(backend: type[RecordingBackend]) -> list[str]:
    return [url for _, _, kind, urls in backend.sent if kind == "purge" for url in urls]


# The partner API's lists, each page of them, and the details under them.
API_BAN = "^(?:/api/v1/pages/|/api/v1/drugs/|/api/v1/side-effects/)"


def banned(backend: type[RecordingBackend]) -> list[str]:
    return [pattern for _, _, kind, pattern in backend.sent if kind == "ban"]


def publish_edit(django_capture_on_commit_callbacks, people, instance, **fields):
    writer, physician, nurse, managing_editor = people
    with django_capture_on_commit_callbacks(execute=True):
        change = edit(writer, instance, **fields)
        return publish_through_review(change, writer, physician, nurse, managing_editor)


@pytest.fixture
def people(writer, physician, nurse, managing_editor):
    return writer, physician, nurse, managing_editor


def test_a_publish_purges_the_page_its_references_its_changes_its_feeds_and_every_list(
    django_capture_on_commit_callbacks, caches, people, everolimus, seed_url
):
    (publication,) = publish_edit(
        django_capture_on_commit_callbacks, people, everolimus, administration="A tablet."
    )
    urls = purged(caches)
    assert urls[:3] == [seed_url, f"{seed_url}references/", f"{seed_url}changes/"]
    drug_pages = [f"/drugs/{slug}/" for slug in frontend_cache.drug_slugs(publication)]
    assert "/drugs/everolimus/" in drug_pages
    assert set(urls) == {
        seed_url,
        f"{seed_url}references/",
        f"{seed_url}changes/",
        f"{seed_url}changes/feed/",
        "/",
        *drug_pages,
        "/drugs/",
        "/side-effects/",
        "/sitemap.xml",
        "/changes/feed/",
        # The Spanish addresses, whose 404 links the English page or drug while it is live.
        f"/es{seed_url}",
        f"/es{seed_url}references/",
        f"/es{seed_url}changes/",
        *(f"/es{url}" for url in drug_pages),
    }
    # Every query's results in one ban; every API answer read from publications in another.
    assert banned(caches) == ["^/search/", API_BAN]
    assert {host for _, host, _, _ in caches.sent} == {"drugs.example.org"}


def test_a_slug_change_also_purges_the_page_at_its_old_address(
    django_capture_on_commit_callbacks, caches, people, seed_page, seed_url
):
    (publication,) = publish_edit(
        django_capture_on_commit_callbacks, people, seed_page, slug="pnet-targeted-therapy"
    )
    assert publication.get_absolute_url() == "/pages/pnet-targeted-therapy/"
    urls = purged(caches)
    for base in ("/pages/pnet-targeted-therapy/", seed_url):
        assert {base, f"{base}references/", f"{base}changes/"} <= set(urls)


def test_an_unpublish_purges_the_page_it_showed_and_the_lists(
    django_capture_on_commit_callbacks, caches, managing_editor, seed_page, seed_url
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.page_unpublish(page=seed_page, editor=managing_editor)
    urls = purged(caches)
    assert {seed_url, f"{seed_url}references/", f"{seed_url}changes/"} <= set(urls)
    assert f"{seed_url}changes/feed/" in urls and "/changes/feed/" in urls
    assert {"/", "/drugs/everolimus/", "/side-effects/", "/sitemap.xml"} <= set(urls)
    assert banned(caches) == ["^/search/", API_BAN]


def test_an_unpublish_after_a_slug_change_purges_every_address_the_page_has_had(
    django_capture_on_commit_callbacks, caches, people, seed_page, seed_url
):
    publish_edit(django_capture_on_commit_callbacks, people, seed_page, slug="pnet-targeted")
    caches.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        workflow.page_unpublish(page=seed_page, editor=people[-1])
    assert {"/pages/pnet-targeted/", seed_url, f"{seed_url}changes/"} <= set(purged(caches))


def test_every_configured_cache_is_purged(
    django_capture_on_commit_callbacks, settings, caches, people, everolimus
):
    settings.FRONTEND_CACHE_URLS = [CACHE_A, CACHE_B]
    publish_edit(django_capture_on_commit_callbacks, people, everolimus, administration="A tablet.")
    assert {location for location, *_ in caches.sent} == {CACHE_A, CACHE_B}


def test_purges_use_the_first_allowed_host_when_no_host_is_set(settings):
    settings.FRONTEND_CACHE_HOST = ""
    settings.ALLOWED_HOSTS = [".drugs.example.org", "www.drugs.example.org"]
    assert frontend_cache.public_host() == "drugs.example.org"


def test_a_failed_purge_is_kept_and_retry_purges_delivers_it_then_forgets_it(
    django_capture_on_commit_callbacks, settings, caches, people, everolimus, seed_url
):
    settings.FRONTEND_CACHE_URLS = [CACHE_A, CACHE_B]
    caches.down = {CACHE_B}
    publish_edit(django_capture_on_commit_callbacks, people, everolimus, administration="A tablet.")
    kept = list(PendingPurge.objects.all())
    assert {(row.location, row.kind) for row in kept} == {(CACHE_B, "purge"), (CACHE_B, "ban")}
    assert seed_url in next(row.targets for row in kept if row.kind == "purge")
    assert "is down" in kept[0].last_error

    call_command("retry_purges")  # still down: kept, and counted
    assert [row.attempts for row in PendingPurge.objects.all()] == [2, 2, 2]

    caches.down = set()
    caches.sent = []
    call_command("retry_purges")
    assert not PendingPurge.objects.exists()
    assert seed_url in purged(caches) and banned(caches) == ["^/search/", API_BAN]
    assert {location for location, *_ in caches.sent} == {CACHE_B}


def test_a_kept_purge_for_a_cache_no_longer_configured_is_dropped(settings, caches):
    PendingPurge.objects.create(location="http://127.0.0.1:6099", kind="purge", targets=["/"])
    call_command("retry_purges")
    assert not PendingPurge.objects.exists()
    assert caches.sent == []


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on return: nothing listens there


def test_a_publish_succeeds_when_every_cache_address_is_down(
    django_capture_on_commit_callbacks, settings, caplog, people, everolimus
):
    settings.FRONTEND_CACHE_URLS = [f"http://127.0.0.1:{closed_port()}" for _ in range(2)]
    (publication,) = publish_edit(
        django_capture_on_commit_callbacks, people, everolimus, administration="A tablet."
    )
    assert Publication.objects.live().get(pk=publication.pk)
    assert "HTTP cache purge failed" in caplog.text
    assert PendingPurge.objects.count() == 6  # a purge and two bans for each cache


def test_nothing_is_sent_when_no_cache_is_configured(
    django_capture_on_commit_callbacks, settings, caches, people, everolimus, monkeypatch
):
    settings.FRONTEND_CACHE_URLS = []
    connections = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connections.append(a))
    publish_edit(django_capture_on_commit_callbacks, people, everolimus, administration="A tablet.")
    assert caches.sent == [] and connections == []
    assert not PendingPurge.objects.exists()


class _Recorder(BaseHTTPRequestHandler):
    received: list[tuple[str, str, str, str | None]] = []

    def _answer(self) -> None:
        self.received.append(
            (self.command, self.path, self.headers["Host"], self.headers["X-Ban-Url"])
        )
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PURGE = do_BAN = _answer

    def log_message(self, *args) -> None:
        pass


def test_the_varnish_backend_sends_purge_per_url_and_ban_with_the_pattern_under_the_public_host():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.received = []
    try:
        backend = frontend_cache.VarnishBackend(
            f"http://127.0.0.1:{server.server_port}", "drugs.example.org"
        )
        backend.purge(["/pages/a/", "/"])
        backend.ban("^/search/")
    finally:
        server.shutdown()
        server.server_close()
    assert _Recorder.received == [
        ("PURGE", "/pages/a/", "drugs.example.org", None),
        ("PURGE", "/", "drugs.example.org", None),
        ("BAN", "/", "drugs.example.org", "^/search/"),
    ]


def test_the_varnish_backend_reports_a_refusal_as_a_failed_purge():
    class Refusing(_Recorder):
        def _answer(self) -> None:
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_PURGE = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        backend = frontend_cache.VarnishBackend(f"http://127.0.0.1:{server.server_port}", "h")
        with pytest.raises(frontend_cache.PurgeFailed, match="403"):
            backend.purge(["/"])
    finally:
        server.shutdown()
        server.server_close()
