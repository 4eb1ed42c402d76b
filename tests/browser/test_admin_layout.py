"""The admin's forms, buttons and dashboard at a 1,280 × 800 window, as a new writer has it.

Each form is opened with the seed's whole page of content, submitted with one bad field,
and must then fit the window with every error beside its field, inside the window, and
listed with a link at the top. Screenshots go to ARTIFACTS_DIR/screenshots.
"""

from pathlib import Path

import pytest

from drugs.models import Drug
from editorial import workflow
from editorial.importing import seed_import
from references.models import Citation
from tests.requirements import skip_unless_required
from tests.workflow import approve, edit, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Where the page stands: its width against the window's, and each error's box.
LAYOUT = """() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    errors: [...document.querySelectorAll('ul.errorlist:not(.nonfield) li')].map(li => {
        const box = li.getBoundingClientRect();
        const row = li.closest('.form-row, .inline-related, .inline-group');
        const links = [...document.querySelectorAll('.error-summary a')];
        return {
            text: li.textContent.trim(),
            left: box.left,
            right: box.right,
            linked: links.some(a => {
                const target = document.getElementById(a.hash.slice(1));
                return target !== null && row !== null && row.contains(target)
                    && a.textContent.includes(li.textContent.trim());
            }),
        };
    }),
    cut: [...document.querySelectorAll(
        '#content-main form input:not([type=hidden]), #content-main form select, '
        + '#content-main form textarea, #content-main form .select2-container'
    )].filter(field => field.offsetParent !== null && field.getBoundingClientRect().width > 1
        && field.getBoundingClientRect().right > window.innerWidth
    ).map(field => field.id || field.name || field.className),
    summary: [...document.querySelectorAll('.error-summary a')].map(a => ({
        text: a.textContent.trim(),
        found: document.getElementById(a.hash.slice(1)) !== null,
    })),
})"""


@pytest.fixture
def window(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def seed(live_server):
    return seed_import()


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"{user.username}-password")
    with page.expect_navigation():
        page.click("input[type=submit]")


def save(page) -> None:
    page.fill("#id_change_reason", "Checking the form at 1,280 pixels")
    with page.expect_navigation():
        page.click("input[name=_save]")


def assert_fits_with_errors_beside_their_fields(page, expected: list[str]) -> dict:
    layout = page.evaluate(LAYOUT)
    assert layout["scrollWidth"] <= layout["innerWidth"], layout
    assert layout["cut"] == [], "fields reach past the window's right edge"
    assert [error["text"] for error in layout["errors"]] == expected
    for error in layout["errors"]:
        assert error["left"] >= 0 and error["right"] <= layout["innerWidth"], error
        assert error["linked"], f"the summary does not link to “{error['text']}”"
    assert all(link["found"] for link in layout["summary"]), layout["summary"]
    return layout


def test_the_page_form_fits_the_window_and_shows_a_bad_url_beside_its_field(
    window, live_server, artifacts, seed, writer
):
    log_in(window, live_server, writer)
    window.goto(f"{live_server.url}/admin/drugs/page/{seed.page_id}/change/")
    assert window.evaluate(LAYOUT)["cut"] == []
    window.fill("#id_more_information_links-0-url", "www.cancer.org/targeted therapy")
    save(window)

    assert_fits_with_errors_beside_their_fields(window, ["Enter a valid URL."])
    assert "This field is required." not in window.inner_text("#content-main")
    summary = window.inner_text(".error-summary")
    assert "“More information” link 1: External URL: Enter a valid URL." in summary
    window.screenshot(path=artifacts / "page-form-error-1280.png", full_page=True)


def test_the_drug_form_fits_the_window_and_shows_a_side_effect_error_beside_it(
    window, live_server, artifacts, seed, writer
):
    sunitinib = Drug.objects.get(slug="sunitinib")  # the most side effects of the seed
    log_in(window, live_server, writer)
    window.goto(f"{live_server.url}/admin/drugs/drug/{sunitinib.pk}/change/")
    assert window.evaluate(LAYOUT)["cut"] == []
    # Positions are never typed; a wording too long for the database is refused by the
    # server too (the browser's maxlength is lifted, as an old browser or a paste ignores it).
    window.evaluate(
        "document.querySelector('#id_side_effects-2-wording').removeAttribute('maxlength')"
    )
    window.fill("#id_side_effects-2-wording", "w" * 301)
    save(window)

    assert_fits_with_errors_beside_their_fields(
        window, ["Ensure this value has at most 300 characters (it has 301)."]
    )
    window.screenshot(path=artifacts / "drug-form-error-1280.png", full_page=True)


def test_the_citation_form_fits_the_window_and_says_only_that_the_url_is_invalid(
    window, live_server, artifacts, seed, writer
):
    uptodate = Citation.objects.get(url__contains="uptodate.com")
    log_in(window, live_server, writer)
    window.goto(f"{live_server.url}/admin/references/citation/{uptodate.pk}/change/")
    window.fill("#id_url", "www.uptodate.com/contents/metastatic well-differentiated")
    save(window)

    assert_fits_with_errors_beside_their_fields(window, ["Enter a valid URL."])
    window.screenshot(path=artifacts / "citation-form-error-1280.png", full_page=True)


def test_the_dashboard_tables_fit_beside_recent_actions_with_headers_on_one_line(
    window, live_server, artifacts, seed, writer
):
    change = edit(writer, Drug.objects.get(slug="everolimus"), administration="Once a day.")
    workflow.change_rename(
        change=change,
        user=writer,
        title="Everolimus: how it is taken, in the wording of the current prescribing label",
    )
    log_in(window, live_server, writer)
    window.goto(f"{live_server.url}/admin/")
    window.screenshot(path=artifacts / "dashboard-1280.png", full_page=True)
    layout = window.evaluate(
        """() => {
            const related = document.querySelector('#content-related').getBoundingClientRect();
            return {
                related: related.left,
                tables: [...document.querySelectorAll('.dashboard-section table')].map(
                    table => table.getBoundingClientRect().right),
                headers: [...document.querySelectorAll('.dashboard-section th')].map(th => ({
                    text: th.textContent.trim(),
                    height: th.getBoundingClientRect().height,
                    line: parseFloat(getComputedStyle(th).lineHeight)
                        || 1.5 * parseFloat(getComputedStyle(th).fontSize),
                    padding: parseFloat(getComputedStyle(th).paddingTop)
                        + parseFloat(getComputedStyle(th).paddingBottom),
                })),
            };
        }"""
    )
    assert len(layout["tables"]) >= 2  # the draft, the held record (and the overdue page)
    assert all(right <= layout["related"] for right in layout["tables"]), layout
    for header in layout["headers"]:
        if header["text"]:
            assert header["height"] - header["padding"] < 1.5 * header["line"], header


@pytest.fixture
def axe(browser):
    if not AXE.exists():
        # A skip only where browser tests are optional; CI (REQUIRE_BROWSER=1) fails instead.
        skip_unless_required(f"axe-core is not installed at {AXE} (npm ci)", "REQUIRE_BROWSER")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def button_contrast_failures(page) -> list[str]:
    """Buttons whose text axe finds below 4.5:1, or cannot measure.

    axe leaves as "incomplete" a text whose background it cannot tell (an image, or
    nothing but the page behind): the Withdraw button's white text was such a case.
    """
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """() => axe.run(
            {include: [['button'], ['input[type=submit]'], ['a.button']]},
            {runOnly: {type: 'rule', values: ['color-contrast']},
             resultTypes: ['violations', 'incomplete']}
        )"""
    )
    return [
        f"{node['target']}: {node.get('failureSummary', '')}"
        for outcome in ("violations", "incomplete")
        for result in results[outcome]
        for node in result["nodes"]
    ]


def test_every_workflow_button_has_visible_text_at_aa_contrast(
    axe, live_server, artifacts, seed, writer, physician, nurse, managing_editor
):
    change = edit(writer, Drug.objects.get(slug="everolimus"), administration="Once a day.")
    approve(submit(change, writer), physician, nurse)
    log_in(axe, live_server, managing_editor)
    screens = {
        "change-approved": change.get_absolute_url(),
        "page-form": f"/admin/drugs/page/{seed.page_id}/change/",
        "publication": f"/admin/editorial/publication/{seed.pk}/change/",
    }
    for name, path in screens.items():
        axe.goto(live_server.url + path)
        axe.screenshot(path=artifacts / f"buttons-{name}.png", full_page=True)
        assert button_contrast_failures(axe) == [], name

    axe.goto(live_server.url + change.get_absolute_url())
    with axe.expect_navigation():
        axe.click("button:has-text('Withdraw this change')")
    assert "goes back to what is published" in axe.inner_text("#content-main")
    axe.screenshot(path=artifacts / "buttons-withdraw-confirmation.png", full_page=True)
    assert button_contrast_failures(axe) == [], "withdraw confirmation"
    with axe.expect_navigation():
        axe.click("text=No, take me back")
    assert axe.url.endswith(change.get_absolute_url())


def test_the_reviewers_buttons_have_visible_text_at_aa_contrast(
    axe, live_server, artifacts, seed, writer, physician
):
    change = edit(writer, Drug.objects.get(slug="everolimus"), administration="Once a day.")
    submit(change, writer)
    log_in(axe, live_server, physician)
    axe.goto(live_server.url + change.get_absolute_url())
    assert axe.locator("button:has-text('Request changes')").count() == 1
    axe.screenshot(path=artifacts / "buttons-change-in-review.png", full_page=True)
    assert button_contrast_failures(axe) == []
