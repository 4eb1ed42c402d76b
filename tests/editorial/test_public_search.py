"""Public search: a page is found by any word a reader sees on it, best match first, with
the passage that matched; a search that finds nothing offers published spellings."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory, override_settings
from django.urls import reverse

from drugs.models import CancerType, Drug, DrugSection, Page, SideEffectTerm
from editorial import identity, integrity
from editorial.public import search as public_search
from editorial.public.cache import Budget
from editorial.public.views import search_vocabulary
from tests.hostile import hostile_change
from tests.tampering import tampered
from tests.wide import publish_pages_showing
from tests.workflow import edit, publish_through_review, submit

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="stemming is PostgreSQL's full-text search"
)


def search(client, query: str) -> str:
    response = client.get(reverse("editorial:search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def results(html: str) -> list[str]:
    """The addresses of the pages listed, in order."""
    found = re.search(r'<ul class="page-list search-results">(.*?)</ul>', html, re.S)
    return re.findall(r'<li><a href="([^"]+)">', found.group(1)) if found else []


def passages(html: str) -> list[str]:
    return re.findall(r'<p class="search-results__passage">(.*?)</p>', html, re.S)


# One word (or a few) from each kind of text the seed page shows, found in nothing else.
SEED_WORDS = {
    "title": "Neuroendocrine Tumor",
    "intro": "angiogenesis",
    "generic name": "Sunitinib",
    "brand name": "Welireg",
    "drug class": "HIF inhibitor",
    "what it blocks": "hypoxia-inducible factor",
    "how it works": "divide",
    "how it is taken": "typically",
    "route": "pill",
    "evidence": "slow tumor growth",
    "indication": "surgery",
    "more-information link text": "Managing",
    "more-information lead-in": "learn",
    "side-effect wording": "dizzy",
    "side-effect detail": "transfusions",
    "side-effect term name": "lung damage",
    "side-effect explanation": "palms",
    "cancer type": "pancreatic neuroendocrine tumor",
}


@pytest.mark.parametrize("query", SEED_WORDS.values(), ids=SEED_WORDS.keys())
def test_search_finds_the_seed_page_by_every_kind_of_word_it_shows(client, seed_url, query):
    assert results(search(client, query)) == [seed_url]


def test_search_matches_words_whatever_their_case(client, seed_url):
    assert results(search(client, "ANGIOGENESIS")) == [seed_url]


def test_part_of_a_word_finds_nothing(client, seed_url):
    assert "0 pages found" in search(client, "angiogen")


def test_every_word_of_a_search_must_be_on_the_page(client, seed_url):
    assert "0 pages found" in search(client, "angiogenesis warfarin")


@pytest.fixture
def renal_page(seed_page, writer, physician, nurse, managing_editor):
    """A published page whose cancer type says what its title does not."""
    cancer = CancerType(name="Renal cell carcinoma", slug="renal-cell-carcinoma")
    change = edit(writer, cancer)
    page = Page(
        title="Targeted Therapy for Kidney Cancer",
        slug="targeted-therapy-for-kidney-cancer",
        cancer_type=cancer,
        intro="Test content: a second page that shows everolimus.",
    )
    edit(writer, page, change=change)
    section = DrugSection(page=page, drug_id=Drug.objects.get(slug="everolimus").pk)
    edit(writer, section, change=change, position=1)
    publish_through_review(change, writer, physician, nurse, managing_editor, summary="New page")
    return page


@pytest.mark.parametrize("query", ["renal", "renal cell carcinoma", "Carcinoma"])
def test_search_finds_a_page_by_its_cancer_type(client, renal_page, query):
    assert results(search(client, query)) == [reverse("editorial:page", args=[renal_page.slug])]


@postgresql_only
@pytest.mark.parametrize(
    ("query", "shown"), [("blocked", "blocking"), ("transfusion", "transfusions")]
)
def test_on_postgresql_search_finds_other_forms_of_a_word(client, seed_url, query, shown):
    html = search(client, query)
    assert results(html) == [seed_url]
    assert f"<mark>{shown}</mark>" in passages(html)[0]


def test_a_title_or_cancer_type_match_comes_before_a_mention_further_down(
    client, seed_url, kidney_page
):
    # The seed page mentions "kidney changes" among belzutifan's side effects.
    kidney_url = reverse("editorial:page", args=[kidney_page.slug])
    assert results(search(client, "kidney")) == [kidney_url, seed_url]


def test_a_title_match_ranks_first_the_other_way_round_too(client, seed_url, kidney_page):
    # "cancer" is in the kidney page's title and all through the seed page's sentences.
    kidney_url = reverse("editorial:page", args=[kidney_page.slug])
    assert results(search(client, "cancer"))[0] == kidney_url


def test_a_result_shows_the_passage_that_matched_with_the_words_marked(client, seed_url):
    (passage,) = passages(search(client, "dizzy"))
    assert "<mark>dizzy</mark>" in passage
    assert "feeling tired and/or <mark>dizzy</mark>" in passage


def test_the_passage_is_the_one_holding_most_of_the_searched_words(client, seed_url):
    (passage,) = passages(search(client, "mTOR divide"))
    assert "<mark>mTOR</mark>, which normally helps cells grow and <mark>divide</mark>" in passage


def test_a_long_passage_is_cut_around_its_match(client, seed_url):
    (passage,) = passages(search(client, "transfusions"))
    assert passage.startswith("… ") or len(passage.split()) <= 40
    assert "<mark>transfusions</mark>" in passage


def test_hostile_content_in_a_passage_is_shown_as_text(
    client, seed_url, writer, physician, nurse, managing_editor
):
    publish_through_review(hostile_change(writer), writer, physician, nurse, managing_editor)
    html = search(client, "survive")
    (passage,) = passages(html)
    assert "<mark>survive</mark>.&lt;script&gt;" in passage
    assert "<script>f" not in html
    assert "<script" not in passage


def test_a_hostile_search_is_shown_as_text(client, seed_url):
    html = search(client, '<img src=x onerror="alert(1)"> nausia')
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.fixture
def stomatitis(seed_page, writer, physician, nurse, managing_editor):
    """The seed's "mouth sores" explained as stomatitis, published through review."""
    term = SideEffectTerm.objects.get(slug="mouth-sores")
    change = edit(writer, term, explanation="sores or swelling in the mouth, called stomatitis")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    return term


def test_search_finds_a_word_of_a_side_effects_explanation(client, seed_url, stomatitis):
    assert results(search(client, "stomatitis")) == [seed_url]


def test_a_search_that_finds_nothing_offers_the_published_spelling(client, seed_url, stomatitis):
    html = search(client, "stomatits")
    assert "0 pages found" in html
    assert (
        f'Did you mean <a href="{reverse("editorial:search")}?q=stomatitis">stomatitis</a>?' in html
    )


def test_the_offered_spelling_keeps_the_other_words(client, seed_url):
    html = search(client, "mouth sorse")
    assert '<a href="/search/?q=mouth%20sores">mouth sores</a>' in html


def test_no_spelling_is_offered_from_a_draft(client, seed_page, writer, physician):
    term = SideEffectTerm.objects.get(slug="mouth-sores")
    submit(edit(writer, term, explanation="sores in the mouth, called stomatitis"), writer)
    html = search(client, "stomatits")
    assert "0 pages found" in html
    assert "Did you mean" not in html
    assert "0 pages found" in search(client, "stomatitis")


def test_no_spelling_is_offered_when_nothing_published_is_close(client, seed_url):
    assert "Did you mean" not in search(client, "zorblaxitol")


UNIQUE = "Zorblaxitol"


def test_a_pending_changes_sentences_are_never_found(client, seed_page, writer):
    section = seed_page.drug_sections.get(drug__slug="everolimus")
    change = edit(writer, section, evidence=f"It helps. {UNIQUE}.")
    change = edit(writer, seed_page, change=change, intro=f"{seed_page.intro} {UNIQUE}")
    submit(change, writer)
    assert "0 pages found" in search(client, UNIQUE)
    assert "Did you mean" not in search(client, "zorblaxitel")


def test_a_search_costs_one_query_however_many_pages_match(
    client, seed_url, writer, physician, nurse, managing_editor, django_assert_max_num_queries
):
    everolimus = Drug.objects.get(slug="everolimus")
    people = {"writer": writer, "physician": physician, "nurse": nurse}
    publish_pages_showing(everolimus, 12, managing_editor=managing_editor, **people)
    identity.current()  # read once per process and cache generation, not per search
    with django_assert_max_num_queries(1):
        html = search(client, "everolimus")
    assert len(results(html)) == 13


def test_a_search_without_results_costs_two_queries(
    client, seed_url, django_assert_max_num_queries
):
    identity.current()  # read once per process and cache generation, not per search
    with django_assert_max_num_queries(2):
        search(client, "stomatits")


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_the_vocabulary_is_read_once_per_generation(seed_url, django_assert_num_queries):
    request = RequestFactory().get("/search/")
    request.public_cache = Budget(caches["default"])
    request.public_cache_generation = 1
    with django_assert_num_queries(1):
        first = search_vocabulary(request)
    with django_assert_num_queries(0):
        assert search_vocabulary(request) == first
    request.public_cache_generation = 2
    with django_assert_num_queries(1):
        search_vocabulary(request)
    assert "angiogenesis" in first


def test_integrity_names_a_publication_whose_search_words_were_rewritten(seed_publication):
    with tampered() as sql:
        sql(
            "UPDATE editorial_publicationsearch SET body = 'warfarin' WHERE publication_id = %s",
            [seed_publication.pk],
        )
        problems = [str(problem) for problem in integrity.verify_lookups()]
    assert any("index of the words it shows" in problem for problem in problems), problems
    assert connection.vendor != "postgresql" or any("search vector" in p for p in problems)


def test_a_search_lists_only_the_best_matches_and_says_more_were_found(
    client, seed_url, kidney_page, monkeypatch
):
    monkeypatch.setattr(public_search, "RESULTS_SHOWN", 1)
    html = search(client, "kidney")
    assert results(html) == [reverse("editorial:page", args=[kidney_page.slug])]
    assert "More than 1 pages found for “kidney”; the 1 that match best are shown." in html
