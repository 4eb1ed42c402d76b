"""Settings for the test suite: the local settings with a fast password hasher."""

from config.settings.local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Pages are rendered afresh in tests, so query counts measure the view; the cache's own
# tests switch a real cache on, and the multi-server test runs servers of its own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# A flush between transactional tests must empty the append-only tables: see
# config.test_db, which only these settings use.
DATABASES["default"]["ENGINE"] = {  # noqa: F405
    "django.db.backends.postgresql": "config.test_db.postgresql",
    "django.db.backends.sqlite3": "config.test_db.sqlite3",
}[DATABASES["default"]["ENGINE"]]  # noqa: F405

# No HTTP cache unless a test points at one, whatever the environment says.
FRONTEND_CACHE_URLS: list[str] = []
