"""Every public template, checked in headless Chromium for accessibility and layout.

axe-core (from npm, pinned in package.json) checks the WCAG 2.2 A and AA rules; the
scripted checks cover what axe cannot see: reflow at 320 CSS pixels, a visible keyboard
focus, reading without script, and the print stylesheet.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from drugs.models import Drug
from editorial import identity, workflow
from editorial.importing import seed_import
from editorial.models import Publication, SiteIdentity
from tests.requirements import skip_unless_required
from tests.translated import publish_spanish
from tests.workflow import edit, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROWEST = 320  # WCAG 1.4.10 Reflow: 320 CSS pixels wide, no horizontal scrolling
DESKTOP = 1280


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        reason = f"axe-core is not installed at {AXE} (npm ci)"
        skip_unless_required(reason, "REQUIRE_BROWSER")
    return AXE


@pytest.fixture
def seed(live_server) -> Publication:
    return seed_import()


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"{user.username}-password")
    with page.expect_navigation():
        page.click("input[type=submit]")


# Each public template, opened the way a reader (or, for the preview, an editor) reaches
# it: (page, live_server, seed publication, personas) -> the HTTP status it answered with.
def _get(path: Callable[[Publication], str]):
    def open_(page, live_server, seed, people):
        return page.goto(live_server.url + path(seed)).status

    return open_


def _unpublished(path: Callable[[Publication], str]):
    """The site once the seed page is taken down: nothing is published."""

    def open_(page, live_server, seed, people):
        workflow.page_unpublish(page=seed.page, editor=people["managing_editor"])
        return page.goto(live_server.url + path(seed)).status

    return open_


def _preview(page, live_server, seed, people):
    writer = people["writer"]
    everolimus = Drug.objects.get(slug="everolimus")
    revision = submit(edit(writer, everolimus, administration="Taken by mouth once a day."), writer)
    log_in(page, live_server, writer)
    url = reverse("admin:editorial_change_preview", args=[revision.pages.get().pk])
    return page.goto(live_server.url + url).status


def _server_error(page, live_server, seed, people):
    # No public URL fails on purpose, so the 500 template (which stands alone, without
    # the stylesheet, in case static files are what broke) is loaded as the server sends it.
    page.goto(live_server.url + "/robots.txt")
    page.set_content(render_to_string("500.html"))
    return 500


def _spanish_server_error(page, live_server, seed, people):
    page.goto(live_server.url + "/robots.txt")
    with translation.override("es"):
        page.set_content(render_to_string("500.html"))
    return 500


def _with_identity(path: Callable[[Publication], str]):
    """The site once a managing editor gave it a name, a logo and a contact page."""

    def open_(page, live_server, seed, people):
        identity.identity_save(
            SiteIdentity(
                name="American Cancer Society",
                short_name="ACS",
                logo="editorial/logo.svg",
                contact_url="/contact/",
            ),
            editor=people["managing_editor"],
            reason="Our name",
        )
        return page.goto(live_server.url + path(seed)).status

    return open_


def _in_spanish(path: Callable[[Publication], str], out_of_date: bool = False):
    """The site once the seed page is live in Spanish (some of it untranslated); with
    `out_of_date`, translated from content the English page no longer shows."""

    def open_(page, live_server, seed, people):
        publish_spanish(seed, source_content_hash="0" * 64 if out_of_date else None)
        return page.goto(live_server.url + path(seed)).status

    return open_


PUBLIC_TEMPLATES = {
    "page_list": (_get(lambda seed: "/"), 200),
    "page_detail": (_get(lambda seed: seed.get_absolute_url()), 200),
    "page_references": (_get(lambda seed: seed.get_absolute_url() + "references/"), 200),
    "page_changes": (_get(lambda seed: seed.get_absolute_url() + "changes/"), 200),
    "drug_detail": (_get(lambda seed: "/drugs/everolimus/"), 200),
    "glossary": (_get(lambda seed: "/side-effects/"), 200),
    "drug_list": (_get(lambda seed: "/drugs/"), 200),
    "drug_list_empty": (_unpublished(lambda seed: "/drugs/"), 200),
    "page_detail_with_identity": (_with_identity(lambda seed: seed.get_absolute_url()), 200),
    "search": (_get(lambda seed: "/search/?q=everolimus"), 200),
    "search_without_results": (_get(lambda seed: "/search/?q=nothing+matches+this"), 200),
    # Passages with marked words, and a "Did you mean" link.
    "search_passages": (_get(lambda seed: "/search/?q=mouth+sores+nausea"), 200),
    "search_did_you_mean": (_get(lambda seed: "/search/?q=nausia"), 200),
    "page_list_empty": (_unpublished(lambda seed: "/"), 200),
    "glossary_empty": (_unpublished(lambda seed: "/side-effects/"), 200),
    "404": (_get(lambda seed: "/no-such-page/"), 404),
    "gone": (_unpublished(lambda seed: seed.get_absolute_url()), 410),
    "preview": (_preview, 200),
    "500": (_server_error, 500),
    # The Spanish site: nothing is published in Spanish yet.
    "es_page_list": (_get(lambda seed: "/es/"), 200),
    "es_not_in_language": (_get(lambda seed: "/es" + seed.get_absolute_url()), 404),
    "es_drug_not_in_language": (_get(lambda seed: "/es/drugs/everolimus/"), 404),
    "es_drug_list": (_get(lambda seed: "/es/drugs/"), 200),
    "es_glossary": (_get(lambda seed: "/es/side-effects/"), 200),
    "es_search": (_get(lambda seed: "/es/search/?q=dolor"), 200),
    "es_404": (_get(lambda seed: "/es/no-such-page/"), 404),
    "es_500": (_spanish_server_error, 500),
    # The seed page live in Spanish, partly untranslated.
    "es_page_detail": (_in_spanish(lambda seed: "/es" + seed.get_absolute_url()), 200),
    "es_page_detail_out_of_date": (
        _in_spanish(lambda seed: "/es" + seed.get_absolute_url(), out_of_date=True),
        200,
    ),
    "es_page_references": (
        _in_spanish(lambda seed: "/es" + seed.get_absolute_url() + "references/"),
        200,
    ),
    "es_page_list_with_pages": (_in_spanish(lambda seed: "/es/"), 200),
    "es_page_changes": (
        _in_spanish(lambda seed: "/es" + seed.get_absolute_url() + "changes/"),
        200,
    ),
    "es_drug_detail": (_in_spanish(lambda seed: "/es/drugs/sunitinib/"), 200),
    "es_drug_detail_effects_untranslated": (_in_spanish(lambda seed: "/es/drugs/belzutifan/"), 200),
    "es_drug_list_with_drugs": (_in_spanish(lambda seed: "/es/drugs/"), 200),
    "es_glossary_with_terms": (_in_spanish(lambda seed: "/es/side-effects/"), 200),
    "drug_detail_with_spanish": (_in_spanish(lambda seed: "/drugs/sunitinib/"), 200),
    "es_search_results": (_in_spanish(lambda seed: "/es/search/?q=nauseas"), 200),
    "page_detail_with_spanish": (_in_spanish(lambda seed: seed.get_absolute_url()), 200),
}


@pytest.fixture(params=PUBLIC_TEMPLATES, ids=str)
def open_template(request, live_server, seed, writer, managing_editor):
    """Opens one public template in the page it is given, and checks it answered as expected."""
    opener, expected_status = PUBLIC_TEMPLATES[request.param]
    people = {"writer": writer, "managing_editor": managing_editor}

    def open_(page) -> None:
        assert opener(page, live_server, seed, people) == expected_status

    return open_


def axe_violations(page, axe_script: Path) -> list[dict]:
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_22_A_AND_AA,
    )
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def page_at_width(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 640})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def axe_page(browser):
    """A page that may run axe-core: injected as a script, which the site's policy refuses.

    The policy itself is checked in test_content_security_policy.py, with it enforced.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_every_public_template_has_no_wcag_22_a_or_aa_violations(
    axe_page, open_template, axe_script
):
    open_template(axe_page)
    violations = axe_violations(axe_page, axe_script)
    assert not violations, describe(violations)


def test_every_public_template_reflows_at_320_css_pixels_without_horizontal_scrolling(
    browser, open_template
):
    page = page_at_width(browser, NARROWEST)
    try:
        open_template(page)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.body.scrollWidth]"
        )
        too_wide = page.evaluate(
            """limit => [...document.querySelectorAll('body *')]
                .filter(element => element.getBoundingClientRect().right > limit + 0.5)
                .map(element => element.tagName.toLowerCase()
                     + (element.className ? '.' + element.className : ''))""",
            NARROWEST,
        )
        assert max(widths) <= NARROWEST, f"scroll widths {widths}; too wide: {too_wide}"
    finally:
        page.context.close()


FOCUS_STYLE = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    return {
        tag: element.tagName.toLowerCase(),
        text: (element.textContent || element.value || '').trim(),
        inMain: Boolean(element.closest('main')),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        boxShadow: style.boxShadow,
        onScreen: box.right > 0 && box.bottom > 0
            && box.left < innerWidth && box.top < innerHeight,
    };
}"""


def tab_to(page) -> dict:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUS_STYLE)


def assert_focus_visible(focused: dict) -> None:
    outlined = focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0
    shadowed = focused["boxShadow"] not in ("", "none")
    assert (outlined or shadowed) and focused["onScreen"], focused


def test_keyboard_focus_is_visible_on_the_skip_link_and_on_links_in_the_page(
    page, live_server, seed
):
    page.goto(live_server.url + seed.get_absolute_url())

    skip_link = tab_to(page)
    assert skip_link["text"] == "Skip to main content"
    assert_focus_visible(skip_link)

    # Following the skip link puts the next Tab inside the main content.
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    in_page = tab_to(page)
    assert in_page["tag"] == "a" and in_page["inMain"], in_page
    assert_focus_visible(in_page)


def test_keyboard_focus_is_visible_on_the_search_field_and_button(page, live_server, seed):
    page.goto(live_server.url + "/")
    page.focus("#search-q")
    assert_focus_visible(page.evaluate(FOCUS_STYLE))
    button = tab_to(page)
    assert button["tag"] == "button"
    assert_focus_visible(button)


def test_the_seed_page_reads_completely_without_javascript(browser, live_server, seed):
    drug = seed.content["drug_sections"][0]["drug"]
    side_effect = drug["side_effects"][0]["entries"][0]["text"]
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + seed.get_absolute_url())
        assert page.locator("h1").inner_text() == seed.title
        assert page.locator(f"section#{drug['slug']}").get_by_text(side_effect).is_visible()
        references = page.locator("section.references li")
        assert references.count() == len(seed.content["references"]) > 0
        assert references.first.is_visible()
        assert page.locator("time").first.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("suffix", ["", "references/"], ids=["page_detail", "page_references"])
def test_print_hides_the_navigation_and_shows_where_external_links_go(
    page, live_server, seed, suffix
):
    page.emulate_media(media="print")
    page.goto(live_server.url + seed.get_absolute_url() + suffix)
    assert page.locator(".site-header").count() == 1
    for hidden in (".skip-link", ".site-header", "nav", ".search-form"):
        displays = page.eval_on_selector_all(
            hidden, "elements => elements.map(e => getComputedStyle(e).display)"
        )
        assert set(displays) <= {"none"}, (hidden, displays)

    # Every external link that prints, in the references and elsewhere, prints its address:
    # as its text, or after it.
    links = page.eval_on_selector_all(
        'main a[href^="http"]',
        """links => links.filter(link => link.checkVisibility()).map(link => ({
            href: link.getAttribute('href'),
            text: link.textContent,
            after: getComputedStyle(link, '::after').content,
        }))""",
    )
    assert links, "the seed page cites web pages and a DOI"
    for link in links:
        assert link["href"] in link["text"] or link["href"] in link["after"], link
        assert not (link["href"] in link["text"] and link["href"] in link["after"]), link


def test_the_seed_page_is_saved_as_screenshots_at_320_pixels_and_desktop(
    browser, live_server, seed, artifacts
):
    for width, name in ((NARROWEST, "seed-320.png"), (DESKTOP, "seed-desktop.png")):
        page = page_at_width(browser, width)
        try:
            page.goto(live_server.url + seed.get_absolute_url())
            page.screenshot(path=artifacts / name, full_page=True)
        finally:
            page.context.close()
        assert (artifacts / name).stat().st_size > 0


def test_a_spanish_page_address_is_saved_as_screenshots_at_320_pixels_and_desktop(
    browser, live_server, seed, artifacts
):
    for width, name in ((NARROWEST, "es-not-in-language-320.png"), (DESKTOP, "es-index.png")):
        page = page_at_width(browser, width)
        try:
            url = "/es" + seed.get_absolute_url() if width == NARROWEST else "/es/"
            page.goto(live_server.url + url)
            page.screenshot(path=artifacts / name, full_page=True)
        finally:
            page.context.close()
        assert (artifacts / name).stat().st_size > 0


def test_an_explained_side_effect_opens_in_place_without_javascript(browser, live_server, seed):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + seed.get_absolute_url())
        # The line reads as the seed's; opened, it leads to the glossary entry.
        glossary = page.get_by_role("link", name="Hand-foot syndrome in the side-effect glossary")
        assert not glossary.is_visible()
        page.locator("summary", has_text="hand-foot syndrome (redness, pain").click()
        assert glossary.is_visible()
        glossary.click()
        assert page.url.endswith("/side-effects/#hand-foot-syndrome")
        assert page.locator("#hand-foot-syndrome dt").inner_text() == "Hand-foot syndrome"
    finally:
        context.close()


def test_an_opened_side_effect_the_glossary_and_a_named_site_reflow_at_320_pixels(
    browser, live_server, seed, managing_editor, artifacts
):
    identity.identity_save(
        SiteIdentity(name="American Cancer Society", short_name="ACS", logo="editorial/logo.svg"),
        editor=managing_editor,
        reason="Our name",
    )
    for path, name in [
        (seed.get_absolute_url(), "page-byline-320.png"),
        ("/side-effects/", "glossary-320.png"),
        ("/drugs/", "drugs-320.png"),
    ]:
        page = page_at_width(browser, NARROWEST)
        try:
            page.goto(live_server.url + path)
            page.screenshot(path=artifacts / name)  # the top: header, title, byline
            if path == seed.get_absolute_url():
                opened = page.locator("details.side-effect").first
                opened.locator("summary").click()
                opened.evaluate("element => element.scrollIntoView({block: 'center'})")
                page.screenshot(path=artifacts / "page-side-effect-opened-320.png")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= NARROWEST, (path, width)
        finally:
            page.context.close()
