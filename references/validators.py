"""Checks and normalisation for the identifiers a citation carries.

Pure functions: no database, no request. The model and the form both call them, so an
editor gets the same message wherever a bad identifier is caught.
"""

import re

from django.core.exceptions import ValidationError

# Prefixes an editor is likely to paste in front of a DOI, longest first so that
# "https://dx.doi.org/" is not mistaken for a shorter one.
_DOI_PREFIXES = (
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "https://doi.org/",
    "http://doi.org/",
    "doi:",
)

# "10." + a 4 to 9 digit registrant + "/" + a suffix of printable, non-space ASCII.
# The suffix is deliberately broad: old DOIs contain "<", ">", ";", "(" and ")".
# fullmatch and ASCII: "$" would let a trailing newline through, and "\d" would
# accept digits from other scripts.
DOI_RE = re.compile(r"10\.\d{4,9}/[!-~]+", re.ASCII)
PMID_RE = re.compile(r"\d{1,8}", re.ASCII)

DOI_MESSAGE = (
    "Enter a DOI like 10.1016/j.clinthera.2017.10.010 "
    "(bare, or with a doi: or https://doi.org/ prefix)."
)
PMID_MESSAGE = "A PubMed ID (PMID) is 1 to 8 digits, e.g. 21306237."


def normalise_doi(text: str) -> str:
    """Return the bare DOI from what an editor pasted.

    Strips surrounding whitespace and one leading "doi:" (any case, optional space after
    it) or doi.org / dx.doi.org URL prefix (http or https). The DOI itself keeps its case:
    DOIs compare case-insensitively, but the registrant's spelling is the one to show.
    """
    text = (text or "").strip()
    lowered = text.lower()
    for prefix in _DOI_PREFIXES:
        if lowered.startswith(prefix):
            return text[len(prefix) :].strip()
    return text


def validate_doi(value: str) -> None:
    """Refuse anything but a bare DOI: "10.", a 4 to 9 digit registrant, "/", a suffix."""
    if not DOI_RE.fullmatch(value or ""):
        raise ValidationError(DOI_MESSAGE, code="invalid_doi", params={"value": value})


def validate_pmid(value: str) -> None:
    """Refuse anything but a PubMed ID of 1 to 8 digits."""
    if not PMID_RE.fullmatch(value or ""):
        raise ValidationError(PMID_MESSAGE, code="invalid_pmid", params={"value": value})
