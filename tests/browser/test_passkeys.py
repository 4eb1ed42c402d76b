"""Passkeys in real Chromium, with its virtual authenticator (DevTools' WebAuthn domain).

A reviewer adds a passkey on "Your passkeys" (name and password, then the browser's
ceremony), then approves a revision with it on the review screen, through passkeys.js and
the signing options view: the review and its signature are recorded (method passkey), and
the assertion the signature keeps verifies again offline. Both run under the site's own policies (no
`bypass_csp`): scripts only from the site, passkeys allowed in the admin alone.
Chromium takes `localhost` as a relying party id, never `127.0.0.1`: the live server
is opened at localhost.
"""

import pytest
from django.urls import reverse

from drugs.models import Drug
from editorial import passkeys
from editorial.importing import seed_import
from editorial.models import AuditEntry, Passkey, Review, Signature
from tests.authenticator import SoftAuthenticator, add_passkey
from tests.browser.test_accessibility import AXE, axe_violations, describe
from tests.requirements import skip_unless_required
from tests.workflow import edit, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

LIST = "/admin/editorial/passkey/"
ADD = "/admin/editorial/passkey/add/"


def virtual_authenticator(page, *, verified: bool = True) -> tuple:
    """A platform authenticator that verifies its user, as a laptop's fingerprint reader does."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": verified,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return devtools, added["authenticatorId"]


def base_url(live_server) -> str:
    assert live_server.url.startswith("http://localhost:"), live_server.url
    return live_server.url


def log_in(page, live_server, user) -> None:
    page.goto(f"{base_url(live_server)}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"{user.username}-password")
    with page.expect_navigation():
        page.click("input[type=submit]")


def start_adding(page, live_server, name: str, password: str) -> None:
    page.goto(base_url(live_server) + ADD)
    page.fill("#passkey-name", name)
    page.fill("#passkey-password", password)
    with page.expect_navigation():
        page.click("input[type=submit]")


@pytest.fixture
def revision(live_server, writer):
    seed_import()
    everolimus = Drug.objects.get(slug="everolimus")
    return submit(edit(writer, everolimus, administration="Taken by mouth once a day."), writer)


@pytest.fixture
def policy_watch(page):
    """Every Content-Security-Policy or Permissions-Policy refusal the page reports."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Permissions policy" in message.text
            else None
        ),
    )
    return refused


def test_a_reviewer_adds_a_passkey_and_approves_a_revision_with_it(
    page, live_server, physician, revision, artifacts, policy_watch
):
    virtual_authenticator(page)
    log_in(page, live_server, physician)

    start_adding(page, live_server, "Work laptop", "physician-password")
    create = page.get_by_role("button", name="Create the passkey “Work laptop”")
    create.focus()  # by keyboard, as a reviewer without a mouse would
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(LIST)
    assert "Passkey “Work laptop” added" in page.inner_text(".messagelist")
    page.screenshot(path=str(artifacts / "passkeys-list.png"), full_page=True)
    passkey = Passkey.objects.get(user=physician)
    assert passkey.name == "Work laptop" and passkey.transports == ["internal"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PASSKEY_ADDED).count() == 1

    page.goto(base_url(live_server) + revision.change.get_absolute_url())
    page.fill("#review-comment", "Matches the current label.")
    page.check("#review-certify")  # the first signature: the statement, once
    with page.expect_navigation():
        page.get_by_role("button", name="Approve revision 1 with your passkey").click()
    assert "Approved." in page.inner_text(".messagelist")
    review = Review.objects.get()
    assert (review.reviewer, review.comment) == (physician, "Matches the current label.")
    signature = Signature.objects.get()
    assert signature.method == Signature.Method.PASSKEY
    assert signature.passkey_credential_id == passkey.credential_id
    passkeys.assertion_verify(signature.webauthn_assertion, revision.content_hash)
    assert "by passkey" in page.locator(".comment .signature").first.inner_text()
    page.screenshot(path=str(artifacts / "passkey-signed-review.png"), full_page=True)
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert policy_watch == []


def test_the_review_screen_with_the_passkey_buttons_has_no_wcag_22_a_or_aa_violations(
    axe_page, live_server, physician, revision, axe_script, artifacts
):
    add_passkey(physician, SoftAuthenticator())
    log_in(axe_page, live_server, physician)
    axe_page.goto(base_url(live_server) + revision.change.get_absolute_url())
    button = axe_page.get_by_role("button", name="Approve revision 1 with your passkey")
    assert button.is_visible()
    axe_page.locator(".review-form").screenshot(path=str(artifacts / "passkey-review-form.png"))
    violations = axe_violations(axe_page, axe_script)
    assert not violations, describe(violations)


def test_a_refused_ceremony_is_announced_and_the_button_can_be_pressed_again(
    page, live_server, physician, artifacts
):
    virtual_authenticator(page, verified=False)  # the reviewer's fingerprint is not recognised
    log_in(page, live_server, physician)
    start_adding(page, live_server, "Work laptop", "physician-password")
    create = page.get_by_role("button", name="Create the passkey “Work laptop”")
    create.click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "not used" in alert.inner_text()
    assert create.is_enabled()
    assert page.evaluate("document.activeElement.textContent").startswith("Create the passkey")
    page.screenshot(path=str(artifacts / "passkey-refused.png"), full_page=True)
    assert not Passkey.objects.exists()


def test_a_wrong_password_is_refused_before_any_ceremony(page, live_server, physician):
    log_in(page, live_server, physician)
    start_adding(page, live_server, "Work laptop", "not-my-password")
    assert "That is not your password." in page.inner_text("#content-main")
    assert page.locator("[data-passkey-register]").count() == 0


@pytest.fixture
def axe_script():
    if not AXE.exists():
        skip_unless_required(f"axe-core is not installed at {AXE} (npm ci)", "REQUIRE_BROWSER")
    return AXE


@pytest.fixture
def axe_page(browser):
    """axe is injected as a script, which the site's policy refuses, so this page bypasses it."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_passkey_screens_have_no_wcag_22_a_or_aa_violations(
    axe_page, live_server, physician, axe_script, artifacts
):
    virtual_authenticator(axe_page)
    log_in(axe_page, live_server, physician)
    found = {}
    axe_page.goto(base_url(live_server) + ADD)
    found["add"] = axe_violations(axe_page, axe_script)
    start_adding(axe_page, live_server, "Work laptop", "wrong")
    found["add, wrong password"] = axe_violations(axe_page, axe_script)
    axe_page.screenshot(path=str(artifacts / "passkey-add-wrong-password.png"), full_page=True)
    start_adding(axe_page, live_server, "Work laptop", "physician-password")
    found["create"] = axe_violations(axe_page, axe_script)
    axe_page.screenshot(path=str(artifacts / "passkey-create.png"), full_page=True)
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Create the passkey “Work laptop”").click()
    found["list"] = axe_violations(axe_page, axe_script)
    passkey = Passkey.objects.get()
    axe_page.goto(
        base_url(live_server) + reverse("admin:editorial_passkey_delete", args=[passkey.pk])
    )
    found["remove"] = axe_violations(axe_page, axe_script)
    assert {screen: describe(v) for screen, v in found.items() if v} == {}
