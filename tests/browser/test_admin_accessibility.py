"""Every admin screen writers and reviewers use, checked by axe-core at WCAG 2.2 A and AA.

As the public pages are (test_accessibility.py): each role's dashboard, the page, drug,
citation and term forms (add and change), the review screen, the timeline and the
compare view, the editors' guide and a reviewer's passkeys, opened by the person who uses them, with content in them from the seed
page and a change in review, in Django admin's light and dark themes (it follows the
reader's system setting). No axe rule is switched off.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from drugs.models import Drug, Page, SideEffectTerm
from editorial.importing import seed_import
from editorial.models import Publication
from references.models import Citation
from tests.browser.test_accessibility import AXE, axe_violations, describe, log_in
from tests.requirements import skip_unless_required
from tests.workflow import approve, edit, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]


@dataclass
class Scene:
    """The seed page, published, and a change to everolimus in review with one approval."""

    people: dict
    page: Page
    drug: Drug
    term: SideEffectTerm
    citation: Citation
    change_id: int
    snapshot_id: int
    publication_id: int


@pytest.fixture
def scene(live_server, writer, physician, nurse, managing_editor, credential_admin) -> Scene:
    seed_import()
    everolimus = Drug.objects.get(slug="everolimus")
    revision = submit(
        edit(writer, everolimus, administration="Everolimus is a tablet taken once a day."),
        writer,
        note="From the 2026 label.",
    )
    approve(revision, physician)
    return Scene(
        people={
            "writer": writer,
            "physician": physician,
            "nurse": nurse,
            "managing_editor": managing_editor,
            "credential_admin": credential_admin,
        },
        page=Page.objects.get(),
        drug=everolimus,
        term=SideEffectTerm.objects.order_by("pk").first(),
        citation=Citation.objects.order_by("pk").first(),
        change_id=revision.change_id,
        snapshot_id=revision.pages.get().pk,
        publication_id=Publication.objects.get().pk,
    )


def _index(scene: Scene) -> str:
    return reverse("admin:index")


# Each screen: (who opens it, where) for the scene.
SCREENS = {
    "dashboard_writer": ("writer", _index),
    "dashboard_physician": ("physician", _index),
    "dashboard_nurse": ("nurse", _index),
    "dashboard_managing_editor": ("managing_editor", _index),
    "dashboard_credential_admin": ("credential_admin", _index),
    "page_add": ("writer", lambda scene: reverse("admin:drugs_page_add")),
    "page_change": (
        "writer",
        lambda scene: reverse("admin:drugs_page_change", args=[scene.page.pk]),
    ),
    "drug_add": ("writer", lambda scene: reverse("admin:drugs_drug_add")),
    "drug_change": (
        "writer",
        lambda scene: reverse("admin:drugs_drug_change", args=[scene.drug.pk]),
    ),
    "citation_add": ("writer", lambda scene: reverse("admin:references_citation_add")),
    "citation_change": (
        "writer",
        lambda scene: reverse("admin:references_citation_change", args=[scene.citation.pk]),
    ),
    "term_add": ("writer", lambda scene: reverse("admin:drugs_sideeffectterm_add")),
    "term_change": (
        "writer",
        lambda scene: reverse("admin:drugs_sideeffectterm_change", args=[scene.term.pk]),
    ),
    "change_list": ("nurse", lambda scene: reverse("admin:editorial_change_changelist")),
    "review_by_a_reviewer": (
        "nurse",
        lambda scene: reverse("admin:editorial_change_change", args=[scene.change_id]),
    ),
    "review_by_its_writer": (
        "writer",
        lambda scene: reverse("admin:editorial_change_change", args=[scene.change_id]),
    ),
    "timeline": (
        "managing_editor",
        lambda scene: reverse("admin:editorial_change_timeline", args=[scene.page.pk]),
    ),
    "editors_guide": ("writer", lambda scene: reverse("editors_guide")),
    "passkeys": ("physician", lambda scene: reverse("admin:editorial_passkey_changelist")),
    "passkey_add": ("physician", lambda scene: reverse("admin:editorial_passkey_add")),
    "compare": (
        "managing_editor",
        lambda scene: (
            reverse("admin:editorial_change_compare", args=[scene.page.pk])
            + f"?a=pub:{scene.publication_id}&b=rev:{scene.snapshot_id}"
        ),
    ),
}


@pytest.fixture
def axe_script() -> Path:
    if not AXE.exists():
        skip_unless_required(f"axe-core is not installed at {AXE} (npm ci)", "REQUIRE_BROWSER")
    return AXE


@pytest.fixture(params=["light", "dark"])
def axe_page(browser, request):
    """A page that may run axe-core, in either colour scheme.

    axe is injected as a script, which the site's policy refuses, so the policy is bypassed.

    The policy on these screens is checked in test_content_security_policy.py, enforced.
    """
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, bypass_csp=True, color_scheme=request.param
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_admin_login_has_no_wcag_22_a_or_aa_violations(axe_page, live_server, axe_script):
    axe_page.goto(f"{live_server.url}/admin/login/")
    violations = axe_violations(axe_page, axe_script)
    assert not violations, describe(violations)


@pytest.mark.parametrize("screen", SCREENS, ids=str)
def test_every_admin_screen_has_no_wcag_22_a_or_aa_violations(
    axe_page, live_server, scene, axe_script, screen
):
    who, where = SCREENS[screen]
    log_in(axe_page, live_server, scene.people[who])
    response = axe_page.goto(live_server.url + where(scene))
    assert response.status == 200
    violations = axe_violations(axe_page, axe_script)
    assert not violations, describe(violations)
