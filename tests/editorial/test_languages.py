"""Languages: the language comes from the address alone; English stays as it was; the
Spanish addresses answer in Spanish (nothing is published in Spanish yet)."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.utils import translation

from config.messages import differences
from editorial import workflow
from editorial.public import words
from editorial.public.languages import language_from_path
from editorial.snapshots import render_page_body
from editorial.templatetags.editorial_public import fill

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
# The public chrome's English words, none of which a Spanish page may show.
ENGLISH_CHROME = (
    "Skip to main content",
    "Pages by cancer type",
    ">Drugs<",
    ">Side effects<",
    ">Search<",
    "Contact us",
    "This information supports",
    "cancer care team",
    "Last Revised",
    "Last medically reviewed",
    "References",
    "Page not found",
    "We can't",
    "published yet",
    "No pages",
    "found for",
    "Side-effect glossary",
    "Search pages, drugs and side effects",
    'lang="en-us"',
)


@pytest.fixture
def real_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "language-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


def spanish(url: str) -> str:
    return "/es" + url


def without_names(html: str, *names: str) -> str:
    """The page without the names it may show in English (the site's, a page's title)."""
    for name in names:
        html = html.replace(name, "")
    return html


def test_the_language_is_the_address_prefix_alone():
    assert language_from_path("/es/pages/x/") == "es"
    assert language_from_path("/es/") == "es"
    assert language_from_path("/pages/es/") == "en-us"
    assert language_from_path("/essays/") == "en-us"
    assert language_from_path("/") == "en-us"


def test_accept_language_spanish_changes_nothing_on_an_english_page(client, seed_url, real_cache):
    plain = client.get(seed_url)
    asked = client.get(seed_url, headers={"accept-language": "es"})
    assert asked.content == plain.content
    assert '<html lang="en">' in asked.content.decode()
    assert "Accept-Language" not in asked.get("Vary", "")


def test_a_language_cookie_changes_nothing_on_an_english_page(client, seed_url, settings):
    plain = client.get(seed_url).content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert client.get(seed_url).content == plain


def test_an_english_page_is_cached_once_whatever_the_browser_language(client, seed_url, real_cache):
    client.get(seed_url)
    stored = [key for key in cache._cache if "cache_page" in key]
    client.get(seed_url, headers={"accept-language": "es"})
    client.get(seed_url, headers={"accept-language": "fr, es;q=0.5"})
    assert [key for key in cache._cache if "cache_page" in key] == stored
    assert len(stored) == 1


def test_a_cached_english_page_is_never_served_at_a_spanish_address(client, real_cache):
    english = client.get("/drugs/")
    client.get("/drugs/")  # served from the cache
    answer = client.get(spanish("/drugs/"))
    assert answer.content != english.content
    assert "<h1>Medicamentos</h1>" in answer.content.decode()


def test_a_cached_spanish_page_is_never_served_at_an_english_address(client, real_cache):
    client.get(spanish("/drugs/"))
    client.get(spanish("/drugs/"))  # served from the cache
    html = client.get("/drugs/").content.decode()
    assert "<h1>Drugs</h1>" in html and "Medicamentos" not in html


@pytest.mark.parametrize("url", ["/", "/drugs/", "/side-effects/", "/search/", "/search/?q=dolor"])
def test_each_spanish_list_answers_200_in_spanish(client, seed_publication, url):
    response = client.get(spanish(url))
    html = without_names(response.content.decode(), "Cancer drug information")
    assert response.status_code == 200
    assert '<html lang="es">' in html
    assert [word for word in ENGLISH_CHROME if word in html] == []


@pytest.mark.parametrize("url", ["/", "/drugs/", "/side-effects/"])
def test_each_spanish_list_says_nothing_is_published_in_spanish_and_links_english(
    client, seed_publication, url
):
    html = client.get(spanish(url)).content.decode()
    assert "Todavía no hay nada publicado en español." in html
    assert f'<a href="{url}" hreflang="en">el sitio en inglés</a>' in html


def test_spanish_search_answers_in_spanish_with_no_results(client, seed_publication):
    html = client.get(spanish("/search/?q=everolimus")).content.decode()
    assert "Se encontraron 0 páginas para «everolimus»." in html
    assert "/pages/" not in html


@pytest.mark.parametrize("suffix", ["", "references/", "changes/"])
def test_a_pages_spanish_address_is_a_spanish_404_linking_the_english_page(
    client, seed_publication, seed_url, suffix
):
    response = client.get(spanish(seed_url + suffix))
    html = response.content.decode()
    assert response.status_code == 404
    assert "Esta página aún no está disponible en español" in html
    assert (
        f'Puede leerla en inglés: <a href="{seed_url}{suffix}" hreflang="en" lang="en">'
        f"{seed_publication.title}</a>"
    ) in html
    rest = without_names(html, seed_publication.title, "Cancer drug information")
    assert [word for word in ENGLISH_CHROME if word in rest] == []


def test_a_drugs_spanish_address_is_a_spanish_404_linking_the_english_drug(
    client, seed_publication
):
    response = client.get(spanish("/drugs/everolimus/"))
    assert response.status_code == 404
    assert (
        'Puede leerla en inglés: <a href="/drugs/everolimus/" hreflang="en" lang="en">'
        "Everolimus</a>"
    ) in response.content.decode()


@pytest.mark.parametrize("url", ["/pages/no-such-page/", "/drugs/no-such-drug/", "/nowhere/"])
def test_a_spanish_address_with_nothing_in_english_is_a_spanish_404(client, seed_publication, url):
    response = client.get(spanish(url))
    html = without_names(response.content.decode(), "Cancer drug information")
    assert response.status_code == 404
    assert "No encontramos esa página" in html and 'lang="es"' in html
    assert [word for word in ENGLISH_CHROME if word in html] == []


def test_an_english_404_stays_english(client, seed_publication):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_a_spanish_page_address_costs_at_most_two_queries(
    client, seed_url, django_assert_max_num_queries
):
    client.get(seed_url)  # the site identity, read once per process
    for url in (seed_url, "/drugs/everolimus/", "/", "/search/?q=dolor"):
        with django_assert_max_num_queries(2):
            client.get(spanish(url))


def test_the_english_frozen_body_is_byte_for_byte_what_it_was_before_translation(
    seed_publication,
):
    """tests/editorial/data/seed_page_body.html is the seed page's body as the templates
    rendered it before their words were marked for translation."""
    expected = (DATA / "seed_page_body.html").read_text()
    assert render_page_body(seed_publication.content) == expected


def test_the_frozen_body_is_rendered_in_the_active_language_not_from_another_languages_cache(
    seed_publication,
):
    english = render_page_body(seed_publication.content)
    with translation.override("es"):
        spanish_body = render_page_body(seed_publication.content)
    assert '<h2 id="references">Referencias</h2>' in spanish_body
    assert render_page_body(seed_publication.content) == english


def test_dates_are_written_in_spanish_on_spanish_pages():
    template = Template("{% load editorial_public %}{{ day|long_date }}")
    context = Context({"day": date(2021, 8, 17)})
    with translation.override("es"):
        assert template.render(context) == "17 de agosto de 2021"
    assert template.render(context) == "August 17, 2021"


def catalogue(*entries: tuple[str, str]) -> str:
    header = 'msgid ""\nmsgstr ""\n"Language: es\\n"\n'
    return "\n".join(
        [header, *(f'msgid "{msgid}"\nmsgstr "{msgstr}"\n' for msgid, msgstr in entries)]
    )


def test_the_catalogue_check_finds_a_msgid_the_code_uses_that_is_missing():
    committed = catalogue(("Drugs", "Medicamentos"))
    regenerated = catalogue(("Drugs", "Medicamentos"), ("Search", ""))
    assert differences(committed, regenerated) == ["missing: 'Search'"]


def test_the_catalogue_check_finds_a_msgid_no_longer_used():
    committed = catalogue(("Drugs", "Medicamentos"), ("Search", "Buscar"))
    regenerated = catalogue(("Drugs", "Medicamentos"))
    assert differences(committed, regenerated) == ["obsolete: 'Search'"]


def test_the_catalogue_check_finds_an_untranslated_msgid():
    committed = catalogue(("Drugs", ""))
    assert differences(committed, committed) == ["untranslated: 'Drugs'"]


def test_the_catalogue_check_ignores_header_dates_and_obsolete_entries():
    committed = catalogue(("Drugs", "Medicamentos")).replace(
        '"Language: es\\n"', '"POT-Creation-Date: 2026-01-01\\n"'
    )
    regenerated = catalogue(("Drugs", "Medicamentos")) + '\n#~ msgid "Old"\n#~ msgstr "Viejo"\n'
    assert differences(committed, regenerated) == []


def test_the_committed_catalogue_translates_every_msgid():
    po = (Path(__file__).parents[2] / "locale/es/LC_MESSAGES/django.po").read_text()
    assert re.search(r'^msgstr ""\n\n', po[po.index("\n\n") :], re.M) is None
    assert differences(po, po) == []


def test_a_taken_down_pages_spanish_address_links_no_english_page(
    client, seed_page, seed_url, managing_editor
):
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    response = client.get(spanish(seed_url))
    html = response.content.decode()
    assert response.status_code == 404
    assert "No encontramos esa página" in html and seed_url not in html


def test_an_unreadable_spanish_search_is_a_spanish_400(client, seed_publication):
    response = client.get(spanish("/search/?q=a%00b"))
    html = without_names(response.content.decode(), "Cancer drug information")
    assert response.status_code == 400
    assert "No podemos responder a esa solicitud" in html
    assert [word for word in ENGLISH_CHROME if word in html] == []


def test_the_frames_words_are_looked_up_once_per_language_in_that_language():
    assert words.words("es")["last_revised"] == "Última revisión:"
    assert words.words("en-us")["last_revised"] == "Last Revised:"
    assert words.words("es") is words.words("es")


def test_every_frame_word_has_its_spanish_translation():
    english, spanish = words.words("en-us"), words.words("es")
    assert [name for name in words.WORDS if spanish[name] == english[name]] == []


def test_a_phrase_is_filled_with_its_value_escaped_and_keeps_its_own_markup():
    filled = fill(words.words("en-us")["written_by"], "<b>Team</b> & co")
    assert filled == 'Written by <a href="#attribution">&lt;b&gt;Team&lt;/b&gt; &amp; co</a>'
