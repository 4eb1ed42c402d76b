"""The public seed page holds every fact of the seed, read from its publication."""

import re

import pytest
from django.urls import reverse

from drugs.models import CancerType, Page
from editorial import identity
from editorial.seed import DRUG_SECTIONS, DRUGS, PAGE

pytestmark = pytest.mark.django_db


def drug_section(html: str, slug: str) -> str:
    match = re.search(rf'<section class="drug" id="{slug}".*?</section>', html, re.S)
    assert match, f"no section for {slug}"
    return match.group(0)


def side_effect_items(section_html: str, group: str) -> list[str]:
    match = re.search(
        rf'<ul class="side-effects side-effects--{group}">(.*?)</ul>', section_html, re.S
    )
    if not match:
        return []
    # An explained side effect is a <details>: its line is the summary's.
    items = re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    return [re.sub(r".*<summary>(.*?)</summary>.*", r"\1", item, flags=re.S) for item in items]


@pytest.fixture
def seed_html(client, seed_url) -> str:
    response = client.get(seed_url)
    assert response.status_code == 200
    return response.content.decode()


def test_seed_page_has_a_readable_address(seed_url):
    assert seed_url == "/pages/targeted-drug-therapy-for-pancreatic-neuroendocrine-tumor/"


def test_seed_page_shows_title_and_both_intro_paragraphs(seed_html):
    assert "<h1>Targeted Drug Therapy for Pancreatic Neuroendocrine Tumor</h1>" in seed_html
    assert (
        "<p>Targeted drugs work differently from standard chemotherapy (chemo) drugs." in seed_html
    )
    assert (
        "<p>The targeted drugs used to treat pancreatic neuroendocrine tumors (NETs) work by "
        "blocking angiogenesis (the growth of new blood vessels that nourish cancers)"
    ) in seed_html


def test_each_drug_is_shown_with_its_brand_in_the_seed_order(seed_html):
    headings = re.findall(r'<h2 id="[a-z]+-name"><a href="[^"]+">(.*?)</a></h2>', seed_html)
    assert headings == ["Sunitinib (Sutent)", "Everolimus (Afinitor)", "Belzutifan (Welireg)"]


@pytest.mark.parametrize("drug", DRUGS, ids=lambda drug: drug["slug"])
def test_each_side_effect_is_shown_in_its_group_with_its_own_wording(seed_html, drug):
    section = drug_section(seed_html, drug["slug"])
    for group in ("common", "other", "serious"):
        expected = []
        for term, wording, detail in drug["side_effects"].get(group, []):
            text = wording or term
            if term == "hand-foot syndrome":  # the seed shows its explanation in the line
                text += (
                    " (redness, pain, and skin peeling of the palms of the hands and the "
                    "soles of the feet)"
                )
            if detail:
                text += (" " if detail.startswith("(") else ", ") + detail
            expected.append(text)
        assert side_effect_items(section, group) == expected


def test_side_effects_keep_the_seeds_own_wording_and_detail(seed_html):
    for phrase in [
        "fluid buildup (usually in the legs)",
        "damage to the lungs, which can cause shortness of breath or other problems",
        "low oxygen levels in the body, for which you might need oxygen therapy or even be "
        "admitted to the hospital",
    ]:
        assert f"<li>{phrase}</li>" in seed_html
    # An explained term's line reads as the seed's; opened, it leads to the glossary.
    for phrase in [
        "very low red blood cell counts (severe anemia), which might require blood transfusions",
        "hand-foot syndrome (redness, pain, and skin peeling of the palms of the hands and the "
        "soles of the feet)",
    ]:
        assert f"<summary>{phrase}</summary>" in seed_html


def test_drug_paragraph_reads_how_it_works_then_the_pages_evidence_then_how_it_is_taken(seed_html):
    assert (
        "<p>Everolimus blocks a protein known as mTOR, which normally helps cells grow and "
        "divide. It has been shown to help treat advanced pancreatic NETs. Everolimus is a pill "
        "taken once a day.</p>"
    ) in drug_section(seed_html, "everolimus")


def test_the_pages_own_paragraph_follows_the_drug(seed_html):
    section = drug_section(seed_html, "belzutifan")
    assert "HIF-2α" in section and "HIF-2a" not in section
    assert (
        "<p>Belzutifan can be used in people with von Hippel-Lindau (VHL) disease who have a "
        "pancreatic NET and don’t need surgery right away.</p>"
    ) in section


def test_more_information_shows_both_links_unlinked_since_the_seed_gives_no_urls(seed_html):
    assert '<h2 id="more-information">More information about targeted therapy</h2>' in seed_html
    assert (
        "<p>To learn more about how targeted drugs are used to treat cancer, see Targeted Cancer "
        "Therapy.</p>"
    ) in seed_html
    assert (
        "<p>To learn about some of the side effects listed here and how to manage them, see "
        "Managing Cancer-related Side Effects.</p>"
    ) in seed_html


def test_team_attribution_is_shown(seed_html):
    assert "The American Cancer Society medical and editorial content team</h2>" in seed_html
    assert "Our team is made up of doctors and oncology certified nurses" in seed_html


def test_all_eight_references_are_listed_with_working_doi_and_url_links(seed_html):
    references = re.search(r'<section class="references".*?</section>', seed_html, re.S).group(0)
    assert len(re.findall(r"<li>", references)) == 8
    assert (
        '<a href="https://doi.org/10.1016/j.clinthera.2017.10.010">'
        "10.1016/j.clinthera.2017.10.010</a>"
    ) in references
    for url in [
        "https://www.cancer.gov/types/pancreatic/patient/pnet-treatment-pdq",
        "https://www.nccn.org/professionals/physician_gls/pdf/neuroendocrine.pdf",
    ]:
        assert f'<a href="{url}">{url}</a>' in references
    assert "https://www.uptodate.com/contents/metastatic-well-differentiated" in references


def test_last_revised_is_the_seeds_date(seed_html):
    assert 'Last Revised: <time datetime="2021-08-17">August 17, 2021</time>' in seed_html


def test_page_has_a_skip_link_and_one_main_landmark(seed_html):
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in seed_html
    assert seed_html.count("<main") == 1


def test_index_lists_the_published_seed_page(client, seed_url):
    response = client.get(reverse("editorial:index"))
    assert (
        f'<a href="{seed_url}">Targeted Drug Therapy for Pancreatic Neuroendocrine Tumor</a>'
        in (response.content.decode())
    )


def test_a_page_without_a_publication_is_not_found(client, seed_page):
    draft = Page.objects.create(
        title="Targeted Drug Therapy for Kidney Cancer",
        slug="targeted-drug-therapy-for-kidney-cancer",
        cancer_type=CancerType.objects.create(name="Kidney cancer", slug="kidney-cancer"),
        intro="A draft nobody approved.",
    )
    assert client.get(f"/pages/{draft.slug}/").status_code == 404
    assert draft.title not in client.get(reverse("editorial:index")).content.decode()


def test_public_page_costs_one_query(client, seed_url, django_assert_num_queries):
    identity.current()  # read once per process and cache generation, not per page
    with django_assert_num_queries(1):
        client.get(seed_url)


def test_seed_facts_for_one_cancer_live_on_the_page_section_not_the_shared_drug(seed_page):
    sections = {section.drug.slug: section for section in seed_page.drug_sections.all()}
    everolimus = sections["everolimus"]
    assert everolimus.evidence == DRUG_SECTIONS[1]["evidence"]
    assert "pancreatic" not in everolimus.drug.mechanism
    assert "VHL" not in sections["belzutifan"].drug.mechanism
    assert PAGE["slug"] == seed_page.slug
