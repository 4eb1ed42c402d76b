"""The public pages' full-page cache, emptied for every app server when a publish commits.

Public views opt in with `cached_public_page`; `PublicPageCacheMiddleware`, placed
before the session, authentication and CSRF middleware, serves a cached page without
running any of them. Each worker also keeps the pages it served recently in memory, so
a hit usually asks the shared cache for the generation number alone. Each entry records the generation
it was rendered in; publishing or unpublishing bumps the generation (kept in the same
shared cache: Redis with REDIS_URL, else a file cache one machine's workers share) once
its transaction commits, so every worker's next request renders afresh and no reader
gets a page older than the latest publication.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import parse_etags

GENERATION_KEY = "public:generation"
TIMEOUT = 60 * 60 * 24  # a day; a publish empties it sooner
LOCAL_ENTRIES = 256  # pages each worker keeps in memory, most recently served
SKIPPED_PATHS = ("/admin/", f"/{settings.STATIC_URL.strip('/')}/")
# Headers a cached page is served with; the rest are per response (cookies, dates).
KEPT_HEADERS = (
    "Content-Type",
    "Strict-Transport-Security",
    "ETag",
    "Cache-Control",
    "X-Frame-Options",
    "Content-Language",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Content-Type-Options",
)


def _cache():
    return caches["default"]


def _bump() -> None:
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value empties the cache
        cache.set(GENERATION_KEY, 2, timeout=None)


def invalidate() -> None:
    """Empty the public cache once the current transaction commits (now, if none)."""
    transaction.on_commit(_bump)


def cached_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a public view's successful pages for the shared cache; browsers revalidate.

    Everything it returns carries `Cache-Control: no-cache` and an ETag, so a browser
    asks again each time and gets a 304 while the page is unchanged.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, no_cache=True, public=True)
        if response.status_code == 200 and not response.streaming:
            set_response_etag(response)
            response.public_cacheable = True
        return response

    return wrapper


def _key(request: HttpRequest) -> str:
    # Pages hold absolute links (canonical, JSON-LD): the host and scheme are part of the key.
    return f"public:page:{request.build_absolute_uri()}"


def _not_modified(request: HttpRequest, etag: str) -> bool:
    return etag in parse_etags(request.headers.get("If-None-Match", ""))


def _served(request: HttpRequest, entry: tuple) -> HttpResponse:
    _, headers, body = entry
    if _not_modified(request, headers["ETag"]):
        response = HttpResponseNotModified()
        response["ETag"] = headers["ETag"]
        response["Cache-Control"] = headers["Cache-Control"]
        return response
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    return response


class PublicPageCacheMiddleware:
    """Serve cached public pages before the rest of the stack runs; store new ones.

    An entry is served only if it was rendered in the current generation, which is
    always read from the shared cache: a worker's memory can save fetching the page,
    never make a reader see an older one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.local: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def _remember(self, key: str, entry: tuple) -> None:
        with self.lock:
            self.local[key] = entry
            self.local.move_to_end(key)
            while len(self.local) > LOCAL_ENTRIES:
                self.local.popitem(last=False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.path.startswith(SKIPPED_PATHS):
            return self.get_response(request)
        cache = _cache()
        key = _key(request)
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, 1, timeout=None)
            generation = cache.get(GENERATION_KEY)
            if generation is None:  # a cache that keeps nothing (DISABLE_CACHE): render
                return self.get_response(request)
        entry = self.local.get(key)
        if entry is not None and entry[0] == generation:
            return _served(request, entry)
        entry = cache.get(key)
        if entry is not None and entry[0] == generation:
            self._remember(key, entry)
            return _served(request, entry)
        response = self.get_response(request)
        if getattr(response, "public_cacheable", False) and not response.cookies:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            entry = (generation, headers, response.content)
            cache.set(key, entry, TIMEOUT)
            self._remember(key, entry)
        return response
