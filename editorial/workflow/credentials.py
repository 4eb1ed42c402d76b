"""Reviewers' credentials: who may set them, and setting them on the record.

Only a credential administrator sets a credential: never a managing editor, nor a
superuser as such, and nobody their own. Every change is audited and kept in the
credential's history. Depends on `transitions`.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from config.history import save_with_history

from ..languages import language_name
from ..models import (
    AuditEntry,
    ReviewerProfile,
    display_name,
    unknown_languages,
)
from .transitions import (
    InvalidTransition,
    _audit,
    _superuser_refusal,
    may_set_credentials,
)


def credential_refusal(*, editor: AbstractBaseUser, user: AbstractBaseUser) -> str | None:
    """Why `editor` may not set `user`'s credential, or None if they may.

    Only a credential administrator sets credentials: never a managing editor, who
    publishes, nor a superuser as such (invariant 8); and nobody sets their own.
    """
    if editor.is_active and editor.is_superuser:
        return _superuser_refusal("set credentials: a credential administrator does")
    if not may_set_credentials(editor):
        return "Only a credential administrator may set credentials."
    if user.pk == editor.pk:
        # Otherwise one person could grant themselves the approval they need.
        return "Nobody sets their own credential: ask another credential administrator."
    return None


@transaction.atomic
def credential_set(
    *,
    user: AbstractBaseUser,
    credential: str,
    valid_until: datetime.date | None,
    editor: AbstractBaseUser,
    printed_name: str | None = None,
    review_languages: list[str] | None = None,
) -> ReviewerProfile:
    """Set a reviewer's credential, audited; see `credential_refusal` for who may.

    `printed_name` is the name their signatures show, as the organisation verified
    their identity (21 CFR 11.100(b)); None keeps the one on record. `review_languages`
    are the codes (settings.LANGUAGES) of the languages they review in, which a policy
    asking for reviewers in its language counts; None keeps those on record.
    """
    refusal = credential_refusal(editor=editor, user=user)
    if refusal:
        raise PermissionDenied(refusal)
    if credential and credential not in ReviewerProfile.Credential.values:
        raise InvalidTransition(f"Unknown credential “{credential}”.")
    if review_languages is not None:
        refusal = unknown_languages(review_languages)
        if refusal:
            raise InvalidTransition(refusal)
    profile = ReviewerProfile.objects.filter(user=user).first() or ReviewerProfile(user=user)
    before, before_name = profile.credential or "none", profile.printed_name
    before_languages = list(profile.review_languages)
    profile.credential, profile.valid_until = credential, valid_until
    if printed_name is not None:
        profile.printed_name = " ".join(printed_name.split())
    if review_languages is not None:
        # In settings.LANGUAGES order, once each: the same set always reads the same.
        wanted = set(review_languages)
        profile.review_languages = [code for code, _ in settings.LANGUAGES if code in wanted]
    save_with_history(profile, user=editor, reason="Credential set")
    name, login = display_name(user), user.get_username()
    _audit(
        AuditEntry.Action.CREDENTIAL,
        editor,
        comment=(f"{name} ({login})" if name != login else name)
        + f": {before} → {credential or 'none'}"
        + (f", current until {valid_until:%Y-%m-%d}" if valid_until else "")
        + (
            f"; printed name “{profile.printed_name}”"
            if profile.printed_name != before_name
            else ""
        )
        + (
            "; reviews in "
            + (", ".join(language_name(code) for code in profile.review_languages) or "no language")
            if profile.review_languages != before_languages
            else ""
        ),
    )
    return profile
