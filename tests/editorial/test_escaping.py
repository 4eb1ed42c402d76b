"""Whatever an editor types reaches the public escaped: it never runs in a reader's browser."""

import pytest
from django.apps import apps

from editorial.models import Publication
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db


def script(label: str, field: str) -> str:
    """A short script naming the field (some fields hold only 50 characters)."""
    return f"<script>f{FIELDS.index((label, field))}()</script>"


JAVASCRIPT_URL = "javascript:alert(1)"

# Every text field an editor fills in that the public page shows.
TEXT_FIELDS = {
    "drugs.page": ["title", "intro", "more_information_heading"],
    "drugs.drug": ["generic_name", "brand_names", "mechanism", "administration"],
    "drugs.drugsection": ["evidence", "indication"],
    "drugs.drugsideeffect": ["wording", "detail"],
    "drugs.sideeffectterm": ["name", "explanation"],
    "drugs.moreinformationlink": ["lead_in", "title"],
    "drugs.editorialteam": ["name", "description"],
    "references.citation": ["authors", "title", "container_title", "series", "version"],
}


FIELDS = [(label, field) for label, fields in TEXT_FIELDS.items() for field in fields]


@pytest.fixture
def hostile_publication(seed_page, writer, physician, nurse, managing_editor) -> Publication:
    """The seed, with a script appended to every filled-in field and javascript: in every URL.

    Written to the rows without validation, as if it had been bypassed, then taken
    through review and published.
    """
    change = None
    for label, fields in TEXT_FIELDS.items():
        model = apps.get_model(label)
        for obj in model.objects.all():
            hostile = {
                # Only where there is text: an empty wording must still show the term.
                field: getattr(obj, field) + script(label, field)
                for field in fields
                if getattr(obj, field)
            }
            if label in {"drugs.moreinformationlink", "references.citation"}:
                hostile["url"] = JAVASCRIPT_URL
            change = edit(writer, obj, change=change, **hostile)
    (publication,) = publish_through_review(change, writer, physician, nurse, managing_editor)
    return publication


def test_a_script_typed_in_any_field_is_escaped_on_the_public_page(client, hostile_publication):
    html = client.get(hostile_publication.get_absolute_url()).content.decode()
    assert "<script" not in html


def test_every_field_reaches_the_page_as_escaped_text(client, hostile_publication):
    html = client.get(hostile_publication.get_absolute_url()).content.decode()
    missing = [
        f"{label}.{field}"
        for index, (label, field) in enumerate(FIELDS)
        if f"&lt;script&gt;f{index}()&lt;/script&gt;" not in html
    ]
    assert missing == []


def test_a_javascript_url_is_never_a_link(client, hostile_publication):
    html = client.get(hostile_publication.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html.lower()
    assert "href='javascript:" not in html.lower()


def test_the_index_escapes_page_titles(client, hostile_publication):
    html = client.get("/").content.decode()
    assert "<script" not in html
