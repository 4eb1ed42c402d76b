"""Drug pages, the drug list and the glossary in Spanish: what a live Spanish page gives
of a drug is published at /es/drugs/…, a drug no live Spanish page translates answers the
Spanish 404 that links its English page, and publishing purges both languages' lists."""

import pytest

from drugs.models import Drug, DrugSideEffect, SideEffectTerm
from editorial.models import Publication
from editorial.public import frontend_cache
from editorial.public.views import glossary_letters
from tests.translated import SPANISH_TERMS
from tests.translations import (
    publish_in_spanish,
    translate,
    translate_page,
)
from tests.workflow import publish_through_review, remove

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reviewers_in_spanish")]

MECHANISM = (
    "El sunitinib bloquea varias tirosina cinasas y ataca el crecimiento de nuevos vasos "
    "sanguíneos."
)
ADMINISTRATION = "Este medicamento se toma como una pastilla una vez al día."
HAND_FOOT = "enrojecimiento, dolor y descamación de la piel de las palmas y las plantas"


def translate_sunitinib(author, change, side_effects: bool = True):
    """Sunitinib's own words in Spanish, and (unless not `side_effects`) every one of its
    side effects' terms, the hand-foot syndrome's explanation too."""
    drug = Drug.objects.get(slug="sunitinib")
    texts = {"mechanism": MECHANISM, "administration": ADMINISTRATION}
    for field in ("targets", "route", "drug_class"):
        if getattr(drug, field):
            texts[field] = f"{field} en español"
    translate(author, change, drug, **texts)
    if not side_effects:
        return
    for effect in DrugSideEffect.objects.filter(drug=drug).select_related("term"):
        term = effect.term
        term_texts = {"name": SPANISH_TERMS[term.name]}
        if term.explanation:
            term_texts["explanation"] = HAND_FOOT
        translate(author, change, term, **term_texts)
        effect_texts = {
            field: f"{getattr(effect, field)} (es)"
            for field in ("wording", "detail")
            if getattr(effect, field)
        }
        if effect_texts:
            translate(author, change, effect, **effect_texts)


@pytest.fixture
def spanish(seed_page, people):
    """The seed page live in Spanish, its words and sunitinib's translated."""
    writer = people[0]
    change = translate_page(writer, seed_page)
    translate_sunitinib(writer, change)
    (publication,) = publish_in_spanish(change, *people)
    return publication


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- A drug's page ------------------------------------------------------------------------


def test_a_drug_a_live_spanish_page_translates_is_published_at_its_spanish_address(client, spanish):
    html = page(client, "/es/drugs/sunitinib/")
    assert '<html lang="es"' in html
    assert MECHANISM in html and ADMINISTRATION in html


def test_the_spanish_drug_page_lists_its_side_effects_in_spanish(client, spanish):
    html = page(client, "/es/drugs/sunitinib/")
    assert "llagas en la boca" in html and "mouth sores" not in html
    assert "side effects" not in html.lower()


def test_the_spanish_drug_page_links_the_spanish_pages_that_show_it(client, spanish, seed_url):
    html = page(client, "/es/drugs/sunitinib/")
    assert f'href="/es{seed_url}#sunitinib"' in html
    assert f'href="{seed_url}#sunitinib"' not in html


def test_the_spanish_drug_page_links_its_english_page_both_as_hreflang_and_switcher(
    client, spanish
):
    html = page(client, "/es/drugs/sunitinib/")
    assert '<link rel="alternate" hreflang="en" href="http://testserver/drugs/sunitinib/">' in html
    assert (
        '<link rel="alternate" hreflang="es" href="http://testserver/es/drugs/sunitinib/">' in html
    )
    assert 'class="language-switch"><a href="http://testserver/drugs/sunitinib/"' in html


def test_the_english_drug_page_links_its_spanish_page_once_one_is_published(client, spanish):
    html = page(client, "/drugs/sunitinib/")
    assert (
        '<link rel="alternate" hreflang="es" href="http://testserver/es/drugs/sunitinib/">' in html
    )
    assert 'href="http://testserver/es/drugs/sunitinib/" hreflang="es" lang="es"' in html


def test_the_english_drug_page_links_no_spanish_page_for_a_drug_not_translated(client, spanish):
    assert 'hreflang="es"' not in page(client, "/drugs/everolimus/")


def test_a_drug_no_live_spanish_page_translates_answers_the_spanish_404_linking_english(
    client, spanish
):
    response = client.get("/es/drugs/everolimus/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'lang="es"' in html and 'href="/drugs/everolimus/"' in html


def test_a_drug_whose_side_effects_are_not_translated_says_so_and_links_english(
    client, seed_page, people
):
    change = translate_page(people[0], seed_page)
    translate_sunitinib(people[0], change, side_effects=False)
    publish_in_spanish(change, *people)
    html = page(client, "/es/drugs/sunitinib/")
    assert MECHANISM in html
    assert 'class="not-translated"' in html and 'href="/drugs/sunitinib/" hreflang="en"' in html
    assert "mouth sores" not in html and "nausea" not in html


def test_a_drug_only_a_spanish_draft_translates_has_no_spanish_page(client, seed_page, people):
    change = translate_page(people[0], seed_page)
    translate_sunitinib(people[0], change)
    assert client.get("/es/drugs/sunitinib/").status_code == 404
    assert MECHANISM not in client.get("/es/drugs/").content.decode()


def test_the_spanish_drug_page_keeps_to_its_query_budget(
    client, spanish, django_assert_max_num_queries
):
    client.get("/es/")  # the site identity, read once per process
    with django_assert_max_num_queries(2):  # the drug's pages, then the English page's
        assert client.get("/es/drugs/sunitinib/").status_code == 200


# --- The lists ----------------------------------------------------------------------------


def test_the_spanish_drug_list_lists_the_drugs_published_in_spanish(client, spanish):
    html = page(client, "/es/drugs/")
    assert 'href="/es/drugs/sunitinib/"' in html
    assert "/drugs/everolimus/" not in html and "/drugs/belzutifan/" not in html


def test_the_spanish_drug_list_says_none_is_published_before_any_is(client, seed_page, people):
    publish_in_spanish(translate_page(people[0], seed_page), *people)
    html = page(client, "/es/drugs/")
    assert "/es/drugs/sunitinib/" not in html and 'href="/drugs/"' in html


def test_the_spanish_glossary_lists_the_terms_given_in_spanish_by_their_letters(client, spanish):
    html = page(client, "/es/side-effects/")
    assert "Síndrome mano-pie" in html and HAND_FOOT.capitalize() in html
    assert 'href="/es/drugs/sunitinib/"' in html
    assert "Mouth sores" not in html and "Infections" not in html  # everolimus untranslated


def test_the_spanish_glossary_files_an_accented_term_under_its_plain_letter():
    content = {
        "drug_sections": [
            {
                "drug": {
                    "slug": "x",
                    "generic_name": "X",
                    "side_effects": [
                        {
                            "entries": [
                                {"term": {"slug": s, "name": n, "explanation": ""}}
                                for s, n in (("ulcer", "úlcera"), ("urticaria", "urticaria"))
                            ]
                        }
                    ],
                }
            }
        ]
    }
    (letter,) = glossary_letters([Publication(content=content)])
    assert letter["letter"] == "U"
    assert [term["name"] for term in letter["terms"]] == ["úlcera", "urticaria"]


def test_the_sitemap_lists_the_spanish_drug_pages(client, spanish):
    xml = page(client, "/sitemap.xml")
    assert "<loc>http://testserver/es/drugs/sunitinib/</loc>" in xml
    assert "/es/drugs/everolimus/" not in xml


# --- Purges -------------------------------------------------------------------------------


def test_publishing_in_spanish_purges_the_drug_pages_and_lists_in_both_languages(spanish):
    urls = frontend_cache.after_publish([spanish], "es").urls
    for url in ("/es/drugs/sunitinib/", "/drugs/sunitinib/", "/es/drugs/", "/es/side-effects/"):
        assert url in urls


def test_publishing_in_spanish_purges_a_drug_the_page_no_longer_shows(spanish, seed_page, people):
    """Everolimus leaves the page; the Spanish republish purges its Spanish page too."""
    writer = people[0]
    section = seed_page.drug_sections.get(drug__slug="everolimus")
    publish_through_review(remove(writer, section), *people)
    (republished,) = publish_in_spanish(translate_page(writer, seed_page, title="Otra"), *people)
    assert "everolimus" not in republished.drug_slugs
    assert "/es/drugs/everolimus/" in frontend_cache.after_publish([republished], "es").urls


def test_a_term_only_english_names_is_left_out_of_the_spanish_glossary(client, spanish):
    term = SideEffectTerm.objects.get(slug="infections")
    assert term.name.capitalize() not in page(client, "/es/side-effects/")
