"""Links from the admin's forms to the part of the editors' guide that explains them."""

from django import template
from django.urls import reverse

register = template.Library()

# Model name -> the guide's heading (its id, as Markdown's toc makes it) that explains its form.
SECTIONS = {
    "page": "write-or-edit-a-page",
    "drug": "add-or-edit-a-drug",
    "drugsideeffect": "add-or-edit-a-drug",
    "sideeffectterm": "side-effect-terms",
    "citation": "cite-a-source",
    "cancertype": "write-or-edit-a-page",
    "editorialteam": "write-or-edit-a-page",
    "passkey": "your-passkeys",
}


@register.simple_tag
def guide_url(model_name: str = "") -> str:
    """The editors' guide, at the section for forms of `model_name` when it has one."""
    url = reverse("editors_guide")
    section = SECTIONS.get(model_name)
    return f"{url}#{section}" if section else url
