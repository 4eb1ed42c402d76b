"""Reading grades while writing and reviewing: each section's, the page's, against the policy.

Measured on the seed page (its snapshot, as a revision freezes it), with the page's drug
names left out; a section above the policy's target is marked in words. Nothing is
fetched from the network to count syllables.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.forms import modelform_factory
from django.urls import reverse

from drugs.models import DrugSection, MoreInformationLink
from editorial import readability
from editorial.models import ReviewPolicy
from tests.workflow import edit, remove, submit

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ABOVE = "Above target: simplify"


@pytest.fixture
def content(seed_publication) -> dict:
    return seed_publication.content


@pytest.fixture
def reading(content) -> readability.PageReading:
    return readability.page_reading(content, target=8)


def grades(reading: readability.PageReading) -> dict[str, float | None]:
    return {section.title: section.grade for section in reading.sections}


def test_each_section_of_the_seed_page_has_its_flesch_kincaid_grade(reading):
    assert grades(reading) == {
        "Introduction": pytest.approx(11.1, abs=0.5),
        "Sunitinib": pytest.approx(4.4, abs=0.5),
        "Everolimus": pytest.approx(5.7, abs=0.5),
        "Belzutifan": pytest.approx(7.5, abs=0.5),
        "More information about targeted therapy": pytest.approx(9.8, abs=0.5),
        "The American Cancer Society medical and editorial content team": pytest.approx(
            17.4, abs=0.5
        ),
    }


def test_the_whole_seed_page_has_a_grade_and_a_smog_index(reading):
    assert reading.sentences == 33
    assert reading.grade == pytest.approx(7.5, abs=0.5)
    assert reading.smog == pytest.approx(10.6, abs=0.5)


def test_the_sections_above_the_target_are_marked(reading):
    assert [section.title for section in reading.sections_above_target] == [
        "Introduction",
        "More information about targeted therapy",
        "The American Cancer Society medical and editorial content team",
    ]
    assert not reading.above_target


def test_a_looser_target_marks_fewer_sections(content):
    loose = readability.page_reading(content, target=12)
    assert [section.title for section in loose.sections_above_target] == [
        "The American Cancer Society medical and editorial content team"
    ]


def test_the_pages_drug_names_are_not_counted(content, reading):
    assert set(reading.left_out) == {
        "Sunitinib",
        "Sutent",
        "Everolimus",
        "Afinitor",
        "Belzutifan",
        "Welireg",
    }
    sentences = dict(readability.page_sections(content))["Belzutifan"]
    counted = readability.without_names(" ".join(sentences), reading.left_out)
    assert "elzutifan" not in counted.lower() and "welireg" not in counted.lower()
    with_names = readability._grade(" ".join(sentences))
    assert grades(reading)["Belzutifan"] < with_names


def test_a_page_of_fewer_than_30_sentences_gets_no_smog_index(content):
    short = {**content, "drug_sections": [], "more_information": {}, "attribution": None}
    reading = readability.page_reading(short)
    assert reading.sentences == 4
    assert reading.smog is None
    assert reading.grade == pytest.approx(11.1, abs=0.5)


def test_a_side_effect_list_item_counts_as_one_sentence(content):
    sentences = dict(readability.page_sections(content))["Everolimus"]
    assert "mouth sores." in sentences


def test_the_target_is_the_active_policys_reading_grade():
    assert readability.policy_target() == 8
    ReviewPolicy.objects.filter(is_active=True).update(reading_grade=6)
    assert readability.policy_target() == 6


def test_a_grade_is_computed_with_the_network_closed(tmp_path):
    """A fresh process, with sockets refused and no nltk data of its own, still grades."""
    script = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network refused by the test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from editorial import readability\n"
        "print(readability._grade('The cat sat on the mat. It was a warm day.'))\n"
    )
    environment = {
        **os.environ,
        "HOME": str(tmp_path),  # no ~/nltk_data
        "NLTK_DATA": str(tmp_path / "empty"),
        "IMPRIMATUR_NLTK_DATA": str(tmp_path / "nltk_data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 3
    assert (tmp_path / "nltk_data" / "corpora" / "cmudict" / "cmudict").stat().st_size > 1_000_000


# --- On the screens ------------------------------------------------------------------------


@pytest.fixture
def revision(writer, everolimus):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    return submit(change, writer)


def test_the_review_screen_shows_each_sections_grade_and_marks_those_above_target(
    client, physician, revision
):
    client.force_login(physician)
    html = client.get(reverse("admin:editorial_change_change", args=[revision.change.pk]))
    text = html.content.decode()
    assert "Reading grade" in text
    assert 'scope="row">Everolimus</th>' in text
    assert text.count(ABOVE) == 3
    assert "Target: grade 8 or lower" in text
    assert "SMOG 10." in text


def test_the_preview_shows_the_reading_grade_against_the_policys_target(client, writer, revision):
    ReviewPolicy.objects.filter(is_active=True).update(reading_grade=12)
    client.force_login(writer)
    snapshot = revision.pages.get()
    text = client.get(reverse("admin:editorial_change_preview", args=[snapshot.pk])).content
    text = text.decode()
    assert "Target: grade 12 or lower" in text
    assert text.count(ABOVE) == 1


def test_a_draft_preview_shows_the_reading_grade(client, writer, everolimus, seed_page):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    client.force_login(writer)
    url = reverse("admin:editorial_change_draft_preview", args=[change.pk, seed_page.pk])
    text = client.get(url).content.decode()
    assert "Reading grade" in text and ABOVE in text
    assert "Not counted, as drug names:" in text


def test_a_page_too_short_for_smog_says_so_on_the_screen(client, writer, seed_page):
    change = None
    for row in DrugSection.objects.filter(page=seed_page):
        change = remove(writer, row, change=change)
    for link in MoreInformationLink.objects.filter(page=seed_page):
        change = remove(writer, link, change=change)
    client.force_login(writer)
    url = reverse("admin:editorial_change_draft_preview", args=[change.pk, seed_page.pk])
    text = client.get(url).content.decode()
    assert "SMOG not given: it needs 30 sentences and this page has 5." in text


def test_a_wide_change_shows_the_grades_of_the_page_its_passages_are_shown_on(
    client, physician, writer, everolimus, two_pages
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    submit(change, writer)
    client.force_login(physician)
    text = client.get(reverse("admin:editorial_change_change", args=[change.pk])).content.decode()
    assert text.count("Reading grade</h4>") == 1
    assert "each page's own are on its diff" in text


@pytest.mark.parametrize("grade", [0, 19])
def test_a_target_that_is_no_school_grade_is_refused_with_a_message(grade):
    form_class = modelform_factory(
        ReviewPolicy, fields=["name", "is_active", "review_interval_months", "reading_grade"]
    )
    form = form_class(
        data={"name": "Plain", "review_interval_months": 12, "reading_grade": grade},
        instance=ReviewPolicy(is_active=False),
    )
    assert not form.is_valid()
    assert "reading_grade" in form.errors
    assert form.errors["reading_grade"][0].startswith("Ensure this value is")
