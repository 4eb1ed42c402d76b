import re
from datetime import date

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editorial.public.languages import is_default, url_namespace
from editorial.snapshots import citation_from_content, safe_href
from references.formatting import format_citation_html

register = template.Library()


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@register.filter
def fill(phrase: str, value: object) -> SafeString:
    """A phrase of `editorial.public.words` with its one placeholder filled by `value`,
    escaped: the phrase is the site's own (it may hold markup), the value is content."""
    name = _PLACEHOLDER.search(phrase).group(1)
    return mark_safe(phrase % {name: conditional_escape(value)})  # noqa: S308 - value escaped


@register.filter
def citation_html(reference: dict):
    return format_citation_html(citation_from_content(reference))


@register.filter
def citation_links(reference: dict) -> list[dict[str, str]]:
    """DOI, PubMed and web links for a reference, each labelled for readers."""
    citation = citation_from_content(reference)
    links = []
    if citation.doi:
        links.append({"label": _("Full text via DOI"), "url": citation.doi_url})
    if citation.pmid:
        links.append({"label": _("PubMed record"), "url": citation.pubmed_url})
    if citation.url and safe_href(citation.url):
        links.append({"label": _("Web page"), "url": citation.url})
    return links


# How English pages have always written a date in full ("August 17, 2021").
ENGLISH_LONG_DATE = "F j, Y"


@register.simple_tag
def html_lang() -> str:
    """The `lang` of the page's html element: the active language without its region."""
    return translation.get_language().partition("-")[0]


@register.filter(expects_localtime=True)
def long_date(value: date | None) -> str:
    """A date written in full in the active language: the default language (English) as its
    pages always wrote it, any other as Django's formats for it do (Spanish: "17 de agosto
    de 2021")."""
    if value is None or value == "":
        return ""
    return date_format(value, ENGLISH_LONG_DATE if is_default() else "DATE_FORMAT")


@register.simple_tag
def home_url() -> str:
    """The site's index in the active language (for 500.html, which has no context)."""
    return reverse(f"{url_namespace()}:index")


@register.simple_tag
def public_url(name: str, *args: str) -> str:
    """The public address `name` (a URL name of the public site) in the active language:
    `/drugs/x/` in English, `/es/drugs/x/` in Spanish."""
    return reverse(f"{url_namespace()}:{name}", args=args)


# A side-effect group's heading on a translated page, by the group's key (the content
# holds its English label, which is no word of a translated page).
SIDE_EFFECT_GROUPS = {
    "common": gettext_lazy("Common side effects"),
    "other": gettext_lazy("Other possible side effects"),
    "serious": gettext_lazy("Less common but serious side effects"),
}


@register.filter
def side_effect_group(group: str) -> str:
    """The heading of the side-effect group `group` ("common") in the active language."""
    return str(SIDE_EFFECT_GROUPS.get(group, group))
