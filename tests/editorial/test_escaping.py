"""Whatever an editor types reaches the public escaped: it never runs in a reader's browser."""

import pytest
from django.apps import apps

from editorial.importing import seed_import
from editorial.models import Publication
from editorial.publishing import publication_write

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
def hostile_publication(db) -> Publication:
    """The seed, with a script appended to every filled-in field and javascript: in every URL.

    Written straight to the rows, as if validation had been bypassed, then published.
    """
    publication = seed_import()
    for label, fields in TEXT_FIELDS.items():
        model = apps.get_model(label)
        for obj in model.objects.all():
            for field in fields:
                # Only where there is text: an empty wording must still show the term.
                if getattr(obj, field):
                    setattr(obj, field, getattr(obj, field) + script(label, field))
            obj.save()
    apps.get_model("drugs.moreinformationlink").objects.update(url=JAVASCRIPT_URL)
    apps.get_model("references.citation").objects.update(url=JAVASCRIPT_URL)
    return publication_write(
        page=publication.page,
        editor=publication.published_by,
        origin=Publication.Origin.IMPORTED,
        last_revised=publication.last_revised,
    )


def test_a_script_typed_in_any_field_is_escaped_on_the_public_page(client, hostile_publication):
    html = client.get(hostile_publication.get_absolute_url()).content.decode()
    assert "<script" not in html


@pytest.mark.parametrize(
    ("label", "field"),
    [(label, field) for label, fields in TEXT_FIELDS.items() for field in fields],
)
def test_each_field_reaches_the_page_as_escaped_text(client, hostile_publication, label, field):
    html = client.get(hostile_publication.get_absolute_url()).content.decode()
    index = FIELDS.index((label, field))
    assert f"&lt;script&gt;f{index}()&lt;/script&gt;" in html


def test_a_javascript_url_is_never_a_link(client, hostile_publication):
    html = client.get(hostile_publication.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html.lower()
    assert "href='javascript:" not in html.lower()


def test_the_index_escapes_page_titles(client, hostile_publication):
    html = client.get("/").content.decode()
    assert "<script" not in html
