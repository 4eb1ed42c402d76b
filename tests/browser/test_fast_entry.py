"""Fast data entry in a real browser: reordering without dragging, pasting a list.

The site's Content-Security-Policy stays on (no `bypass_csp`), so every step also
shows that the move buttons and sortable2's drag run under it.
"""

import pytest

from drugs.models import Drug, DrugSideEffect, SideEffectTerm
from editorial.importing import seed_import
from editorial.models import Change
from tests.browser.test_accessibility import AXE, WCAG_22_A_AND_AA
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS
from tests.requirements import skip_unless_required

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]


@pytest.fixture
def everolimus(live_server) -> Drug:
    seed_import()
    return Drug.objects.get(slug="everolimus")


@pytest.fixture
def watched(page):
    """The page, recording what the policy refuses in every document it opens."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    page.wait_for_timeout(50)  # the events are queued as tasks
    return page.evaluate("window.__cspViolations")


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"{user.username}-password")
    with page.expect_navigation():
        page.click("input[type=submit]")


def common_terms(drug) -> list[str]:
    return list(
        DrugSideEffect.objects.filter(drug=drug, group="common")
        .order_by("position")
        .values_list("term__name", flat=True)
    )


def row_of(page, term_name: str):
    return page.locator("#side_effects-group .inline-related.has_original").filter(
        has=page.locator(f"select option[selected]:text-is('{term_name}')")
    )


def test_a_writer_moves_a_side_effect_up_with_the_keyboard_and_saves(
    watched, live_server, artifacts, writer, everolimus
):
    page = watched
    before = common_terms(everolimus)
    log_in(page, live_server, writer)
    page.goto(f"{live_server.url}/admin/drugs/drug/{everolimus.pk}/change/")
    up = row_of(page, "high blood sugar").get_by_role("button", name="Move up")
    up.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    # The keyboard stays on the button that moved the row; the move is announced.
    assert page.evaluate("document.activeElement.classList.contains('reorder-up')")
    status = page.locator("#side_effects-group .reorder-status")
    assert "moved to 7 of 9 in Common" in status.inner_text()
    # The first row of a group cannot move up, nor the last of a group down.
    first = row_of(page, before[0])
    assert first.get_by_role("button", name="Move up").is_disabled()
    serious = row_of(page, "lung damage")
    assert serious.get_by_role("button", name="Move up").is_disabled()
    assert serious.get_by_role("button", name="Move down").is_disabled()
    page.screenshot(path=artifacts / "reorder_side_effects.png", full_page=True)
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "Your edit is in" in page.inner_text(".messagelist")
    assert common_terms(everolimus) == [*before[:6], "high blood sugar", *before[6:8]]
    assert violations(page) == []


def test_a_writer_drags_a_reference_to_the_top_and_saves(watched, live_server, writer, everolimus):
    page = watched
    log_in(page, live_server, writer)
    seed_page = everolimus.sections.get().page
    references = list(seed_page.references.order_by("position"))
    page.goto(f"{live_server.url}/admin/drugs/page/{seed_page.pk}/change/")
    handles = page.locator("#references-group .inline-related.has_original h3")
    # Each row is dragged by its heading strip (sortable2's handle for stacked rows).
    last = handles.nth(len(references) - 1)
    last.scroll_into_view_if_needed()
    source = last.bounding_box()
    page.mouse.move(source["x"] + 30, source["y"] + source["height"] / 2)
    page.mouse.down()
    for index in range(len(references) - 2, -1, -1):  # a person's drag: over each row above
        above = handles.nth(index)
        above.scroll_into_view_if_needed()
        box = above.bounding_box()
        page.mouse.move(box["x"] + 30, box["y"] + 2, steps=5)
        page.wait_for_timeout(50)
    page.mouse.up()
    first = page.locator("#references-group .inline-related.has_original").first
    assert first.locator("input._reorder_").input_value() == "1"
    assert first.locator("select option[selected]").inner_text().startswith("Yao JC · 2011")
    # No reason is asked: the introduction's line breaks, which the browser sends as
    # CR LF, are read as the LF stored, so the page's own fields are unchanged.
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert seed_page.references.order_by("position").first() == references[-1]
    seed_page.refresh_from_db()
    assert "\r" not in seed_page.intro
    assert violations(page) == []


def test_the_move_buttons_pass_the_accessibility_rules(browser, live_server, writer, everolimus):
    if not AXE.exists():
        skip_unless_required(f"axe-core is not installed at {AXE} (npm ci)", "REQUIRE_BROWSER")
    # axe is injected as an inline script, which the admin's policy rightly refuses.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, writer)
    page.goto(f"{live_server.url}/admin/drugs/drug/{everolimus.pk}/change/")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """tags => axe.run({include: [['.reorder-buttons']]}, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
        })""",
        WCAG_22_A_AND_AA,
    )
    context.close()
    assert found["violations"] == []


def test_a_writer_pastes_a_list_checks_it_and_adds_it(
    watched, live_server, artifacts, writer, everolimus
):
    page = watched
    log_in(page, live_server, writer)
    page.goto(f"{live_server.url}/admin/drugs/drug/{everolimus.pk}/change/")
    with page.expect_navigation():
        page.click("a:has-text('Paste side effects')")
    page.fill(
        "#id_paste_other",
        "nausea; mouth sore; hand-foot syndrome (redness, pain, and skin peeling on the "
        "palms and soles)\nhiccups, which can keep you awake",
    )
    page.screenshot(path=artifacts / "paste_list.png", full_page=True)
    with page.expect_navigation():
        page.click("input[name=read]")
    assert page.locator(".paste-entries tbody tr").count() == 4
    assert page.locator(".new-terms li").all_inner_texts() == ["hiccups"]
    assert page.get_by_label("mouth sores (near match)").is_checked()
    page.screenshot(path=artifacts / "paste_confirm.png", full_page=True)
    assert not DrugSideEffect.objects.filter(drug=everolimus, group="other").exists()
    with page.expect_navigation():
        page.click("input[name=confirm]")
    assert "Added 4 side effects to Everolimus" in page.inner_text(".messagelist")
    page.screenshot(path=artifacts / "paste_done.png", full_page=True)
    added = DrugSideEffect.objects.filter(drug=everolimus, group="other").order_by("position")
    assert [effect.display_text for effect in added] == [
        "nausea",
        "mouth sore",
        "hand-foot syndrome (redness, pain, and skin peeling on the palms and soles)",
        "hiccups, which can keep you awake",
    ]
    change = Change.objects.get(author=writer)
    hiccups = SideEffectTerm.objects.get(name="hiccups")
    assert change.records.filter(model="drugs.sideeffectterm", object_id=hiccups.pk).exists()
    assert violations(page) == []


NEW_DRUG_LISTS = {
    "common": "bruising, nausea, muscle and joint pain, cough, constipation",
    "other": "swelling of the hands or feet\nnosebleeds\ndizziness\ntrouble sleeping",
    "serious": "bleeding, which can be serious; abnormal heart rhythms; and new skin cancers.",
}


def test_a_writer_adds_a_new_drug_with_twelve_side_effects_in_two_submissions(
    watched, live_server, artifacts, writer, everolimus
):
    page = watched
    log_in(page, live_server, writer)
    submissions = []  # the forms the writer submits: POSTs that load a page

    def count_submission(request) -> None:
        if request.method == "POST" and request.resource_type == "document":
            submissions.append(request.url)

    page.on("request", count_submission)
    page.goto(f"{live_server.url}/admin/drugs/drug/add/")
    page.fill("#id_generic_name", "Zanubrutinib")
    page.fill("#id_mechanism", "Zanubrutinib blocks BTK, a protein that B cells need to grow.")
    for group, text in NEW_DRUG_LISTS.items():
        page.fill(f"#id_paste_{group}", text)
    assert page.input_value("#id_slug") == "zanubrutinib"  # filled in from the name
    page.screenshot(path=artifacts / "new_drug_paste_boxes.png", full_page=True)
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert page.locator(".paste-entries tbody tr").count() == 12
    assert page.locator(".paste-group h3").all_inner_texts() == [
        "Common side effects: 5",
        "Other possible side effects: 4",
        "Less common but serious side effects: 3",
    ]
    assert page.locator(".new-terms li").count() == 10
    assert page.get_by_label("nausea (this term)").is_checked()
    assert page.get_by_label("bleeding (this term)").is_checked()
    page.screenshot(path=artifacts / "new_drug_confirm.png", full_page=True)
    drug = Drug.objects.get(slug="zanubrutinib")
    assert not drug.side_effects.exists()  # nothing of the lists before confirming
    with page.expect_navigation():
        page.click("input[name=confirm]")
    assert "Added 12 side effects to Zanubrutinib" in page.inner_text(".messagelist")
    assert len(submissions) == 2
    added = drug.side_effects.order_by("group", "position")
    assert [(effect.group, effect.display_text) for effect in added] == [
        ("common", "bruising"),
        ("common", "nausea"),
        ("common", "muscle and joint pain"),
        ("common", "cough"),
        ("common", "constipation"),
        ("other", "swelling of the hands or feet"),
        ("other", "nosebleeds"),
        ("other", "dizziness"),
        ("other", "trouble sleeping"),
        ("serious", "bleeding, which can be serious"),
        ("serious", "abnormal heart rhythms"),
        ("serious", "new skin cancers"),
    ]
    assert {effect.term.name for effect in added} >= {"nausea", "bleeding"}
    change = Change.objects.get(author=writer)
    assert change.records.filter(model="drugs.drug", object_id=drug.pk).exists()
    assert change.records.filter(model="drugs.drugsideeffect").count() == 12
    assert change.records.filter(model="drugs.sideeffectterm").count() == 10
    assert violations(page) == []
