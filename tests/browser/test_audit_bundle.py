"""The audit bundle's HTML in a browser: accessible as a file opened on its own, and printable."""

from pathlib import Path

import pytest

from editorial import audit_bundle
from tests.browser.test_accessibility import axe_page, axe_script, axe_violations, describe  # noqa: F401
from tests.editorial.audit_story import tell
from tests.editorial.conftest import kidney_page  # noqa: F401 - the story's second page

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]


@pytest.fixture
def bundle_file(
    tmp_path,
    writer,
    physician,
    nurse,
    managing_editor,
    credential_admin,
    seed_page,
    kidney_page,  # noqa: F811
) -> Path:
    """The seed page's bundle after two changes through review, as the HTML file a managing
    editor downloads (opened from disk: no site, no policy, its own styles)."""
    story = tell(
        writer, physician, nurse, managing_editor, credential_admin, seed_page, kidney_page
    )
    target = tmp_path / "bundle.html"
    target.write_text(
        audit_bundle.bundle_html(audit_bundle.bundle_build(story.page)), encoding="utf-8"
    )
    return target


def test_the_bundle_document_has_no_wcag_22_a_or_aa_violations(
    axe_page,  # noqa: F811
    axe_script,  # noqa: F811
    bundle_file,
    artifacts,
):
    axe_page.goto(bundle_file.as_uri())
    assert "Audit record" in axe_page.locator("h1").inner_text()
    axe_page.screenshot(path=str(artifacts / "audit-bundle.png"), full_page=True)
    violations = axe_violations(axe_page, axe_script)
    assert not violations, describe(violations)


def test_the_bundle_document_prints_each_section_on_a_new_page(page, bundle_file, artifacts):
    page.emulate_media(media="print")
    page.goto(bundle_file.as_uri())
    breaks = page.eval_on_selector_all(
        "h2", "headings => headings.map(h => getComputedStyle(h).breakBefore)"
    )
    assert breaks == ["avoid", "page", "page", "page", "page"]
    page.screenshot(path=str(artifacts / "audit-bundle-print.png"), full_page=True)


def test_each_signature_shows_its_printed_name_date_and_time_and_meaning_first(
    page, bundle_file, artifacts
):
    page.goto(bundle_file.as_uri())
    signatures = page.locator("table.signature")
    assert signatures.count() == 5
    passkey = signatures.filter(has_text="passkey").first
    headings = passkey.locator("th").all_inner_texts()
    assert headings[:3] == [
        "Printed name of the signer",
        "Date and time signed",
        "Meaning of the signature",
    ]
    assert "Paula Physician" in passkey.locator("td").first.inner_text()
    assert "(America/New_York)" in passkey.locator("td").nth(1).inner_text()
    assert passkey.locator("td").nth(2).inner_text().startswith("Approved as medically accurate")
    passkey.screenshot(path=str(artifacts / "audit-bundle-signature.png"))
