"""The public pages' cache: Django's cache framework keys, a publish empties it on commit."""

import pytest
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from editorial.public.cache import public_page
from editorial.public.urls import root_urlpatterns
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


def page_entries() -> list[str]:
    """The stored pages (not their header lists) in the local-memory cache."""
    return [key for key in cache._cache if "views.decorators.cache.cache_page" in key]


def test_a_cached_page_costs_no_query(client, seed_url, django_assert_num_queries):
    client.get(seed_url)
    with django_assert_num_queries(0):
        response = client.get(seed_url)
    assert "Everolimus (Afinitor)" in response.content.decode()
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=30"
    assert response.has_header("ETag")


def test_a_page_this_process_has_read_is_served_in_one_cache_round_trip(
    client, seed_url, monkeypatch
):
    client.get(seed_url)  # stored
    client.get(seed_url)  # read once from the cache: its header list is now known here
    backend = caches["default"]
    calls = []

    def counted(name):
        original = getattr(backend, name)

        def call(*args, **kwargs):
            calls.append(name)
            # Local memory's get_many asks get for each key: one call to the cache still.
            with monkeypatch.context() as inner:
                inner.setattr(backend, "get", type(backend).get.__get__(backend))
                return original(*args, **kwargs)

        return call

    for name in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(backend, name, counted(name))
    response = client.get(seed_url)
    assert response.status_code == 200 and "Everolimus (Afinitor)" in response.content.decode()
    assert calls == ["get_many"]


def test_a_process_that_remembers_the_old_generation_still_serves_the_new_page(
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
    client.get(seed_url)  # this process now remembers the header list and the generation
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_review(change, writer, physician, nurse, managing_editor)
    assert NEW_ADMINISTRATION in client.get(seed_url).content.decode()
    assert NEW_ADMINISTRATION in client.get(seed_url).content.decode()


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
    # The test's transaction never commits, so the on-commit emptying never runs.
    publish_through_review(change, writer, physician, nurse, managing_editor)
    assert client.get(seed_url).content == before


def test_an_unpublish_empties_the_cache(
    client, seed_url, seed_page, managing_editor, django_capture_on_commit_callbacks
):
    from editorial import workflow

    client.get(seed_url)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.page_unpublish(page=seed_page, editor=managing_editor)
    gone = client.get(seed_url)
    assert gone.status_code == 410
    # An HTTP cache in front may keep the 410 no longer than a page.
    assert gone["Cache-Control"] == "public, max-age=0, s-maxage=30"


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
    for header in (
        "ETag",
        "Cache-Control",
        "X-Frame-Options",
        "Content-Type",
        "Content-Security-Policy",
        "Permissions-Policy",
    ):
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


def test_a_query_string_the_page_does_not_read_makes_no_entry(client, seed_url):
    client.get(seed_url)
    entries = page_entries()
    assert len(entries) == 1
    for n in range(20):
        assert client.get(seed_url, {"utm_source": n}).status_code == 200
    assert page_entries() == entries


def test_a_query_string_the_page_reads_is_part_of_its_key(client, seed_publication):
    first = client.get("/search/", {"q": "everolimus", "utm_source": "1"}).content.decode()
    again = client.get("/search/", {"utm_source": "2", "q": "everolimus"}).content.decode()
    other = client.get("/search/", {"q": "warfarin"}).content.decode()
    assert first == again and seed_publication.title in first
    assert seed_publication.title not in other
    assert len(page_entries()) == 2


def test_the_admin_and_requests_with_a_session_are_never_cached(client, seed_url, managing_editor):
    login = client.get("/admin/login/")
    assert "private" in login["Cache-Control"] and "no-store" in login["Cache-Control"]
    client.force_login(managing_editor)
    response = client.get(seed_url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=0"
    assert page_entries() == []


# --- Vary and cookies: views of this test module's own -------------------------------


@public_page
def varies_on_encoding(request):
    # Accept-Encoding, as a compressing middleware would vary. (Not Accept-Language:
    # Django keys that by the active language, and the site has one.)
    response = HttpResponse(f"encoding {request.headers.get('Accept-Encoding', '')}")
    response["Vary"] = "Accept-Encoding"
    return response


@public_page
def sets_a_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("tracker", "someone")
    return response


urlpatterns = [
    path("varies/", varies_on_encoding),
    path("cookie/", sets_a_cookie),
    *root_urlpatterns,
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_that_varies_is_cached_per_value_of_what_it_varies_on(client):
    gzip = client.get("/varies/", HTTP_ACCEPT_ENCODING="gzip").content
    plain = client.get("/varies/", HTTP_ACCEPT_ENCODING="identity").content
    assert gzip == b"encoding gzip" and plain == b"encoding identity"
    assert client.get("/varies/", HTTP_ACCEPT_ENCODING="identity").content == plain
    assert client.get("/varies/", HTTP_ACCEPT_ENCODING="gzip").content == gzip
    assert len(page_entries()) == 2


@override_settings(ROOT_URLCONF=__name__)
def test_a_response_that_sets_a_cookie_is_never_stored(client):
    response = client.get("/cookie/")
    assert response.cookies["tracker"].value == "someone"
    assert "private" in response["Cache-Control"]
    assert page_entries() == []
    assert client.get("/cookie/").cookies["tracker"].value == "someone"
