"""The page view's fast path reads and shows exactly what the ordinary ORM and templates would."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from drugs.models import Page
from editorial import chrome, workflow
from editorial.models import CurrentPublication
from editorial.views import PAGE_FIELDS, live, live_page
from tests.workflow import approve, edit, publish_through_review

pytestmark = pytest.mark.django_db


def field_values(publication) -> dict:
    return {name: getattr(publication, name) for name in ("id", *PAGE_FIELDS)}


def orm_live_page(slug: str):
    return next(iter(live().filter(slug=slug).only(*PAGE_FIELDS)[:1]), None)


def test_live_page_reads_what_the_orm_reads(seed_publication):
    found = live_page(seed_publication.slug)
    assert field_values(found) == field_values(orm_live_page(seed_publication.slug))


def test_live_page_converts_values_as_the_orm_does(
    seed_page, seed_publication, physician, nurse, managing_editor
):
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    (signed_off,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    found = live_page(seed_publication.slug)
    assert found.pk == signed_off.pk  # the current publication, not the older one
    assert sorted(found.reviewed_by) == ["MD", "OCN"]  # JSON, decoded
    assert found.last_reviewed == signed_off.last_reviewed  # a date, not text
    assert field_values(found) == field_values(orm_live_page(seed_publication.slug))


def test_live_page_finds_nothing_at_an_unknown_address(seed_publication):
    assert live_page("no-such-page") is None


def test_live_page_finds_nothing_once_a_page_is_unpublished(
    seed_page, seed_publication, managing_editor
):
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    assert live_page(seed_publication.slug) is None


def test_the_live_pointer_keeps_the_address_readers_find_the_page_at(
    seed_page, seed_publication, writer, physician, nurse, managing_editor
):
    assert CurrentPublication.objects.get(page=seed_page).slug == seed_publication.slug
    change = edit(writer, seed_page, slug="pancreatic-net-targeted-drugs")
    (moved,) = publish_through_review(change, writer, physician, nurse, managing_editor)
    assert CurrentPublication.objects.get(page=seed_page).slug == "pancreatic-net-targeted-drugs"
    assert live_page("pancreatic-net-targeted-drugs").pk == moved.pk
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    assert CurrentPublication.objects.get(page=seed_page).slug is None


def test_a_page_cannot_be_published_at_an_address_another_live_page_still_holds(
    seed_page,
    seed_publication,
    kidney_page,
    writer,
    other_writer,
    physician,
    nurse,
    managing_editor,
):
    # The seed page's move is still a draft, so its old address is live; the kidney
    # page's working row may take that address, but publishing it there is refused.
    edit(writer, seed_page, slug="pancreatic-net-targeted-drugs")
    change = edit(other_writer, Page.objects.get(pk=kidney_page.pk), slug=seed_publication.slug)
    with pytest.raises(workflow.InvalidTransition, match="Readers still find"):
        publish_through_review(change, other_writer, physician, nurse, managing_editor)
    assert live_page(seed_publication.slug).pk == seed_publication.pk


def test_postgresql_prepares_the_page_lookup_once_per_connection(client, seed_url):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's: runs on PostgreSQL")
    for _ in range(8):
        client.get(seed_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('INNER JOIN "editorial_publication"' in sql for sql in prepared), prepared


def without_page_parts(html: str) -> str:
    """The chrome alone: the title, the head's page extras and the main content left out."""
    html = re.sub(r"<title>.*?</title>", "<title></title>", html, flags=re.S)
    html = re.sub(r'(site\.[0-9a-f]*\.?css">).*?(</head>)', r"\1\2", html, flags=re.S)
    return re.sub(r"(<main[^>]*>).*?(</main>)", r"\1\2", html, flags=re.S)


def test_the_page_view_shows_the_chrome_every_public_page_shows(client, seed_url):
    page = client.get(seed_url).content.decode()
    index = client.get("/").content.decode()
    assert "Skip to main content" in page and "cancer care team" in page
    assert without_page_parts(page).split() == without_page_parts(index).split()


def test_the_chrome_refuses_a_base_template_without_a_content_block(tmp_path, settings):
    (tmp_path / "base.html").write_text("<title>{% block title %}{% endblock %}</title>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False}]
    chrome.chrome.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="'head' block"):
            chrome.chrome()
    finally:
        chrome.chrome.cache_clear()
