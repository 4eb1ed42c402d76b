"""The citation form in real Chromium: the chosen kind's parts only, a pasted reference or list."""

import pytest

from references.models import Citation
from references.parsing import parse_reference
from tests.references.test_parsing import ACS_PAGE, MOTZER, NCCN_KIDNEY, RINI_CHAPTER

pytestmark = pytest.mark.django_db(transaction=True)

# A new page's reference list as a writer copies it: numbered, a blank line between.
FOUR_REFERENCES = f"1. {MOTZER}\n\n2. {RINI_CHAPTER}\n\n3. {ACS_PAGE}\n\n4. {NCCN_KIDNEY}\n"

JOURNAL_ONLY = ["month", "volume", "issue", "pages", "doi", "pmid"]
BOOK_ONLY = ["chapter_number", "book_title", "editors", "edition", "publisher", "publisher_place"]
WEB_ONLY = ["series", "version", "url", "updated_date", "accessed_date"]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} refused ${event.blockedURI}`);
});
"""


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"{user.username}-password")
    with page.expect_navigation():
        page.click("input[type=submit]")


def shown(page, names: list[str]) -> dict[str, bool]:
    return {name: page.is_visible(f"#citation_form .form-row.field-{name}") for name in names}


@pytest.fixture
def add_screen(page, live_server, writer):
    page.context.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server, writer)
    page.goto(f"{live_server.url}/admin/references/citation/add/")
    return page


def test_choosing_a_kind_shows_only_its_parts(add_screen, artifacts):
    page = add_screen
    # A new citation starts as a journal article.
    assert shown(page, JOURNAL_ONLY) == dict.fromkeys(JOURNAL_ONLY, True)
    assert shown(page, BOOK_ONLY + WEB_ONLY) == dict.fromkeys(BOOK_ONLY + WEB_ONLY, False)

    page.select_option("#id_kind", Citation.Kind.BOOK_CHAPTER)

    assert shown(page, BOOK_ONLY) == dict.fromkeys(BOOK_ONLY, True)
    assert shown(page, JOURNAL_ONLY + WEB_ONLY) == dict.fromkeys(JOURNAL_ONLY + WEB_ONLY, False)
    assert shown(page, ["authors", "title", "year", "container_title"]) == {
        "authors": True,
        "title": True,
        "year": True,
        "container_title": False,  # a chapter is in a book, not a journal or website
    }
    assert not page.is_visible("#citation_form fieldset:has(h2:text-is('Journal article'))")

    page.select_option("#id_kind", Citation.Kind.GUIDELINE)

    assert shown(page, WEB_ONLY) == dict.fromkeys(WEB_ONLY, True)
    assert shown(page, JOURNAL_ONLY + BOOK_ONLY) == dict.fromkeys(JOURNAL_ONLY + BOOK_ONLY, False)
    page.locator("#citation_form").screenshot(path=str(artifacts / "citation-form-guideline.png"))
    assert page.evaluate("window.__cspViolations") == []


def test_a_part_of_another_kind_that_holds_text_stays_in_view(add_screen):
    page = add_screen
    page.fill("#id_volume", "356")

    page.select_option("#id_kind", Citation.Kind.WEBSITE)

    assert shown(page, ["volume", "issue"]) == {"volume": True, "issue": False}


def test_a_pasted_reference_fills_the_form_with_its_kinds_parts(add_screen, artifacts):
    page = add_screen
    page.fill("#id_reference", MOTZER)
    with page.expect_navigation():
        page.click("input[name=_paste]")

    names = ["kind", "authors", "title", "container_title", "year", "volume", "issue", "pages"]
    values = {name: page.input_value(f"#id_{name}") for name in [*names, "doi", "pmid"]}
    assert values == {
        "kind": Citation.Kind.JOURNAL_ARTICLE,
        "authors": "Motzer RJ\nHutson TE\nTomczak P",
        "title": "Sunitinib versus interferon alfa in metastatic renal-cell carcinoma",
        "container_title": "N Engl J Med",
        "year": "2007",
        "volume": "356",
        "issue": "2",
        "pages": "115-124",
        "doi": "10.1056/NEJMoa065044",
        "pmid": "17215529",
    }
    assert page.is_checked("#id_authors_et_al")
    assert shown(page, BOOK_ONLY + WEB_ONLY) == dict.fromkeys(BOOK_ONLY + WEB_ONLY, False)
    assert "read as a journal article" in page.inner_text(".messagelist")
    assert Citation.objects.count() == 0
    page.screenshot(path=str(artifacts / "citation-pasted.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []


def form_height(page) -> float:
    return page.evaluate("document.querySelector('#citation_form').offsetHeight")


def test_without_script_every_part_shows_and_with_it_the_form_is_far_shorter(
    browser, add_screen, live_server, writer
):
    with_script = form_height(add_screen)
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, live_server, writer)
        page.goto(f"{live_server.url}/admin/references/citation/add/")
        every = JOURNAL_ONLY + BOOK_ONLY + WEB_ONLY
        assert shown(page, every) == dict.fromkeys(every, True)
        # About 1,250 px for a journal article against 2,230 px for every part.
        assert with_script < 0.65 * form_height(page)
    finally:
        context.close()


def test_a_pasted_list_of_four_references_is_added_in_two_form_submissions(add_screen, artifacts):
    page = add_screen
    posts = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.fill("#id_reference", FOUR_REFERENCES)
    with page.expect_navigation():
        page.click("input[name=_paste]")

    assert page.locator(".citation-list-entry.outcome-new").count() == 4
    page.screenshot(path=str(artifacts / "citation-list-confirmation.png"), full_page=True)
    with page.expect_navigation():
        page.click("input[name=_confirm_list]")

    assert len(posts) == 2
    assert page.url.endswith("/admin/references/citation/")
    assert "Added 4 citations from the reference list" in page.inner_text(".messagelist")
    assert Citation.objects.count() == 4
    assert page.evaluate("window.__cspViolations") == []


def test_the_same_list_pasted_again_is_found_in_the_library_and_a_bad_line_explained(
    add_screen, artifacts
):
    page = add_screen
    for text in [MOTZER, RINI_CHAPTER]:
        parse_reference(text).citation().save()
    page.goto(page.url.replace("/add/", "/add-list/"))
    page.fill("#id_references", f"{FOUR_REFERENCES}\n5. Sunitinib is a good drug.\n")
    page.screenshot(path=str(artifacts / "citation-list-form.png"), full_page=True)
    with page.expect_navigation():
        page.click("input[name=_read_list]")

    assert page.locator(".citation-list-entry.outcome-existing").count() == 2
    assert page.locator(".citation-list-entry.outcome-new").count() == 2
    assert "does not read as a reference" in page.inner_text("#entry-5")
    assert page.get_attribute("input[name=_confirm_list]", "value") == "Add these 2 citations"
    page.screenshot(path=str(artifacts / "citation-list-confirmation-mixed.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
