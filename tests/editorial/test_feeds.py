"""Atom feeds of changes: one per page and one for the site, from publications only."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.utils import timezone

from editorial import workflow
from editorial.versions import version_label
from tests.workflow import edit, publish_through_review, submit

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_FEED = "/changes/feed/"
SEED_LABEL = "Version 1 · August 17, 2021"
IMPORTED = "First published here (the content was approved before this site)."


@pytest.fixture
def people(writer, physician, nurse, managing_editor):
    return writer, physician, nurse, managing_editor


@pytest.fixture
def feed_url(seed_url) -> str:
    return f"{seed_url}changes/feed/"


def publish_change(people, record, summary: str, **fields):
    writer, physician, nurse, managing_editor = people
    change = edit(writer, record, **fields)
    return publish_through_review(change, writer, physician, nurse, managing_editor, summary)


def read_feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test


def entries(feed: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def assert_valid_atom(feed: ET.Element) -> None:
    """What RFC 4287 requires of a feed and of each entry, and absolute identifiers."""
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{name}"), f"the feed has no {name}"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Cancer drug information"
    assert [link.get("rel") for link in feed.findall(f"{ATOM}link")] == ["alternate", "self"]
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{name}"), f"an entry has no {name}"
        assert re.match(r"https?://", entry.findtext(f"{ATOM}id"))
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", entry.findtext(f"{ATOM}updated"))


def test_a_page_s_feed_is_valid_atom(client, feed_url, people, everolimus):
    publish_change(people, everolimus, "Everolimus is taken once a day.", administration="Daily.")
    assert_valid_atom(read_feed(client, feed_url))


def test_a_page_s_feed_has_an_entry_per_version_newest_first_with_its_summary_and_reference(
    client, seed_publication, seed_url, feed_url, people, everolimus
):
    (publication,) = publish_change(
        people, everolimus, "Everolimus is taken once a day.", administration="Daily."
    )
    page = f"http://testserver{seed_url}"
    assert entries(read_feed(client, feed_url)) == [
        {
            "title": version_label(2, timezone.localdate()),
            "summary": "Everolimus is taken once a day. "
            f"Reference {publication.compliance_number.reference}.",
            "link": page,
            "id": f"{page}changes/#version-2",
        },
        {
            "title": SEED_LABEL,
            "summary": f"{IMPORTED} Reference {seed_publication.compliance_number.reference}.",
            "link": page,
            "id": f"{page}changes/#version-1",
        },
    ]


def test_a_republish_that_changed_nothing_is_no_entry(client, feed_url, people, everolimus):
    shown = everolimus.administration
    writer, physician, nurse, managing_editor = people
    change = edit(writer, everolimus, administration="Changed")
    edit(writer, everolimus, administration=shown)
    publish_through_review(change, writer, physician, nurse, managing_editor, "Nothing new.")
    assert [entry["title"] for entry in entries(read_feed(client, feed_url))] == [SEED_LABEL]


def test_a_change_not_yet_published_is_in_no_feed(client, feed_url, writer, everolimus):
    change = edit(writer, everolimus, administration="Twice a day.")
    submit(change, writer, summary="Everolimus is now taken twice a day.")
    for url in (feed_url, SITE_FEED):
        feed = read_feed(client, url)
        assert "twice a day" not in ET.tostring(feed, encoding="unicode")


def test_a_summary_is_plain_text_in_the_feed(client, feed_url, people, everolimus):
    summary = "Take it <b>once</b> a day & with water."
    (publication,) = publish_change(people, everolimus, summary, administration="Daily.")
    assert entries(read_feed(client, feed_url))[0]["summary"] == (
        "Take it &lt;b&gt;once&lt;/b&gt; a day &amp; with water. "
        f"Reference {publication.compliance_number.reference}."
    )


def test_no_page_at_the_address_no_feed(client, seed_publication):
    assert client.get("/pages/no-such-page/changes/feed/").status_code == 404


def test_a_page_taken_down_has_its_feed_gone(client, feed_url, seed_page, managing_editor):
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    assert client.get(feed_url).status_code == 410


def test_a_moved_page_s_feed_redirects_to_its_new_address(client, feed_url, people, seed_page):
    publish_change(people, seed_page, "A shorter address.", slug="pnet-targeted-therapy")
    response = client.get(feed_url)
    assert response.status_code == 301
    assert response["Location"] == "/pages/pnet-targeted-therapy/changes/feed/"


def test_the_site_feed_lists_every_live_page_s_versions_newest_first(
    client, people, everolimus, kidney_page
):
    publish_change(people, everolimus, "Everolimus is taken once a day.", administration="Daily.")
    feed = read_feed(client, SITE_FEED)
    assert_valid_atom(feed)
    today = timezone.localdate()
    assert [entry["title"] for entry in entries(feed)] == [
        # One publish, two pages: the newest publication first.
        f"Targeted Therapy for Kidney Cancer: {version_label(2, today)}",
        f"Targeted Drug Therapy for Pancreatic Neuroendocrine Tumor: {version_label(2, today)}",
        f"Targeted Therapy for Kidney Cancer: {version_label(1, today)}",
        f"Targeted Drug Therapy for Pancreatic Neuroendocrine Tumor: {SEED_LABEL}",
    ]


def test_the_site_feed_leaves_out_a_page_taken_down(
    client, managing_editor, seed_page, kidney_page
):
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    titles = [entry["title"] for entry in entries(read_feed(client, SITE_FEED))]
    assert titles == [
        f"Targeted Therapy for Kidney Cancer: {version_label(1, timezone.localdate())}"
    ]


def test_the_page_and_its_change_log_link_both_feeds(client, seed_url, feed_url):
    for url in (seed_url, f"{seed_url}changes/"):
        html = client.get(url).content.decode()
        links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', html)
        assert [re.search(r'href="([^"]+)"', link).group(1) for link in links] == [
            feed_url,
            SITE_FEED,
        ]
    change_log = client.get(f"{seed_url}changes/").content.decode()
    assert f'<a href="{feed_url}">Follow the changes to this page (Atom feed)</a>' in change_log


@pytest.fixture
def real_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "feed-cache-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


def test_the_feeds_are_cached_and_a_publish_empties_them_once_it_commits(
    real_cache,
    client,
    feed_url,
    people,
    everolimus,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    for url in (feed_url, SITE_FEED):
        client.get(url)
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        publish_change(people, everolimus, "Everolimus is taken once a day.", administration="D.")
    for url in (feed_url, SITE_FEED):
        assert "Everolimus is taken once a day." in client.get(url).content.decode()
