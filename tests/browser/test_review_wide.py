"""The review screen of a wide change in Chromium: no WCAG 2.2 A/AA violation, no script
needed to open a page's diff, and screenshots to look at (artifacts/screenshots/)."""

import pytest
from django.contrib.auth import get_user_model

from drugs.models import Drug
from editorial import roles
from editorial.importing import seed_import
from editorial.models import ReviewerProfile
from tests.browser.test_accessibility import axe_page, axe_script, axe_violations, describe, log_in
from tests.wide import publish_pages_showing
from tests.workflow import edit, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]
__all__ = ["axe_page", "axe_script"]  # fixtures, shared with the accessibility tests


def _person(username: str, role: str, credential: str = "", **names):
    user = get_user_model().objects.create_user(
        username=username, password=f"{username}-password", is_staff=True, **names
    )
    user.groups.add(roles.role_groups()[role])
    if credential:
        ReviewerProfile.objects.create(
            user=user, credential=credential, printed_name=user.get_full_name()
        )
    return user


def test_the_wide_review_screen_and_a_pages_diff_are_accessible_without_script(
    browser, axe_page, axe_script, live_server, artifacts
):
    seed_import()
    people = {
        "writer": _person("writer", roles.WRITER, first_name="Wren", last_name="Writer"),
        "physician": _person("physician", roles.PHYSICIAN, "MD", first_name="Paula"),
        "nurse": _person("nurse", roles.NURSE, "OCN", first_name="Nina"),
        "managing_editor": _person("editor", roles.MANAGING_EDITOR, first_name="Mara"),
    }
    everolimus = Drug.objects.get(slug="everolimus")
    pages = publish_pages_showing(everolimus, 6, **people)
    change = edit(people["writer"], everolimus, administration="Everolimus is a tablet.")
    edit(people["writer"], pages[2], change=change, intro="Rewritten for this page alone.")
    submit(change, people["writer"])

    log_in(axe_page, live_server, people["physician"])
    axe_page.goto(live_server.url + change.get_absolute_url())
    assert axe_page.locator("tr.differs").count() == 1
    axe_page.screenshot(path=artifacts / "review-wide.png", full_page=True)
    violations = axe_violations(axe_page, axe_script)
    assert not violations, describe(violations)

    axe_page.fill("#page-list-q", "cancer 0004")
    axe_page.click("form.page-search button")
    assert axe_page.locator(".page-list tbody tr").count() == 1

    # Without JavaScript, the marked page's diff opens from the list as a plain link.
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    try:
        plain = context.new_page()
        log_in(plain, live_server, people["physician"])
        plain.goto(live_server.url + change.get_absolute_url())
        plain.locator("tr.differs a:has-text('View the diff')").click()
        assert plain.locator("ins:has-text('Rewritten')").count() >= 1
        plain.screenshot(path=artifacts / "review-wide-page-diff.png", full_page=True)
    finally:
        context.close()
    axe_page.goto(plain_url := live_server.url + change.get_absolute_url())
    axe_page.locator("tr.differs a:has-text('View the diff')").click()
    violations = axe_violations(axe_page, axe_script)
    assert not violations, describe(violations)
    axe_page.goto(plain_url)
    assert axe_page.locator("tr.differs .tag:has-text('opened')").count() == 1
