"""The page view: found by its live address, rendered the ordinary way, in few queries."""

import re

import pytest
from django.urls import set_script_prefix

from drugs.models import Page
from editorial import identity, workflow
from editorial.models import CurrentPublication
from editorial.public.links import page_links, site_links
from editorial.public.views import live_page, live_page_queryset
from tests.workflow import approve, edit, publish_through_review

pytestmark = pytest.mark.django_db


def test_a_page_view_costs_at_most_two_queries(client, seed_url, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(seed_url)
    assert response.status_code == 200 and "Everolimus (Afinitor)" in response.content.decode()


def test_a_page_taken_down_answers_410_in_at_most_two_queries(
    client, seed_page, seed_url, managing_editor, django_assert_max_num_queries
):
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    identity.current()  # read once per process and cache generation, not per page
    with django_assert_max_num_queries(2):
        assert client.get(seed_url).status_code == 410


def test_the_page_view_shows_the_current_publication_with_its_review(
    client, seed_page, seed_url, physician, nurse, managing_editor
):
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    (signed_off,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    html = client.get(seed_url).content.decode()
    day = signed_off.last_reviewed
    assert f'Last medically reviewed: <time datetime="{day:%Y-%m-%d}">' in html


def test_live_page_reads_what_its_orm_query_reads(seed_publication):
    """Its SQL is compiled once and reused: the row it builds must be the ORM's own."""
    shown = ("pk", "slug", "title", "html", "json_ld", "last_revised", "reviewed_by")
    extra = ("attribution", "version_number", "version_day")
    expected = live_page_queryset(seed_publication.slug).get()
    found = live_page(seed_publication.slug)
    assert [getattr(found, name) for name in shown + extra] == [
        getattr(expected, name) for name in shown + extra
    ]
    assert found.attribution and found.version_number == 1


def test_the_page_links_follow_the_script_prefix_the_site_is_served_under(seed_publication):
    set_script_prefix("/health/")
    try:
        assert site_links()["drugs"] == "/health/drugs/"
        assert page_links(seed_publication.slug)["page_changes"] == (
            f"/health/pages/{seed_publication.slug}/changes/"
        )
    finally:
        set_script_prefix("/")
    assert site_links()["drugs"] == "/drugs/"


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
