"""Production settings for the app server behind Varnish in tests/test_varnish.py.

Public pages are to carry `Cache-Control: public, max-age=0, s-maxage=<half of
PUBLIC_FRESHNESS_SECONDS>`, the header Varnish keeps them by (the public site's caching
is being rewritten to send it). Until they do, they say `no-cache`, which no shared
cache may store; this middleware gives a public response without s-maxage that header,
and leaves alone every response that has one or is not public. Delete it once public
pages carry s-maxage themselves.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

SHARED_MAX_AGE = 30


def shared_max_age(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        cache_control = response.get("Cache-Control", "")
        if "public" in cache_control and "s-maxage" not in cache_control:
            response["Cache-Control"] = f"public, max-age=0, s-maxage={SHARED_MAX_AGE}"
        return response

    return middleware


# Outermost, so it sees each response last, as Varnish will.
MIDDLEWARE = ["tests.varnish_settings.shared_max_age", *MIDDLEWARE]
