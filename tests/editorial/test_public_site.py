"""The public site reads publications only: pages, drugs, glossary, search, feeds and data."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from drugs.models import Drug, SideEffectTerm
from editorial import identity, workflow
from editorial.models import CurrentPublication
from tests.workflow import approve, edit, publish_through_review, submit

pytestmark = pytest.mark.django_db

UNIQUE = "Zorblaxitol"  # a word no published page contains


@pytest.fixture
def pending(writer, physician, everolimus, seed_page):
    """A change in review that adds a unique word to a drug, a term and the page title."""
    change = edit(writer, everolimus, mechanism=f"{everolimus.mechanism} {UNIQUE} drafts.")
    edit(writer, SideEffectTerm.objects.get(slug="nausea"), change=change, name=f"nausea {UNIQUE}")
    edit(writer, seed_page, change=change, title=f"{seed_page.title} {UNIQUE}")
    revision = submit(change, writer)
    approve(revision, physician)
    return revision


def public_urls(seed_url: str) -> list[str]:
    return [
        "/",
        seed_url,
        seed_url + "references/",
        seed_url + "changes/",
        reverse("editorial:drug", args=["everolimus"]),
        reverse("editorial:glossary"),
        reverse("editorial:search") + "?q=everolimus",
        "/sitemap.xml",
        "/robots.txt",
    ]


def test_a_pending_change_is_reachable_by_no_public_url(client, pending, seed_url):
    for url in public_urls(seed_url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert UNIQUE not in response.content.decode(), url


def test_search_finds_nothing_of_a_pending_change(client, pending):
    response = client.get(reverse("editorial:search"), {"q": UNIQUE})
    assert "0 pages found" in response.content.decode()


def test_search_finds_pages_by_title_drug_and_side_effect(client, seed_url):
    for query in ("pancreatic", "Everolimus", "Afinitor", "hand-foot syndrome", "HIF inhibitor"):
        html = client.get(reverse("editorial:search"), {"q": query}).content.decode()
        assert f'href="{seed_url}"' in html, query
    assert (
        "0 pages found"
        in client.get(reverse("editorial:search"), {"q": "warfarin"}).content.decode()
    )


def test_the_index_lists_pages_by_cancer_type(client, seed_url):
    html = client.get("/").content.decode()
    assert re.search(r"<h2[^>]*>Pancreatic neuroendocrine tumor</h2>", html)
    assert f'href="{seed_url}"' in html


def test_a_drug_page_shows_the_drug_and_every_page_that_covers_it(client, seed_url, kidney_page):
    html = client.get(reverse("editorial:drug", args=["everolimus"])).content.decode()
    assert "<h1>Everolimus (Afinitor)</h1>" in html
    assert "Everolimus is a pill taken once a day." in html
    assert "<li>fluid buildup (usually in the legs)</li>" in html
    assert f'href="{seed_url}#everolimus"' in html
    assert "Targeted Therapy for Kidney Cancer" in html


def test_an_unknown_drug_is_not_found(client, seed_url):
    assert client.get(reverse("editorial:drug", args=["warfarin"])).status_code == 404


def test_the_glossary_explains_terms_where_the_content_does(client, seed_url):
    html = client.get(reverse("editorial:glossary")).content.decode()
    assert "<dt>Hand-foot syndrome</dt>" in html
    assert (
        "Redness, pain, and skin peeling of the palms of the hands and the soles of the feet."
        in html
    )
    assert 'href="/drugs/sunitinib/"' in html


def test_the_references_page_links_doi_pubmed_and_urls(client, seed_url):
    html = client.get(seed_url + "references/").content.decode()
    assert 'href="https://doi.org/10.1016/j.clinthera.2017.10.010"' in html
    assert 'href="https://www.nccn.org/professionals/physician_gls/pdf/neuroendocrine.pdf"' in html
    assert html.count("<li>") >= 8


def test_changes_to_this_page_list_publications_with_summaries_newest_first(
    client, writer, physician, nurse, managing_editor, everolimus, seed_url
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    publish_through_review(
        change, writer, physician, nurse, managing_editor, summary="Everolimus is a tablet."
    )
    html = client.get(seed_url + "changes/").content.decode()
    assert html.index("Everolimus is a tablet.") < html.index("First published here")


def republish_unchanged(writer, physician, nurse, managing_editor, everolimus):
    """A change to a record the page shows that leaves what readers see as it was."""
    administration = everolimus.administration
    change = edit(writer, everolimus, administration="A draft, undone before submitting.")
    edit(writer, everolimus, administration=administration)
    return publish_through_review(change, writer, physician, nurse, managing_editor)


def test_a_republish_that_attested_nothing_claims_no_medical_review(
    client, writer, physician, nurse, managing_editor, everolimus, seed_url
):
    (publication,) = republish_unchanged(writer, physician, nurse, managing_editor, everolimus)
    assert not publication.review_attested and publication.last_reviewed is None
    changes = client.get(seed_url + "changes/").content.decode()
    assert "Republished; no change to the content." in changes
    assert "Medically reviewed" not in changes
    page = client.get(seed_url).content.decode()
    assert "medically reviewed" not in page.lower()
    assert "lastReviewed" not in page and "reviewedBy" not in page


def test_a_sign_off_says_who_reviewed_the_page_in_its_change_log(
    client, physician, nurse, managing_editor, seed_page, seed_url
):
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    (publication,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    assert publication.review_attested
    changes = client.get(seed_url + "changes/").content.decode()
    assert (
        "Medically reviewed by a physician and an oncology certified nurse; "
        "no change to the content." in changes
    )


def test_a_review_stays_on_the_page_but_a_later_republish_does_not_claim_one(
    client, writer, physician, nurse, managing_editor, everolimus, seed_page, seed_url
):
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    (later,) = republish_unchanged(writer, physician, nurse, managing_editor, everolimus)
    assert later.last_reviewed == timezone.localdate() and not later.review_attested
    changes = client.get(seed_url + "changes/").content.decode()
    assert changes.index("Republished; no change to the content.") < changes.index(
        "Medically reviewed by"
    )
    assert changes.count("Medically reviewed") == 1


def test_an_edit_approved_as_a_full_review_says_so_beside_its_summary(
    client, writer, physician, nurse, managing_editor, seed_page, seed_url
):
    change = edit(writer, seed_page, title="Targeted Drug Therapy for Pancreatic NETs")
    revision = submit(change, writer, summary="A shorter title.")
    approve(revision, physician, nurse, full_review=True)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    changes = client.get(seed_url + "changes/").content.decode()
    assert (
        "A shorter title. Medically reviewed by a physician and an oncology certified nurse."
        in changes
    )


def test_a_changed_address_answers_301_to_the_new_one(
    client, writer, physician, nurse, managing_editor, seed_page, seed_url
):
    change = edit(writer, seed_page, slug="targeted-therapy-pancreatic-net")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    response = client.get(seed_url)
    assert response.status_code == 301
    assert response["Location"] == "/pages/targeted-therapy-pancreatic-net/"
    assert client.get(seed_url + "references/")["Location"] == (
        "/pages/targeted-therapy-pancreatic-net/references/"
    )


def test_an_unpublished_page_answers_410(client, managing_editor, seed_page, seed_url):
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    assert client.get(seed_url).status_code == 410
    assert seed_url not in client.get("/sitemap.xml").content.decode()


def test_an_unknown_address_gets_the_friendly_404(client, seed_url):
    response = client.get("/pages/no-such-page/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_the_sitemap_gives_each_page_its_last_revised(client, seed_url):
    xml = client.get("/sitemap.xml").content.decode()
    assert f"{seed_url}</loc><lastmod>2021-08-17</lastmod>" in xml


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_pages_carry_a_canonical_link(client, seed_url):
    html = client.get(seed_url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{seed_url}">' in html


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_the_json_ld_dates_equal_the_visible_ones(client, seed_url):
    html = client.get(seed_url).content.decode()
    data = json_ld(html)
    visible = re.search(r'Last Revised: <time datetime="([\d-]+)">', html).group(1)
    assert data["@type"] == "MedicalWebPage" and data["dateModified"] == visible == "2021-08-17"
    assert "lastReviewed" not in data  # no review is known for the seed


def test_the_json_ld_describes_each_drug_and_reference(client, seed_url):
    data = json_ld(client.get(seed_url).content.decode())
    drugs = {drug["nonProprietaryName"]: drug for drug in data["mentions"]}
    assert set(drugs) == {"Sunitinib", "Everolimus", "Belzutifan"}
    assert drugs["Belzutifan"]["drugClass"]["name"] == "HIF inhibitor"
    assert drugs["Everolimus"]["proprietaryName"] == ["Afinitor"]
    assert "drugClass" not in drugs["Everolimus"]
    assert len(data["citation"]) == 8
    assert data["audience"]["audienceType"] == "Patient" and data["inLanguage"] == "en-US"


def test_a_medical_review_shows_its_date_and_reviewers_on_the_page_and_in_the_data(
    client, physician, nurse, managing_editor, seed_page, seed_url
):
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    (publication,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    html = client.get(seed_url).content.decode()
    day = publication.last_reviewed
    assert f'Last medically reviewed: <time datetime="{day:%Y-%m-%d}">' in html
    assert "by a physician and an oncology certified nurse" in html
    data = json_ld(html)
    assert data["lastReviewed"] == f"{day:%Y-%m-%d}" and data["dateModified"] == "2021-08-17"


def test_text_with_a_closing_script_tag_cannot_break_out_of_the_json_ld(
    client, writer, physician, nurse, managing_editor, seed_page, seed_url
):
    everolimus = Drug.objects.get(slug="everolimus")
    change = edit(writer, everolimus, mechanism='</script><script>alert("x")</script>')
    publish_through_review(change, writer, physician, nurse, managing_editor)
    html = client.get(seed_url).content.decode()
    data = json_ld(html)
    assert '</script><script>alert("x")</script>' in {
        d["mechanismOfAction"] for d in data["mentions"]
    }
    assert '<script>alert("x")' not in html


def test_a_page_view_costs_at_most_two_queries(client, seed_url, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(seed_url).status_code == 200


def test_the_public_page_does_not_read_the_editable_rows(
    client, seed_url, django_assert_num_queries
):
    identity.current()  # read once per process and cache generation, not per page
    with django_assert_num_queries(1) as context:
        client.get(seed_url)
    assert all(
        "drugs_" not in query["sql"] or "editorial_" in query["sql"]
        for query in context.captured_queries
    )


def test_responses_tell_browsers_to_revalidate_and_answer_304_when_unchanged(client, seed_url):
    response = client.get(seed_url)
    # max-age=0: a browser asks again each time; s-maxage: what an HTTP cache in front may keep.
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=30"
    assert response.has_header("ETag")
    again = client.get(seed_url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_footer_says_the_information_supports_the_care_team(client, seed_url):
    html = client.get(seed_url).content.decode()
    assert "supports, and does not replace, the advice of your cancer care team" in html


def test_current_publications_point_at_one_publication_per_page(seed_page, seed_publication):
    assert CurrentPublication.objects.get(page=seed_page).publication == seed_publication
