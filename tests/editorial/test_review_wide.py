"""The review screen of a wide change: one edit of a shared drug that alters many pages.

The changed passages are shown once; the pages are a list, each page's diff one click
away; a page whose changes read differently is marked, and its reviewer must open it
before approving. The screen's cost does not grow with the number of pages.
"""

import pytest
from django.urls import reverse

from drugs.models import Drug
from editorial import workflow
from tests.wide import publish_pages_showing
from tests.workflow import edit, sign, signed, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_review_policy")]

NEW_ADMINISTRATION = "Everolimus is a tablet taken once a day."
NEW_SUNITINIB = "Sunitinib is a capsule taken once a day."
# Queries for the review screen of a multi-page revision, whatever the number of pages.
MAX_QUERIES = 60
# What one more page may add to the screen: at most a row of the list, never its diff.
MAX_BYTES_PER_PAGE = 600


def review_screen(client, user, change):
    client.force_login(user)
    return client.get(reverse("admin:editorial_change_change", args=[change.pk]))


def test_the_screen_of_a_wide_change_costs_the_same_queries_and_a_row_per_page(
    client, writer, physician, nurse, managing_editor, everolimus, django_assert_max_num_queries
):
    people = {
        "writer": writer,
        "physician": physician,
        "nurse": nurse,
        "managing_editor": managing_editor,
    }
    sunitinib = Drug.objects.get(slug="sunitinib")
    publish_pages_showing(sunitinib, 2, prefix="narrow", **people)  # 3 pages with the seed
    publish_pages_showing(everolimus, 12, prefix="wide", **people)  # 13 pages
    narrow = edit(writer, sunitinib, administration=NEW_SUNITINIB)
    submit(narrow, writer)
    wide = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    submit(wide, writer)
    review_screen(client, physician, narrow)  # warm the caches a first request fills

    with django_assert_max_num_queries(MAX_QUERIES):
        small = review_screen(client, physician, narrow)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = review_screen(client, physician, wide)

    assert small.status_code == large.status_code == 200
    grown = len(large.content) - len(small.content)
    assert grown <= 10 * MAX_BYTES_PER_PAGE, f"10 more pages added {grown} bytes"


@pytest.fixture
def people(writer, physician, nurse, managing_editor):
    return {
        "writer": writer,
        "physician": physician,
        "nurse": nurse,
        "managing_editor": managing_editor,
    }


@pytest.fixture
def wide_pages(people, everolimus, seed_page):
    """Four more published pages that show everolimus: five with the seed page."""
    return [seed_page, *publish_pages_showing(everolimus, 4, **people)]


def diff_url(revision, page) -> str:
    snapshot = revision.pages.get(page=page)
    return reverse("admin:editorial_change_page_diff", args=[snapshot.pk])


def test_a_uniform_wide_change_shows_its_passage_once_and_lists_every_page(
    client, writer, physician, everolimus, wide_pages
):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    revision = submit(change, writer)
    html = review_screen(client, physician, change).content.decode()
    assert "This change alters <strong>5 pages</strong>" in html
    assert "On every one of them it reads the same" in html
    assert html.count("<del>pill</del>") == 1 and html.count("<ins>tablet</ins>") == 1
    assert "From Drug: Everolimus (Afinitor)" in html
    for page in wide_pages:
        assert f'<th scope="row">{page.title}' in html
        assert diff_url(revision, page) in html
    assert "Reads differently" not in html
    assert 'name="full_review"' not in html  # a full review covers one page


def test_one_pages_diff_opens_on_its_own_screen_without_javascript(
    client, writer, physician, everolimus, wide_pages
):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    revision = submit(change, writer)
    client.force_login(physician)
    response = client.get(diff_url(revision, wide_pages[2]), {"q": "Wide", "p": "1"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert wide_pages[2].title in html
    assert "<del>pill</del>" in html and "<ins>tablet</ins>" in html
    assert "reads exactly as the passages shown" in html
    assert f"{change.get_absolute_url()}?q=Wide&amp;p=1#pages-heading" in html


def test_the_list_of_pages_is_searched_by_title_and_paginated(
    client, writer, physician, everolimus, wide_pages, monkeypatch
):
    monkeypatch.setattr("editorial.review.PAGES_PER_SCREEN", 2)
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    submit(change, writer)
    client.force_login(physician)
    url = reverse("admin:editorial_change_change", args=[change.pk])
    found = client.get(url, {"q": "cancer 0002"}).content.decode()
    assert "1 of 5 pages match." in found
    assert '<th scope="row">Targeted Therapy for Wide Cancer 0002' in found
    assert "Wide Cancer 0001" not in found
    first = client.get(url).content.decode()
    assert "List page 1 of 3" in first and 'rel="next"' in first
    assert first.count('<th scope="row">') == 2
    last = client.get(url, {"p": "3"}).content.decode()
    assert last.count('<th scope="row">') == 1 and 'rel="prev"' in last
    assert client.get(url, {"p": "x\x00"}).status_code == 200  # a bad list page: the start


@pytest.fixture
def odd_change(writer, everolimus, wide_pages):
    """One change to everolimus that also rewrites one page's own introduction."""
    odd_page = wide_pages[3]
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    edit(writer, odd_page, change=change, intro="Rewritten for this page alone.")
    return change, odd_page, submit(change, writer)


def test_a_page_where_the_change_reads_differently_is_marked(client, physician, odd_change):
    change, odd_page, revision = odd_change
    html = review_screen(client, physician, change).content.decode()
    assert "On 4 of them it reads the same" in html
    assert "One page reads differently</strong>" in html
    assert "You have not opened 1 of them yet" in html
    row = html[html.index(f'<th scope="row">{odd_page.title}') :]
    row = row[: row.index("</tr>")]
    assert "Reads differently" in row and "not opened yet" in row
    # The page that needs opening heads the list, so no list page hides it.
    assert html.index('<th scope="row">') == html.index(f'<th scope="row">{odd_page.title}')
    client.get(diff_url(revision, odd_page))
    html = review_screen(client, physician, change).content.decode()
    assert "You have opened it." in html


def test_approving_before_opening_a_page_that_reads_differently_is_refused(
    client, physician, nurse, writer, odd_change
):
    change, odd_page, revision = odd_change
    client.force_login(physician)
    review = reverse("admin:editorial_change_review", args=[change.pk])
    decision = signed(
        physician, revision=revision.pk, content_hash=revision.content_hash, decision="approve"
    )
    answer = client.post(review, decision, follow=True)
    assert f"open the diff of each before approving: “{odd_page.title}”." in answer.content.decode()
    assert not revision.reviews.exists()

    client.force_login(writer)  # an author's look is not a reviewer's
    client.get(diff_url(revision, odd_page))
    client.force_login(physician)
    opened = client.get(diff_url(revision, odd_page)).content.decode()
    assert "<ins>Rewritten" in opened and "Reads differently" in opened
    assert "Your opening of this page is recorded" in opened
    answer = client.post(review, decision, follow=True)
    assert "Approved." in answer.content.decode()
    assert revision.reviews.get().reviewer == physician

    with pytest.raises(workflow.InvalidTransition, match=odd_page.title):
        workflow.revision_approve(
            revision=revision,
            reviewer=nurse,
            content_hash=revision.content_hash,
            signing=sign(nurse),
        )


def test_a_new_revision_must_be_opened_again(client, writer, physician, everolimus, odd_change):
    change, odd_page, revision = odd_change
    client.force_login(physician)
    client.get(diff_url(revision, odd_page))
    edit(writer, everolimus, change=change, administration="Everolimus is a tablet.")
    newer = submit(change, writer)
    assert workflow.pages_to_open(newer, physician) == [odd_page.title]
    assert workflow.pages_to_open(revision, physician) == []


def test_a_one_page_change_shows_its_whole_comparison_as_before(
    client, writer, physician, seed_page
):
    change = edit(writer, seed_page, intro="A new introduction.")
    revision = submit(change, writer)
    html = review_screen(client, physician, change).content.decode()
    assert f"<h3>{seed_page.title}" in html and "The whole page, now and after" in html
    assert "Pages this change alters" not in html
    assert 'name="full_review"' in html
    assert workflow.pages_to_open(revision, physician) == []


def test_a_shared_side_effect_reads_once_under_its_drug_and_group(
    client, writer, physician, everolimus, wide_pages
):
    effect = everolimus.side_effects.filter(group="common").order_by("position").first()
    change = edit(writer, effect, detail="reported by most patients")
    submit(change, writer)
    html = review_screen(client, physician, change).content.decode()
    assert "On every one of them it reads the same" in html
    assert "From Drug: Everolimus (Afinitor) — Common side effects" in html
    assert html.count("<ins>reported by most patients") == 1


def test_two_pages_that_read_differently_the_screen_marks_the_one_the_rule_asks_for(
    client, writer, physician, wide_pages
):
    first, second = wide_pages[1], wide_pages[2]
    # Titled to sort before the first page, which comes first in page order.
    change = edit(writer, second, intro="Its own words.", title="A Page Titled to Sort First")
    edit(writer, first, change=change, intro="The first page's own words.")
    revision = submit(change, writer)
    (title,) = workflow.pages_to_open(revision, physician)
    html = review_screen(client, physician, change).content.decode()
    row = html[html.index('<tr class="differs">') :]
    assert row.index(f'<th scope="row">{title}') < row.index("</tr>")
