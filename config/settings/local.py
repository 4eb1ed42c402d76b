"""Local development: DEBUG on, plain http on 127.0.0.1, mails to the console."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-local-development-key-not-for-production")
os.environ.setdefault("DEBUG", "true")

from config.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
