"""Readers at scale: app servers sharing one PostgreSQL and one Redis serve what any of
them published, on the next request.

Two gunicorn servers run the production settings against the test database and a Redis
database of their own, the way a deployment runs them behind a load balancer. Without
PostgreSQL (DATABASE_URL) or REDIS_URL these tests skip, saying why; CI sets
REQUIRE_SCALE_TEST=1, under which that skip is a failure.
"""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from drugs.models import Drug
from editorial.importing import seed_import
from tests.requirements import skip_unless_required
from tests.workflow import approve, edit, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),  # committed rows, so the servers see them
    pytest.mark.usefixtures("default_review_policy"),
]

BASE_DIR = Path(settings.BASE_DIR)
# The servers' own Redis database, emptied before each test.
REDIS_DB = int(os.environ.get("SCALE_TEST_REDIS_DB", "14"))
# Behind a load balancer every server sees the site's one host name, whichever it is.
PUBLIC_HOST = "drugs.example.org"
STARTUP_SECONDS = 30
NEW_ADMINISTRATION = "Everolimus is a tablet; this sentence was published through server A."


# STATIC_ROOT is fixed in config/settings/base.py, so the servers cannot be pointed at a
# temporary one through the environment; this starts the module after setting it from
# STATIC_ROOT in the environment (the rest of the settings are production's, unchanged),
# rather than collecting static files into the working tree.
def _missing_backends() -> str | None:
    if connection.vendor != "postgresql":
        return (
            f"the test database is {connection.vendor}, not PostgreSQL "
            "(set DATABASE_URL=postgres://root@127.0.0.1:5432/test)"
        )
    if not os.environ.get("REDIS_URL"):
        return "REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379/0)"
    try:
        import redis  # noqa: F401
    except ImportError:
        return "the redis client is not installed (pip install -e '.[dev]')"
    return None


def _test_database_url() -> str:
    """The URL of the database this test run created, for the servers to share."""
    db = settings.DATABASES["default"]
    auth = urllib.parse.quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{db['HOST']}{port}/{db['NAME']}"


def _servers_redis_url() -> str:
    return urllib.parse.urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{REDIS_DB}").geturl()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: Message
    text: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


class Visitor:
    """One browser's worth of HTTP against one server: cookies kept, redirects not followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def request(self, path: str, data: dict | None = None, **headers: str) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Always http://127.0.0.1:<port>, a server this module started.
        request = urllib.request.Request(  # noqa: S310
            self.base_url + path, data=body, headers={"Host": PUBLIC_HOST, **headers}
        )
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Response(answer.status, answer.headers, answer.read().decode())
        except urllib.error.HTTPError as answer:  # 3xx, 4xx and 5xx arrive as errors
            return Response(answer.code, answer.headers, answer.read().decode())

    def get(self, path: str, **headers: str) -> Response:
        return self.request(path, **headers)

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == name)

    def post(self, path: str, data: dict) -> Response:
        data = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **data}
        return self.request(path, data, Referer=self.base_url + path)

    def log_in(self, username: str, password: str) -> None:
        form = self.get("/admin/login/")
        assert form.status == 200, form.text
        answer = self.post(
            "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
        )
        assert answer.status == 302, f"{username} could not log in:\n{answer.text}"


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def visitor(self) -> Visitor:
        return Visitor(self.url)

    def get(self, path: str, **headers: str) -> Response:
        return self.visitor().get(path, **headers)


def _run(args: list[str], env: dict[str, str], **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", *args], cwd=BASE_DIR, env=env, **popen)


def _wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            if server.get("/robots.txt").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(
        f"server {server.name} did not answer on {server.url} within {STARTUP_SECONDS}s:\n"
        + server.log.read_text(errors="replace")[-5000:]
    )


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory) -> tuple[Server, Server]:
    """Two production app servers on the test database and one shared Redis database."""
    reason = _missing_backends()
    if reason:
        skip_unless_required(reason, "REQUIRE_SCALE_TEST")

    workdir = tmp_path_factory.mktemp("scale")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DISABLE_CACHE", "CACHE_DIR", "PYTHONPATH"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="scale-test-" + "k" * 50,
        ALLOWED_HOSTS=PUBLIC_HOST,
        SECURE_SSL_REDIRECT="false",  # plain http on 127.0.0.1, as behind a TLS proxy
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        DATABASE_URL=_test_database_url(),
        REDIS_URL=_servers_redis_url(),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STATIC_ROOT=str(workdir / "static"),
    )
    collected = _run(
        ["django", "collectstatic", "--no-input"],
        env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output, _ = collected.communicate(timeout=120)
    assert collected.returncode == 0, f"collectstatic failed:\n{output}"

    started: list[Server] = []
    try:
        for name in ("A", "B"):
            port = _free_port()
            log = workdir / f"server-{name}.log"
            with log.open("w") as log_file:
                process = _run(
                    [
                        "gunicorn",
                        "config.wsgi:application",
                        "--workers",
                        "2",
                        "--bind",
                        f"127.0.0.1:{port}",
                    ],
                    env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                )
            started.append(Server(name, f"http://127.0.0.1:{port}", process, log))
        for server in started:
            _wait_until_serving(server)
        yield started[0], started[1]
    finally:
        for server in started:
            _stop(server)


@pytest.fixture
def shared_redis(servers):
    """The servers' Redis database, emptied so no page cached by an earlier test remains."""
    import redis

    client = redis.Redis.from_url(_servers_redis_url())
    client.flushdb()
    yield client
    client.close()


def cached_entries(shared_redis, path: str) -> int:
    """How many pages the shared cache holds (Django's keys hash the address, so all of them)."""
    return len(shared_redis.keys("*views.decorators.cache.cache_page*"))


def test_a_change_published_through_one_server_is_what_the_other_serves_next(
    servers, shared_redis, writer, physician, nurse, managing_editor
):
    a, b = servers
    seed_url = seed_import().get_absolute_url()
    before = b.get(seed_url)
    assert before.status == 200
    assert NEW_ADMINISTRATION not in before.text
    assert cached_entries(shared_redis, seed_url) == 1  # B's render, in the shared cache
    assert a.get(seed_url).text == before.text
    assert cached_entries(shared_redis, seed_url) == 1  # A served B's entry

    change = edit(writer, Drug.objects.get(slug="everolimus"), administration=NEW_ADMINISTRATION)
    revision = submit(change, writer)
    approve(revision, physician, nurse)
    assert b.get(seed_url).text == before.text  # approved is not published

    # The test settings' fast hasher is unknown to production settings: give the editor
    # a password hashed the way production hashes it.
    password = f"{managing_editor.username}-password"
    hasher = PBKDF2PasswordHasher()
    managing_editor.password = hasher.encode(password, hasher.salt())
    managing_editor.save(update_fields=["password"])
    editor = a.visitor()
    editor.log_in(managing_editor.username, password)
    published = editor.post(
        f"/admin/editorial/change/{change.pk}/publish/", {"revision": revision.pk}
    )
    assert published.status == 302
    assert (
        "Published: the public site shows it now." in editor.get(published.headers["Location"]).text
    )

    # B's very next request, a browser revalidating the page it has, gets the new page.
    after = b.get(seed_url, **{"If-None-Match": before.headers["ETag"]})
    assert after.status == 200
    assert NEW_ADMINISTRATION in after.text


def test_either_server_answers_a_revalidation_of_an_unchanged_page_with_304(servers, shared_redis):
    a, b = servers
    seed_url = seed_import().get_absolute_url()
    first = a.get(seed_url)
    assert "max-age=0" in first.headers["Cache-Control"]
    assert first.headers["ETag"]
    for server in (a, b):
        again = server.get(seed_url, **{"If-None-Match": first.headers["ETag"]})
        assert again.status == 304, server.name
        assert "max-age=0" in again.headers["Cache-Control"], server.name
