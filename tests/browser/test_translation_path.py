"""The whole path of a translation in a real browser: translated, reviewed in Spanish,
published at /es/, put out of date by an English change, updated and published again."""

import pytest
from django.urls import reverse

from drugs.models import DrugSection, Page
from editorial.importing import seed_import
from editorial.models import Change, ReviewerProfile
from tests.browser.test_review_path import log_in, sign
from tests.workflow import edit, publish_through_review

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

TITLE = "Terapia farmacológica dirigida para el tumor neuroendocrino de páncreas"
INTRO = (
    "Los medicamentos dirigidos actúan de forma distinta a la quimioterapia. "
    "Atacan partes de las células del cáncer que las hacen crecer."
)
EVIDENCE = "Se ha demostrado que ayuda a tratar los tumores neuroendocrinos de páncreas avanzados."
# Everolimus as its section reads, in Spanish (its brand name, Afinitor, stays as it is).
EVEROLIMUS = {
    "targets": "mTOR",
    "mechanism": "El everolimus bloquea una proteína llamada mTOR, que normalmente ayuda a las "
    "células a crecer y dividirse.",
    "administration": "El everolimus es una pastilla que se toma una vez al día.",
    "route": "pastilla",
}
UPDATED_INTRO = (
    "Los medicamentos dirigidos obran de forma distinta a la quimioterapia. "
    "Atacan partes de las células del cáncer que las hacen crecer."
)


@pytest.fixture
def seed(live_server) -> Page:
    return seed_import().page


@pytest.fixture
def spanish_reviewers(physician, nurse):
    """The demo's physician and nurse review in English and Spanish, as the Spanish policy asks."""
    ReviewerProfile.objects.filter(user__in=[physician, nurse]).update(
        review_languages=["en", "es"]
    )


def field(key: tuple[str, int, str]) -> str:
    name, pk, attribute = key
    return f'[name="t-{name}-{pk}-{attribute}"]'


def translate(page, live_server, seed: Page, texts: dict, artifacts, shot: str) -> None:
    page.goto(f"{live_server.url}{reverse('admin:drugs_page_change', args=[seed.pk])}")
    with page.expect_navigation():
        page.click("a:has-text('Translate into Español')")
    for key, text in texts.items():
        page.fill(field(key), text)
    page.screenshot(path=artifacts / shot, full_page=True)
    with page.expect_navigation():
        page.click("input[value='Save the translation']")
    assert "errorlist" not in page.content()


def submit(page, live_server, change: Change, summary: str) -> None:
    page.goto(f"{live_server.url}{change.get_absolute_url()}")
    page.fill("#id_summary", summary)
    with page.expect_navigation():
        page.click("button:has-text('Submit for review')")


def approve(page, live_server, change: Change, reviewer, revision: int) -> None:
    log_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}{change.get_absolute_url()}")
    sign(page, reviewer)
    with page.expect_navigation():
        page.click(f"button:has-text('Approve revision {revision}')")
    assert "Approved." in page.inner_text(".messagelist")


def publish(page, live_server, managing_editor, revision: int) -> None:
    log_in(page, live_server, managing_editor)
    page.goto(f"{live_server.url}/admin/")
    with page.expect_navigation():
        page.locator("#dashboard-ready a.button:has-text('Publish')").first.click()
    with page.expect_navigation():
        page.click(f"button:has-text('Publish revision {revision} now')")
    assert "Published" in page.inner_text(".messagelist")


def test_a_translation_goes_from_translator_to_es_and_is_brought_up_to_date(
    page,
    live_server,
    artifacts,
    seed,
    spanish_reviewers,
    translator,
    writer,
    physician,
    nurse,
    managing_editor,
):
    section = DrugSection.objects.filter(page=seed, drug__slug="everolimus").get()
    title = ("drugs.page", seed.pk, "title")
    intro = ("drugs.page", seed.pk, "intro")
    evidence = ("drugs.drugsection", section.pk, "evidence")
    drug = {("drugs.drug", section.drug_id, name): text for name, text in EVEROLIMUS.items()}
    english_url = live_server.url + seed.get_absolute_url()
    spanish_url = live_server.url + "/es" + seed.get_absolute_url()
    assert page.goto(spanish_url).status == 404  # nothing in Spanish yet

    # The translator translates the title, the introduction and one drug section.
    log_in(page, live_server, translator)
    translate(
        page,
        live_server,
        seed,
        {title: TITLE, intro: INTRO, evidence: EVIDENCE, **drug},
        artifacts,
        "translation-path-1-translate.png",
    )
    change = Change.objects.get(author=translator, language="es")
    submit(page, live_server, change, "Traducción al español de la introducción y del everolimus.")

    # Two reviewers who review in Spanish approve; the managing editor publishes.
    approve(page, live_server, change, physician, 1)
    approve(page, live_server, change, nurse, 1)
    publish(page, live_server, managing_editor, 1)

    # /es/ shows it, in Spanish, with hreflang both ways.
    page.context.clear_cookies()
    assert page.goto(spanish_url).status == 200
    assert page.get_attribute("html", "lang") == "es"
    assert TITLE in page.inner_text("h1")
    assert INTRO.split(". ")[0] in page.inner_text("main")
    assert EVIDENCE in page.inner_text("main")
    assert "El everolimus bloquea una proteína" in page.inner_text("section#everolimus")
    assert "Afinitor" in page.inner_text("section#everolimus")
    # The references as published, with the house style's words around them in Spanish.
    assert "Sitio web de UpToDate. Actualizado el 31 de agosto de 2018." in page.inner_text("main")
    english_alternate = page.locator('link[rel=alternate][hreflang="en"]').get_attribute("href")
    assert english_alternate.endswith(seed.get_absolute_url())
    assert "basa en la versión" not in page.inner_text("main")
    page.screenshot(path=artifacts / "translation-path-2-es.png", full_page=True)
    page.goto(english_url)
    spanish_alternate = page.locator('link[rel=alternate][hreflang="es"]').get_attribute("href")
    assert spanish_alternate.endswith("/es" + seed.get_absolute_url())

    # An English change puts it out of date: readers are told, the translator sees the diff.
    english = Page.objects.get(pk=seed.pk)
    english_change = edit(
        writer, english, intro=english.intro.replace("work differently", "act differently")
    )
    publish_through_review(english_change, writer, physician, nurse, managing_editor)
    page.goto(spanish_url)
    assert "Esta traducción se basa en la versión del" in page.inner_text("main")
    page.screenshot(path=artifacts / "translation-path-3-out-of-date.png", full_page=True)

    log_in(page, live_server, translator)
    page.goto(f"{live_server.url}{reverse('admin:drugs_page_change', args=[seed.pk])}")
    with page.expect_navigation():
        page.click("a:has-text('Translate into Español')")
    stale = page.locator(".translate-row.out-of-date")
    assert stale.count() == 1
    assert stale.locator("del").inner_text().strip() == "work"
    assert stale.locator("ins").inner_text().strip() == "act"
    page.screenshot(path=artifacts / "translation-path-4-diff.png", full_page=True)
    translate(page, live_server, seed, {intro: UPDATED_INTRO}, artifacts, "translation-path-5.png")
    update = Change.objects.filter(author=translator, language="es").latest("pk")
    assert update.pk != change.pk
    submit(page, live_server, update, "La introducción sigue al inglés.")

    # The update is reviewed and published again: up to date, with the new text.
    approve(page, live_server, update, physician, 1)
    approve(page, live_server, update, nurse, 1)
    publish(page, live_server, managing_editor, 1)
    page.context.clear_cookies()
    page.goto(spanish_url)
    assert "obran de forma distinta" in page.inner_text("main")
    assert "Esta traducción se basa en la versión del" not in page.inner_text("main")
