"""Near its title a page says who wrote it, when it was last revised, and any attested review."""

import re

import pytest

from editorial import workflow
from tests.workflow import approve

pytestmark = pytest.mark.django_db

TEAM = "The American Cancer Society medical and editorial content team"


def byline(html: str) -> str:
    match = re.search(r'<div class="byline">(.*?)</div>', html, re.S)
    assert match, "no byline"
    return match.group(1)


@pytest.fixture
def reviewed_url(client, seed_page, seed_url, physician, nurse, managing_editor) -> str:
    """The seed page after a full medical review by a physician and an oncology nurse."""
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    return seed_url


def test_the_byline_follows_the_title_straight_away(client, seed_url):
    html = client.get(seed_url).content.decode()
    title_end = html.index("</h1>")
    assert html.index('<div class="byline">') - title_end < 20
    assert html.index('<div class="byline">') < html.index("<p>Targeted drugs work differently")


def test_the_byline_names_the_team_that_wrote_the_page_linked_to_its_description(client, seed_url):
    assert f'Written by <a href="#attribution">{TEAM}</a>' in byline(
        client.get(seed_url).content.decode()
    )


def test_the_byline_gives_last_revised(client, seed_url, seed_publication):
    day = seed_publication.last_revised
    assert f'Last Revised: <time datetime="{day:%Y-%m-%d}">{day:%B} {day.day}, {day:%Y}</time>' in (
        byline(client.get(seed_url).content.decode())
    )


def test_a_page_with_no_attested_review_says_nothing_about_review(
    client, seed_url, seed_publication
):
    assert seed_publication.last_reviewed is None  # the seed gives no review date
    html = client.get(seed_url).content.decode()
    assert "review" not in byline(html).lower()
    assert "medically reviewed" not in html.lower()


def test_an_attested_review_is_shown_with_the_reviewers_credentials_in_words(client, reviewed_url):
    html = client.get(reviewed_url).content.decode()
    text = byline(html)
    assert re.search(
        r'Last medically reviewed: <time datetime="\d{4}-\d{2}-\d{2}">[A-Z][a-z]+ \d{1,2}, '
        r"\d{4}</time>, by a physician and an oncology certified nurse",
        text,
    )


def test_the_dates_repeat_at_the_foot_of_the_page(client, reviewed_url):
    html = client.get(reviewed_url).content.decode()
    foot = html[html.index('<div class="page-dates">') :]
    assert "Last Revised: <time" in foot
    assert "Last medically reviewed: <time" in foot
    assert html.count("Last medically reviewed:") == 2
