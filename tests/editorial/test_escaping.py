"""Whatever an editor types reaches the public escaped: it never runs in a reader's browser."""

import pytest

from editorial.models import Publication
from tests.hostile import FIELDS, escaped, hostile_change
from tests.workflow import publish_through_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_publication(seed_page, writer, physician, nurse, managing_editor) -> Publication:
    """The hostile seed, taken through review and published."""
    change = hostile_change(writer)
    (publication,) = publish_through_review(change, writer, physician, nurse, managing_editor)
    return publication


def test_a_script_typed_in_any_field_is_escaped_on_the_public_page(client, hostile_publication):
    html = client.get(hostile_publication.get_absolute_url()).content.decode()
    # The one script element is our JSON-LD, where the typed text is \u003C-escaped.
    assert html.count("<script") == 1
    assert '<script type="application/ld+json">' in html
    assert (
        "</script>"
        not in html.split('<script type="application/ld+json">')[1].split("</script>", 1)[1]
    )
    assert "\\u003Cscript\\u003Ef0()" in html


def test_every_field_reaches_the_page_as_escaped_text(client, hostile_publication):
    html = client.get(hostile_publication.get_absolute_url()).content.decode()
    missing = [f"{label}.{field}" for label, field in FIELDS if escaped(label, field) not in html]
    assert missing == []


def test_a_javascript_url_is_never_a_link(client, hostile_publication):
    html = client.get(hostile_publication.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html.lower()
    assert "href='javascript:" not in html.lower()


def test_the_index_escapes_page_titles(client, hostile_publication):
    html = client.get("/").content.decode()
    assert "<script" not in html
