"""Logins refuse guessing: django-axes, with the two rules the site needs.

1. 5 failed logins for one account from one client address: that pair is refused for
   15 minutes (axes itself: AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME and the
   (username, ip_address) lockout parameter in settings).
2. 20 failed logins for one account from any addresses, since its last successful
   login: the account locks until an administrator unlocks it, and its owner and the
   administrators are mailed, so nobody can lock a reviewer out unnoticed.

Axes alone cannot hold rule 2: it has one failure limit and one cool-off for every
lockout parameter, and forgets attempts once the cool-off has passed. So
`AccountLockHandler` counts the failures axes keeps for good in its AccessFailureLog.
Unlocking clears both: `manage.py axes_reset_username NAME` (axes' command, which calls
`reset_attempts` here), or a superuser deleting the account's rows in the admin's
"Access failures".
"""

import logging
from datetime import datetime
from ipaddress import ip_address

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessFailureLog, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

ACCOUNT_FAILURE_LIMIT = 20
STATUS = 429  # Too Many Requests: the client may try again, later or elsewhere


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the outermost trusted proxy saw.

    With TRUSTED_PROXY_COUNT proxies in front of the site, each appends the address it
    received the request from to X-Forwarded-For, so the client is that many entries
    from the right; anything further left was written by the client and is not believed.
    Home-made rather than django-ipware's, whose proxy count does not include the proxy
    nearest to Django: with one proxy it found no address for a plain "client" header.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
    try:
        return str(ip_address(candidate))
    except ValueError:  # a proxy never writes this: treat the request as the proxy's own
        return remote


def account_failures(username: str) -> int:
    """Failed logins for `username` since its last successful one (refused ones aside)."""
    last_login = AccessLog.objects.filter(username=username).aggregate(at=Max("attempt_time"))
    failures = AccessFailureLog.objects.filter(username=username, locked_out=False)
    if last_login["at"] is not None:
        failures = failures.filter(attempt_time__gt=last_login["at"])
    return failures.count()


def account_locked(username: str | None) -> bool:
    """Whether rule 2 holds `username` locked until an administrator unlocks it."""
    return bool(username) and account_failures(username) >= ACCOUNT_FAILURE_LIMIT


class AccountLockHandler(AxesDatabaseHandler):
    """Axes' database handler, with the account-wide lock (rule 2) added."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return account_locked(get_client_username(request, credentials))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        refused = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or refused:
            return
        username = get_client_username(request, credentials)
        if not username:
            return
        failures = account_failures(username)
        if failures >= ACCOUNT_FAILURE_LIMIT:
            already_told = request.axes_locked_out
            request.axes_locked_out = True
            request.axes_credentials = credentials
            if not already_told:
                user_locked_out.send(
                    "axes", request=request, username=username, ip_address=request.axes_ip_address
                )
        if failures == ACCOUNT_FAILURE_LIMIT:  # the failure that locked it: tell people once
            notify_account_locked(username, request.axes_attempt_time)

    def reset_attempts(
        self,
        *,
        ip_address: str | None = None,
        username: str | None = None,
        ip_or_username: bool = False,
    ) -> int:
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        if username or not ip_address:  # unlocking an account, or everything
            failures = AccessFailureLog.objects.filter(locked_out=False)
            if username:
                failures = failures.filter(username=username)
            failures.delete()
        return count


def notify_account_locked(username: str, when: datetime) -> None:
    """Mail the account's owner and the administrators that `username` is locked.

    Told: the user of that name, settings.ADMINS and every active superuser, each who
    has an address. Why: only an administrator can unlock it, and the owner should know
    someone tried their password.
    """
    users = get_user_model().objects.exclude(email="")
    owner = users.filter(username=username).values_list("email", flat=True)
    superusers = users.filter(is_superuser=True, is_active=True).values_list("email", flat=True)
    recipients = sorted({*owner, *superusers, *(email for _, email in settings.ADMINS)})
    if not recipients:
        return
    context = {"username": username, "when": when, "limit": ACCOUNT_FAILURE_LIMIT}
    message = EmailMessage(
        subject=f"Imprimatur account locked: {' '.join(username.split())}",
        body=render_to_string("editorial/email/account_locked.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    try:
        message.send(fail_silently=False)
    except Exception:  # the lock holds whether or not the mail goes
        logger.exception("Could not send the lock notice for %s to %s", username, recipients)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page a refused login gets, in the admin's look: why, and what to do now.

    Someone already signed in was re-entering their password to sign (`editorial.signing`),
    whose failures count as logins' do: the page says signing is what was refused.
    """
    username = get_client_username(request, credentials)
    locked = account_locked(username)
    cool_off = get_cool_off(request)
    signing = bool(getattr(request, "user", None) and request.user.is_authenticated)
    context = {
        **admin.site.each_context(request),
        "title": "Signing refused" if signing else "Login refused",
        "signing": signing,
        "account_locked": locked,
        "minutes": int(cool_off.total_seconds() // 60),
    }
    response = render(request, "admin/login_refused.html", context, status=STATUS)
    if not locked:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
