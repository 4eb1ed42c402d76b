"""The Content-Security-Policy, enforced by real Chromium: nothing any screen needs is refused.

The browser context keeps the policy (no `bypass_csp`); an init script records every
`securitypolicyviolation` event each document fires, and Chromium's console reports
of refused content are collected too.
"""

import pytest
from django.urls import reverse

from drugs.models import Drug, Page
from editorial.importing import seed_import
from editorial.models import Publication
from references.models import Citation
from tests.workflow import approve, edit, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
  );
});
"""


class Recorder:
    """One page under the site's policy, and every violation its documents reported."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> list[str]:
        """Open `url` and return what the policy refused there."""
        self.console.clear()
        response = self.page.goto(url)
        assert response.status < 400, f"{url} answered {response.status}"
        return self.violations()

    def violations(self) -> list[str]:
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(50)  # the events are queued as tasks
        return self.page.evaluate("window.__cspViolations") + self.console


@pytest.fixture
def enforced(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Recorder(page)
    context.close()


@pytest.fixture
def seed(live_server) -> Publication:
    return seed_import()


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"{user.username}-password")
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_the_recorder_reports_content_the_policy_refuses(enforced, live_server, seed):
    enforced.visit(live_server.url + seed.get_absolute_url())
    enforced.page.evaluate("document.body.setAttribute('style', 'color: red')")
    assert any("style-src" in violation for violation in enforced.violations())


def test_no_public_page_reports_a_violation(enforced, live_server, seed):
    page_url = seed.get_absolute_url()
    paths = [
        "/",
        page_url,
        f"{page_url}references/",
        f"{page_url}changes/",
        reverse("editorial:drug", args=["everolimus"]),
        reverse("editorial:glossary"),
        reverse("editorial:search") + "?q=everolimus",
    ]
    found = {path: enforced.visit(live_server.url + path) for path in paths}
    assert found == {path: [] for path in paths}


def test_the_seed_page_keeps_its_json_ld_under_the_policy(enforced, live_server, seed):
    assert enforced.visit(live_server.url + seed.get_absolute_url()) == []
    assert enforced.page.locator('script[type="application/ld+json"]').count() == 1


def test_no_admin_screen_an_editor_uses_reports_a_violation(
    enforced, live_server, seed, writer, physician, nurse, managing_editor
):
    everolimus = Drug.objects.get(slug="everolimus")
    revision = submit(edit(writer, everolimus, administration="Taken by mouth once a day."), writer)
    approve(revision, physician)
    change = revision.change
    page = Page.objects.get()
    citation = Citation.objects.order_by("pk").first()
    publication = Publication.objects.get()

    assert enforced.visit(f"{live_server.url}/admin/login/") == []
    log_in(enforced.page, live_server, managing_editor)
    assert enforced.violations() == []
    paths = [
        reverse("admin:index"),
        reverse("admin:editorial_change_changelist"),
        reverse("admin:editorial_change_change", args=[change.pk]),
        reverse("admin:editorial_change_preview", args=[revision.pages.get().pk]),
        reverse("admin:drugs_page_change", args=[page.pk]),
        reverse("admin:drugs_drug_change", args=[everolimus.pk]),
        reverse("admin:drugs_drug_history", args=[everolimus.pk]),
        reverse("admin:references_citation_change", args=[citation.pk]),
        reverse("admin:editorial_change_timeline", args=[page.pk]),
        reverse("admin:editorial_change_compare", args=[page.pk])
        + f"?a=pub:{publication.pk}&b=rev:{revision.pages.get().pk}",
        reverse("editors_guide"),
        reverse("admin:drugs_translation_changelist"),
        reverse("admin:drugs_translation_translate", args=[page.pk, "es"]),
    ]
    found = {path: enforced.visit(live_server.url + path) for path in paths}
    assert found == {path: [] for path in paths}


def test_the_drug_form_widgets_work_under_the_policy(enforced, live_server, seed, writer):
    everolimus = Drug.objects.get(slug="everolimus")
    log_in(enforced.page, live_server, writer)
    enforced.visit(f"{live_server.url}/admin/drugs/drug/{everolimus.pk}/change/")
    new_row = everolimus.side_effects.count()
    enforced.page.click(f"#id_side_effects-{new_row}-term + .select2 .select2-selection")
    enforced.page.fill(".select2-container--open .select2-search__field", "headache")
    enforced.page.click(".select2-results__option:has-text('headache')")
    enforced.page.click(".add-row a")
    assert enforced.violations() == []


def test_the_refused_login_page_reports_no_violation(enforced, live_server, writer):
    enforced.visit(f"{live_server.url}/admin/login/")
    for _ in range(6):
        enforced.page.fill("#id_username", writer.username)
        enforced.page.fill("#id_password", "wrong-password")
        with enforced.page.expect_navigation():
            enforced.page.click("input[type=submit]")
        if "Login refused" in enforced.page.title():
            break
    assert "Too many failed logins" in enforced.page.inner_text("#content-main")
    assert enforced.violations() == []
