"""The public pages' full-page cache, emptied for every app server when a publish commits.

Cached pages are keyed by a generation number kept in the shared cache (Redis with
REDIS_URL, else a file cache all local workers share). Publishing or unpublishing bumps
the generation once its transaction commits, so every worker's next request renders
afresh: no reader gets a page older than the latest publication.
"""

from collections.abc import Callable
from functools import wraps

from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

GENERATION_KEY = "public:generation"
TIMEOUT = 60 * 60 * 24  # a day; a publish empties it sooner


def _cache():
    return caches["default"]


def _generation() -> int:
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


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
    """Serve a public GET from the shared cache, and tell browsers to revalidate.

    Only successful anonymous GETs are cached; everything carries `Cache-Control:
    no-cache`, and ConditionalGetMiddleware adds the ETag that revalidation uses.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        cacheable = request.method in ("GET", "HEAD")
        # Pages hold absolute links (canonical, JSON-LD): the host and scheme are part of the key.
        key = f"public:{_generation()}:{request.build_absolute_uri()}" if cacheable else None
        if key:
            hit = _cache().get(key)
            if hit is not None:
                status, content_type, body = hit
                response = HttpResponse(body, status=status, content_type=content_type)
                patch_cache_control(response, no_cache=True, public=True)
                return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if key and response.status_code == 200 and not response.streaming:
            _cache().set(
                key, (response.status_code, response["Content-Type"], response.content), TIMEOUT
            )
        patch_cache_control(response, no_cache=True, public=True)
        return response

    return wrapper
