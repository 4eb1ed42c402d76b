"""The Content-Security-Policy: public pages run no script; the admin runs only its own.

settings.CONTENT_SECURITY_POLICY is the public pages' policy (django-csp). The admin
needs its own JavaScript files, so `SitePolicyMiddleware` (django-csp's middleware, with
its documented `get_policy_parts` hook) replaces script-src there and nothing else. No
nonces: a cached public page is sent to every reader alike.
"""

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest
from django.http.response import HttpResponseBase

ADMIN_PREFIX = "/admin/"
# The admin's scripts are its static files, loaded from the site itself.
ADMIN_POLICY_REPLACE = {"script-src": [SELF]}


def policy_replacement(path: str) -> dict | None:
    """What a request to `path` changes in the site's policy: scripts in the admin only."""
    return ADMIN_POLICY_REPLACE if path.startswith(ADMIN_PREFIX) else None


class SitePolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's script-src from `policy_replacement`."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if parts.replace is None:  # a view's own csp_replace wins
            parts.replace = policy_replacement(request.path_info)
        return parts
