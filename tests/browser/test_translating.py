"""The translator's screen in Chromium: axe-core at WCAG 2.2 A and AA, in both colour schemes,
with an out-of-date field showing its diff; the policy enforced; a screenshot to look at."""

import pytest
from django.urls import reverse

from drugs.models import Page
from editorial import translating
from editorial.importing import seed_import
from tests.browser.test_accessibility import AXE, axe_violations, describe, log_in
from tests.requirements import skip_unless_required
from tests.workflow import edit, publish_through_review

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

SPANISH_INTRO = (
    "Los medicamentos dirigidos actúan de forma distinta a la quimioterapia convencional."
)


@pytest.fixture
def translated_page(live_server, translator, writer, physician, nurse, managing_editor) -> Page:
    """The seed page with its intro in Spanish, then the English intro republished."""
    page = seed_import().page
    translating.translation_save(
        user=translator,
        page=page,
        language="es",
        texts={("drugs.page", page.pk, "intro"): SPANISH_INTRO},
    )
    new = page.intro.replace("work differently", "act differently")
    change = edit(writer, Page.objects.get(pk=page.pk), intro=new)
    publish_through_review(change, writer, physician, nurse, managing_editor)
    return page


def screen(live_server, page: Page) -> str:
    return live_server.url + reverse("admin:drugs_translation_translate", args=[page.pk, "es"])


@pytest.fixture
def axe_script():
    if not AXE.exists():
        skip_unless_required(f"axe-core is not installed at {AXE} (npm ci)", "REQUIRE_BROWSER")
    return AXE


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_translators_screen_has_no_wcag_22_a_or_aa_violations(
    browser, live_server, translated_page, translator, axe_script, scheme
):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, bypass_csp=True, color_scheme=scheme
    )
    page = context.new_page()
    try:
        log_in(page, live_server, translator)
        assert page.goto(screen(live_server, translated_page)).status == 200
        assert page.locator(".translate-stale del").count() >= 1
        violations = axe_violations(page, axe_script)
        assert not violations, describe(violations)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_translations_list_has_no_wcag_22_a_or_aa_violations(
    browser, live_server, translated_page, translator, axe_script, scheme
):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, bypass_csp=True, color_scheme=scheme
    )
    page = context.new_page()
    try:
        log_in(page, live_server, translator)
        url = live_server.url + reverse("admin:drugs_translation_changelist")
        assert page.goto(url).status == 200
        assert page.get_by_role("button", name="Translate into Español").count() == 1
        violations = axe_violations(page, axe_script)
        assert not violations, describe(violations)
    finally:
        context.close()


def test_the_translators_screen_fits_the_window_and_is_saved_as_a_screenshot(
    browser, live_server, translated_page, translator, artifacts
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    try:
        log_in(page, live_server, translator)
        page.goto(screen(live_server, translated_page))
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.locator(".translate-stale").first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "translate-screen.png"))
        page.screenshot(path=str(artifacts / "translate-screen-full.png"), full_page=True)
        assert not [text for text in violations if "Content Security Policy" in text]
    finally:
        context.close()
