"""schema.org JSON-LD for a published page, built from its publication.

The data is written once, with the publication (less its absolute URL, which depends
on the host a reader asked), so a page view only splices the URL in.
"""

import datetime
import functools
import json
from typing import Any

from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .languages import source_language
from .snapshots import citation_from_content

# As Django's json_script: nothing in the data can close the <script> element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# Who each credential names, in the order a byline tells them: physicians, then nurses.
REVIEWER_NAMES = {
    "MD": gettext_lazy("a physician"),
    "DO": gettext_lazy("a physician"),
    "OCN": gettext_lazy("an oncology certified nurse"),
    "AOCN": gettext_lazy("an oncology certified nurse"),
}


def reviewers_text(credentials: list[str], language: str | None = None) -> str:
    """Who attested a review, in `language` (the active one if not given): “a physician
    and an oncology certified nurse” for ['MD', 'OCN'] or ['OCN', 'MD'], “un médico y una
    enfermera de oncología certificada” in Spanish. Physicians first, then nurses, each
    named once; a credential it does not know is named by its code, last."""
    return _reviewers_text(tuple(credentials), language or translation.get_language())


@functools.lru_cache(maxsize=256)
def _reviewers_text(credentials: tuple[str, ...], language: str) -> str:
    # Cached: every English page view names its reviewers, and gettext is not free.
    with translation.override(language):
        order = list(dict.fromkeys(str(name) for name in REVIEWER_NAMES.values()))
        shown = sorted(
            {str(REVIEWER_NAMES.get(credential, credential)) for credential in credentials},
            key=lambda name: order.index(name) if name in order else len(order),
        )
        if len(shown) < 2:
            return "".join(shown)
        return _("%(first)s and %(last)s") % {"first": ", ".join(shown[:-1]), "last": shown[-1]}


# The credential's own name first, for editors who read "MD" less readily than a word.
CREDENTIAL_TITLES = {
    "MD": "Physician",
    "DO": "Physician",
    "OCN": "Oncology certified nurse",
    "AOCN": "Advanced oncology certified nurse",
}


def credentials_text(credentials: list[str]) -> str:
    """“Physician (MD), Oncology certified nurse (OCN)” for ['MD', 'OCN'], in the order given.

    A credential this list does not know is shown as it was stored; none reads “none”.
    """
    if not credentials:
        return "none"
    return ", ".join(
        f"{CREDENTIAL_TITLES[credential]} ({credential})"
        if credential in CREDENTIAL_TITLES
        else str(credential)
        for credential in credentials
    )


def _drug(drug: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "Drug",
        "name": drug["generic_name"],
        "nonProprietaryName": drug["generic_name"],
    }
    if drug["brand_names"]:
        node["proprietaryName"] = drug["brand_names"]
    if drug["drug_class"]:
        node["drugClass"] = {"@type": "DrugClass", "name": drug["drug_class"]}
    if drug["mechanism"]:
        node["mechanismOfAction"] = drug["mechanism"]
    if drug["route"]:
        node["administrationRoute"] = drug["route"]
    return node


def _citation(reference: dict[str, Any]) -> dict[str, Any]:
    citation = citation_from_content(reference)
    node: dict[str, Any] = {"@type": "CreativeWork", "name": reference["text"]}
    url = citation.doi_url or citation.url
    if url:
        node["url"] = url
    return node


def page_data(
    content: dict[str, Any],
    *,
    last_revised: datetime.date,
    last_reviewed: datetime.date | None,
    reviewed_by: list[str],
    version: int | None = None,
) -> dict[str, Any]:
    """The MedicalWebPage: its dates and version are the ones the page shows, from the same values."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": content["title"],
        # A translation's language is its content's; the default language's stays "en-US".
        "inLanguage": content.get("language") or "en-US",
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "dateModified": last_revised.isoformat(),
        **({"version": version} if version is not None else {}),
        "mentions": [_drug(section["drug"]) for section in content["drug_sections"]],
        "citation": [_citation(reference) for reference in content["references"]],
    }
    if content.get("cancer_type"):
        data["about"] = {"@type": "MedicalCondition", "name": content["cancer_type"]["name"]}
    if last_reviewed:
        data["lastReviewed"] = last_reviewed.isoformat()
        data["reviewedBy"] = {
            "@type": "Organization",
            "name": (content.get("attribution") or {}).get("name", ""),
            "description": _reviewed_by(reviewed_by, content.get("language")),
        }
    return data


def _reviewed_by(credentials: list[str], language: str | None) -> str:
    """ "Reviewed by a physician and …", in the content's language (English as it always was)."""
    with translation.override(language or source_language()):
        return _("Reviewed by %(reviewers)s") % {"reviewers": reviewers_text(credentials)}


def json_ld_text(data: dict[str, Any]) -> str:
    """JSON that is safe inside a script element: <, > and & are \\u-escaped."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def publisher_data(identity: dict[str, str], home_url: str) -> dict[str, Any]:
    """The site's organisation as schema.org's `publisher`: its name, home page and logo."""
    node: dict[str, Any] = {"@type": "Organization", "name": identity["name"], "url": home_url}
    if identity.get("logo_url"):
        node["logo"] = identity["logo_url"]
    return node


def page_json_ld(
    stored: str, url: str, version: int | None = None, publisher: dict[str, Any] | None = None
) -> SafeString:
    """The stored JSON-LD with the page's absolute URL and publisher, as a script element.

    The publisher is the site's identity, which is chrome rather than content, so it is
    spliced in at view time like the URL: a changed identity shows on every page at once.
    Publications since versions were kept store their `version`; an older one's is
    added here, from its version row, as its URL is (a publication is never rewritten).
    """
    text = stored
    if stored.startswith("{"):
        added = f'"url": {json_ld_text(url)}, '
        if publisher is not None:
            added += f'"publisher": {json_ld_text(publisher)}, '
        # A key: within a JSON string every quote is escaped, so this cannot match one.
        if version is not None and '"version":' not in stored:
            added += f'"version": {int(version)}, '
        text = "{" + added + stored[1:]
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped by json_ld_text
