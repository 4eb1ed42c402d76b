"""Helpers that take content through the workflow the way the admin does."""

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.test import RequestFactory

from config.history import delete_with_history, save_with_history
from editorial import passkeys, signing, workflow
from editorial.models import Change, Passkey, Revision


def edit(user, instance, change=None, reason="Edit", **fields):
    """Change fields of a record as an editor would: saved with history, into their change."""
    with transaction.atomic():
        if instance.pk:
            workflow.record_check_editable(user=user, key=workflow.record_key(instance))
        for name, value in fields.items():
            setattr(instance, name, value)
        save_with_history(instance, user=user, reason=reason)
        return workflow.record_edit(user=user, instance=instance, change=change)


def remove(user, instance, change=None):
    with transaction.atomic():
        change = workflow.record_edit(user=user, instance=instance, change=change)
        delete_with_history(instance, user=user, reason="Removed")
        return change


def submit(change: Change, user, summary="Updated the side effects.", note="") -> Revision:
    return workflow.change_submit(change=change, user=user, note=note, summary=summary)


def password_of(user) -> str:
    """The password the fixtures give every user (tests/conftest.py)."""
    return f"{user.get_username()}-password"


def signing_request(user) -> HttpRequest:
    """A request in a fresh session of `user`'s, as the review form's POST would be."""
    request = RequestFactory().post("/admin/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = user
    return request


def sign(user, password: str | None = None) -> signing.Signing:
    """`user` re-authenticates to sign, with user name and password; certified on first use."""
    proof = signing.signing_by_password(
        signing_request(user),
        user=user,
        username=user.get_username(),
        password=password_of(user) if password is None else password,
    )
    if not signing.is_certified(user):
        signing.signature_certify(signing=proof)
    return proof


def sign_with_passkey(user, authenticator, content_hash: str) -> signing.Signing:
    """`user` signs `content_hash` with `authenticator` (tests/authenticator.py), a passkey of
    theirs (added here on first use), as the review form's passkey button does; certified
    on first use."""
    if not Passkey.objects.filter(credential_id=authenticator.id).exists():
        Passkey.objects.create(
            user=user,
            credential_id=authenticator.id,
            public_key=authenticator.cose_public_key(),
            name="Work laptop",
            transports=["internal"],
        )
    request = signing_request(user)
    options = passkeys.signing_options(request, user, content_hash)
    proof = signing.signing_by_passkey(
        request,
        user=user,
        content_hash=content_hash,
        response=authenticator.get(options, "http://testserver"),
    )
    if not signing.is_certified(user):
        signing.signature_certify(signing=proof)
    return proof


def signed(user, **data) -> dict:
    """The review form's POST data with the signature's fields: user name and password."""
    return {**data, "username": user.get_username(), "password": password_of(user), "certify": "on"}


def approve(revision: Revision, *reviewers, full_review=False) -> None:
    # Everyone signs (and certifies, on first use) first, so the approvals follow each
    # other in the audit trail.
    proofs = [sign(reviewer) for reviewer in reviewers]
    for reviewer, proof in zip(reviewers, proofs, strict=True):
        workflow.revision_approve(
            revision=revision,
            reviewer=reviewer,
            content_hash=revision.content_hash,
            full_review=full_review,
            signing=proof,
        )


def request_changes(revision: Revision, reviewer, comment: str):
    return workflow.revision_request_changes(
        revision=revision,
        reviewer=reviewer,
        content_hash=revision.content_hash,
        comment=comment,
        signing=sign(reviewer),
    )


def publish_through_review(change, author, physician, nurse, managing_editor, summary="An update."):
    """Submit, approve by both reviewers and publish: the whole path, as the policy requires."""
    revision = submit(change, author, summary=summary)
    approve(revision, physician, nurse)
    return workflow.revision_publish(revision=revision, editor=managing_editor)
