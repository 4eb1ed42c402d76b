"""The site's languages: settings.LANGUAGES, in order, the first the default.

Records and changes are written in the first (`source_language`, "en"); every other
listed language is one records are translated into and pages are published in. The
public site's addresses and the language a request is served in are
`editorial.public.languages`'s, which names the default as Django activates it
(LANGUAGE_CODE, "en-us").
"""

from django.conf import settings


def source_language() -> str:
    """The language the records themselves are written in: the first of settings.LANGUAGES."""
    return settings.LANGUAGES[0][0]


def translation_languages() -> dict[str, str]:
    """The languages records are translated into, code -> name: the rest of settings.LANGUAGES."""
    return dict(settings.LANGUAGES[1:])


def translated_language(language: str | None) -> str | None:
    """`language` if it is one of the site's other languages (settings.LANGUAGES after the
    first), else None: the default language, however it is spelt, is no translation."""
    if language and language in translation_languages():
        return language
    return None


def language_name(code: str) -> str:
    """The name settings.LANGUAGES gives a language code, e.g. "Español"; the code if none."""
    return dict(settings.LANGUAGES).get(code, code)
