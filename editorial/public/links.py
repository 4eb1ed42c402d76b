"""The public site's own addresses, reversed once per process rather than on every render.

Measured by bench/profile_request.py on the 2-core machine: the nine `{% url %}` tags of
an uncached page (the header's navigation, the feeds, the page's own links) took 126 µs
of its 1,380 µs, 14 µs each. An address depends only on the URLconf, the script prefix
and its arguments, so each is kept under those; a changed URLconf (tests override it)
forgets them all, as Django forgets its own resolvers.
"""

import contextlib
import functools
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from .languages import url_namespace

# What the header, the footer and the feeds' links of every public page point to.
SITE_LINKS = ("index", "drugs", "glossary", "search", "changes_feed")
# A page's own addresses besides itself.
PAGE_LINKS = ("page_references", "page_changes", "page_changes_feed")


@functools.lru_cache(maxsize=8)
def _site_links(prefix: str, urlconf: Any, namespace: str) -> dict[str, str]:
    links = {}
    for name in SITE_LINKS:
        with contextlib.suppress(NoReverseMatch):  # a language's site has no feeds yet
            links[name] = reverse(f"{namespace}:{name}")
    return links


@functools.lru_cache(maxsize=4096)
def _page_links(prefix: str, urlconf: Any, slug: str) -> dict[str, str]:
    return {name: reverse(f"editorial:{name}", kwargs={"slug": slug}) for name in PAGE_LINKS}


@functools.lru_cache(maxsize=4096)
def _language_page_url(prefix: str, urlconf: Any, namespace: str, slug: str) -> str:
    return reverse(f"{namespace}:page", kwargs={"slug": slug})


def language_page_url(language: str, slug: str) -> str:
    """The address of the page at `slug` in `language` (`/es/pages/x/`, `/pages/x/`)."""
    return _language_page_url(get_script_prefix(), get_urlconf(), url_namespace(language), slug)


def site_links() -> dict[str, str]:
    """The site's navigation addresses in the active language, by URL name
    (`site_links.drugs` is `/drugs/` in English, `/es/drugs/` in Spanish)."""
    return _site_links(get_script_prefix(), get_urlconf(), url_namespace(get_language()))


def page_links(slug: str) -> dict[str, str]:
    """The addresses of the page at `slug`'s references, change log and its feed, by URL name."""
    return _page_links(get_script_prefix(), get_urlconf(), slug)


@receiver(setting_changed)
def forget(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        _site_links.cache_clear()
        _page_links.cache_clear()
        _language_page_url.cache_clear()


def context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `site_links` for every template, in the active language."""
    return {"site_links": site_links()}
