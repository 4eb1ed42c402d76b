"""Readers behind Varnish: pages come from the cache, and a publish shows on the next read.

One gunicorn app server runs the production settings against the test database, behind
Debian's varnishd running deploy/varnish/default.vcl (a copy pointed at that server, with
only 127.0.0.1 allowed to purge). The test process publishes, and its receivers purge
Varnish the way an app server's do. Without PostgreSQL or varnishd these tests skip,
saying why; CI sets REQUIRE_VARNISH=1, under which that skip is a failure.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from drugs.models import Drug
from editorial import signals, workflow
from editorial.importing import seed_import
from editorial.models import Publication
from editorial.public import frontend_cache
from tests.requirements import skip_unless_required
from tests.test_scale import Response, Visitor, _free_port, _test_database_url
from tests.translated import SPANISH_TITLE, publish_spanish
from tests.workflow import edit, publish_through_review

pytestmark = [
    pytest.mark.django_db(transaction=True),  # committed rows, so the app server sees them
    pytest.mark.usefixtures("default_review_policy"),
]

BASE_DIR = Path(settings.BASE_DIR)
VCL = BASE_DIR / "deploy" / "varnish" / "default.vcl"
PUBLIC_HOST = "drugs.example.org"
STARTUP_SECONDS = 30
NEW_ADMINISTRATION = "Everolimus is a tablet; this sentence was published behind Varnish."


def _varnishd() -> str | None:
    # Debian installs it in /usr/sbin, which a non-root PATH may lack.
    return shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin:/usr/local/sbin")


def _missing() -> str | None:
    if connection.vendor != "postgresql":
        return (
            f"the test database is {connection.vendor}, not PostgreSQL "
            "(set DATABASE_URL=postgres://root@127.0.0.1:5432/test)"
        )
    if _varnishd() is None:
        return "varnishd is not installed (apt-get install varnish)"
    return None


def vcl_for_test(backend_port: int) -> str:
    """The shipped VCL with the backend on `backend_port` and only 127.0.0.1 allowed to purge."""
    vcl = VCL.read_text()
    vcl, backends = re.subn(r'\.port = "\d+";', f'.port = "{backend_port}";', vcl)
    vcl, acls = re.subn(
        r"acl purgers \{.*?\}", 'acl purgers {\n    "127.0.0.1";\n}', vcl, flags=re.S
    )
    assert backends == acls == 1, "deploy/varnish/default.vcl no longer has one backend and ACL"
    return vcl


@dataclass
class Stack:
    varnish_url: str
    processes: list[subprocess.Popen]
    logs: list[Path]

    def get(self, path: str, **headers: str) -> Response:
        return Visitor(self.varnish_url).get(path, **headers)

    def output(self) -> str:
        return "\n".join(log.read_text(errors="replace")[-3000:] for log in self.logs)


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as log_file:
        return subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=log_file, stderr=log_file)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_serving(url: str, stack: Stack) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in stack.processes):
            break
        try:
            if Visitor(url).get("/robots.txt").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {STARTUP_SECONDS}s:\n{stack.output()}")


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory) -> Iterator[Stack]:
    """gunicorn on the test database, and varnishd in front of it, stopped however it ends."""
    reason = _missing()
    if reason:
        skip_unless_required(reason, "REQUIRE_VARNISH")

    workdir = tmp_path_factory.mktemp("varnish")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "CACHE_DIR", "PYTHONPATH", "REDIS_URL", "FRONTEND_CACHE_URLS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="varnish-test-" + "k" * 50,
        ALLOWED_HOSTS=PUBLIC_HOST,
        SECURE_SSL_REDIRECT="false",  # plain http on 127.0.0.1, as behind a TLS proxy
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        DATABASE_URL=_test_database_url(),
        # Django renders every request afresh: what is cached here, Varnish cached.
        DISABLE_CACHE="true",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STATIC_ROOT=str(workdir / "static"),
    )
    collected = subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--no-input"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, f"collectstatic failed:\n{collected.stdout}{collected.stderr}"

    app_port, varnish_port = _free_port(), _free_port()
    vcl = workdir / "test.vcl"
    vcl.write_text(vcl_for_test(app_port))
    stack = Stack(f"http://127.0.0.1:{varnish_port}", [], [])
    try:
        gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        stack.logs.append(workdir / "gunicorn.log")
        stack.processes.append(
            _start(
                [*gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{app_port}"],
                env,
                stack.logs[-1],
            )
        )
        _wait_until_serving(f"http://127.0.0.1:{app_port}", stack)
        # In the foreground with a working directory of its own; no jail (it would run as
        # the varnish user, who cannot read a temporary directory) and no admin port.
        varnishd = [_varnishd(), "-F", "-n", str(workdir / "varnishd"), "-j", "none", "-T", "none"]
        stack.logs.append(workdir / "varnishd.log")
        stack.processes.append(
            _start(
                [*varnishd, "-a", f"127.0.0.1:{varnish_port}", "-f", str(vcl), "-s", "malloc,32m"],
                env,
                stack.logs[-1],
            )
        )
        _wait_until_serving(stack.varnish_url, stack)
        yield stack
    finally:
        for process in reversed(stack.processes):
            _stop(process)


@pytest.fixture
def varnish(stack, settings) -> Stack:
    """Varnish emptied of earlier tests' pages; this process's purges go to it."""
    settings.FRONTEND_CACHE_URLS = [stack.varnish_url]
    settings.FRONTEND_CACHE_HOST = PUBLIC_HOST
    frontend_cache.backend_for(stack.varnish_url).ban(".")
    return stack


def test_a_second_read_of_a_public_page_is_a_cache_hit(varnish):
    url = seed_import().get_absolute_url()
    first = varnish.get(url)
    assert first.status == 200
    assert "s-maxage" in first.headers["Cache-Control"]
    assert first.headers["X-Cache"] == "MISS"
    second = varnish.get(url)
    assert second.headers["X-Cache"] == "HIT"
    assert len(second.headers["X-Varnish"].split()) == 2  # this request's id, the object's
    assert int(second.headers["Age"]) >= 0
    assert second.text == first.text


def test_an_english_page_is_one_cached_copy_whatever_the_browser_language(varnish):
    url = seed_import().get_absolute_url()
    first = varnish.get(url)
    assert first.headers["X-Cache"] == "MISS"
    assert "Accept-Language" not in (first.headers.get("Vary") or "")
    asked = varnish.get(url, **{"Accept-Language": "es"})
    assert asked.headers["X-Cache"] == "HIT" and asked.text == first.text
    # Its Spanish address is a page of its own.
    assert varnish.get("/es" + url).headers["X-Cache"] == "MISS"


def test_tracking_parameters_are_the_same_cached_page(varnish):
    url = seed_import().get_absolute_url()
    assert varnish.get(url).headers["X-Cache"] == "MISS"
    tracked = varnish.get(f"{url}?utm_source=mail&utm_campaign=x&fbclid=1&gclid=2")
    assert tracked.status == 200
    assert tracked.headers["X-Cache"] == "HIT"
    # A parameter the site reads still makes its own page.
    assert varnish.get("/search/?utm_source=mail&q=everolimus").headers["X-Cache"] == "MISS"
    assert varnish.get("/search/?q=everolimus").headers["X-Cache"] == "HIT"


def test_a_publish_makes_the_next_read_through_varnish_the_new_page(
    varnish, writer, physician, nurse, managing_editor
):
    url = seed_import().get_absolute_url()
    lists = ["/", "/drugs/everolimus/", "/search/?q=everolimus"]
    for path in [url, *lists]:
        varnish.get(path)
        assert varnish.get(path).headers["X-Cache"] == "HIT", path

    change = edit(writer, Drug.objects.get(slug="everolimus"), administration=NEW_ADMINISTRATION)
    publish_through_review(change, writer, physician, nurse, managing_editor)

    after = varnish.get(url)
    assert after.headers["X-Cache"] == "MISS"
    assert NEW_ADMINISTRATION in after.text
    for path in lists:
        assert varnish.get(path).headers["X-Cache"] == "MISS", path


def test_an_unpublish_makes_the_next_read_through_varnish_a_410(varnish, managing_editor):
    publication = seed_import()
    url = publication.get_absolute_url()
    varnish.get(url)
    assert varnish.get(url).headers["X-Cache"] == "HIT"
    workflow.page_unpublish(page=publication.page, editor=managing_editor)
    assert varnish.get(url).status == 410


def test_the_admin_and_readers_with_a_session_or_csrf_cookie_pass_through(varnish):
    url = seed_import().get_absolute_url()
    for _ in range(2):
        login = varnish.get("/admin/login/")
        assert login.status == 200
        assert login.headers["X-Cache"] == "PASS"
    varnish.get(url)
    assert varnish.get(url).headers["X-Cache"] == "HIT"  # cached for anonymous readers
    for cookie in ("sessionid=abc", "theme=dark; csrftoken=abc"):
        assert varnish.get(url, Cookie=cookie).headers["X-Cache"] == "PASS", cookie
    # Any other cookie changes nothing a page shows: the cached page is served.
    assert varnish.get(url, Cookie="_ga=1").headers["X-Cache"] == "HIT"


def _raw(stack: Stack, request: bytes, source: str) -> int:
    """Send one HTTP request from `source` (a loopback address) and return the status."""
    port = int(stack.varnish_url.rsplit(":", 1)[1])
    with socket.socket() as client:
        client.settimeout(10)
        client.bind((source, 0))
        client.connect(("127.0.0.1", port))
        client.sendall(request)
        status_line = client.makefile("rb").readline()
    return int(status_line.split()[1])


@pytest.mark.skipif(sys.platform != "linux", reason="binds 127.0.0.2, all loopback on Linux only")
def test_a_purge_or_ban_from_an_address_outside_the_acl_is_refused(varnish):
    url = seed_import().get_absolute_url()
    varnish.get(url)
    host = f"Host: {PUBLIC_HOST}\r\n".encode()
    purge = b"PURGE " + url.encode() + b" HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n"
    ban = b"BAN / HTTP/1.1\r\n" + host + b"X-Ban-Url: .\r\nConnection: close\r\n\r\n"
    assert _raw(varnish, purge, "127.0.0.2") == 403
    assert _raw(varnish, ban, "127.0.0.2") == 403
    assert varnish.get(url).headers["X-Cache"] == "HIT"  # still cached
    unknown = b"FLUSH / HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n"
    assert _raw(varnish, unknown, "127.0.0.1") == 405
    assert _raw(varnish, purge, "127.0.0.1") == 200  # the ACL's own address may
    assert varnish.get(url).headers["X-Cache"] == "MISS"


def test_a_publish_makes_the_next_api_read_through_varnish_the_new_content(
    varnish, writer, physician, nurse, managing_editor
):
    slug = seed_import().slug
    paths = [f"/api/v1/pages/{slug}/", "/api/v1/drugs/everolimus/", "/api/v1/drugs/?page=1"]
    for path in paths:
        varnish.get(path)
        assert varnish.get(path).headers["X-Cache"] == "HIT", path

    change = edit(writer, Drug.objects.get(slug="everolimus"), administration=NEW_ADMINISTRATION)
    publish_through_review(change, writer, physician, nurse, managing_editor)

    for path in paths:
        after = varnish.get(path)
        assert after.headers["X-Cache"] == "MISS", path
    assert NEW_ADMINISTRATION in varnish.get(paths[0]).text


def test_a_spanish_publish_makes_the_next_reads_of_both_languages_new(varnish):
    publication = seed_import()
    url = publication.get_absolute_url()
    for path in [url, "/es" + url, "/es/"]:
        varnish.get(path)
        assert varnish.get(path).headers["X-Cache"] == "HIT", path

    spanish = publish_spanish(publication)
    signals.page_published.send(sender=Publication, publications=[spanish], language="es")

    english = varnish.get(url)
    assert english.headers["X-Cache"] == "MISS"
    assert f'{PUBLIC_HOST}/es{url}" hreflang="es"' in english.text  # its switcher
    assert varnish.get("/es" + url).status == 200
    assert SPANISH_TITLE in varnish.get("/es/").text
