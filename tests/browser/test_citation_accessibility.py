"""The citation screens (add, change, list, reference list) in Chromium, checked by axe-core."""

from pathlib import Path

import pytest

from references.parsing import parse_reference
from tests.browser.test_accessibility import AXE, axe_violations, describe
from tests.browser.test_citation_form import FOUR_REFERENCES, log_in
from tests.references.test_parsing import MOTZER, RINI_CHAPTER
from tests.requirements import skip_unless_required

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def axe() -> Path:
    if not AXE.exists():
        skip_unless_required(f"axe-core is not installed at {AXE} (npm ci)", "REQUIRE_BROWSER")
    return AXE


@pytest.fixture
def writers_page(browser, live_server, writer):
    # axe is injected as a script, which the site's policy refuses (checked elsewhere).
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, writer)
    yield page
    context.close()


def _add(page, base):
    page.goto(f"{base}/admin/references/citation/add/")


def _pasted(page, base):
    _add(page, base)
    page.fill("#id_reference", MOTZER + " PMCID: PMC2743127.")
    with page.expect_navigation():
        page.click("input[name=_paste]")


def _refused(page, base):
    _add(page, base)
    page.fill("#id_title", "A title")
    with page.expect_navigation():
        page.click("input[name=_save]")


def _change(page, base):
    citation = parse_reference(MOTZER).citation()
    citation.save()
    page.goto(f"{base}/admin/references/citation/{citation.pk}/change/")


def _changelist(page, base):
    parse_reference(MOTZER).citation().save()
    page.goto(f"{base}/admin/references/citation/")


def _list_form(page, base):
    page.goto(f"{base}/admin/references/citation/add-list/")


def _list_confirmation(page, base):
    parse_reference(RINI_CHAPTER).citation().save()
    _list_form(page, base)
    page.fill("#id_references", f"{FOUR_REFERENCES}\n5. Not a reference.\n6. {MOTZER} PMCID: 1.")
    with page.expect_navigation():
        page.click("input[name=_read_list]")


SCREENS = {
    "add": _add,
    "add after a paste": _pasted,
    "add refused": _refused,
    "change": _change,
    "list": _changelist,
    "reference list": _list_form,
    "reference list confirmation": _list_confirmation,
}


@pytest.mark.parametrize("screen", SCREENS)
def test_the_citation_screen_has_no_wcag_22_a_or_aa_violations(
    writers_page, live_server, axe, screen
):
    SCREENS[screen](writers_page, live_server.url)

    violations = axe_violations(writers_page, axe)
    assert not violations, describe(violations)
