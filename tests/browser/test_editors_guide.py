"""The editors' guide's screenshots, taken by walking one change from writer to public.

Each step is done as its person does it, in the browser, and photographed. With
REFRESH_GUIDE_SCREENSHOTS=1 (`make guide-screenshots`) the pictures replace those in
docs/editors-guide/; otherwise they go to the artifacts folder, so every run shows the
screens as they are without touching the repository.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from drugs.models import Page
from editorial.guide import GUIDE, IMAGES
from editorial.importing import seed_import
from editorial.models import Change

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

NEW_INTRO = (
    "Targeted drugs work in a different way from chemo. They go after parts of cancer "
    "cells that help them grow. They can help when chemo does not, and their side effects "
    "are often different."
)
WIDTH, HEIGHT = 1280, 900


@pytest.fixture
def shots(artifacts) -> Path:
    if os.environ.get("REFRESH_GUIDE_SCREENSHOTS") == "1":
        IMAGES.mkdir(parents=True, exist_ok=True)
        return IMAGES
    folder = artifacts / "editors-guide"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def guide_page(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page, live_server, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"{user.username}-password")
    with page.expect_navigation():
        page.click("input[type=submit]")


def sign(page, reviewer) -> None:
    """Fill in the signature: the statement on first use, the user name first in a session."""
    if page.locator("#review-certify").count():
        page.check("#review-certify")
    if page.locator("#review-username").count():
        page.fill("#review-username", reviewer.username)
    page.fill("#review-password", f"{reviewer.username}-password")


def guide_images() -> set[str]:
    return set(re.findall(r"\]\(editors-guide/([a-z0-9-]+\.png)\)", GUIDE.read_text()))


def test_the_guides_screenshots_follow_one_change_from_writer_to_public(
    guide_page, live_server, shots, writer, physician, nurse, managing_editor
):
    page = guide_page
    taken: list[str] = []

    def shoot(name: str, at: str | None = None) -> None:
        """The window's view, scrolled so that `at` (a selector) is at its top."""
        if at:
            page.locator(at).first.evaluate(
                "element => { element.scrollIntoView(); window.scrollBy(0, -40); }"
            )
        page.screenshot(path=shots / name)
        taken.append(name)

    publication = seed_import()
    seed_page = Page.objects.get()
    rest = seed_page.intro.split("\n\n", 1)[1]  # the intro's second paragraph stays

    # The writer rewrites the page's introduction in plainer words.
    log_in(page, live_server, writer)
    page.goto(live_server.url + reverse("admin:drugs_page_change", args=[seed_page.pk]))
    page.fill("#id_intro", f"{NEW_INTRO}\n\n{rest}")
    page.fill("#id_change_reason", "Plainer introduction")
    shoot("page-form.png")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "The public site is unchanged" in page.inner_text(".messagelist")
    shoot("page-saved.png")

    # The drug and citation forms, as a writer opens them.
    page.goto(live_server.url + reverse("admin:drugs_drug_add"))
    shoot("drug-form.png")
    page.goto(live_server.url + reverse("admin:references_citation_add"))
    shoot("citation-form.png")

    # The draft change: preview it, with its reading grades, then submit it.
    change = Change.objects.get(author=writer)
    page.goto(live_server.url + change.get_absolute_url())
    shoot("submit.png", at="#submit-heading")
    with page.expect_navigation():
        page.click("a.preview-link")
    assert "Reading grade" in page.inner_text(".readability")
    shoot("preview.png")
    page.goto(live_server.url + change.get_absolute_url())
    page.fill("#id_summary", "The introduction is in plainer words.")
    page.fill("#id_note", "Its first paragraph rewritten in plainer words.")
    with page.expect_navigation():
        page.click("button:has-text('Submit for review')")
    page.goto(live_server.url + reverse("admin:index"))
    shoot("writer-dashboard.png")

    # The physician asks for a change.
    log_in(page, live_server, physician)
    page.goto(live_server.url + change.get_absolute_url())
    shoot("review.png", at="#decision-heading")
    page.fill("#review-comment", "Please keep “standard chemotherapy (chemo)”: readers know it.")
    sign(page, physician)
    with page.expect_navigation():
        page.click("button:has-text('Request changes')")
    change.refresh_from_db()
    assert change.state == Change.State.CHANGES_REQUESTED

    # The writer answers, edits and submits again.
    log_in(page, live_server, writer)
    page.goto(live_server.url + change.get_absolute_url())
    page.fill("#new-comment-body", "Done: it says “standard chemotherapy (chemo)” again.")
    with page.expect_navigation():
        page.click("button:has-text('Comment')")
    shoot("answer.png", at="#comments-heading")
    page.goto(live_server.url + reverse("admin:drugs_page_change", args=[seed_page.pk]))
    answered = NEW_INTRO.replace("from chemo", "from standard chemotherapy (chemo)")
    page.fill("#id_intro", f"{answered}\n\n{rest}")
    page.fill("#id_change_reason", "As the reviewer asked")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "The public site is unchanged" in page.inner_text(".messagelist")
    page.goto(live_server.url + change.get_absolute_url())
    page.fill("#id_summary", "The introduction is in plainer words.")
    with page.expect_navigation():
        page.click("button:has-text('Submit for review')")

    # Both reviewers approve revision 2.
    for reviewer in (physician, nurse):
        log_in(page, live_server, reviewer)
        page.goto(live_server.url + change.get_absolute_url())
        sign(page, reviewer)
        with page.expect_navigation():
            page.click("button:has-text('Approve revision 2')")
    change.refresh_from_db()
    assert change.state == Change.State.APPROVED

    # The managing editor publishes it, and finds the page's timeline and sign-off.
    log_in(page, live_server, managing_editor)
    page.goto(live_server.url + change.get_absolute_url())
    shoot("publish.png", at="#decision-heading")
    with page.expect_navigation():
        page.click("button:has-text('Publish revision 2 now')")
    assert "Published" in page.inner_text(".messagelist")
    page.goto(live_server.url + reverse("admin:drugs_page_change", args=[seed_page.pk]))
    shoot("sign-off.png")
    page.goto(live_server.url + reverse("admin:editorial_change_timeline", args=[seed_page.pk]))
    shoot("timeline.png")

    page.goto(live_server.url + publication.get_absolute_url())
    assert "standard chemotherapy (chemo)" in page.inner_text("main")
    assert sorted(taken) == sorted(guide_images())
    for name in taken:
        assert (shots / name).stat().st_size > 10_000, name
