"""The same hostile input for every screen: a script in every field, javascript: in every URL."""

from django.apps import apps

from tests.workflow import edit

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


def script(label: str, field: str) -> str:
    """A short script naming the field (some fields hold only 50 characters)."""
    return f"<script>f{FIELDS.index((label, field))}()</script>"


def escaped(label: str, field: str) -> str:
    return f"&lt;script&gt;f{FIELDS.index((label, field))}()&lt;/script&gt;"


def hostile_change(writer):
    """The seed with a script appended to every filled-in field and javascript: in every URL.

    Written to the rows without validation, as if it had been bypassed; returns the
    writer's change holding it all.
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
    return change
