"""Electronic signatures: who may sign, re-authenticating to sign, and the first-use statement.

In the manner of 21 CFR Part 11. Every approval and every request for changes is a
signature, executed by re-entering the reviewer's password (11.200(a)): the first
signature of a session takes the user name as well, later ones the password only
(11.200(a)(1)(i)). A wrong password or user name signs nothing, is recorded in the audit
trail as a failed signing attempt (11.300(d)) and, being a failed `authenticate`, counts
toward the login throttle (`editorial.logins`). Nobody signs without a printed name on
their credential, set by a credential administrator (identity verified by the
organisation, 11.100(b)), nor before confirming once that their electronic signature
binds them as their handwritten one does (11.100(c)).

A reviewer with a passkey may sign with it instead (`signing_by_passkey`): the
authenticator verifies the person (PIN or biometrics) and signs a challenge that holds the
content hash, so neither user name nor password is asked. A refused one signs nothing
and is recorded as a failed attempt, as a wrong password is; the certification is still
asked once.

What a `Signing` proves is only that `user` re-authenticated just now; the workflow
(`revision_approve`, `revision_request_changes`) turns it into a `Signature` on the
review, in the review's own transaction. This module imports no workflow module.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from . import passkeys
from .models import (
    AuditEntry,
    Change,
    ReviewerProfile,
    Revision,
    Signature,
    SignatureCertification,
)

CERTIFICATION_STATEMENT = (
    "I confirm that my electronic signature in Imprimatur is the legally binding "
    "equivalent of my handwritten signature."
)
# Which login of which person has signed in this session (see `session_has_signed`).
SESSION_KEY = "imprimatur_signed"

NO_PRINTED_NAME = (
    "Your account has no printed name, so you cannot sign yet: a credential administrator "
    "enters it with your credential (Reviewer credentials in the admin)."
)
NOT_CERTIFIED = (
    "Before your first signature, confirm that your electronic signature is the legally "
    "binding equivalent of your handwritten signature: tick the box above the buttons."
)


class SigningRefused(PermissionDenied):
    """The signature was not made: a wrong password or user name, or the signer may not sign."""


@dataclass(frozen=True)
class Signing:
    """Proof that `user` re-authenticated at `at`, by `method`, to sign one review.

    A passkey's proof is of one content: `content_hash`, which its assertion's challenge
    holds; a password's is of none in particular (empty).
    """

    user: AbstractBaseUser
    method: str
    at: datetime.datetime
    passkey_credential_id: str = ""
    webauthn_assertion: Mapping = field(default_factory=dict)
    content_hash: str = ""


def _login_mark(user: AbstractBaseUser) -> list:
    # A new login (which updates last_login) starts a new period of access: its first
    # signature takes the user name again, even in a session Django kept.
    return [user.pk, user.last_login.isoformat() if user.last_login else ""]


def session_has_signed(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """Whether `user` has signed in this session since logging in (11.200(a)(1)(i)).

    If so, a signature takes the password only; otherwise the user name as well.
    """
    return request.session.get(SESSION_KEY) == _login_mark(user)


def session_remember_signing(request: HttpRequest, signing: Signing) -> None:
    """Note in the session that its user has signed: later signatures take the password only.

    Called once a signature is recorded, not merely authenticated.
    """
    request.session[SESSION_KEY] = _login_mark(signing.user)


def command_request(user: AbstractBaseUser) -> HttpRequest:
    """A request to sign from a command (the demo pass, the benchmark), not a browser.

    A fresh session from this machine: its first signature takes the user name, and the
    login throttle counts a failure against this address as it would any other.
    """
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = user
    return request


def _failed(user: AbstractBaseUser, what: str, change: Change | None, revision: Revision | None):
    with transaction.atomic():
        AuditEntry.objects.create(
            action=AuditEntry.Action.SIGNING_FAILED,
            actor=user,
            at=timezone.now(),
            change=change,
            revision=revision,
            comment=what,
        )


def signing_by_password(
    request: HttpRequest,
    *,
    user: AbstractBaseUser,
    username: str,
    password: str,
    change: Change | None = None,
    revision: Revision | None = None,
) -> Signing:
    """Re-authenticate `user` to sign, with their password (and user name, first in a session).

    The rules: the first signature of a session needs the user name, which must be the
    signer's own; the password goes through `django.contrib.auth.authenticate`, so a
    wrong one fires `user_login_failed` and counts toward django-axes' throttle, and a
    locked account cannot sign. A wrong user name or password raises `SigningRefused`
    and appends a `SIGNING_FAILED` audit entry naming the change and revision.

    Call it outside any transaction the refusal would roll back: the failed attempt
    must stay on record while nothing else is written.
    """
    username = username.strip()
    if not session_has_signed(request, user) and not username:
        raise SigningRefused(
            "This is your first signature since you logged in: enter your user name as "
            "well as your password."
        )
    if username and username != user.get_username():
        _failed(user, "The user name given was not the signer's.", change, revision)
        raise SigningRefused(
            "That user name is not yours: sign with your own user name and password. "
            "Nothing was signed; the attempt is recorded."
        )
    if not password:
        raise SigningRefused("Enter your password to sign.")
    authenticated = authenticate(request, username=user.get_username(), password=password)
    if authenticated is None or authenticated.pk != user.pk:
        locked = getattr(request, "axes_locked_out", False)
        what = "Refused: too many failed attempts." if locked else "Wrong password."
        _failed(user, what, change, revision)
        if locked:
            raise SigningRefused(
                "Too many failed attempts: signing, like logging in, is paused for your "
                "account. Nothing was signed."
            )
        raise SigningRefused(
            "The password is not right, so nothing was signed; the failed attempt is "
            "recorded. Try again."
        )
    return Signing(user=user, method=Signature.Method.PASSWORD, at=timezone.now())


def signing_by_passkey(
    request: HttpRequest,
    *,
    user: AbstractBaseUser,
    content_hash: str,
    response: str,
    change: Change | None = None,
    revision: Revision | None = None,
) -> Signing:
    """Re-authenticate `user` to sign `content_hash` with one of their passkeys.

    The rules: `response` is the browser's answer to the signing options this session
    asked for that content hash (`passkeys.signing_options`); `passkeys.verify_signing`
    checks it (challenge used once, origin, the signer's own passkey, the person verified,
    the counter). Neither user name nor password is asked: the passkey is something the
    signer holds, unlocked by their PIN or biometrics. A refusal raises `SigningRefused`
    and appends a `SIGNING_FAILED` audit entry naming the change and revision, and
    writes nothing else. The `Signing` carries the credential id and the assertion, which
    the signature keeps so anyone can check it again offline (`passkeys.assertion_verify`).

    Call it outside any transaction the refusal would roll back, as `signing_by_password`.
    """
    try:
        passkey, assertion = passkeys.verify_signing(request, user, content_hash, response)
    except PermissionDenied as refusal:  # PasskeyRefused, or not someone who holds passkeys
        why = str(refusal) or "The passkey signature was refused."
        _failed(user, f"Passkey refused: {why}", change, revision)
        raise SigningRefused(f"{why} Nothing was signed; the attempt is recorded.") from refusal
    return Signing(
        user=user,
        method=Signature.Method.PASSKEY,
        at=timezone.now(),
        passkey_credential_id=passkey.credential_id,
        webauthn_assertion=assertion,
        content_hash=content_hash,
    )


def is_certified(user: AbstractBaseUser) -> bool:
    """Whether `user` has confirmed, once, that their electronic signature binds them."""
    return SignatureCertification.objects.filter(user_id=user.pk).exists()


@transaction.atomic
def signature_certify(
    *, signing: Signing, statement: str = CERTIFICATION_STATEMENT
) -> SignatureCertification:
    """Record, once and audited, that the signer confirmed the certification statement.

    The rule (in support of 11.100(c)): before a person's first signature they confirm
    that their electronic signature is the legally binding equivalent of their
    handwritten one. Only the statement they were shown, and only re-authenticated
    (`signing`). Confirming again changes nothing.
    """
    if statement != CERTIFICATION_STATEMENT:
        raise SigningRefused("That is not the statement in force: read it again and confirm.")
    existing = SignatureCertification.objects.filter(user_id=signing.user.pk).first()
    if existing is not None:
        return existing
    now = timezone.now()
    certification = SignatureCertification.objects.create(
        user=signing.user, statement=statement, confirmed_at=now
    )
    AuditEntry.objects.create(
        action=AuditEntry.Action.SIGNATURE_CERTIFIED, actor=signing.user, at=now, comment=statement
    )
    return certification


def printed_name_refusal(user: AbstractBaseUser) -> str | None:
    """Why `user` cannot sign at all yet: no printed name on their credential; or None."""
    profile = ReviewerProfile.objects.filter(user_id=user.pk).first()
    if profile is None or not profile.printed_name.strip():
        return NO_PRINTED_NAME
    return None


def signer_refusal(user: AbstractBaseUser) -> str | None:
    """Why `user` cannot sign now (no printed name, not yet certified), or None.

    Whether they may review at all is `workflow.reviewer_refusal`'s question.
    """
    if refusal := printed_name_refusal(user):
        return refusal
    if not is_certified(user):
        return NOT_CERTIFIED
    return None


def signing_refusal(
    signing: Signing | None, signer: AbstractBaseUser, content_hash: str | None = None
) -> str | None:
    """Why `signing` cannot sign a review by `signer` of `content_hash`, or None.

    It must be theirs; a passkey's must have signed that very content (its challenge
    holds the hash), so one revision's passkey signature never signs another.
    """
    if signing is None:
        return "A review is a signature: sign it with your password."
    if signing.user.pk != signer.pk:
        return "A signature is its signer's own: nobody signs for another person."
    if signing.method not in Signature.Method.values:
        return f"Unknown way of signing “{signing.method}”."
    if (
        signing.method == Signature.Method.PASSKEY
        and content_hash is not None
        and signing.content_hash != content_hash
    ):
        return "This passkey signature is for other content: sign this revision again."
    return signer_refusal(signer)
