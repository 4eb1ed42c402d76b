"""How a citation reads on the page: the house style, as plain text and as HTML.

Pure functions of a `Citation`; they work on unsaved instances and never touch the
database. The house style follows the seed page's reference list. That list is not
consistent with itself, so where it disagrees one rule was chosen:

1. Authors, one per line in the record, are joined with ", ". When the source lists more
   authors than were entered, ", et al." follows. The list ends with ".". Organisations
   are written the same way as people.
2. Every part ends with "." unless it already ends with ".", "?" or "!" (so a title ending
   in "?" and "et al." never get a second period). Parts are separated by one space.
3. Page ranges use a plain hyphen-minus: an en dash, em dash, minus sign or Unicode hyphen
   in `pages` is written as "-" (the seed mixes hyphens with minus signs, U+2212).
4. Journal article:
   ``Authors. Title. Journal. Year Mon;Volume(Issue):Pages. doi: DOI. PMID: N.``
   The month is a three-letter English abbreviation ("Nov"). Empty parts are left out
   with their punctuation: no issue gives ";364:501-513", no volume or issue gives
   "2011:501-513".
5. Book chapter:
   ``Authors. Chapter N: Title. In: Editor1, Editor2, eds. Book. Edition ed.
   Place: Publisher; Year.``
   One editor is "ed.", more are "eds.". Publication details are place, colon, publisher,
   semicolon, year ("Philadelphia, Pa: Elsevier; 2014"), never "Pa. Elsevier: 2014".
6. Website and guideline share one pattern:
   ``Authors. Series. Title. Container website. Version. Updated Month D, YYYY.
   Accessed at URL on Month D, YYYY.``
   The word "website" follows the container's name ("UpToDate website") unless the name
   already ends with it. A page with no "updated" date shows its year instead, if any.
   The seed's other form ("… website. URL Updated …. Accessed ….") is not used. With a
   URL but no access date the last part is "Available at URL."
7. Dates are written in full in English, without a leading zero: "August 31, 2018".

A reference stays as it was published, in its own language: authors, titles, journals and
addresses are never translated. Only the house style's own words around them are, in the
language active when it is rendered (a page in Spanish: "Consultado en URL el 9 de octubre
de 2018.", "Actualizado el …", "Capítulo 71: …", "En: …, editores."); in the default
language they read exactly as above.

In HTML everything is escaped; the DOI links to doi.org, the PMID to PubMed and the URL to
itself, each with the identifier as the link text. A URL is linked only when it is http or
https, so a `javascript:` address that slipped past validation stays inert text.
"""

import datetime
import re
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .models import Citation

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Runs of hyphen-like characters, with any spaces around them, become one "-":
# hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign.
_DASHES = re.compile("\\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]+\\s*")
_LINKABLE_SCHEMES = {"http", "https"}


class _Link(NamedTuple):
    """A piece of a citation that HTML renders as a link."""

    text: str
    href: str


# A part is one period-terminated unit ("Clin Ther."), made of text and links.
_Part = list[str | _Link]


def format_citation(citation: Citation) -> str:
    """The citation as plain text in the house style (see the module docstring)."""
    return " ".join(
        "".join(piece.text if isinstance(piece, _Link) else piece for piece in part)
        for part in _parts(citation)
    )


def format_citation_html(citation: Citation) -> SafeString:
    """The same text as `format_citation`, escaped, with the DOI, PMID and URL linked."""
    pieces: list[str] = []
    for index, part in enumerate(_parts(citation)):
        if index:
            pieces.append(" ")
        pieces.extend(_render_html(piece) for piece in part)
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def format_date(value: datetime.date) -> str:
    """A date as "August 31, 2018": English month name, no leading zero; in another active
    language, as Django's formats write it there ("31 de agosto de 2018")."""
    if translation.get_language() in (None, settings.LANGUAGE_CODE):
        return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"
    return date_format(value, "DATE_FORMAT")


def format_pages(pages: str) -> str:
    """A page range with a plain hyphen-minus, whatever dash or minus sign was typed."""
    return _DASHES.sub("-", pages.strip())


def _render_html(piece: str | _Link) -> str:
    if not isinstance(piece, _Link):
        return conditional_escape(piece)
    if urlsplit(piece.href).scheme.lower() in _LINKABLE_SCHEMES:
        return format_html('<a href="{}">{}</a>', piece.href, piece.text)
    return conditional_escape(piece.text)


def _parts(citation: Citation) -> list[_Part]:
    """The period-terminated parts of a citation, in order, empty ones left out."""
    builders = {
        Citation.Kind.JOURNAL_ARTICLE: _journal_article_parts,
        Citation.Kind.BOOK_CHAPTER: _book_chapter_parts,
        Citation.Kind.WEBSITE: _web_parts,
        Citation.Kind.GUIDELINE: _web_parts,
    }
    # A citation without a known kind (only possible unsaved) is written like a web page,
    # the pattern that assumes the fewest parts.
    build = builders.get(citation.kind, _web_parts)
    parts = [_authors_part(citation), *build(citation)]
    return [_end_with_period(part) for part in parts if part]


def _journal_article_parts(citation: Citation) -> list[_Part]:
    date = " ".join(
        filter(
            None,
            [
                str(citation.year) if citation.year else "",
                _month_abbreviation(citation.month) if citation.year else "",
            ],
        )
    )
    volume_issue = citation.volume.strip()
    if citation.issue.strip():
        volume_issue += f"({citation.issue.strip()})"
    source = date
    if volume_issue:
        source = f"{source};{volume_issue}" if source else volume_issue
    if citation.pages.strip():
        pages = format_pages(citation.pages)
        source = f"{source}:{pages}" if source else pages
    return [
        _text(citation.title),
        _text(citation.container_title),
        _text(source),
        ["doi: ", _Link(citation.doi, citation.doi_url)] if citation.doi else [],
        ["PMID: ", _Link(citation.pmid, citation.pubmed_url)] if citation.pmid else [],
    ]


def _book_chapter_parts(citation: Citation) -> list[_Part]:
    title = citation.title.strip()
    if citation.chapter_number.strip():
        title = _("Chapter %(number)s: %(title)s") % {
            "number": citation.chapter_number.strip(),
            "title": title,
        }
    editors = _lines(citation.editors)
    if editors:
        names = ", ".join(editors)
        if len(editors) > 1:
            editors_part = _text(_("In: %(editors)s, eds.") % {"editors": names})
        else:
            editors_part = _text(_("In: %(editors)s, ed.") % {"editors": names})
        book_part = _text(citation.book_title)
    else:
        editors_part = []
        book_part = _text(
            _("In: %(book)s") % {"book": citation.book_title.strip()} if citation.book_title else ""
        )
    place_publisher = ": ".join(
        filter(None, [citation.publisher_place.strip(), citation.publisher.strip()])
    )
    publication = "; ".join(
        filter(None, [place_publisher, str(citation.year) if citation.year else ""])
    )
    return [
        _text(title),
        editors_part,
        book_part,
        _text(
            _("%(edition)s ed.") % {"edition": citation.edition.strip()}
            if citation.edition.strip()
            else ""
        ),
        _text(publication),
    ]


def _web_parts(citation: Citation) -> list[_Part]:
    container = citation.container_title.strip()
    if container and not container.lower().endswith("website"):
        container = _("%(name)s website") % {"name": container}
    if citation.updated_date:
        dated = _("Updated %(date)s") % {"date": format_date(citation.updated_date)}
    else:
        dated = str(citation.year) if citation.year else ""
    if citation.url and citation.accessed_date:
        access = _around_link(
            _("Accessed at %(url)s on %(date)s"),
            _Link(citation.url, citation.url),
            date=format_date(citation.accessed_date),
        )
    elif citation.url:
        access = _around_link(_("Available at %(url)s"), _Link(citation.url, citation.url))
    elif citation.accessed_date:
        access = [_("Accessed on %(date)s") % {"date": format_date(citation.accessed_date)}]
    else:
        access = []
    return [
        _text(citation.series),
        _text(citation.title),
        _text(container),
        _text(citation.version),
        _text(dated),
        access,
    ]


def _around_link(phrase: str, link: _Link, **values: str) -> _Part:
    """A phrase of the house style with the link where its %(url)s is: the words on either
    side are one translated sentence, whatever order a language puts them in."""
    before, _marker, after = phrase.partition("%(url)s")
    return [piece for piece in (before % values, link, after % values) if piece]


def _authors_part(citation: Citation) -> _Part:
    authors = _lines(citation.authors)
    if not authors:
        return []
    if citation.authors_et_al:
        authors.append("et al.")
    return _text(", ".join(authors))


def _month_abbreviation(month: int | None) -> str:
    return MONTHS[month - 1][:3] if month and 1 <= month <= 12 else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _text(text: str) -> _Part:
    text = (text or "").strip()
    return [text] if text else []


def _end_with_period(part: _Part) -> _Part:
    last = part[-1]
    last_text = last.text if isinstance(last, _Link) else last
    if last_text.endswith((".", "?", "!")) and not isinstance(last, _Link):
        return part
    return [*part, "."]
