"""The public pages' full-page cache, emptied for every app server when a publish commits.

Public views opt in with `cached_public_page`. Under an app server,
`PublicPageCacheApplication` (config/wsgi.py) sends a cached page before Django sees the
request; `PublicPageCacheMiddleware`, placed before the session, authentication and CSRF
middleware, stores what renders and serves hits to every other caller. Each worker also
keeps the pages it served recently in memory, so a hit usually asks the shared cache for
the generation number alone. Each entry records the generation it was rendered in;
publishing or unpublishing bumps the generation (kept in the same shared cache: Redis
with REDIS_URL, else a file cache one machine's workers share) once its transaction
commits, so every worker's next request renders afresh and no reader gets a page older
than the latest publication.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
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
    "Content-Security-Policy",
    "Permissions-Policy",
)


def _cache():
    return caches["default"]


def _new_generation() -> int:
    # Never a number used before, even if the shared cache lost the generation (flushed,
    # restarted, evicted): a worker's memory may still hold pages of every earlier one.
    return time.time_ns()


def _bump() -> None:
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there (evicted, flushed): any new value empties the cache
        cache.set(GENERATION_KEY, _new_generation(), timeout=None)


def invalidate() -> None:
    """Empty the public cache once the current transaction commits (now, if none)."""
    transaction.on_commit(_bump)


def invalidate_on_publish(sender: Any, **kwargs: Any) -> None:
    """Receiver of page_published and page_unpublished, which arrive after the commit."""
    _bump()


def cached_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a public view's successful pages for the shared cache; browsers revalidate.

    Everything it returns carries `Cache-Control: no-cache` and an ETag, so a browser
    asks again each time and gets a 304 while the page is unchanged. (Only public pages
    have validators: the admin's pages are never the same twice.)
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, no_cache=True, public=True)
        if response.status_code == 200 and not response.streaming:
            set_response_etag(response)
            response.public_cacheable = True
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    return wrapper


def _key(request: HttpRequest) -> str:
    # Pages hold absolute links (canonical, JSON-LD): the host and scheme are part of the key.
    return f"public:page:{request.build_absolute_uri()}"


def _not_modified(request: HttpRequest, etag: str) -> bool:
    return etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))


def _cacheable(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not request.path.startswith(SKIPPED_PATHS)


class _Pages:
    """The cached pages as one process sees them: the shared cache, and its own recent copies.

    An entry is served only if it was rendered in the current generation, which is
    always read from the shared cache: a worker's memory can save fetching the page,
    never make a reader see an older one.
    """

    def __init__(self) -> None:
        self.local: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def generation(self) -> Any:
        """The current generation; None where the cache keeps nothing (DISABLE_CACHE)."""
        cache = _cache()
        if isinstance(cache, DummyCache):  # DISABLE_CACHE: nothing is kept, nothing to ask
            return None
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, _new_generation(), timeout=None)
            generation = cache.get(GENERATION_KEY)
        return generation

    def find(self, key: str, generation: Any) -> tuple | None:
        entry = self.local.get(key)
        if entry is not None and entry[0] == generation:
            return entry
        entry = _cache().get(key)
        if entry is not None and entry[0] == generation:
            self._remember(key, entry)
            return entry
        return None

    def store(self, key: str, entry: tuple) -> None:
        _cache().set(key, entry, TIMEOUT)
        self._remember(key, entry)

    def _remember(self, key: str, entry: tuple) -> None:
        with self.lock:
            self.local[key] = entry
            self.local.move_to_end(key)
            while len(self.local) > LOCAL_ENTRIES:
                self.local.popitem(last=False)


pages = _Pages()  # one per process, shared by both ways in


def _reply(request: HttpRequest, entry: tuple) -> tuple[int, dict[str, str], bytes]:
    """A cached page's status, headers and body: 304 when the browser's copy is current."""
    _, headers, body = entry
    if _not_modified(request, headers["ETag"]):
        return 304, {name: headers[name] for name in ("ETag", "Cache-Control")}, b""
    return 200, {**headers, "Content-Length": str(len(body))}, body


def _served(request: HttpRequest, entry: tuple) -> HttpResponse:
    status, headers, body = _reply(request, entry)
    response = HttpResponseNotModified() if status == 304 else HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    return response


class PublicPageCacheMiddleware:
    """Serve cached public pages before the rest of the stack runs; store new ones.

    Under an app server, `PublicPageCacheApplication` serves hits before Django; this
    serves them to every other caller (the test client, ASGI) and stores what renders.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        generation = pages.generation()
        if generation is None:
            return self.get_response(request)
        key = _key(request)
        entry = pages.find(key, generation)
        if entry is not None:
            return _served(request, entry)
        response = self.get_response(request)
        if getattr(response, "public_cacheable", False) and not response.cookies:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            pages.store(key, (generation, headers, response.content))
        return response


class PublicPageCacheApplication:
    """WSGI in front of Django: a cached public page is sent without a Django request.

    A hit costs one read of the generation and the worker's own copy, so it skips the
    request signals, the middleware chain and the response objects; the key is the same
    `_key` of the same request, so it finds exactly what the middleware stored. Anything
    else (a miss, another method, a host Django would refuse) goes to Django unchanged.
    """

    def __init__(self, application: Callable) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            try:
                found = self._find(environ)
            except Exception:  # the cache is unreachable: Django answers, and reports it
                found = None
            if found is not None:
                return self._served(*found, start_response)
        return self.application(environ, start_response)

    @staticmethod
    def _find(environ: dict) -> tuple[HttpRequest, tuple] | None:
        generation = pages.generation()
        if generation is None:
            return None
        request = WSGIRequest(environ)
        try:
            key = _key(request) if _cacheable(request) else None
        except DisallowedHost:  # Django answers it (400) and logs it as it logs them
            return None
        entry = pages.find(key, generation) if key else None
        return (request, entry) if entry is not None else None

    @staticmethod
    def _served(request: HttpRequest, entry: tuple, start_response: Callable) -> list[bytes]:
        status, headers, body = _reply(request, entry)
        start_response(f"{status} {HTTPStatus(status).phrase}", list(headers.items()))
        return [] if request.method == "HEAD" else [body]
