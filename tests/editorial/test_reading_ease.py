"""Reading ease of Spanish text: Fernández-Huerta, 0 to 100, higher is easier.

Spanish sections are scored against the Spanish policy's target (70, "bastante fácil")
and marked when below it, beside where English pages show their grades. Measured on
plain patient-information sentences about everolimus and on one long, technical one.
"""

import copy

import pytest
from django.urls import reverse

from editorial import readability
from editorial.models import ReviewPolicy
from tests.translations import spanish_change
from tests.workflow import edit, submit

pytestmark = pytest.mark.django_db

PLAIN = (
    "El everolimus es un medicamento contra el cáncer. Se toma por la boca una vez al día. "
    "Tómelo a la misma hora cada día. Si le salen llagas en la boca, dígaselo a su médico."
)
COMPLEX = (
    "La administración concomitante de inhibidores potentes del citocromo CYP3A4 incrementa "
    "considerablemente las concentraciones plasmáticas del everolimus, lo que obliga a una "
    "reevaluación individualizada de la posología y a una monitorización exhaustiva de las "
    "reacciones adversas potencialmente graves."
)
BELOW = "Below target: simplify"


def untranslated(value):
    """`value` with every string left untranslated (None), as a Spanish snapshot holds it."""
    if isinstance(value, dict):
        return {key: untranslated(item) for key, item in value.items()}
    if isinstance(value, list):
        return (
            None if all(isinstance(item, str) for item in value) else list(map(untranslated, value))
        )
    return None if isinstance(value, str) else value


@pytest.fixture
def spanish_content(seed_publication) -> dict:
    """The seed page in Spanish, its introduction plain and everolimus's mechanism not."""
    english = seed_publication.content
    content = untranslated(copy.deepcopy(english))
    content["language"] = "es"
    content["title"] = "Terapia dirigida para el tumor neuroendocrino de páncreas"
    content["intro"] = [PLAIN]
    for ours, theirs in zip(content["drug_sections"], english["drug_sections"], strict=True):
        # Names stay as published.
        ours["drug"]["generic_name"] = theirs["drug"]["generic_name"]
        ours["drug"]["brand_names"] = theirs["drug"]["brand_names"]
        if theirs["drug"]["generic_name"].lower() == "everolimus":
            ours["drug"]["mechanism"] = COMPLEX
    return content


def test_plain_patient_information_in_spanish_reads_fairly_easy():
    assert readability.reading_ease(PLAIN) >= 70


def test_a_long_complex_sentence_scores_lower():
    assert readability.reading_ease(COMPLEX) < readability.reading_ease(PLAIN)
    assert readability.reading_ease(COMPLEX) < 70


def test_a_text_without_words_has_no_reading_ease():
    assert readability.reading_ease("") is None
    assert readability.reading_ease("   ") is None


def test_the_reading_ease_stays_between_0_and_100():
    assert readability.reading_ease("Sí. No. Ya.") == 100
    endless = " ".join(["administración farmacocinética extraordinariamente"] * 40) + "."
    assert readability.reading_ease(endless) == 0


def test_each_section_of_a_spanish_page_gets_its_reading_ease(spanish_content):
    reading = readability.page_reading_ease(spanish_content, target=70)
    eases = {section.title: section.ease for section in reading.sections}
    assert eases["Introduction"] == readability.reading_ease(PLAIN.replace("everolimus ", ""))
    assert reading.ease is not None and reading.words > 0


def test_the_sections_below_the_spanish_target_are_marked(spanish_content):
    reading = readability.page_reading_ease(spanish_content, target=70)
    below = [section.title for section in reading.sections_below_target]
    assert "Introduction" not in below
    assert [title.lower() for title in below] == ["everolimus"]


def test_untranslated_sections_have_no_score_and_are_not_marked(spanish_content):
    reading = readability.page_reading_ease(spanish_content, target=70)
    empty = [s for s in reading.sections if s.ease is None]
    assert empty and not any(section.below_target for section in empty)


def test_the_drug_names_are_not_counted_in_spanish_either(spanish_content):
    reading = readability.page_reading_ease(spanish_content, target=70)
    assert "Everolimus" in reading.left_out or "everolimus" in reading.left_out


def test_a_snapshot_is_read_in_the_measure_of_its_language(seed_publication, spanish_content):
    assert readability.reading_for(seed_publication.content, 8).measure == "grade"
    assert readability.reading_for(spanish_content, 70).measure == "ease"


def test_the_spanish_target_is_the_spanish_policys_reading_ease():
    assert readability.policy_target("es") == 70
    ReviewPolicy.objects.filter(is_active=True, language="es").update(reading_ease=60)
    assert readability.policy_target("es") == 60
    assert readability.policy_target("en") == 8


def test_the_review_screen_of_a_spanish_change_shows_the_reading_ease_of_its_translation(
    client, writer, physician, seed_page
):
    change = spanish_change(writer, seed_page)
    submit(change, writer, summary="Versión en español.")
    client.force_login(physician)
    html = client.get(reverse("admin:editorial_change_change", args=[change.pk])).content.decode()
    assert "Reading ease (Spanish)</h3>" in html
    assert "Target: 70 or higher, from the Spanish review policy." in html
    assert f"Page “{seed_page}”" in html


def test_the_review_screen_marks_a_translation_below_the_spanish_target(
    client, writer, physician, seed_page
):
    change = spanish_change(writer, seed_page, intro=COMPLEX)
    submit(change, writer, summary="Versión en español.")
    client.force_login(physician)
    html = client.get(reverse("admin:editorial_change_change", args=[change.pk])).content.decode()
    assert BELOW in html


def test_an_english_change_shows_grades_and_no_reading_ease(client, writer, physician, everolimus):
    change = edit(writer, everolimus, administration="A tablet, once a day.")
    submit(change, writer)
    client.force_login(physician)
    html = client.get(reverse("admin:editorial_change_change", args=[change.pk])).content.decode()
    assert "Reading grade</h4>" in html
    assert "Reading ease (Spanish)" not in html
