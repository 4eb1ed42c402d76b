"""Settings for bench/editorial: the local settings, with DEBUG off and nothing printed.

DEBUG off so templates and query logging behave as in production; mail kept in memory so
the workflow's notifications cost what they cost without flooding the terminal.
"""

from config.settings.local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
FRONTEND_CACHE_URLS: list[str] = []
