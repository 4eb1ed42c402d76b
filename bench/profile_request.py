"""Where one request for the seed page spends its time, without gunicorn or wrk.

    REDIS_URL=... | DISABLE_CACHE=1  python bench/profile_request.py [requests] [--cprofile]
    DISABLE_CACHE=1  bench/instructions [requests]     (instructions per request, valgrind)

Calls the WSGI application in-process, as gunicorn's worker would, with the same
headers as the benchmark, and prints microseconds per request: for the whole
application, then for the same request with each middleware removed in turn (what that
middleware costs), and the number of SQL queries and cache calls per request. With
--cprofile it also prints the top functions by cumulative time.

Needs the environment bench/run sets (production settings, the bench DATABASE_URL, a
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false).
"""

import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
MESSAGES = "django.contrib.messages.middleware.MessageMiddleware"
PATH = "/pages/targeted-drug-therapy-for-pancreatic-neuroendocrine-tumor/"


def environ() -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8702",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_USER_AGENT": "wrk",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def site(django: WSGIHandler) -> WSGIHandler:
    """Django as config/wsgi.py serves it (the page cache is a middleware now)."""
    return django


def call(app) -> bytes:
    """One request, as a WSGI server makes it: iterate the response, then close it."""
    status = []
    response = app(environ(), lambda s, h, exc_info=None: status.append(s))
    try:
        body = b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()  # fires request_finished, as gunicorn does
    if not status[0].startswith("200"):
        raise SystemExit(f"the seed page answered {status[0]}; is the bench database set up?")
    return body


def per_request_us(app, n: int) -> float:
    for _ in range(20):
        call(app)
    best = float("inf")
    for _ in range(5):  # best of five: the least disturbed by the rest of the machine
        started = time.perf_counter()
        for _ in range(n):
            call(app)
        best = min(best, (time.perf_counter() - started) / n * 1e6)
    return best


def paired_cost(app, middleware: list[str], n: int) -> float:
    """What the full stack costs over `middleware`: measured back to back, to cancel drift."""
    with override_settings(MIDDLEWARE=middleware):
        without = site(WSGIHandler())
    deltas = []
    for _ in range(3):
        full = per_request_us(app, n)
        with override_settings(MIDDLEWARE=middleware):
            deltas.append(full - per_request_us(without, n))
    return sorted(deltas)[1]


def count_instructions(app, n: int) -> None:
    """Run under callgrind (bench/instructions): instructions counted for `n` requests only.

    Counts are the same however busy the machine is, so two versions of the code can be
    compared while other work runs, where a time cannot.
    """
    for _ in range(20):
        call(app)
    subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True)  # noqa: S603, S607
    for _ in range(n):
        call(app)
    subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True)  # noqa: S603, S607


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "2000"))
    if "--instructions" in sys.argv:
        count_instructions(site(WSGIHandler()), n)
        return
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    app = site(WSGIHandler())
    full = per_request_us(app, n)
    print(
        f"cache backend {backend}: {full:.0f} µs per request in the app ({n} requests, best of 5)"
    )

    queries = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call(app)
    cache = caches["default"]
    calls = []
    for name in ("get", "get_many", "add", "set", "incr"):
        original = getattr(cache, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        setattr(cache, name, counted)
    call(app)
    for name in ("get", "get_many", "add", "set", "incr"):
        delattr(cache, name)
    print(f"  per request: {len(queries)} SQL queries, cache calls {calls}")
    for sql in queries:
        print(f"    {sql[:200]}")

    print("  without one middleware (µs per request, and what it costs):")
    for middleware in settings.MIDDLEWARE:
        # Authentication and messages need sessions: without sessions, leave all three out.
        gone = {middleware}
        if middleware == SESSIONS:
            gone |= {AUTH, MESSAGES}
        rest = [m for m in settings.MIDDLEWARE if m not in gone]
        print(f"    {paired_cost(app, rest, n // 2):7.0f} µs  {' + '.join(sorted(gone))}")
    print(f"    {paired_cost(app, [], n // 2):7.0f} µs  all middleware together")

    if "--cprofile" in sys.argv:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            call(app)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
