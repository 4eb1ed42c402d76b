"""WSGI entry point for app servers such as gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

django_application = get_wsgi_application()

# Imported once Django is set up: cached public pages are sent before Django runs.
from editorial.public_cache import PublicPageCacheApplication  # noqa: E402

application = PublicPageCacheApplication(django_application)
