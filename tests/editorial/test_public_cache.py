"""The full-page cache: pages cost nothing when cached, and a publish empties it on commit."""

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from editorial.public_cache import PublicPageCacheApplication, pages
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db

NEW_ADMINISTRATION = "Everolimus is a tablet taken once a day."


@pytest.fixture(autouse=True)
def real_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "public-cache-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


def test_a_cached_page_costs_no_query(client, seed_url, django_assert_num_queries):
    client.get(seed_url)
    with django_assert_num_queries(0):
        response = client.get(seed_url)
    assert "Everolimus (Afinitor)" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] and response.has_header("ETag")


def test_a_publish_empties_the_cache_once_it_commits(
    client,
    seed_url,
    writer,
    physician,
    nurse,
    managing_editor,
    everolimus,
    django_capture_on_commit_callbacks,
):
    client.get(seed_url)
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(change, writer, physician, nurse, managing_editor)
    assert NEW_ADMINISTRATION in client.get(seed_url).content.decode()


def test_a_publish_that_does_not_commit_leaves_the_cached_page(
    client, seed_url, writer, physician, nurse, managing_editor, everolimus
):
    before = client.get(seed_url).content
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    # The test's transaction never commits, so the on-commit emptying never runs:
    # readers keep the page that is still, as far as the database will say, current.
    publish_through_review(change, writer, physician, nurse, managing_editor)
    assert client.get(seed_url).content == before


def test_an_unpublish_empties_the_cache(
    client, seed_url, seed_page, managing_editor, django_capture_on_commit_callbacks
):
    from editorial import workflow

    client.get(seed_url)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.page_unpublish(page=seed_page, editor=managing_editor)
    assert client.get(seed_url).status_code == 410


def test_only_successful_pages_are_cached(client, seed_url, django_assert_num_queries):
    client.get("/pages/no-such-page/")
    with django_assert_num_queries(2):  # the live lookup, then the moved-or-gone lookup
        assert client.get("/pages/no-such-page/").status_code == 404


def test_a_cached_page_keeps_its_headers_and_answers_revalidation_with_304(
    client, seed_url, django_assert_num_queries
):
    first = client.get(seed_url)
    with django_assert_num_queries(0):
        cached = client.get(seed_url)
        not_modified = client.get(seed_url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert cached.content == first.content
    for header in ("ETag", "Cache-Control", "X-Frame-Options", "Content-Type"):
        assert cached[header] == first[header], header
    assert not_modified.status_code == 304


def test_a_page_cached_for_https_never_answers_plain_http(client, settings, seed_url):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    first = client.get(seed_url, secure=True)
    cached = client.get(seed_url, secure=True)
    assert cached.content == first.content
    assert cached["Strict-Transport-Security"] == first["Strict-Transport-Security"]
    plain = client.get(seed_url)
    assert plain.status_code == 301 and plain["Location"].startswith("https://")


# --- Under an app server: cached pages are sent before Django runs ---------------------


class CountingDjango:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.requests = 0
        self.django = WSGIHandler()

    def __call__(self, environ, start_response):
        self.requests += 1
        return self.django(environ, start_response)


@pytest.fixture
def app_server():
    """The site's WSGI application as config/wsgi.py builds it, with Django counted.

    Like Django's test client, it keeps the request signals from closing the test's
    database connection.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        django = CountingDjango()
        yield PublicPageCacheApplication(django), django
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def wsgi_get(application, path: str, method: str = "GET", **headers) -> tuple[str, dict, bytes]:
    environ = RequestFactory().generic(method, path, **headers).environ
    sent = {}

    def start_response(status, response_headers, exc_info=None):
        sent.update(status=status, headers=dict(response_headers))

    response = application(environ, start_response)
    try:
        body = b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()
    return sent["status"], sent["headers"], body


def test_an_app_server_sends_a_cached_page_without_running_django(app_server, seed_url):
    application, django = app_server
    status, headers, body = wsgi_get(application, seed_url)
    assert status == "200 OK" and django.requests == 1
    again_status, again_headers, again_body = wsgi_get(application, seed_url)
    assert django.requests == 1
    assert (again_status, again_body) == (status, body)
    for header in ("ETag", "Cache-Control", "Content-Type", "X-Frame-Options"):
        assert again_headers[header] == headers[header], header
    assert again_headers["Content-Length"] == str(len(body))


def test_an_app_server_answers_revalidation_and_head_from_the_cache(app_server, seed_url):
    application, django = app_server
    _, headers, body = wsgi_get(application, seed_url)
    status, not_modified_headers, empty = wsgi_get(
        application, seed_url, HTTP_IF_NONE_MATCH=headers["ETag"]
    )
    assert status.startswith("304") and empty == b""
    assert not_modified_headers["ETag"] == headers["ETag"]
    status, head_headers, empty = wsgi_get(application, seed_url, method="HEAD")
    assert status == "200 OK" and empty == b"" and head_headers["Content-Length"] == str(len(body))
    assert django.requests == 1


def test_an_app_server_renders_afresh_once_a_publish_commits(
    app_server,
    seed_url,
    writer,
    physician,
    nurse,
    managing_editor,
    everolimus,
    django_capture_on_commit_callbacks,
):
    application, django = app_server
    wsgi_get(application, seed_url)
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(change, writer, physician, nurse, managing_editor)
    _, _, body = wsgi_get(application, seed_url)
    assert NEW_ADMINISTRATION in body.decode() and django.requests == 2


def test_an_app_server_leaves_refused_hosts_and_other_requests_to_django(app_server, seed_url):
    application, django = app_server
    wsgi_get(application, seed_url)
    status, _, _ = wsgi_get(application, seed_url, HTTP_HOST="evil.example")
    assert status.startswith("400")
    wsgi_get(application, seed_url, secure=True)  # another scheme, another page
    wsgi_get(application, "/admin/login/")
    assert django.requests == 4


def test_a_worker_never_serves_a_page_from_before_the_shared_cache_was_emptied(
    client,
    seed_url,
    writer,
    physician,
    nurse,
    managing_editor,
    everolimus,
    django_capture_on_commit_callbacks,
):
    client.get(seed_url)
    key = next(key for key in pages.local if key.endswith(seed_url))
    before_publish = pages.local[key]  # what another worker still holds in memory
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(change, writer, physician, nurse, managing_editor)
    cache.clear()  # Redis restarted or flushed: the generation is gone
    pages.local[key] = before_publish
    assert NEW_ADMINISTRATION in client.get(seed_url).content.decode()


SECURITY_HEADERS = ("Content-Security-Policy", "Permissions-Policy")


def test_a_cached_page_keeps_its_content_security_and_permissions_policies(client, seed_url):
    first = client.get(seed_url)
    cached = client.get(seed_url)
    for header in SECURITY_HEADERS:
        assert first.has_header(header), header
        assert cached[header] == first[header], header


def test_an_app_server_sends_a_cached_page_with_its_security_policies(app_server, seed_url):
    application, django = app_server
    _, fresh, _ = wsgi_get(application, seed_url)
    _, cached, _ = wsgi_get(application, seed_url)
    assert django.requests == 1
    for header in SECURITY_HEADERS:
        assert header in fresh, header
        assert cached[header] == fresh[header], header
