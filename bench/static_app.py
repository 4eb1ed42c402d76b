"""The baseline: the seed page's exact bytes, served from memory by a minimal WSGI app.

`bench/run` serves this under the same gunicorn (2 sync workers) as the site, so the
difference between the two is what Django, the cache and the database cost per request.

BENCH_BODY_FILE is the page as the site served it (captured with curl), and
BENCH_CONTENT_TYPE its Content-Type. Every path and method gets the same 200 response.
"""

import os

with open(os.environ["BENCH_BODY_FILE"], "rb") as body_file:
    BODY = body_file.read()

HEADERS = [
    ("Content-Type", os.environ.get("BENCH_CONTENT_TYPE", "text/html; charset=utf-8")),
    ("Content-Length", str(len(BODY))),
]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
