"""The words every public page's frame shows, translated once per language.

`{% translate %}` makes a lazy string for each tag on every render (Django's
`Variable.resolve` returns `gettext_lazy(...)`), then reads the active language through a
thread-local to look it up. On the uncached seed page, its 12 `{% translate %}` and 4
`{% blocktranslate %}` tags made an English request cost 6.82 M instructions against
5.46 M before the language layer (`bench/instructions`): English readers paid a quarter
more for words that never change; with this module, 5.84 M. So the frame's
words (the header, the footer, the byline, the page's own links) are looked up here once
per process and language, and templates read them as `{{ words.skip_link }}`. The
catalogue finds them here (`gettext_lazy`), with the same messages as before.
A phrase with a value in it keeps its placeholder, filled by the `fill` filter
(`{{ words.written_by|fill:attribution }}`), which escapes the value.
"""

import functools
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

WORDS = {
    "skip_link": _("Skip to main content"),
    "site_nav": _("Site"),
    "pages_by_cancer_type": _("Pages by cancer type"),
    "drugs": _("Drugs"),
    "side_effects": _("Side effects"),
    "search": _("Search"),
    "contact": _("Contact us"),
    "disclaimer": _(
        "This information supports, and does not replace, the advice of your cancer care team."
    ),
    "last_revised": _("Last Revised:"),
    "last_reviewed": _("Last medically reviewed:"),
    "by_reviewers": _(", by %(reviewers)s"),
    "written_by": _('Written by <a href="#attribution">%(attribution)s</a>'),
    "online_at": _("Online at %(canonical_url)s"),
    "page_changes_feed": _("Changes to “%(title)s”"),
    "site_changes_feed": _("Changes to %(name)s"),
    "page_nav": _("More about this page"),
    "page_references": _("References with links"),
    "page_changes": _("Changes to this page"),
}


@functools.cache
def _words(language: str) -> dict[str, str]:
    with translation.override(language):
        # The site's own words, never a writer's: safe as they stand, so a render does
        # not escape them again on every request.
        words = {name: mark_safe(str(text)) for name, text in WORDS.items()}  # noqa: S308
    words["lang"] = language.partition("-")[0]  # the html element's lang
    return words


def words(language: str | None = None) -> dict[str, str]:
    """The frame's words in `language` (the active one if not given)."""
    return _words(language or translation.get_language())


def context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `words` for every template, in the active language."""
    return {"words": words()}
