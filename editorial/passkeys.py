"""Passkeys (WebAuthn, through py_webauthn): a reviewer's second, stronger way to sign.

The rules:

- A passkey belongs to one person: a staff member with a reviewer profile
  (`may_have_passkeys`). Only they see it, add it or remove it, and adding and removing
  are audited (`AuditEntry.Action.PASSKEY_ADDED`, `PASSKEY_REMOVED`).
- Adding one changes a security setting, so it needs the account's password first
  (`password_confirm`), checked through `django.contrib.auth.authenticate`: django-axes
  counts a wrong one as a failed login, and refuses while the account is paused. The
  confirmation holds in this session for `PASSWORD_CONFIRMATION_SECONDS`.
- Every challenge is kept in the session, is used once (taken out before it is checked,
  so a failed attempt spends it too) and expires after `CHALLENGE_SECONDS`.
- A signing challenge binds what is signed: the 32 bytes of the revision's SHA-256
  content hash, then 16 random bytes. The authenticator signs its data with the hash of
  the client data, which holds the challenge, so the signature covers the content hash
  and proves, offline, which content was approved (`assertion_verify`).
- Verifying checks that challenge (issued to this session and person, for this content
  hash), the origin (the request's scheme and host), the RP ID (`WEBAUTHN_RP_ID`, or the
  request's host without its port), that the passkey is the signer's own, that the
  authenticator verified the person (PIN or biometrics), the signature, and the
  counter: one that did not move forward means a copied authenticator, refused. The
  passkey's row is locked meanwhile and keeps the last challenge it signed, so two
  requests carrying one signature cannot both pass, even where the counter stays 0.
- The assertion kept of a signature holds what an auditor needs to check it again
  without this database: credential id, authenticator data, client data JSON and
  signature, the RP ID, and the public key (COSE, base64url), so removing the passkey
  later never makes a signature unverifiable.
"""

import json
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_authenticator_data,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from . import identity
from .models import AuditEntry, Passkey, display_name

CHALLENGE_SECONDS = 300
PASSWORD_CONFIRMATION_SECONDS = 300
# Signing challenges one session keeps at once (one per revision being signed).
PENDING_SIGNINGS = 5
RANDOM_BYTES = 16

# Session keys.
_CONFIRMED = "imprimatur.passkeys.password_confirmed"
_REGISTRATION = "imprimatur.passkeys.registration"
_SIGNING = "imprimatur.passkeys.signing"


class PasskeyRefused(PermissionDenied):
    """A passkey ceremony or request that cannot be accepted; the message says why.

    A `PermissionDenied`, as `signing.SigningRefused` is: this module sits below the
    workflow (signing imports it, and the workflow imports signing), so it imports no
    workflow module.
    """


class PasswordRefused(PermissionDenied):
    """The password given to confirm a security setting is not the account's."""


REFUSALS = (PasskeyRefused, PermissionDenied)


# --- Who, and where --------------------------------------------------------------------------


def may_have_passkeys(user: AbstractBaseUser) -> bool:
    """Whether `user` may hold passkeys: an active staff member with a reviewer profile.

    Reviewers sign approvals, so they are the ones a passkey is for. The profile is read
    once per request (Django keeps it on the user object).
    """
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and getattr(user, "reviewer_profile", None) is not None
    )


def _require_holder(user: AbstractBaseUser) -> None:
    if not may_have_passkeys(user):
        raise PermissionDenied("Passkeys are for reviewers: ask for a reviewer profile first.")


def rp_id(request: HttpRequest) -> str:
    """The WebAuthn relying party id: `WEBAUTHN_RP_ID`, or the request's host without port."""
    configured = getattr(settings, "WEBAUTHN_RP_ID", "")
    return configured or split_domain_port(request.get_host())[0]


def rp_name() -> str:
    """The name an authenticator shows: `WEBAUTHN_RP_NAME`, the site's name, or Imprimatur."""
    return getattr(settings, "WEBAUTHN_RP_NAME", "") or identity.current()["name"] or "Imprimatur"


def expected_origin(request: HttpRequest) -> str:
    """The origin a ceremony must have run on: this request's scheme and host."""
    return f"{request.scheme}://{request.get_host()}"


def user_handle(user: AbstractBaseUser) -> bytes:
    """The opaque, stable id an authenticator files the person's passkeys under.

    Keyed with SECRET_KEY, so it tells nobody the account's id or name.
    """
    return salted_hmac("imprimatur.passkeys.user_handle", str(user.pk)).digest()


def _now() -> float:
    return time.time()  # wall clock: a session outlives the process that wrote it


def _fresh(pending: Any, user: AbstractBaseUser, seconds: int) -> bool:
    return (
        isinstance(pending, dict)
        and pending.get("user") == user.pk
        and isinstance(pending.get("at"), int | float)
        and 0 <= _now() - pending["at"] <= seconds
    )


def _descriptors(user: AbstractBaseUser) -> list[PublicKeyCredentialDescriptor]:
    descriptors = []
    for passkey in user.passkeys.all():
        transports = []
        for name in passkey.transports:
            try:
                transports.append(AuthenticatorTransport(name))
            except ValueError:  # one this library does not know yet: the browser may
                continue
        descriptors.append(
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(passkey.credential_id), transports=transports or None
            )
        )
    return descriptors


# --- Adding and removing -------------------------------------------------------------------


def password_confirm(request: HttpRequest, user: AbstractBaseUser, password: str) -> None:
    """Confirm `user`'s password before a passkey is added, or raise `PasswordRefused`.

    Checked by `authenticate`, so django-axes counts a wrong password as a failed login
    of the account from this address, and refuses (as for a login) once it pauses them.
    The confirmation is kept in this session for PASSWORD_CONFIRMATION_SECONDS.
    """
    _require_holder(user)
    checked = authenticate(request, username=user.get_username(), password=password)
    if checked is None or checked.pk != user.pk:
        request.session.pop(_CONFIRMED, None)
        raise PasswordRefused("That is not your password.")
    request.session[_CONFIRMED] = {"user": user.pk, "at": _now()}


def password_confirmed(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """Whether `user` confirmed their password in this session within the time allowed."""
    return _fresh(request.session.get(_CONFIRMED), user, PASSWORD_CONFIRMATION_SECONDS)


def registration_options(request: HttpRequest, user: AbstractBaseUser) -> dict:
    """Options for `navigator.credentials.create`, with the challenge kept in the session.

    Only after `password_confirm`. The person must be verified by the authenticator
    (PIN or biometrics); no attestation is asked for; the person's existing passkeys
    are excluded, so one authenticator is not added twice.
    """
    _require_holder(user)
    if not password_confirmed(request, user):
        raise PasskeyRefused("Confirm your password first: adding a passkey needs it.")
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=rp_name(),
        user_id=user_handle(user),
        user_name=user.get_username(),
        user_display_name=display_name(user),
        timeout=CHALLENGE_SECONDS * 1000,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    request.session[_REGISTRATION] = {
        "user": user.pk,
        "at": _now(),
        "challenge": bytes_to_base64url(options.challenge),
    }
    return options_to_json_dict(options)


def name_clean(user: AbstractBaseUser, name: str) -> str:
    """`name` with its spaces tidied, or `PasskeyRefused`: empty, too long, or one of theirs."""
    name = " ".join(name.split())
    field = Passkey._meta.get_field("name")
    if not name:
        raise PasskeyRefused("Give the passkey a name, such as “Work laptop”.")
    if len(name) > field.max_length:
        raise PasskeyRefused(f"A passkey's name has at most {field.max_length} characters.")
    if user.passkeys.filter(name=name).exists():
        raise PasskeyRefused(f"You already have a passkey called “{name}”: choose another name.")
    return name


def register(
    request: HttpRequest, user: AbstractBaseUser, name: str, response_json: str
) -> Passkey:
    """Add the passkey `navigator.credentials.create` answered with, named `name`; audited.

    Needs the password confirmed in this session (`password_confirm`) and the
    registration challenge `registration_options` kept there, which this takes out:
    each serves one attempt. Checks origin, RP ID, user presence and verification.
    """
    _require_holder(user)
    pending = request.session.pop(_REGISTRATION, None)
    if not password_confirmed(request, user):
        raise PasskeyRefused("Confirm your password first: adding a passkey needs it.")
    if not _fresh(pending, user, CHALLENGE_SECONDS):
        raise PasskeyRefused("This passkey request has expired or was used: start again.")
    name = name_clean(user, name)
    try:
        credential = parse_registration_credential_json(response_json)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(pending["challenge"]),
            expected_rp_id=rp_id(request),
            expected_origin=expected_origin(request),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyRefused(f"The authenticator's answer was not accepted: {error}") from error
    credential_id = bytes_to_base64url(verified.credential_id)
    passkey = Passkey(
        user=user,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=name,
        transports=[transport.value for transport in credential.response.transports or []],
    )
    try:
        passkey.full_clean()
    except ValidationError as error:
        if "credential_id" in error.message_dict:
            raise PasskeyRefused("This passkey is already registered.") from error
        raise PasskeyRefused(" ".join(error.messages)) from error
    try:
        with transaction.atomic():
            passkey.save()
            AuditEntry.objects.create(
                action=AuditEntry.Action.PASSKEY_ADDED,
                actor=user,
                comment=f"Passkey “{name}” added (credential {credential_id})",
            )
    except IntegrityError as error:  # the same passkey or name, added meanwhile
        raise PasskeyRefused("This passkey, or its name, was added meanwhile.") from error
    request.session.pop(_CONFIRMED, None)  # one confirmation, one passkey
    return passkey


@transaction.atomic
def passkey_remove(passkey: Passkey, *, user: AbstractBaseUser) -> None:
    """Remove `user`'s own `passkey`, audited. Nobody removes another person's.

    Signatures made with it keep their public key, so they stay verifiable.
    """
    if passkey.user_id != user.pk:
        raise PermissionDenied("You may remove only your own passkeys.")
    AuditEntry.objects.create(
        action=AuditEntry.Action.PASSKEY_REMOVED,
        actor=user,
        comment=f"Passkey “{passkey.name}” removed (credential {passkey.credential_id})",
    )
    passkey.delete()


# --- Signing -------------------------------------------------------------------------------


def _hash_bytes(content_hash: str) -> bytes:
    if (
        not isinstance(content_hash, str)
        or len(content_hash) != 64
        or content_hash.strip("0123456789abcdef")
    ):
        raise PasskeyRefused("That is not a content hash (64 lowercase hexadecimal digits).")
    return bytes.fromhex(content_hash)


def signing_challenge(content_hash: str) -> bytes:
    """A challenge that binds `content_hash`: its 32 bytes, then 16 random bytes."""
    return _hash_bytes(content_hash) + secrets.token_bytes(RANDOM_BYTES)


def signing_options(request: HttpRequest, user: AbstractBaseUser, content_hash: str) -> dict:
    """Options for `navigator.credentials.get` to sign `content_hash` with a passkey.

    The challenge is `signing_challenge(content_hash)`, kept in the session for that
    hash (a new request for the same hash replaces it); only `user`'s passkeys are
    allowed, and the authenticator must verify the person.
    """
    _require_holder(user)
    challenge = signing_challenge(content_hash)
    allowed = _descriptors(user)
    if not allowed:
        raise PasskeyRefused("You have no passkey yet: add one under “Your passkeys”.")
    options = generate_authentication_options(
        rp_id=rp_id(request),
        challenge=challenge,
        timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    pending = request.session.get(_SIGNING)
    pending = pending if isinstance(pending, dict) else {}
    pending.pop(content_hash, None)
    pending[content_hash] = {
        "user": user.pk,
        "at": _now(),
        "challenge": bytes_to_base64url(challenge),
    }
    # The oldest go first: a session signs a few revisions at a time, not hundreds.
    request.session[_SIGNING] = dict(list(pending.items())[-PENDING_SIGNINGS:])
    return options_to_json_dict(options)


def _take_signing_challenge(
    request: HttpRequest, user: AbstractBaseUser, content_hash: str
) -> bytes:
    pending = request.session.get(_SIGNING)
    pending = pending if isinstance(pending, dict) else {}
    entry = pending.pop(content_hash, None)
    request.session[_SIGNING] = pending  # spent, whatever comes of it
    if not _fresh(entry, user, CHALLENGE_SECONDS):
        raise PasskeyRefused(
            "This passkey signature was not asked for this revision, was used already, "
            "or has expired: sign again."
        )
    challenge = base64url_to_bytes(entry["challenge"])
    if challenge[:32] != _hash_bytes(content_hash):  # kept by us, but the binding is the point
        raise PasskeyRefused("This passkey signature is for other content.")
    return challenge


def verify_signing(
    request: HttpRequest, user: AbstractBaseUser, content_hash: str, response_json: str
) -> tuple[Passkey, dict]:
    """Check a passkey signature of `content_hash` by `user`; return the passkey and assertion.

    Refused (`PasskeyRefused`) unless: the challenge is the one `signing_options` kept
    in this session for this content hash (used once), the origin and RP ID are this
    site's, the passkey is `user`'s own, the authenticator verified the person, the
    signature holds, and the counter moved forward. The passkey's counter, last use and
    last challenge are updated under a row lock, so two requests carrying one signature
    cannot both pass.
    """
    _require_holder(user)
    challenge = _take_signing_challenge(request, user, content_hash)
    try:
        credential = parse_authentication_credential_json(response_json)
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyRefused("The passkey's answer could not be read.") from error
    with transaction.atomic():
        passkey = (
            Passkey.objects.select_for_update()
            .filter(user=user, credential_id=credential.id)
            .first()
        )
        if passkey is None:
            raise PasskeyRefused("That passkey is not one of yours: use one you added.")
        if passkey.last_challenge == bytes_to_base64url(challenge):
            # Many passkeys count nothing (their counter stays 0), so this, not the
            # counter, is what stops a second request carrying the same signature.
            raise PasskeyRefused("This passkey signature was used already: sign again.")
        public_key = bytes(passkey.public_key)
        try:
            counted = parse_authenticator_data(credential.response.authenticator_data).sign_count
        except (WebAuthnException, ValueError, TypeError) as error:
            raise PasskeyRefused("The passkey's answer could not be read.") from error
        if (counted or passkey.sign_count) and counted <= passkey.sign_count:
            raise PasskeyRefused(
                f"Passkey “{passkey.name}” counted {counted} uses where {passkey.sign_count} "
                "were seen before: the authenticator may have been copied. Remove the "
                "passkey and tell an administrator."
            )
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id(request),
                expected_origin=expected_origin(request),
                credential_public_key=public_key,
                credential_current_sign_count=passkey.sign_count,
                require_user_verification=True,
            )
        except (WebAuthnException, ValueError, TypeError) as error:
            raise PasskeyRefused(f"The passkey signature was not accepted: {error}") from error
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = timezone.now()
        passkey.last_challenge = bytes_to_base64url(challenge)
        passkey.save(update_fields=["sign_count", "last_used_at", "last_challenge"])
    response = credential.response
    assertion = {
        "credential_id": credential.id,
        "authenticator_data": bytes_to_base64url(response.authenticator_data),
        "client_data_json": bytes_to_base64url(response.client_data_json),
        "signature": bytes_to_base64url(response.signature),
        "user_handle": bytes_to_base64url(response.user_handle) if response.user_handle else "",
        "rp_id": rp_id(request),
        "public_key": bytes_to_base64url(public_key),
    }
    return passkey, assertion


def assertion_verify(assertion: dict, content_hash: str) -> None:
    """Check a kept assertion again, offline: raise `PasskeyRefused` unless it holds.

    It holds when its client data is a WebAuthn "get" whose challenge begins with
    `content_hash`'s 32 bytes, from an origin on its RP ID (that host or a subdomain),
    and its signature over the authenticator data and the client data verifies with
    the public key it carries. Needs nothing from the database.
    """
    expected = _hash_bytes(content_hash)
    try:
        client_data = parse_client_data_json(base64url_to_bytes(assertion["client_data_json"]))
        host = urlsplit(client_data.origin).hostname or ""
        relying_party = assertion["rp_id"]
        if (
            client_data.challenge[:32] != expected
            or len(client_data.challenge) != 32 + RANDOM_BYTES
        ):
            raise PasskeyRefused("The signature is not of this content hash.")
        if host != relying_party and not host.endswith("." + relying_party):
            raise PasskeyRefused(f"The signature was made on {client_data.origin}, not this site.")
        verify_authentication_response(
            credential=json.dumps(
                {
                    "id": assertion["credential_id"],
                    "rawId": assertion["credential_id"],
                    "type": "public-key",
                    "response": {
                        "authenticatorData": assertion["authenticator_data"],
                        "clientDataJSON": assertion["client_data_json"],
                        "signature": assertion["signature"],
                        "userHandle": assertion.get("user_handle") or None,
                    },
                }
            ),
            expected_challenge=client_data.challenge,
            expected_rp_id=relying_party,
            expected_origin=client_data.origin,
            credential_public_key=base64url_to_bytes(assertion["public_key"]),
            credential_current_sign_count=0,
            require_user_verification=True,
        )
    except PasskeyRefused:
        raise
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise PasskeyRefused(f"The signature does not verify: {error}") from error
