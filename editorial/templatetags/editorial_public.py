from django import template

from editorial.snapshots import citation_from_content, safe_href
from editorial.structured_data import reviewers_phrase
from references.formatting import format_citation_html

register = template.Library()


@register.filter
def reviewers(credentials: list[str]) -> str:
    return reviewers_phrase(credentials)


@register.filter
def citation_html(reference: dict):
    return format_citation_html(citation_from_content(reference))


@register.filter
def citation_links(reference: dict) -> list[dict[str, str]]:
    """DOI, PubMed and web links for a reference, each labelled for readers."""
    citation = citation_from_content(reference)
    links = []
    if citation.doi:
        links.append({"label": "Full text via DOI", "url": citation.doi_url})
    if citation.pmid:
        links.append({"label": "PubMed record", "url": citation.pubmed_url})
    if citation.url and safe_href(citation.url):
        links.append({"label": "Web page", "url": citation.url})
    return links
