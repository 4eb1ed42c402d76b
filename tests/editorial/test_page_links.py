"""Readers follow a page to its drugs and side effects, and find drugs from every page."""

import re

import pytest
from django.urls import reverse

from drugs.models import Drug, DrugSection, DrugSideEffect, SideEffectTerm
from editorial.models import Change
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db


def body(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def glossary_html(client, seed_publication) -> str:
    return body(client, reverse("editorial:glossary"))


def glossary_entry(html: str, slug: str) -> str:
    match = re.search(rf'<div class="glossary-entry" id="{slug}">(.*?)</div>', html, re.S)
    assert match, f"no glossary entry {slug}"
    return match.group(1)


@pytest.fixture
def draft_drug(seed_page, writer) -> Drug:
    """A new drug with a new side effect, put on the seed page in a change not yet published."""
    drug = Drug(generic_name="Cabozantinib", slug="cabozantinib", brand_names="Cabometyx")
    change = edit(writer, drug)
    term = SideEffectTerm(name="voice changes", slug="voice-changes", explanation="hoarseness")
    edit(writer, term, change=change)
    edit(writer, DrugSideEffect(drug=drug, term=term, group="common"), change=change)
    edit(writer, DrugSection(page=seed_page, drug=drug, position=9), change=change)
    return drug


def test_each_drug_heading_links_to_its_drug_page(client, seed_url):
    html = body(client, seed_url)
    for slug, name in [
        ("sunitinib", "Sunitinib (Sutent)"),
        ("everolimus", "Everolimus (Afinitor)"),
    ]:
        assert f'<h2 id="{slug}-name"><a href="/drugs/{slug}/">{name}</a></h2>' in html


def test_the_linked_drug_page_is_live(client, seed_url):
    for href in re.findall(r'<h2 id="[a-z]+-name"><a href="([^"]+)"', body(client, seed_url)):
        assert client.get(href).status_code == 200


def test_an_explained_side_effect_opens_in_place_and_links_to_its_glossary_entry(
    client, seed_url, glossary_html
):
    html = body(client, seed_url)
    match = re.search(
        r'<details class="side-effect">\s*<summary>hand-foot syndrome \(redness, pain, and skin '
        r"peeling of the palms of the hands and the soles of the feet\)</summary>\s*<p>(.*?)</p>",
        html,
        re.S,
    )
    assert match, "hand-foot syndrome is not a details element"
    assert '<a href="/side-effects/#hand-foot-syndrome">' in match.group(1)
    assert 'id="hand-foot-syndrome"' in glossary_html


def test_a_drug_page_links_its_explained_side_effects_to_the_glossary_as_the_page_does(
    client, seed_publication
):
    html = client.get("/drugs/sunitinib/").content.decode()
    assert re.search(
        r'<details class="side-effect">\s*<summary>hand-foot syndrome \(redness.*?</summary>\s*'
        r'<p><a href="/side-effects/#hand-foot-syndrome">',
        html,
        re.S,
    )
    assert "<li>nausea</li>" in html


def test_a_side_effect_without_an_explanation_stays_a_plain_line(client, seed_url):
    html = body(client, seed_url)
    assert "<li>nausea</li>" in html
    assert "<summary>nausea</summary>" not in html


def test_the_links_are_in_the_frozen_body_the_reviewers_saw(seed_publication):
    assert '<a href="/drugs/everolimus/">' in seed_publication.html
    assert '<a href="/side-effects/#hand-foot-syndrome">' in seed_publication.html


def test_the_glossary_groups_terms_under_their_first_letter_with_an_index(glossary_html):
    letters = re.findall(r'<h2 id="letter-([a-z])">([A-Z])</h2>', glossary_html)
    assert [lower for lower, _ in letters] == [upper.lower() for _, upper in letters]
    assert [upper for _, upper in letters] == sorted(upper for _, upper in letters)
    assert ("h", "H") in letters
    for lower, _ in letters:
        assert f'<a href="#letter-{lower}">' in glossary_html
    heading_h = glossary_html.index('<h2 id="letter-h">')
    next_heading = glossary_html.index("<h2", heading_h + 1)
    assert heading_h < glossary_html.index('id="hand-foot-syndrome"') < next_heading


def test_a_glossary_entry_explains_the_term_and_lists_the_drugs_that_show_it(glossary_html):
    entry = glossary_entry(glossary_html, "hand-foot-syndrome")
    assert "<dt>Hand-foot syndrome</dt>" in entry
    assert "Redness, pain, and skin peeling" in entry
    assert '<a href="/drugs/sunitinib/">Sunitinib</a>' in entry
    assert "everolimus" not in entry


def test_a_term_shown_by_several_drugs_lists_each_once_in_name_order(glossary_html):
    names = re.findall(r">([A-Z][a-z]+)</a>", glossary_entry(glossary_html, "nausea"))
    assert names == ["Belzutifan", "Everolimus", "Sunitinib"]


def test_a_drug_and_term_only_in_a_draft_are_not_in_the_glossary_or_the_drug_list(
    client, seed_publication, draft_drug
):
    glossary = body(client, reverse("editorial:glossary"))
    assert "voice-changes" not in glossary and "Cabozantinib" not in glossary
    assert "Cabozantinib" not in body(client, reverse("editorial:drugs"))
    assert client.get(reverse("editorial:drug", args=["cabozantinib"])).status_code == 404


def test_once_published_the_new_drug_and_term_appear(
    client, seed_publication, draft_drug, writer, physician, nurse, managing_editor
):
    change = Change.objects.get(state=Change.State.DRAFT)
    publish_through_review(change, writer, physician, nurse, managing_editor)
    glossary = body(client, reverse("editorial:glossary"))
    assert '<a href="/drugs/cabozantinib/">Cabozantinib</a>' in glossary_entry(
        glossary, "voice-changes"
    )
    assert '<h2 id="letter-v">V</h2>' in glossary
    assert '<a href="/drugs/cabozantinib/">Cabozantinib</a>' in body(
        client, reverse("editorial:drugs")
    )


def test_the_drug_list_names_every_published_drug_with_its_brands(client, seed_publication):
    html = body(client, reverse("editorial:drugs"))
    names = re.findall(r'<li><a href="/drugs/([a-z]+)/">([A-Za-z]+)</a>', html)
    assert names == [
        ("belzutifan", "Belzutifan"),
        ("everolimus", "Everolimus"),
        ("sunitinib", "Sunitinib"),
    ]
    assert "Afinitor" in html


@pytest.mark.parametrize("view", ["editorial:index", "editorial:drugs", "editorial:glossary"])
def test_every_public_page_carries_the_site_navigation(client, seed_publication, view):
    html = body(client, reverse(view))
    nav = re.search(r'<nav class="site-nav" aria-label="Site">(.*?)</nav>', html, re.S).group(1)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav) == [
        ("/", "Pages by cancer type"),
        ("/drugs/", "Drugs"),
        ("/side-effects/", "Side effects"),
        ("/search/", "Search"),
    ]


def test_the_sitemap_lists_every_published_drug_page(client, seed_publication):
    xml = client.get(reverse("sitemap")).content.decode()
    for slug in ("belzutifan", "everolimus", "sunitinib"):
        assert f"<loc>http://testserver/drugs/{slug}/</loc>" in xml
    assert f"<lastmod>{seed_publication.last_revised:%Y-%m-%d}</lastmod>" in xml


def test_the_sitemap_leaves_out_a_drug_only_in_a_draft(client, seed_publication, draft_drug):
    assert "/drugs/cabozantinib/" not in client.get(reverse("sitemap")).content.decode()


def test_the_frozen_body_shows_readers_no_template_comment_or_tag(seed_publication):
    """Django's {# #} spans one line only: a longer one was once published as text."""
    for syntax in ("{#", "#}", "{%", "{{"):
        assert syntax not in seed_publication.html
