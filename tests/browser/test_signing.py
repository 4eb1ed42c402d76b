"""Signing a review in Chromium: the password, the first-use statement, a wrong password.

The review screen is checked by axe-core at WCAG 2.2 A and AA with the signing fields
shown; screenshots go to artifacts/screenshots/.
"""

import pytest

from drugs.models import Drug
from editorial import signing
from editorial.importing import seed_import
from editorial.models import AuditEntry, Review, Signature
from tests.browser.test_accessibility import axe_page, axe_script, axe_violations, describe, log_in
from tests.workflow import edit, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]
__all__ = ["axe_page", "axe_script"]  # fixtures, shared with the accessibility tests


@pytest.fixture
def change(live_server, writer):
    seed_import()
    everolimus = Drug.objects.get(slug="everolimus")
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    submit(change, writer)
    return change


def open_review(page, live_server, change) -> None:
    page.goto(live_server.url + change.get_absolute_url())


def fill_signature(page, reviewer, password: str) -> None:
    page.fill("#review-comment", "Matches the current label.")
    if page.locator("#review-certify").count():
        page.check("#review-certify")
    if page.locator("#review-username").count():
        page.fill("#review-username", reviewer.username)
    page.fill("#review-password", password)


def test_a_physician_signs_an_approval_with_their_password(
    axe_page, axe_script, live_server, artifacts, change, physician
):
    page = axe_page
    log_in(page, live_server, physician)
    open_review(page, live_server, change)
    signing_text = page.inner_text("fieldset.signing")
    assert "By approving you sign: Approved as medically accurate" in signing_text
    assert "By requesting changes you sign: Requested changes" in signing_text
    assert signing.CERTIFICATION_STATEMENT in signing_text
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)

    fill_signature(page, physician, "physician-password")
    page.screenshot(path=artifacts / "signing-first-use.png", full_page=True)
    with page.expect_navigation():
        page.click("button:has-text('Approve revision 1')")

    assert "Approved." in page.inner_text(".messagelist")
    signature = Signature.objects.get()
    assert (signature.signer, signature.printed_name) == (physician, "Paula Physician")
    shown = page.locator(".comment .signature").first.inner_text()
    assert "Signed by Paula Physician, MD" in shown
    assert "Approved as medically accurate" in shown
    assert signature.short_hash in shown
    page.screenshot(path=artifacts / "signed-review.png", full_page=True)
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)


def test_a_wrong_password_is_refused_and_nothing_is_recorded(
    page, live_server, artifacts, change, physician
):
    log_in(page, live_server, physician)
    open_review(page, live_server, change)
    fill_signature(page, physician, "not-my-password")
    with page.expect_navigation():
        page.click("button:has-text('Approve revision 1')")

    assert "The password is not right" in page.inner_text(".messagelist")
    assert page.input_value("#review-comment") == "Matches the current label."
    assert page.input_value("#review-password") == ""
    page.screenshot(path=artifacts / "signing-wrong-password.png", full_page=True)
    assert not Review.objects.exists()
    assert not Signature.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGNING_FAILED).count() == 1


def test_the_first_use_confirmation_is_shown_once(page, live_server, change, writer, physician):
    log_in(page, live_server, physician)
    open_review(page, live_server, change)
    assert page.locator("#review-certify").count() == 1
    fill_signature(page, physician, "physician-password")
    with page.expect_navigation():
        page.click("button:has-text('Approve revision 1')")
    assert "Approved." in page.inner_text(".messagelist")

    sunitinib = Drug.objects.get(slug="sunitinib")
    other = submit(edit(writer, sunitinib, administration="A capsule taken daily."), writer)
    open_review(page, live_server, other.change)
    assert page.locator("#review-certify").count() == 0  # confirmed once, never again
    assert page.locator("#review-username").count() == 0  # the session has signed
    page.fill("#review-password", "physician-password")
    with page.expect_navigation():
        page.click("button:has-text('Approve revision 1')")
    assert "Approved." in page.inner_text(".messagelist")
    assert Signature.objects.count() == 2
