"""The public pages' full-page cache, emptied for every app server when a publish commits.

Public views opt in with `cached_public_page`; `PublicPageCacheMiddleware`, placed
before the session, authentication and CSRF middleware, serves a cached page without
running any of them, in one round trip to the cache. Each entry records the generation
it was rendered in; publishing or unpublishing bumps the generation (kept in the same
shared cache: Redis with REDIS_URL, else a file cache one machine's workers share) once
its transaction commits, so every worker's next request renders afresh and no reader
gets a page older than the latest publication.
"""

from collections.abc import Callable
from functools import wraps

from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import parse_etags

GENERATION_KEY = "public:generation"
TIMEOUT = 60 * 60 * 24  # a day; a publish empties it sooner
# Headers a cached page is served with; the rest are per response (cookies, dates).
KEPT_HEADERS = (
    "Content-Type",
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


class PublicPageCacheMiddleware:
    """Serve cached public pages before the rest of the stack runs; store new ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.path.startswith("/admin/"):
            return self.get_response(request)
        cache = _cache()
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, 1, timeout=None)
            generation = cache.get(GENERATION_KEY, 1)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
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
        response = self.get_response(request)
        if getattr(response, "public_cacheable", False) and not response.cookies:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            cache.set(key, (generation, headers, response.content), TIMEOUT)
        return response
