"""What the browser may do: public pages run no script; the admin runs only its own.

settings.CONTENT_SECURITY_POLICY is the public pages' policy (django-csp). The admin
needs its own JavaScript files, so `SitePolicyMiddleware` (django-csp's middleware, with
its documented `get_policy_parts` hook) replaces script-src there and nothing else. No
nonces: a cached public page is sent to every reader alike.

settings.PERMISSIONS_POLICY denies every powerful feature, passkeys (WebAuthn) among
them; the admin's own pages may use passkeys, with which reviewers sign
(`SitePermissionsPolicyMiddleware`, one django-permissions-policy middleware per policy).
"""

from collections.abc import Callable

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django_permissions_policy import PermissionsPolicyMiddleware

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


# The admin's pages, and no frame inside them, may create and use passkeys.
ADMIN_PERMISSIONS_REPLACE = {
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}


class SitePermissionsPolicyMiddleware:
    """django-permissions-policy's middleware: the site's policy, with passkeys in the admin.

    Two instances of it, one per policy, as its documentation suggests for a middleware
    that dispatches between them; the admin's is the site's with
    `ADMIN_PERMISSIONS_REPLACE` (read at start-up).
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.public = PermissionsPolicyMiddleware(get_response)
        self.admin = PermissionsPolicyMiddleware(
            get_response, policy={**settings.PERMISSIONS_POLICY, **ADMIN_PERMISSIONS_REPLACE}
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        admin = request.path_info.startswith(ADMIN_PREFIX)
        return (self.admin if admin else self.public)(request)
