"""The change log of a page in Spanish, at /es/pages/…/changes/: its Spanish
publications, each with its version, in Spanish; the English log stays English."""

import pytest

from tests.translations import publish_in_spanish, translate_page
from tests.workflow import approve, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reviewers_in_spanish")]


@pytest.fixture
def spanish(seed_page, people):
    (publication,) = publish_in_spanish(translate_page(people[0], seed_page), *people)
    return publication


def changes(client, url: str) -> str:
    response = client.get(url + "changes/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_spanish_change_log_lists_the_spanish_publications_in_spanish(
    client, spanish, seed_url
):
    html = changes(client, "/es" + seed_url)
    assert '<html lang="es"' in html
    assert "Versión 1 · " in html and "Version 1" not in html
    assert "Traducción" in html  # the summary the translator wrote


def test_the_spanish_change_log_leaves_out_the_english_publications(client, spanish, seed_url):
    html = changes(client, "/es" + seed_url)
    assert "First published here" not in html
    assert "Primera publicación" not in html  # the import is the English page's
    assert html.count('class="change-list__version"') == 1


def test_the_english_change_log_leaves_out_the_spanish_publications(client, spanish, seed_url):
    html = changes(client, seed_url)
    assert "Traducción" not in html and "First published here" in html


def test_the_spanish_change_log_links_back_to_the_spanish_page_and_no_english_feed(
    client, spanish, seed_url
):
    html = changes(client, "/es" + seed_url)
    assert f'href="/es{seed_url}"' in html
    assert "feed" not in html


def test_the_spanish_page_links_its_change_log(client, spanish, seed_url):
    response = client.get("/es" + seed_url)
    assert f'href="/es{seed_url}changes/"' in response.content.decode()


def test_a_republished_spanish_page_says_so_in_spanish_with_the_version_number(
    client, spanish, seed_page, people, seed_url
):
    change = translate_page(people[0], seed_page, title="Otra traducción del título")
    publish_in_spanish(change, *people)
    html = changes(client, "/es" + seed_url)
    assert "Versión 2 · " in html and "Versión 1 · " in html


def test_a_page_with_no_live_spanish_version_answers_the_spanish_404_for_its_log(client, seed_url):
    response = client.get("/es" + seed_url + "changes/")
    assert response.status_code == 404
    assert f'href="{seed_url}changes/"' in response.content.decode()


def test_a_spanish_draft_leaves_the_spanish_log_as_it_was(
    client, spanish, seed_page, people, seed_url
):
    before = changes(client, "/es" + seed_url)
    change = translate_page(people[0], seed_page, title="Borrador sin publicar")
    approve(submit(change, people[0], summary="Borrador sin publicar"), people[1], people[2])
    assert changes(client, "/es" + seed_url) == before


def test_the_spanish_change_log_keeps_to_its_query_budget(
    client, spanish, seed_url, django_assert_max_num_queries
):
    client.get("/es/")  # the site identity, read once per process
    with django_assert_max_num_queries(2):  # the page, then its log
        changes(client, "/es" + seed_url)
