"""The language of a public request, from its address alone.

The first of settings.LANGUAGES is the default: its pages keep their addresses, without a
prefix. Every other language reads at `/<code>/…`. Nothing else is consulted: not
Accept-Language, not a cookie, so an address always answers the same page in the same
language and a cache in front keeps one copy of it (no `Vary: Accept-Language`).

Django's LocaleMiddleware is not used: it reads Accept-Language and the language cookie for
any address without a prefix, and adds `Vary: Accept-Language` (and `Vary: Cookie`) to
every response, so English pages would be cached once per browser language.
"""

import functools

from django.conf import settings
from django.utils import translation

from editorial.languages import translation_languages


@functools.cache
def _prefixed() -> frozenset[str]:
    return frozenset(translation_languages())


def default_language() -> str:
    """The language at the addresses without a prefix: LANGUAGE_CODE, as it always was."""
    return settings.LANGUAGE_CODE


def language_from_path(path: str) -> str:
    """The language an address is in: `/es/…` is Spanish (any other listed language likewise
    by its code), and every other address is in the default language."""
    first = path[1:].partition("/")[0]
    return first if first in _prefixed() else default_language()


def is_default(language: str | None = None) -> bool:
    """Whether `language` (the active one if not given) is the default language."""
    language = language or translation.get_language()
    return language == default_language()


def url_namespace(language: str | None = None) -> str:
    """The URL namespace of the public site in `language`: "editorial" for the default
    language (the names every English address has always had), the code otherwise."""
    language = language or translation.get_language()
    return "editorial" if is_default(language) else language


def other_languages() -> list[str]:
    """The languages read under a prefix (`es`), in settings order."""
    return list(translation_languages())


def hreflang(language: str) -> str:
    """The code hreflang and `lang` name a language by: "en" for "en-us", "es" for "es"."""
    return language.partition("-")[0]


@functools.cache
def switch_label(language: str) -> str:
    """The language switcher's link to a page in `language`, in that language's own words
    ("Lea esta página en español"), so a reader who knows only it can find it."""
    with translation.override(language):
        # The catalogue's own language: "Lea esta página en español" in Spanish's.
        return translation.pgettext("language switcher", "Read this page in English")
