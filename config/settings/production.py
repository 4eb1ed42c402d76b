"""Production: the shared settings, and a refusal to start without a real secret key."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "Set SECRET_KEY in the environment (or use config.settings.local for development)."
    )
