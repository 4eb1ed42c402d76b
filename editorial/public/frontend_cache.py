"""Purging the HTTP caches in front of the app servers when a page is published or unpublished.

An HTTP cache (Varnish, deploy/varnish/default.vcl; or a CDN) keeps public pages for their
`s-maxage`. Once a publish or unpublish commits, the workflow's signals reach the receivers
here, which tell every cache in FRONTEND_CACHE_URLS to drop what the change made stale: the
page's addresses (new and old), and every list that shows it. Each cache is reached through
a backend (FRONTEND_CACHE_BACKEND): Varnish's speaks PURGE and BAN; a CDN's would call its
API behind the same two methods.

A cache that does not answer never fails a publish: the receivers run after the commit, log
the failure and keep it as a `PendingPurge` row, which `manage.py retry_purges` (cron, each
minute) delivers and deletes. Until then the page's own `s-maxage` bounds how long the cache
can serve the old page.
"""

import http.client
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from editorial.models import PendingPurge, Publication
from editorial.public.languages import is_default, other_languages
from editorial.versions import in_language

logger = logging.getLogger(__name__)


class PurgeFailed(Exception):
    """A cache did not confirm a purge or ban (unreachable, refused, or an error status)."""


class FrontendCacheBackend:
    """One HTTP cache, addressed by `location`, holding the site's pages under `host`.

    Subclasses implement `purge` and `ban` and raise `PurgeFailed` when the cache does not
    confirm; they never need to retry, which `PendingPurge` and `retry_purges` do for them.
    """

    def __init__(self, location: str, host: str, timeout: float = 3.0) -> None:
        self.location = location
        self.host = host
        self.timeout = timeout

    def purge(self, urls: Sequence[str]) -> None:
        """Drop the cached responses for each of these paths (e.g. "/pages/x/")."""
        raise NotImplementedError

    def ban(self, pattern: str) -> None:
        """Drop every cached response whose path and query match this regular expression."""
        raise NotImplementedError


class VarnishBackend(FrontendCacheBackend):
    """Varnish with deploy/varnish/default.vcl: `PURGE <path>`, and `BAN` with X-Ban-Url."""

    def purge(self, urls: Sequence[str]) -> None:
        for url in urls:
            self._send("PURGE", url)

    def ban(self, pattern: str) -> None:
        self._send("BAN", "/", {"X-Ban-Url": pattern})

    def _send(self, method: str, path: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(self.location)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname, parts.port, timeout=self.timeout)
        try:
            # The Host is the public site's, which the cache stores pages under.
            connection.request(method, path, headers={"Host": self.host, **(headers or {})})
            response = connection.getresponse()
            response.read()
        except OSError as error:
            raise PurgeFailed(f"{method} {path} at {self.location}: {error}") from error
        finally:
            connection.close()
        if response.status != 200:
            raise PurgeFailed(
                f"{method} {path} at {self.location}: {response.status} {response.reason}"
            )


@dataclass
class Invalidation:
    """What one publish or unpublish makes stale: exact paths, and patterns for the rest."""

    urls: list[str] = field(default_factory=list)
    bans: list[str] = field(default_factory=list)

    def add_urls(self, urls: Iterable[str]) -> None:
        for url in urls:
            if url not in self.urls:
                self.urls.append(url)


def page_urls(publication: Publication) -> list[str]:
    """The addresses one publication is read at: the page, its references, its changes and their
    feed; then the same page's addresses in each other language (their 404 links it)."""
    kwargs = {"slug": publication.slug}
    return [
        reverse("editorial:page", kwargs=kwargs),
        reverse("editorial:page_references", kwargs=kwargs),
        reverse("editorial:page_changes", kwargs=kwargs),
        reverse("editorial:page_changes_feed", kwargs=kwargs),
        *(
            reverse(f"{language}:{name}", kwargs=kwargs)
            for language in other_languages()
            for name in ("page", "page_references", "page_changes")
        ),
    ]


def drug_slugs(publication: Publication) -> list[str]:
    """The drugs a publication shows, from its `|slug|slug|` index column."""
    return [slug for slug in publication.drug_slugs.split("|") if slug]


def list_urls(publications: Iterable[Publication]) -> list[str]:
    """The lists that show these publications: home, their drugs' pages (in every language), drugs, glossary,
    sitemap, and the site's feed of changes."""
    urls = [reverse("editorial:index")]
    for publication in publications:
        for slug in drug_slugs(publication):
            for namespace in ("editorial", *other_languages()):
                url = reverse(f"{namespace}:drug", kwargs={"slug": slug})
                if url not in urls:
                    urls.append(url)
    return [
        *urls,
        reverse("editorial:drugs"),
        reverse("editorial:glossary"),
        reverse("sitemap"),
        reverse("editorial:changes_feed"),
    ]


def search_ban(language: str | None = None) -> str:
    """Every search results page, whatever was searched for: one pattern, not one per query;
    in `language` (None: the default language)."""
    namespace = "editorial" if language is None or is_default(language) else language
    return "^" + re.escape(reverse(f"{namespace}:search"))


def translated_list_urls(language: str, publications: Iterable[Publication]) -> list[str]:
    """The lists in `language` that show these publications: its index of pages, their
    drugs' pages there and in English (which link their translation), its drugs and
    glossary, and the sitemap."""
    urls = [reverse(f"{language}:index")]
    for publication in publications:
        for slug in drug_slugs(publication):
            for namespace in (language, "editorial"):
                url = reverse(f"{namespace}:drug", kwargs={"slug": slug})
                if url not in urls:
                    urls.append(url)
    return [
        *urls,
        reverse(f"{language}:drugs"),
        reverse(f"{language}:glossary"),
        reverse("sitemap"),
    ]


# The partner API's answers that read publications (its schema does not).
API_LISTS = ("api:pages", "api:drugs", "api:side_effects")


def api_ban() -> str:
    """Every API answer built from publications, each page of each list and every detail.

    One pattern: a publish changes what the lists say on every page (?page=N), and
    the details sit under their list's address.
    """
    # Letters, digits, "/" and "-": a regular expression reads them as themselves.
    return "^(?:" + "|".join(reverse(name) for name in API_LISTS) + ")"


def previous_publication(
    publication: Publication, language: str | None = None
) -> Publication | None:
    """The page's publication in `language` (None: the default) before this one, live or
    since unpublished, if any."""
    return (
        Publication.objects.filter(in_language(language), page_id=publication.page_id)
        .exclude(pk=publication.pk)
        .filter(published_at__lte=publication.published_at)
        .order_by("-published_at", "-pk")
        .first()
    )


def addresses(publication: Publication) -> list[str]:
    """Every address the page has had, this publication's first, each with its sub-pages.

    After a slug change the old address answers differently (a redirect, not the page), and
    so may the addresses before it.
    """
    slugs = [publication.slug]
    for slug in (
        Publication.objects.filter(page_id=publication.page_id)
        .order_by("-published_at", "-pk")
        .values_list("slug", flat=True)
    ):
        if slug not in slugs:
            slugs.append(slug)
    return [url for slug in slugs for url in page_urls(Publication(slug=slug))]


def after_publish(publications: Sequence[Publication], language: str | None = None) -> Invalidation:
    """What publishing these makes stale.

    Each page at every address it has had, in every language (a translation's notice that
    the English page changed; an English page's link to its translation); the lists
    showing each page now or before (a drug it no longer shows listed it); every search
    result; and the API's answers. A publish in another `language` changes that
    language's list and search and the sitemap besides the page's addresses, never the
    English lists, feeds or API, which show English publications only.
    """
    if language is not None and not is_default(language):
        return after_translation_change(publications, language)
    invalidation = Invalidation(bans=[search_ban(), api_ban()])
    shown = list(publications)
    for publication in publications:
        invalidation.add_urls(addresses(publication))
        previous = previous_publication(publication)
        if previous is not None:
            shown.append(previous)
    invalidation.add_urls(list_urls(shown))
    return invalidation


def after_translation_change(publications: Sequence[Publication], language: str) -> Invalidation:
    """What publishing or taking off these publications in `language` makes stale: each
    page's addresses (in every language: the English page links its translation), the
    language's lists showing each page now or before (a drug it no longer translates
    listed it) and its search, and the sitemap."""
    invalidation = Invalidation(bans=[search_ban(language)])
    shown = list(publications)
    for publication in publications:
        invalidation.add_urls(addresses(publication))
        previous = previous_publication(publication, language)
        if previous is not None:
            shown.append(previous)
    invalidation.add_urls(translated_list_urls(language, shown))
    return invalidation


def after_unpublish(publication: Publication, language: str | None = None) -> Invalidation:
    """What taking off the page that showed `publication` makes stale: its addresses, its
    lists, every search result and the API's answers (in another `language`: as
    `after_translation_change`)."""
    if language is not None and not is_default(language):
        return after_translation_change([publication], language)
    invalidation = Invalidation(bans=[search_ban(), api_ban()])
    invalidation.add_urls(addresses(publication))
    invalidation.add_urls(list_urls([publication]))
    return invalidation


def public_host() -> str:
    """The Host the public site is served under: FRONTEND_CACHE_HOST, else ALLOWED_HOSTS[0]."""
    if settings.FRONTEND_CACHE_HOST:
        return settings.FRONTEND_CACHE_HOST
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".")  # ".example.org" allows example.org and its subdomains
    return urlsplit(settings.SITE_URL).netloc


def backend_for(location: str) -> FrontendCacheBackend:
    backend_class = import_string(settings.FRONTEND_CACHE_BACKEND)
    return backend_class(location, public_host(), timeout=settings.FRONTEND_CACHE_TIMEOUT)


def backends() -> list[FrontendCacheBackend]:
    """One backend per configured cache address; none when FRONTEND_CACHE_URLS is empty."""
    return [backend_for(location) for location in settings.FRONTEND_CACHE_URLS]


def _deliver(backend: FrontendCacheBackend, kind: str, targets: Any) -> None:
    if kind == PendingPurge.Kind.PURGE:
        backend.purge(targets)
    else:
        backend.ban(targets)


def invalidate(invalidation: Invalidation) -> None:
    """Send the invalidation to every cache; keep what a cache did not take for retry_purges."""
    work = [(PendingPurge.Kind.BAN, pattern) for pattern in invalidation.bans]
    if invalidation.urls:
        work.insert(0, (PendingPurge.Kind.PURGE, invalidation.urls))
    for backend in backends():
        for kind, targets in work:
            try:
                _deliver(backend, kind, targets)
            except PurgeFailed as failure:
                logger.warning("HTTP cache purge failed, kept for retry_purges: %s", failure)
                PendingPurge.objects.create(
                    location=backend.location, kind=kind, targets=targets, last_error=str(failure)
                )


def retry_pending() -> tuple[int, int]:
    """Retry every kept purge; delete those delivered. Returns (delivered, still pending).

    A purge kept for an address no longer in FRONTEND_CACHE_URLS is dropped: that cache is
    no longer in front of the site.
    """
    delivered = pending = 0
    configured = set(settings.FRONTEND_CACHE_URLS)
    for row in PendingPurge.objects.all():
        if row.location not in configured:
            logger.info("Dropped a kept purge for %s, no longer configured", row.location)
            row.delete()
            continue
        try:
            _deliver(backend_for(row.location), row.kind, row.targets)
        except PurgeFailed as failure:
            row.attempts += 1
            row.last_error = str(failure)
            row.save(update_fields=["attempts", "last_error"])
            pending += 1
        else:
            row.delete()
            delivered += 1
    return delivered, pending


def purge_on_publish(
    sender: Any,
    publications: Sequence[Publication],
    language: str | None = None,
    **kwargs: Any,
) -> None:
    """Receiver of page_published, which arrives after the commit."""
    if settings.FRONTEND_CACHE_URLS:
        invalidate(after_publish(publications, language))


def purge_on_unpublish(
    sender: Any, publication: Publication, language: str | None = None, **kwargs: Any
) -> None:
    """Receiver of page_unpublished, which arrives after the commit."""
    if settings.FRONTEND_CACHE_URLS:
        invalidate(after_unpublish(publication, language))


def everything() -> Invalidation:
    """What a change every page shows (the site's identity) makes stale: every address."""
    return Invalidation(bans=["^/"])


def purge_everything(sender: Any, **kwargs: Any) -> None:
    """Receiver of identity_changed, which arrives after the commit."""
    if settings.FRONTEND_CACHE_URLS:
        invalidate(everything())
