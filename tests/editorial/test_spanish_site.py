"""The public site in Spanish: a page live in Spanish at /es/, its notices, hreflang both
ways, its cache entries and purges, the Spanish list, search and sitemap; feeds and the
API stay English."""

import json
import re

import pytest
from django.core.cache import cache
from django.utils import translation

from editorial import integrity
from editorial.models import CurrentTranslation, PublicationSearch
from editorial.public import frontend_cache
from editorial.public.views import search_publications
from tests.editorial.test_frontend_cache import API_BAN, banned, caches, purged  # noqa: F401
from tests.translated import SPANISH_TEAM, SPANISH_TITLE, publish_spanish, spanish_content
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db

# The English chrome and the English content's own sentences: none may show in Spanish.
ENGLISH_WORDS = (
    "Skip to main content",
    "Pages by cancer type",
    "Last Revised",
    "Last medically reviewed",
    ">References<",
    "side effects",
    "Side effects",
    "Common",
    "It has been shown to help treat advanced pancreatic NETs.",
    "Everolimus blocks a protein",
    "mouth sores",
    "Managing Cancer-related Side Effects",
    "To learn about some of the side effects",
    "More information",
    "Version ",
)
UNPUBLISHED_WORD = "Zorblaxitolina"


@pytest.fixture
def real_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "spanish-site-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def spanish(seed_publication):
    return publish_spanish(seed_publication)


@pytest.fixture
def spanish_url(seed_url) -> str:
    return "/es" + seed_url


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


# --- The page -----------------------------------------------------------------------------


def test_a_page_live_in_spanish_is_read_at_the_english_path_under_es(client, spanish, spanish_url):
    html = page(client, spanish_url)
    assert '<html lang="es">' in html
    assert f"<h1>{SPANISH_TITLE}</h1>" in html
    assert "Los medicamentos de terapia dirigida actúan" in html


def test_the_spanish_page_shows_no_english_words_but_names_and_references(
    client, spanish, spanish_url, seed_publication
):
    html = page(client, spanish_url)
    body = html.split('<section class="references"')[0]  # references stay as published
    assert [word for word in ENGLISH_WORDS if word in body] == []


def test_the_spanish_page_writes_its_dates_in_spanish(client, spanish, spanish_url):
    html = page(client, spanish_url)
    assert "Última revisión:" in html or "Revisado por última vez" in html or "de 20" in html
    day = spanish.last_revised
    with translation.override("es"):
        from editorial.templatetags.editorial_public import long_date

        assert long_date(day) in html


def test_the_spanish_page_says_in_json_ld_it_is_in_spanish(client, spanish, spanish_url):
    data = json_ld(page(client, spanish_url))
    assert data["inLanguage"] == "es"
    assert data["name"] == SPANISH_TITLE


def test_the_english_page_says_in_json_ld_it_is_in_english(client, spanish, seed_url):
    assert json_ld(page(client, seed_url))["inLanguage"] == "en-US"


def test_an_untranslated_drug_section_says_so_and_links_the_english_section(
    client, spanish, spanish_url, seed_url
):
    html = page(client, spanish_url)
    assert (
        "Esta sección aún no está traducida. Puede leerla en inglés: "
        f'<a href="{seed_url}#everolimus" hreflang="en">Everolimus</a>.'
    ) in html
    shown = html.split("<main")[1].split("</main>")[0]
    assert "El everolimus bloquea" not in shown  # no half-translated section


def test_an_untranslated_side_effect_list_says_so_and_links_the_english_section(
    client, spanish, spanish_url, seed_url
):
    html = page(client, spanish_url)
    assert (
        "La lista de efectos secundarios de este medicamento aún no está traducida. "
        f'Puede leerla en inglés: <a href="{seed_url}#belzutifan" hreflang="en">'
    ) in html
    assert "El belzutifán es un inhibidor del HIF." in html


def test_a_translated_side_effect_list_is_headed_in_spanish(client, spanish, spanish_url):
    html = page(client, spanish_url)
    assert '<h3 class="side-effect-group">Efectos secundarios frecuentes</h3>' in html
    assert "<li>náuseas</li>" in html


def test_an_untranslated_more_information_link_is_left_out(client, spanish, spanish_url):
    html = page(client, spanish_url)
    assert "Para saber más sobre la terapia dirigida, consulte" in html
    assert "Managing Cancer-related Side Effects" not in html


def test_the_spanish_page_links_drugs_and_glossary_at_their_spanish_addresses(
    client, spanish, spanish_url
):
    html = page(client, spanish_url)
    assert 'href="/es/drugs/sunitinib/"' in html
    assert 'href="/drugs/sunitinib/"' not in html


def test_the_spanish_page_costs_one_query(
    client, spanish, spanish_url, seed_url, django_assert_max_num_queries
):
    client.get(seed_url)  # the site identity, read once per process
    with django_assert_max_num_queries(1):
        assert client.get(spanish_url).status_code == 200


def test_the_spanish_references_page_lists_the_references_and_links_back_in_spanish(
    client, spanish, spanish_url
):
    html = page(client, spanish_url + "references/")
    assert 'href="https://doi.org/10.1016/j.clinthera.2017.10.010"' in html
    assert f'<a href="{spanish_url}">' in html


# --- Out of date --------------------------------------------------------------------------


def republish_english(seed_page, people):
    writer, physician, nurse, managing_editor = people
    change = edit(writer, seed_page, title=f"{seed_page.title}, updated")
    publish_through_review(change, writer, physician, nurse, managing_editor)


@pytest.fixture
def people(writer, physician, nurse, managing_editor):
    return writer, physician, nurse, managing_editor


def test_an_up_to_date_translation_carries_no_notice(client, spanish, spanish_url):
    assert "Esta traducción se basa" not in page(client, spanish_url)


def test_a_translation_says_so_once_the_english_content_changed(
    client, spanish, spanish_url, seed_page, seed_publication, people, seed_url
):
    republish_english(seed_page, people)
    with translation.override("es"):
        from editorial.templatetags.editorial_public import long_date

        day = long_date(seed_publication.last_revised)
    html = page(client, spanish_url)
    assert (
        f"Esta traducción se basa en la versión del {day} de la "
        f'<a href="{seed_url}" hreflang="en">página en inglés</a>, '
        "que se ha actualizado desde entonces."
    ) in html


def test_a_translation_of_the_live_english_content_is_up_to_date_whatever_it_was_made_from(
    client, seed_publication, spanish_url
):
    """The notice compares content, not publications: a translation made from an earlier
    publication of the same content is current."""
    publish_spanish(seed_publication, source=seed_publication)
    assert "Esta traducción se basa" not in page(client, spanish_url)


# --- hreflang and the switcher ------------------------------------------------------------


def test_the_spanish_page_links_the_english_one_both_as_hreflang_and_switcher(
    client, spanish, spanish_url, seed_url
):
    html = page(client, spanish_url)
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{seed_url}">' in html
    assert f'<link rel="alternate" hreflang="es" href="http://testserver{spanish_url}">' in html
    assert (
        f'<a href="http://testserver{seed_url}" hreflang="en" lang="en">'
        "Read this page in English</a>"
    ) in html


def test_the_english_page_links_its_spanish_version_when_one_is_live(
    client, spanish, spanish_url, seed_url
):
    html = page(client, seed_url)
    assert f'<link rel="alternate" hreflang="es" href="http://testserver{spanish_url}">' in html
    assert (
        f'<a href="http://testserver{spanish_url}" hreflang="es" lang="es">'
        "Lea esta página en español</a>"
    ) in html


def test_the_english_page_links_no_spanish_version_while_none_is_live(
    client, seed_publication, seed_url
):
    publish_spanish(seed_publication, live=False)
    html = page(client, seed_url)
    assert "hreflang=" not in html.split("</head>")[0]
    assert "/es/" not in html


def test_the_english_page_links_no_spanish_version_once_it_is_taken_down(client, spanish, seed_url):
    CurrentTranslation.objects.filter(publication=spanish).update(publication=None, slug=None)
    assert "/es/pages/" not in page(client, seed_url)


def test_the_english_page_stays_one_query_with_a_spanish_version_live(
    client, spanish, seed_url, django_assert_max_num_queries
):
    client.get(seed_url)  # the site identity, read once per process
    with django_assert_max_num_queries(1):
        client.get(seed_url)


def test_the_english_page_sends_no_vary_accept_language(client, spanish, seed_url):
    assert "Accept-Language" not in client.get(seed_url).get("Vary", "")


# --- Caches -------------------------------------------------------------------------------


def test_the_spanish_and_english_pages_are_separate_cache_entries(
    client, spanish, spanish_url, seed_url, real_cache
):
    client.get(seed_url)
    client.get(spanish_url)
    stored = [key for key in cache._cache if "cache_page" in key]
    assert len(stored) == 2
    assert any(".es." in key for key in stored) and any(".en-us." in key for key in stored)
    assert f"<h1>{SPANISH_TITLE}</h1>" in page(client, spanish_url)  # a hit, still Spanish
    assert SPANISH_TITLE not in page(client, seed_url).split("<main")[1]


def test_publishing_in_english_purges_the_spanish_address(caches, seed_publication, spanish_url):  # noqa: F811
    targets = frontend_cache.after_publish([seed_publication])
    assert spanish_url in targets.urls


def test_publishing_in_spanish_purges_the_english_page_and_the_spanish_lists(
    spanish, seed_url, spanish_url
):
    targets = frontend_cache.after_publish([spanish], "es")
    assert seed_url in targets.urls and spanish_url in targets.urls
    assert "/es/" in targets.urls and "/sitemap.xml" in targets.urls
    assert targets.bans == ["^/es/search/"]  # never the English search, nor the API


def test_a_spanish_publish_signal_reaches_the_http_caches(caches, spanish, seed_url):  # noqa: F811
    frontend_cache.purge_on_publish(sender=None, publications=[spanish], language="es")
    assert seed_url in purged(caches)
    assert API_BAN not in banned(caches)


def test_taking_a_spanish_page_off_purges_its_english_page(spanish, seed_url, spanish_url):
    targets = frontend_cache.after_unpublish(spanish, "es")
    assert seed_url in targets.urls and spanish_url in targets.urls


# --- Lists, search, sitemap ---------------------------------------------------------------


def test_the_spanish_index_lists_the_live_spanish_pages(client, spanish, spanish_url):
    html = page(client, "/es/")
    assert f'<a href="{spanish_url}">{SPANISH_TITLE}</a>' in html
    assert "Tumor neuroendocrino de páncreas" in html


def test_spanish_search_finds_spanish_words_whatever_their_accents(client, spanish, spanish_url):
    for query in ("páncreas", "pancreas", "nauseas", "angiogénesis", "Angiogenesis"):
        html = page(client, f"/es/search/?q={query}")
        assert f'href="{spanish_url}"' in html, query


def test_spanish_search_reads_only_spanish_publications(client, spanish):
    assert "Se encontraron 0 páginas" in page(client, "/es/search/?q=chemotherapy")
    assert "0 pages found" in page(client, "/search/?q=angiogénesis")


def test_spanish_search_results_link_the_spanish_page_with_a_spanish_passage(spanish, spanish_url):
    results, _more = search_publications("páncreas", "es")
    assert [result["url"] for result in results] == [spanish_url]
    assert any(segment.marked for segment in results[0]["passage"])


def test_spanish_search_rows_leave_out_english_labels_and_untranslated_words(spanish):
    row = PublicationSearch.objects.get(publication=spanish)
    assert "side effects" not in row.body and "None" not in row.body
    assert "náuseas" in row.words


def test_the_sitemap_lists_both_languages_with_alternates(client, spanish, seed_url, spanish_url):
    xml = page(client, "/sitemap.xml")
    assert f"<loc>http://testserver{spanish_url}</loc>" in xml
    assert xml.count(f'hreflang="es" href="http://testserver{spanish_url}"') == 2
    assert xml.count(f'hreflang="en" href="http://testserver{seed_url}"') == 2


def test_the_sitemap_lists_no_alternate_for_a_page_live_in_english_only(client, seed_url):
    assert "xhtml:link" not in page(client, "/sitemap.xml")


@pytest.mark.parametrize(
    "url", ["/changes/feed/", "PAGE/changes/feed/", "PAGE/changes/", "/api/v1/pages/", "/"]
)
def test_feeds_the_api_and_the_english_lists_stay_english(client, spanish, seed_url, url):
    html = page(client, url.replace("PAGE/", seed_url))
    assert SPANISH_TITLE not in html and SPANISH_TEAM not in html


# --- Nothing unpublished reaches the public -----------------------------------------------


def public_urls(seed_url: str) -> list[str]:
    spanish_url = "/es" + seed_url
    return [
        "/",
        "/es/",
        seed_url,
        spanish_url,
        spanish_url + "references/",
        spanish_url + "changes/",
        seed_url + "changes/",
        "/changes/feed/",
        seed_url + "changes/feed/",
        "/es/drugs/",
        "/es/drugs/everolimus/",
        "/es/drugs/sunitinib/",
        "/drugs/sunitinib/",
        "/es/side-effects/",
        "/api/v1/pages/",
        f"/api/v1/pages/{seed_url.strip('/').split('/')[-1]}/",
        "/sitemap.xml",
    ]


def unpublished_content(english) -> dict:
    """Spanish content with the unpublished word in its title, a drug's own words and a
    side effect's: wherever a Spanish page, drug page or glossary would show it."""
    content = spanish_content(english.content, title=f"{SPANISH_TITLE} {UNPUBLISHED_WORD}")
    drug = content["drug_sections"][0]["drug"]
    drug["mechanism"] = f"{drug['mechanism']} {UNPUBLISHED_WORD}"
    entry = drug["side_effects"][0]["entries"][0]
    entry["term"]["name"] = entry["text"] = UNPUBLISHED_WORD.lower()
    return content


def test_an_unpublished_spanish_translation_is_reachable_by_no_public_url(
    client, seed_publication, seed_url
):
    publish_spanish(seed_publication, unpublished_content(seed_publication), live=False)
    for url in public_urls(seed_url):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert UNPUBLISHED_WORD.lower() not in response.content.decode().lower(), url
    assert "Se encontraron 0 páginas" in page(client, f"/es/search/?q={UNPUBLISHED_WORD}")
    assert "0 pages found" in page(client, f"/search/?q={UNPUBLISHED_WORD}")


def test_a_spanish_draft_of_a_live_translation_is_reachable_by_no_public_url(
    client, spanish, seed_publication, seed_url
):
    """A newer Spanish publication not (yet) pointed at leaves the live one in place."""
    publish_spanish(seed_publication, unpublished_content(seed_publication), live=False)
    for url in public_urls(seed_url):
        assert UNPUBLISHED_WORD.lower() not in client.get(url).content.decode().lower(), url
    assert "Se encontraron 0 páginas" in page(client, f"/es/search/?q={UNPUBLISHED_WORD}")
    assert f"<h1>{SPANISH_TITLE}</h1>" in page(client, "/es" + seed_url)


def test_a_spanish_publications_lookup_rows_and_search_vector_verify(spanish):
    """On PostgreSQL the check recomputes the vector with the Spanish configuration."""
    assert integrity.verify_lookups() == []


def test_a_spanish_pages_json_ld_says_who_reviewed_it_in_spanish(spanish):
    from editorial.structured_data import page_data

    data = page_data(
        spanish.content,
        last_revised=spanish.last_revised,
        last_reviewed=spanish.last_revised,
        reviewed_by=["MD", "OCN"],
    )
    assert data["reviewedBy"]["description"] == (
        "Revisado por un médico y una enfermera certificada en oncología"
    )


def test_an_english_pages_json_ld_says_who_reviewed_it_as_it_always_did(seed_publication):
    from editorial.structured_data import page_data

    data = page_data(
        seed_publication.content,
        last_revised=seed_publication.last_revised,
        last_reviewed=seed_publication.last_revised,
        reviewed_by=["MD", "OCN"],
    )
    assert data["reviewedBy"]["description"] == (
        "Reviewed by a physician and an oncology certified nurse"
    )
