"""Mail to the people whose turn it is: reviewers, authors and managing editors.

The workflow functions call these inside their transaction. Each builds its messages
there, from the state the action produced, and sends them only once that transaction
commits (`transaction.on_commit`), so an action that rolls back mails nobody. Sending
never undoes or fails an action: a message that cannot be sent is logged and the
others still go.

Mails are plain text only, rendered from `templates/editorial/email/`. What people
type (titles, summaries, names) goes into the body as text, and into a subject only
collapsed onto one line, so it can never add a mail header.

This module imports `editorial.workflow` only inside functions: the workflow imports
this module at its top.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Change, Review, Revision

logger = logging.getLogger(__name__)


def notify_submitted(*, revision: Revision) -> None:
    """Ask every reviewer who may review the change to review this revision.

    Told: each active user with a credential current today who did not author or edit
    the change (the workflow's `reviewer_refusal` rule) and who has an email address,
    one message each. Why: a change awaits their review.
    """
    from .workflow import display_name, reviewer_refusal

    change = revision.change
    candidates = (
        get_user_model()
        .objects.filter(is_active=True, reviewer_profile__isnull=False)
        .exclude(email="")
        .order_by("pk")
    )
    reviewers = [user for user in candidates if reviewer_refusal(user, change) is None]
    if not reviewers:
        return
    context = {
        "change": change,
        "revision": revision,
        "submitter": display_name(revision.created_by),
        "page_titles": [page.content.get("title", "") for page in revision.pages.all()],
        "url": change_url(change),
    }
    subject = f"Review requested: change {change.pk} — {change.title}"
    _send_after_commit(
        [
            _message(
                subject,
                "editorial/email/submitted.txt",
                {**context, "recipient": display_name(reviewer)},
                reviewer,
            )
            for reviewer in reviewers
        ]
    )


def notify_reviewed(*, review: Review) -> None:
    """Tell the change's author what a reviewer decided, and how far the policy has got.

    Told: the change's author, if they have an email address. Why: a reviewer approved
    the revision or requested changes to it; either may be theirs to act on.
    """
    from .workflow import display_name

    revision = review.revision
    change = revision.change
    author = change.author
    if not author.email:
        return
    reviewer = f"{display_name(review.reviewer)} ({review.credential})"
    context = {
        "change": change,
        "review": review,
        "decision": review.get_decision_display(),
        "reviewer": reviewer,
        "recipient": display_name(author),
        "progress": progress_summary(revision),
        "url": change_url(change),
    }
    subject = f"{review.get_decision_display()} by {reviewer}: change {change.pk} — {change.title}"
    _send_after_commit([_message(subject, "editorial/email/reviewed.txt", context, author)])


def notify_approved(*, revision: Revision) -> None:
    """Tell the managing editors that a change has every approval it needs.

    Told: each active user who may publish this change (`workflow.publisher_refusal`:
    a managing editor who did not approve it; never a superuser as such, nor anyone
    who may set credentials) and has an email address. Why: the change is ready to
    publish or schedule.
    """
    from .workflow import PUBLISH_PERMISSION, display_name, publisher_refusal

    change = revision.change
    editors = (
        get_user_model()
        .objects.with_perm(
            PUBLISH_PERMISSION,
            is_active=True,
            include_superusers=False,
            # Permissions are the ModelBackend's; axes' backend only refuses logins.
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .exclude(email="")
        .order_by("pk")
    )
    editors = [editor for editor in editors if publisher_refusal(editor, change) is None]
    context = {
        "change": change,
        "revision": revision,
        "progress": progress_summary(revision),
        "url": change_url(change),
    }
    subject = f"Ready to publish: change {change.pk} — {change.title}"
    _send_after_commit(
        [
            _message(
                subject,
                "editorial/email/approved.txt",
                {**context, "recipient": display_name(editor)},
                editor,
            )
            for editor in editors
        ]
    )


def change_url(change: Change) -> str:
    """The absolute address of the change's admin screen, where every recipient acts."""
    return settings.SITE_URL + reverse("admin:editorial_change_change", args=[change.pk])


def progress_summary(revision: Revision) -> str:
    """The policy's progress on one line, e.g.

    "Physician: approved by Paula Physician (MD); Oncology certified nurse: waiting".
    """
    from .workflow import display_name, policy_progress

    parts = []
    for requirement in policy_progress(revision):
        approvals = ", ".join(
            f"{display_name(review.reviewer)} ({review.credential})"
            for review in requirement.approvals
        )
        if not approvals:
            status = "waiting"
        elif requirement.met:
            status = f"approved by {approvals}"
        else:
            missing = requirement.required - len(requirement.approvals)
            status = f"approved by {approvals}, waiting for {missing} more"
        parts.append(f"{requirement.label}: {status}")
    return "; ".join(parts)


def one_line(text: str) -> str:
    """`text` with every run of whitespace, newlines included, collapsed to one space.

    A subject is a mail header: a newline in it would start another header.
    """
    return " ".join(text.split())


def _message(
    subject: str, template: str, context: dict, recipient: AbstractBaseUser
) -> EmailMessage:
    return EmailMessage(
        subject=one_line(subject),
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )


def _send_after_commit(messages: list[EmailMessage]) -> None:
    def send() -> None:
        for message in messages:
            # One bad address or a mail server hiccup must not keep the others' mail.
            try:
                message.send(fail_silently=False)
            except Exception:
                logger.exception("Could not send %r to %s", message.subject, message.to)

    if messages:
        transaction.on_commit(send)
