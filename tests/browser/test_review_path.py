"""The whole editorial path in a real browser, as writers, reviewers and editors live it."""

import re

import pytest
from django.utils import formats, timezone

from drugs.models import Drug
from editorial.importing import seed_import
from editorial.models import Change

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]


@pytest.fixture
def seed_url(live_server) -> str:
    return live_server.url + seed_import().get_absolute_url()


def log_in(page, live_server, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"{user.username}-password")
    with page.expect_navigation():
        page.click("input[type=submit]")


def sign(page, reviewer) -> None:
    """Fill in the signature as a reviewer's first in their session, on first use."""
    if page.locator("#review-certify").count():
        page.check("#review-certify")
    if page.locator("#review-username").count():
        page.fill("#review-username", reviewer.username)
    page.fill("#review-password", f"{reviewer.username}-password")


def everolimus_section(page, url) -> str:
    page.goto(url)
    return page.inner_text("section#everolimus")


def test_a_new_side_effect_goes_from_writer_to_public_through_two_reviewers(
    page, live_server, artifacts, seed_url, writer, physician, nurse, managing_editor
):
    before = everolimus_section(page, seed_url)
    assert "headache" not in before

    # The writer adds a side effect to everolimus and submits it with a note.
    log_in(page, live_server, writer)
    everolimus = Drug.objects.get(slug="everolimus")
    page.goto(f"{live_server.url}/admin/drugs/drug/{everolimus.pk}/change/")
    new_row = everolimus.side_effects.count()
    page.select_option(f"#id_side_effects-{new_row}-group", "other")
    page.click(f"#id_side_effects-{new_row}-term + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "headache")
    page.click(".select2-results__option:has-text('headache')")
    page.fill("#id_change_reason", "Headache is on the current label")
    with page.expect_navigation():
        page.click("input[name=_save]")
    with page.expect_navigation():
        page.click(".messagelist a:has-text('change')")
    page.fill("#id_summary", "Added headache to everolimus's possible side effects.")
    page.fill("#id_note", "From the current prescribing information.")
    with page.expect_navigation():
        page.click("button:has-text('Submit for review')")
    change = Change.objects.get(author=writer)
    assert change.state == Change.State.IN_REVIEW

    assert everolimus_section(page, seed_url) == before  # the public page is unchanged

    # The physician finds it on the dashboard and approves.
    log_in(page, live_server, physician)
    page.goto(f"{live_server.url}/admin/")
    awaiting = page.locator("#dashboard-review")
    assert f"Change {change.pk}" in awaiting.inner_text()
    page.screenshot(path=artifacts / "dashboard.png", full_page=True)
    with page.expect_navigation():
        awaiting.locator("a.button:has-text('Review')").click()
    assert page.locator(".diff-added:has-text('headache')").count() >= 1
    page.screenshot(path=artifacts / "review.png", full_page=True)
    sign(page, physician)
    with page.expect_navigation():
        page.click("button:has-text('Approve revision 1')")
    assert "Approved." in page.inner_text(".messagelist")

    # The writer finds no way to approve their own change.
    log_in(page, live_server, writer)
    page.goto(f"{live_server.url}{change.get_absolute_url()}")
    assert page.locator("button:has-text('Approve')").count() == 0
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#dashboard-review").count() == 0

    # The nurse approves; the managing editor publishes.
    log_in(page, live_server, nurse)
    page.goto(f"{live_server.url}{change.get_absolute_url()}")
    sign(page, nurse)
    with page.expect_navigation():
        page.click("button:has-text('Approve revision 1')")
    log_in(page, live_server, managing_editor)
    page.goto(f"{live_server.url}/admin/")
    with page.expect_navigation():
        page.locator("#dashboard-ready a.button:has-text('Publish')").click()
    with page.expect_navigation():
        page.click("button:has-text('Publish revision 1 now')")
    assert "Published" in page.inner_text(".messagelist")

    # Readers now see the new side effect and today's Last Revised.
    page.context.clear_cookies()
    after = everolimus_section(page, seed_url)
    assert "headache" in after
    today = formats.date_format(timezone.localdate(), "F j, Y")
    assert re.search(rf"Last Revised:\s*{today}", page.inner_text("main"))
