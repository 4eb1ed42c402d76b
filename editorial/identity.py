"""The site's identity: the organisation's name, short name, logo and contact page.

Site settings, not medical content: a managing editor changes them in the admin, with
their history kept (django-simple-history) and an audit entry, and no review. Every
public page shows them in its header, so a change starts a new page-cache generation
and purges the HTTP cache in front, as a publish does (`identity_changed`, sent after
the commit).

Reading them costs no query on most requests: the values are kept per process under
the page cache's generation, which every change moves on, so a process reads the row
again only after a change (or when the cache cannot say which generation it is).
"""

import time
from pathlib import PurePosixPath
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest

from config.history import save_with_history

from . import signals
from .models import AuditEntry, SiteIdentity
from .public.cache import entry_seconds

LOGO_SUFFIXES = (".svg", ".png", ".webp")
CHANGE_PERMISSION = "editorial.change_siteidentity"
FIELDS = ("name", "short_name", "logo", "contact_url")


def validate_logo(path: str) -> None:
    """A logo is one of the site's own static image files, named by its static path.

    Not an upload and not another site's address: nothing an editor supplies is served
    as a file (an uploaded SVG can carry script), and the header never fetches from
    elsewhere (the CSP allows images from the site alone). So: a relative path without
    "..", ending .svg, .png or .webp, of a file the static files hold.
    """
    if not path:
        return
    parts = PurePosixPath(path)
    if path.startswith("/") or ".." in parts.parts or "\\" in path:
        raise ValidationError(
            "Give the logo's path among the static files, e.g. editorial/logo.svg."
        )
    if parts.suffix.lower() not in LOGO_SUFFIXES:
        raise ValidationError("The logo must be an SVG, PNG or WebP image.")
    if not finders.find(path):
        raise ValidationError(
            f"No static file is at “{path}”: add it to the site's static files first."
        )


_web_address = URLValidator(schemes=["https", "http"])


def validate_contact_url(url: str) -> None:
    """The contact page: a page of this site ("/contact/") or a web address (https://…)."""
    if not url:
        return
    if url.startswith("/") and not url.startswith("//"):
        return
    try:
        _web_address(url)
    except ValidationError:
        raise ValidationError(
            "Give a path on this site starting with / or a web address starting with https://."
        ) from None


def identity_changes(before: SiteIdentity | None, after: SiteIdentity) -> str:
    """What an identity save changed, for its audit entry: "name: “A” → “B”; …"; "" if nothing."""
    before = before or SiteIdentity()  # with no row yet, the public saw the defaults
    changes = []
    for name in FIELDS:
        old = getattr(before, name)
        new = getattr(after, name)
        if old != new:
            changes.append(f"{SiteIdentity._meta.get_field(name).verbose_name}: “{old}” → “{new}”")
    return "; ".join(changes)


@transaction.atomic
def identity_save(identity: SiteIdentity, *, editor: AbstractBaseUser, reason: str) -> SiteIdentity:
    """Save the site's identity: only by someone allowed to change it (managing editors).

    The one row is kept at pk 1. The save writes a history record with `reason`, an
    audit entry (action "identity") saying what changed, and, after the commit, sends
    `identity_changed`, which purges every cached page. A save that changes nothing
    writes neither entry nor purge.
    """
    if not editor.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied("Only a managing editor changes the site's identity.")
    identity.pk = SiteIdentity.ONLY
    identity.full_clean()
    before = SiteIdentity.objects.select_for_update().filter(pk=SiteIdentity.ONLY).first()
    comment = identity_changes(before, identity)
    if before is not None and not comment:
        return before
    comment = comment or "Saved the defaults"
    save_with_history(identity, user=editor, reason=reason)
    AuditEntry.objects.create(action=AuditEntry.Action.IDENTITY, actor=editor, comment=comment)
    signals.send_on_commit(signals.identity_changed, sender=SiteIdentity, identity=identity)
    return identity


# The identity this process read last: under which cache generation, and until when.
_kept: dict[str, Any] = {}


def forget() -> None:
    """Drop what this process keeps of the identity, so the next page reads it afresh."""
    _kept.clear()


def forget_on_change(sender: Any, **kwargs: Any) -> None:
    """Receiver of identity_changed, which arrives after the commit."""
    forget()


def current(generation: int | None = None) -> dict[str, str]:
    """The identity as templates use it: name, short name, logo URL, contact URL.

    Kept per process for at most `entry_seconds()` (the bound a cached page lives for)
    and only while the page cache's `generation` is the one it was read under: every
    change starts a new generation, so other processes read it afresh on their next
    page, and never later than a cached page would be stale. With no row yet, the
    defaults.
    """
    now = time.monotonic()
    if _kept and now < _kept["until"] and generation in (None, _kept["generation"]):
        return _kept["identity"]
    row = SiteIdentity.objects.filter(pk=SiteIdentity.ONLY).first() or SiteIdentity()
    identity = {
        "name": row.name,
        "short_name": row.short_name or row.name,
        "logo_url": _static_url(row.logo),
        "contact_url": row.contact_url,
    }
    _kept.update(generation=generation, until=now + entry_seconds(), identity=identity)
    return identity


def _static_url(path: str) -> str:
    if not path:
        return ""
    try:
        return staticfiles_storage.url(path)
    except ValueError:  # not in the manifest (collectstatic has not run since): no logo
        return ""


class _LazyIdentity:
    """The identity, read only when a template uses it (a cached page renders nothing)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self._identity: dict[str, str] | None = None

    def __getitem__(self, key: str) -> str:
        if self._identity is None:
            self._identity = current(getattr(self.request, "public_cache_generation", None))
        return self._identity[key]


def context(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `site_identity` for every template."""
    return {"site_identity": _LazyIdentity(request)}
