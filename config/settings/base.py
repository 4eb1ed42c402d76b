"""Settings shared by every environment, read from the environment.

With DEBUG off (the default) they are safe to deploy: secure cookies, HSTS and an SSL
redirect, so `manage.py check --deploy` has nothing to report. `production` adds the
demand for a real SECRET_KEY; `local` and `test` relax only what plain http on
127.0.0.1 needs.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "simple_history",
    "axes",
    "csp",
    "adminsortable2",
    "rest_framework",
    "drf_spectacular",
    "drugs",
    "references",
    "editorial",
]

MIDDLEWARE = [
    # First, as Django's UpdateCacheMiddleware: what it stores carries every header (Vary
    # among them) and cookie the rest of the stack set. It looks pages up once the view is
    # known (editorial.public.cache), after the SSL redirect and the host check.
    "editorial.public.cache.PublicCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "editorial.headers.SitePolicyMiddleware",
    # django-permissions-policy's, with passkeys allowed in the admin alone.
    "editorial.headers.SitePermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on every history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a login axes refused into the page that says why (editorial.logins).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "editorial.identity.context",
                "editorial.public.links.context",
                "editorial.public.words.context",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A health check is a SELECT 1 before every request's first query; off by default
        # since public pages make one query, and a dropped connection errors only once.
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep files open in tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("DB_PREPARED_STATEMENTS", True):
    # PostgreSQL plans a query afresh each time it is sent with its values inlined;
    # planning the page lookup cost more than running it. Bound parameters let psycopg
    # prepare a statement a connection has run 5 times. Turn off behind a pooler that
    # cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The site's time zone: every date shown to readers and editors is in it.
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
# The public site's languages; the first is the default, at the addresses without a prefix.
# Each other language reads at /<code>/… (editorial.public.languages).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The public pages' cache (editorial.public.cache), shared by every worker: Redis across
# app servers, or a file cache that one machine's workers share.
REDIS_URL = os.environ.get("REDIS_URL", "")
# After a publish or unpublish commits, no reader gets the older page for longer than
# this, through every cache tier together: Django's cache keeps a page half of it and
# tells HTTP caches in front (s-maxage) the other half.
PUBLIC_FRESHNESS_SECONDS = int(os.environ.get("PUBLIC_FRESHNESS_SECONDS", "60"))
# The most one request spends on the cache in all; then it renders without it.
PUBLIC_CACHE_BUDGET_SECONDS = 1.0
# One Redis operation may take this long: a page makes at most five (generation, header
# list, page; or the header list and the page stored), so five fit in the budget.
CACHE_OPERATION_SECONDS = 0.2
CACHE_MIDDLEWARE_ALIAS = "default"


def redis_caches(url: str) -> dict:
    """CACHES for a Redis at `url`: down, stalled or full is a miss, never an error."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": CACHE_OPERATION_SECONDS,
                "SOCKET_TIMEOUT": CACHE_OPERATION_SECONDS,
                # redis-py retries a timed-out command 3 times by default: 4 timeouts.
                "CONNECTION_POOL_KWARGS": {"retry": Retry(NoBackoff(), 0)},
            },
        }
    }


if env_bool("DISABLE_CACHE", False):  # for measuring pages rendered afresh
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        }
    }
# django-redis logs each error it ignores; the filter in LOGGING keeps one a minute.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "imprimatur.cache"

# Reverting a record from its history would write content around review.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Behind a TLS-terminating proxy, trust its header to know a request was https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Public pages run no script (the JSON-LD block is data, which script-src does not
# govern); editorial.headers lets the admin run its own static JavaScript. No
# 'unsafe-inline' anywhere: inline styles live in static stylesheets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# No public page uses any of these; a script slipped in could not either. The admin may
# use passkeys (editorial.headers.ADMIN_PERMISSIONS_REPLACE).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Logins (django-axes; the rules are in editorial.logins): 5 failures for one account
# from one client address refuse that pair for 15 minutes; 20 for the account from any
# addresses lock it until an administrator unlocks it.
AXES_HANDLER = "editorial.logins.AccountLockHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A refused attempt is not another failure: it neither extends the 15 minutes nor counts
# toward the account's 20.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # what the account-wide count reads
AXES_LOCKOUT_CALLABLE = "editorial.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "editorial.logins.client_ip"
AXES_VERBOSE = False  # no banner on every management command (cron logs stay readable)
# How many proxies in front of the site append to X-Forwarded-For; 0 (the default) means
# the client is REMOTE_ADDR and any X-Forwarded-For is the client's own invention.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Told when an account locks, with the active superusers: comma-separated addresses.
ADMINS = [(address, address) for address in env_list("ADMINS")]

# The partners' read-only JSON API (editorial.api): anonymous, JSON only, no sessions and
# so no CSRF; each client address may make API_ANON_RATE requests the cache did not answer.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    # The client is the address TRUSTED_PROXY_COUNT proxies in, as for logins.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # ?page=N, 50 a page; no client-chosen size, so each list has few cache keys.
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON is the only format: no ?format= for a cache key to miss or a client to vary.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Imprimatur partner API",
    "DESCRIPTION": (
        "Read-only JSON of the published cancer drug pages, their drugs and the side-effect "
        "glossary: exactly what the public site shows, never a draft or a change in review."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Passkeys (editorial.passkeys): the WebAuthn relying party's id, a registrable domain
# every address of the admin is on (empty: the request's host without its port), and the
# name authenticators show (empty: the site identity's name). Passkeys made under one id
# work under that id only: set it before reviewers add theirs.
WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "imprimatur@localhost")
# The absolute base for links in notification mails (no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The HTTP caches in front of the app servers (Varnish, or a CDN through another backend),
# purged when a page is published or unpublished: editorial.public.frontend_cache. Empty: none.
FRONTEND_CACHE_URLS = env_list("FRONTEND_CACHE_URLS")
FRONTEND_CACHE_BACKEND = os.environ.get(
    "FRONTEND_CACHE_BACKEND", "editorial.public.frontend_cache.VarnishBackend"
)
# The Host the public site is served under, which the caches key pages by; empty: the
# first of ALLOWED_HOSTS.
FRONTEND_CACHE_HOST = os.environ.get("FRONTEND_CACHE_HOST", "")
FRONTEND_CACHE_TIMEOUT = float(os.environ.get("FRONTEND_CACHE_TIMEOUT", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "once_a_minute": {"()": "editorial.public.log_filters.OncePerInterval", "seconds": 60}
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"imprimatur.cache": {"filters": ["once_a_minute"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
