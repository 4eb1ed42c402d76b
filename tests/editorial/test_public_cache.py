"""The full-page cache: pages cost nothing when cached, and a publish empties it on commit."""

import pytest
from django.core.cache import cache

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
