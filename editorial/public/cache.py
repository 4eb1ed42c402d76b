"""The public pages' cache: Django's cache framework, used the way its cache middleware uses it.

- Keys come from `django.utils.cache` (`learn_cache_key` when storing, `get_cache_key`
  when fetching), so every header a response names in `Vary` is part of its key.
- Only a public view's 200 for a GET is stored, never a response that sets a cookie,
  says `private`, or answers a request that carries a session cookie.
- A view declares the query parameters it reads (`public_page(query=("q",))`); the key is
  built from those alone, so `?utm_source=N` finds the plain page's entry and adds none.
- Every page's key holds the current *generation*. A publish or unpublish starts a new
  one once it has committed (the workflow's signals arrive after the commit), so the next
  request renders afresh. (The list of headers a URL varies on is kept without it: that
  list says how to build the key, not what the page says.) The generation lives in the same Redis, so it can be lost or rolled back
  with it; what bounds staleness whatever Redis does is that no entry lives longer than
  half of PUBLIC_FRESHNESS_SECONDS, and HTTP caches in front (Varnish) are told the same
  half (`s-maxage`), so both tiers together stay within the bound.
- A failing cache never reaches a reader: django-redis ignores Redis errors
  (IGNORE_EXCEPTIONS, short socket timeouts, no retries; see config/settings/base.py) and
  a request spends at most PUBLIC_CACHE_BUDGET_SECONDS on the cache in all, then renders
  without it.
- A hit is served before the rest of the middleware runs (what it would add is already in
  the stored response) and costs one round trip once a process has seen the URL: the
  generation and the page under the generation the process last saw, read together. The
  first time, it is two: the generation with the URL's header list, then the page.
  bench/run measured a hit looked up in `process_view`, after the whole stack and with
  three round trips, at 0.09 of a static file's rate; with two, 0.24–0.25; the goal is 0.25.
"""

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.dummy import DummyCache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import (
    cc_delim_re,
    get_cache_key,
    get_conditional_response,
    has_vary_header,
    learn_cache_key,
    patch_cache_control,
    set_response_etag,
)

from .languages import language_from_path

GENERATION_KEY = "public:generation"
# The prefix of the keys django.utils.cache builds; a page's key adds the generation.
KEY_PREFIX = "public"


@dataclass(frozen=True)
class PublicPage:
    """What the cache needs to know of a public view: the query parameters it reads."""

    query: tuple[str, ...] = ()


def public_page(
    view: Callable[..., HttpResponse] | None = None, *, query: tuple[str, ...] = ()
) -> Any:
    """Mark a view as a public page: cached, and sent with public caching headers.

    `query` names the query parameters the view reads; any other is left out of its
    cache key.
    """

    def mark(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> HttpResponse:
            return view(*args, **kwargs)

        wrapper.public_page = PublicPage(tuple(query))
        return wrapper

    return mark(view) if view is not None else mark


def entry_seconds() -> int:
    """How long any tier may keep a page: half the freshness bound, for two tiers."""
    return max(1, settings.PUBLIC_FRESHNESS_SECONDS // 2)


class Budget:
    """The cache as one request may use it: PUBLIC_CACHE_BUDGET_SECONDS in all.

    django-redis bounds each operation by its socket timeout; a page takes up to five
    operations, so a stalled Redis would otherwise cost five timeouts. An operation is
    skipped (a miss, nothing stored) once it could overrun the budget.
    """

    def __init__(self, cache: BaseCache | None = None) -> None:
        self.cache = cache or caches[settings.CACHE_MIDDLEWARE_ALIAS]
        self.budget = settings.PUBLIC_CACHE_BUDGET_SECONDS
        options = settings.CACHES[settings.CACHE_MIDDLEWARE_ALIAS].get("OPTIONS", {})
        self.op_timeout = float(options.get("SOCKET_TIMEOUT") or 0)
        self.spent = 0.0

    def _run(self, default: Any, method: Callable[..., Any], *args: Any) -> Any:
        if self.spent + self.op_timeout > self.budget:
            return default
        started = time.monotonic()
        try:
            return method(*args)
        finally:
            self.spent += time.monotonic() - started

    def get(self, key: str, default: Any = None) -> Any:
        return self._run(default, self.cache.get, key, default)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        # django-redis answers None, not {}, when it ignored an error.
        return self._run({}, self.cache.get_many, keys) or {}

    def set(self, key: str, value: Any, timeout: float | None) -> None:
        self._run(None, self.cache.set, key, value, timeout)

    def add(self, key: str, value: Any, timeout: float | None) -> bool:
        return bool(self._run(False, self.cache.add, key, value, timeout))


def current_generation(cache: Budget) -> int | None:
    """The generation pages are stored under now; None when the cache cannot say (skip it)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # lost (flushed, restarted empty) or never set: start one
        fresh = time.time_ns()
        generation = fresh if cache.add(GENERATION_KEY, fresh, None) else cache.get(GENERATION_KEY)
    return generation


# What this process last read of two things that rarely change: each URL's list of headers
# it varies on, and the generation. Neither is trusted alone: a remembered header list
# only names a key (an entry there was stored by a response varying on exactly those
# headers, so it is right for this request whichever list named it), and the remembered
# generation is only a guess, checked against Redis in the same round trip.
_header_lists: dict[str, Any] = {}
_HEADER_LISTS_KEPT = 10_000
_last_generation: list[int | None] = [None]


def _remember_generation(generation: int | None) -> None:
    if generation is not None:
        _last_generation[0] = generation


class _HeaderLists:
    """The cache as `get_cache_key` reads it: the URL's header list from this process's
    memory, or else from Redis together with the generation, in one round trip."""

    def __init__(self, cache: Budget) -> None:
        self.cache = cache
        self.read_generation = False
        self.generation: int | None = None

    def get(self, key: str, default: Any = None) -> Any:
        if key in _header_lists:
            return _header_lists[key]
        found = self.cache.get_many([key, GENERATION_KEY])
        self.read_generation = True
        self.generation = found.get(GENERATION_KEY)
        headers = found.get(key)
        if headers is not None:
            if len(_header_lists) >= _HEADER_LISTS_KEPT:
                _header_lists.clear()
            _header_lists[key] = headers
        return default if headers is None else headers


def page_key(key: str, generation: int) -> str:
    return f"{key}.{generation}"


def invalidate() -> None:
    """Start a new generation, so no page cached before it is served again.

    A time, never a counter: after Redis lost or rolled back its data a counter could
    come back to a number whose entries another snapshot still holds.
    """
    Budget().set(GENERATION_KEY, time.time_ns(), None)


def invalidate_on_publish(sender: Any, **kwargs: Any) -> None:
    """Receiver of page_published, page_unpublished and identity_changed, after the commit.

    Bounded by the cache budget and never raising (django-redis ignores Redis errors),
    so a failing cache cannot fail or hang the editor's publish.
    """
    invalidate()


def _keyed(request: HttpRequest, page: PublicPage) -> HttpRequest:
    """The request as its cache key sees it: only the query parameters the view reads."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return request
    kept = urlencode(
        sorted((name, value) for name, value in parse_qsl(query, True) if name in page.query)
    )
    keyed = copy.copy(request)
    keyed.META = {**request.META, "QUERY_STRING": kept}
    return keyed


def _carries_session(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _is_private(request: HttpRequest, response: HttpResponse) -> bool:
    directives = {d.strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
    return bool(_carries_session(request) or response.cookies or "private" in directives)


def _public_page(request: HttpRequest) -> PublicPage | None:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    return getattr(match.func, "public_page", None)


class PublicCacheMiddleware:
    """Serve public pages from the cache, store them, and set their caching headers.

    First in MIDDLEWARE, so what it stores carries every header the rest of the stack
    set (Vary among them) and it sees every cookie a response sets, and so a hit skips
    the rest of the stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The language first: Django's cache keys include the active language, so it must
        # be the address's before any lookup (editorial.public.languages says why not
        # LocaleMiddleware). The previous language comes back after the response.
        language = language_from_path(request.path_info)
        request.LANGUAGE_CODE = language
        if translation.get_language() == language:
            # A default-language address with nothing activated: already right, and
            # activating it anyway was measurable on every English request.
            return self._respond(request)
        with translation.override(language):
            return self._respond(request)

    def _respond(self, request: HttpRequest) -> HttpResponse:
        page = _public_page(request)
        lookup = (
            request.method in ("GET", "HEAD")
            and not _carries_session(request)
            # DISABLE_CACHE: nothing is kept, so there is nothing to ask or to key.
            and not isinstance(caches[settings.CACHE_MIDDLEWARE_ALIAS], DummyCache)
        )
        if page is not None and lookup:
            hit = self._lookup(request, page)
            if hit is not None:
                return get_conditional_response(request, etag=hit["ETag"], response=hit)
        response = self.get_response(request)
        page = getattr(request, "public_page", None)
        if page is None:
            if not response.has_header("Cache-Control"):
                # Not a public page (a 404 nowhere, a refused host): no shared cache keeps it.
                patch_cache_control(response, private=True)
            return response
        return self._finish(request, page, response)

    def process_view(self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict) -> None:
        # The view that runs decides what is stored, whatever the lookup resolved.
        request.public_page = getattr(view, "public_page", None)

    def _lookup(self, request: HttpRequest, page: PublicPage) -> HttpResponse | None:
        """The stored response, or None; notes the generation a miss will be stored under.

        The generation is read before the page renders, so a page rendered while a
        publish commits is stored under the generation that publish ends.
        """
        cache = request.public_cache = Budget()
        reader = _HeaderLists(cache)
        key = get_cache_key(_keyed(request, page), KEY_PREFIX, "GET", cache=reader)
        guess = found = None
        if reader.read_generation:
            generation = reader.generation
        else:
            # The header list came from memory: read the generation and, if it is still
            # the one this process last saw, the page with it, in one round trip.
            guess = _last_generation[0]
            keys = [GENERATION_KEY] if guess is None else [GENERATION_KEY, page_key(key, guess)]
            found = cache.get_many(keys)
            generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = current_generation(cache)
        _remember_generation(generation)
        request.public_cache_generation = generation
        if key is None or generation is None:
            return None
        if found is not None and generation == guess:
            return found.get(page_key(key, guess))
        return cache.get(page_key(key, generation))

    def _finish(
        self, request: HttpRequest, page: PublicPage, response: HttpResponse
    ) -> HttpResponse:
        private = _is_private(request, response)
        if private:
            patch_cache_control(response, private=True, max_age=0)
        else:
            patch_cache_control(response, public=True, max_age=0, s_maxage=entry_seconds())
        if response.status_code != 200 or response.streaming:
            return response
        set_response_etag(response)  # browsers revalidate (max-age=0) and get a 304
        generation = getattr(request, "public_cache_generation", None)
        if (
            request.method == "GET"
            and generation is not None
            and not private
            and not has_vary_header(response, "*")
        ):
            cache = request.public_cache
            timeout = entry_seconds()
            key = learn_cache_key(_keyed(request, page), response, timeout, KEY_PREFIX, cache=cache)
            cache.set(page_key(key, generation), response, timeout)
        return get_conditional_response(request, etag=response["ETag"], response=response)
