"""Version labels in the browser: on paper with the page's address, and an accessible change log."""

import pytest
from django.utils import timezone

from drugs.models import Drug
from editorial.importing import seed_import
from editorial.versions import version_label
from tests.browser.test_accessibility import axe_page, axe_script, axe_violations, describe  # noqa: F401
from tests.workflow import edit, publish_through_review

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

SEED_LABEL = "Version 1 · August 17, 2021"


@pytest.fixture
def versioned(live_server, writer, physician, nurse, managing_editor):
    """The seed page at its second version: its address, and that version's label."""
    seed = seed_import()
    everolimus = Drug.objects.get(slug="everolimus")
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    publish_through_review(
        change, writer, physician, nurse, managing_editor, "Everolimus is taken once a day."
    )
    return seed.get_absolute_url(), version_label(2, timezone.localdate())


def test_a_printed_page_shows_its_version_and_the_address_it_lives_at(page, live_server, versioned):
    path, label = versioned
    page.emulate_media(media="print")
    page.goto(live_server.url + path)
    printed = page.locator("main").inner_text()
    assert label in printed
    assert f"Online at {live_server.url}{path}" in printed


def test_on_screen_the_page_shows_its_version_but_not_its_address_again(
    page, live_server, versioned
):
    path, label = versioned
    page.goto(live_server.url + path)
    shown = page.locator("main").inner_text()
    assert label in shown
    assert "Online at" not in shown


def test_the_change_log_of_several_versions_has_no_wcag_22_a_or_aa_violations(
    axe_page,  # noqa: F811
    axe_script,  # noqa: F811
    live_server,
    versioned,
):
    path, label = versioned
    axe_page.goto(f"{live_server.url}{path}changes/")
    text = axe_page.locator("main").inner_text()
    assert label in text and SEED_LABEL in text
    violations = axe_violations(axe_page, axe_script)
    assert not violations, describe(violations)
