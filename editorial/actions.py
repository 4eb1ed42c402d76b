"""The workflow's actions in the admin, as one table and one view.

Each row says which form the person fills in, which workflow function it calls, what
to say when it worked and where to go next. `run` is the one view: it builds the form
from the request, validates it, calls the function and turns a refusal
(`InvalidTransition`, `PermissionDenied`) into a message; it holds no rule itself.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from drugs.models import Page

from . import signing, workflow
from .forms import (
    CommentForm,
    ConfirmForm,
    PublishForm,
    ReasonForm,
    RenameForm,
    ReviewForm,
    ScheduleForm,
    SignOffForm,
    SubmitForm,
    form_errors_text,
)
from .models import Change, Comment, CurrentPublication, Publication, Review, Revision
from .registry import MODELS_BY_LABEL
from .snapshots import RecordKey

REFUSALS = (workflow.InvalidTransition, PermissionDenied)


def refusal_message(refusal: Exception) -> str:
    return str(refusal) or "You may not do that."


def _change(pk: int) -> Change:
    return get_object_or_404(Change, pk=pk)


def record_key(model: str, pk: int) -> RecordKey:
    """The record a take-over URL names; 404 for a model that is not content."""
    if model not in MODELS_BY_LABEL:
        raise Http404
    return (model, pk)


def change_revision(change: Change, revision_id: Any) -> Revision:
    """One of the change's own revisions; 404 for any other (or no) id."""
    try:
        return change.revisions.get(pk=int(revision_id))
    except (Revision.DoesNotExist, TypeError, ValueError):
        raise Http404("No such revision of this change.") from None


def _review(request: HttpRequest, change: Change, data: dict) -> Review:
    """Re-authenticate (by passkey or password), certify on first use if confirmed, then sign.

    The signing comes first and outside the review's transaction, so a failed attempt
    stays on record while nothing else is written.
    """
    user = request.user
    revision = change_revision(change, data["revision"])
    if data["passkey_response"]:
        # A passkey's answer serves once: what would refuse the signature anyway is said
        # before it is spent.
        if refusal := (
            signing.printed_name_refusal(user) if data["certify"] else signing.signer_refusal(user)
        ):
            raise signing.SigningRefused(refusal)
        proof = signing.signing_by_passkey(
            request,
            user=user,
            content_hash=data["content_hash"],
            response=data["passkey_response"],
            change=change,
            revision=revision,
        )
    else:
        proof = signing.signing_by_password(
            request,
            user=user,
            username=data["username"],
            password=data["password"],
            change=change,
            revision=revision,
        )
    if data["certify"]:
        signing.signature_certify(signing=proof)
    if data["decision"] == "approve":
        review = workflow.revision_approve(
            revision=revision,
            reviewer=user,
            content_hash=data["content_hash"],
            comment=data["comment"],
            full_review=data["full_review"],
            signing=proof,
        )
    else:
        review = workflow.revision_request_changes(
            revision=revision,
            reviewer=user,
            content_hash=data["content_hash"],
            comment=data["comment"],
            signing=proof,
        )
    signing.session_remember_signing(request, proof)
    return review


def _change_url(change: Change) -> str:
    return change.get_absolute_url()


def _page_url(page: Page) -> str:
    return reverse("admin:drugs_page_change", args=[page.pk])


def _confirm(data, target) -> forms.Form:
    return ConfirmForm(data)


def _reason(data, target) -> forms.Form:
    return ReasonForm(data)


@dataclass(frozen=True)
class Confirmation:
    """An action that cannot be taken back in one click asks first, saying what will happen.

    As Django's delete confirmation: the first POST shows a page with the consequence and
    the form as filled in; only its "Yes" button (which sends `confirmed=yes`) acts.
    """

    question: Callable[[Any], str]  # target -> the page's title
    consequence: Callable[[Any], str]  # target -> what will happen, in a sentence or two
    button: str  # the "Yes" button's text
    # (user, target) -> whether to ask now. Someone the workflow will refuse is not
    # asked: the refusal comes at once, as for any other action.
    needed: Callable[[Any, Any], bool] = lambda user, target: True


CONFIRMED = "confirmed"


def _approvals_text(change: Change) -> str:
    revision = change.current_revision()
    approvals = (
        [
            f"{workflow.display_name(review.reviewer)} ({review.credential})"
            for review in revision.reviews.filter(decision=Review.Decision.APPROVE).select_related(
                "reviewer"
            )
        ]
        if revision
        else []
    )
    if not approvals:
        return "Reviewers start again on the new revision."
    return (
        f"The approvals of revision {revision.number} (by {', '.join(approvals)}) no longer "
        "count: reviewers must approve the new revision."
    )


@dataclass(frozen=True)
class WorkflowAction:
    """One admin action: what is sent, what it calls, what is said and where it leads.

    Most act on a change, from its screen, and return there; those say only what
    they call and what they say.
    """

    call: Callable[[Any, Any, dict], Any]  # (user, target, cleaned data) -> the workflow's result
    success: Callable[[Any, dict], str]  # (result, cleaned data) -> the message
    target: Callable[..., Any] = _change  # the URL's arguments -> what is acted on (404 if none)
    form: Callable[[Any, Any], forms.Form] = _confirm  # (POST data, target) -> the bound form
    back: Callable[[Any], str] = _change_url  # target -> where to return; refusals land here
    onward: Callable[[Any], str] | None = None  # result -> where success leads (else back)
    incomplete: Callable[[forms.Form], str] = form_errors_text  # what an invalid form says
    confirm: Confirmation | None = None  # asked before acting, when its `needed` says so
    # An action that signs re-authenticates, which needs the request: `call` gets it in
    # place of the user, and a refused signing shows the form again as it was filled in.
    signs: bool = False


ACTIONS: dict[str, WorkflowAction] = {
    "submit": WorkflowAction(
        form=lambda data, change: SubmitForm(data),
        call=lambda user, change, data: workflow.change_submit(
            change=change, user=user, note=data["note"], summary=data["summary"]
        ),
        success=lambda result, data: "Submitted for review.",
        confirm=Confirmation(
            question=lambda change: f"Submit change {change.pk} again and restart its review?",
            consequence=lambda change: (
                f"Change {change.pk} is {change.get_state_display().lower()}. Submitting it "
                "again builds a new revision from its records and what is published now. "
                f"{_approvals_text(change)}"
            ),
            button="Yes, submit again and restart the review",
            needed=lambda user, change: (
                workflow.submit_restarts_review(change)
                and workflow.may_act(user, change, workflow.Action.SUBMIT)
            ),
        ),
    ),
    "rename": WorkflowAction(
        form=lambda data, change: RenameForm(data),
        call=lambda user, change, data: workflow.change_rename(
            change=change, user=user, title=data["title"]
        ),
        success=lambda change, data: f"Renamed: “{change.title}”.",
    ),
    "review": WorkflowAction(
        form=lambda data, change: ReviewForm(data),
        call=_review,
        signs=True,
        success=lambda review, data: (
            "Approved."
            if data["decision"] == "approve"
            else "Changes requested; the author has it back."
        ),
        incomplete=lambda form: f"The review form was incomplete. {form_errors_text(form)}",
    ),
    "publish": WorkflowAction(
        form=lambda data, change: PublishForm(data),
        call=lambda user, change, data: workflow.revision_publish(
            revision=change_revision(change, data["revision"]), editor=user
        ),
        success=lambda result, data: "Published: the public site shows it now.",
    ),
    "schedule": WorkflowAction(
        form=lambda data, change: ScheduleForm(data),
        call=lambda user, change, data: workflow.revision_schedule(
            revision=change_revision(change, data["revision"]), editor=user, at=data["at"]
        ),
        success=lambda result, data: (
            f"Scheduled for {timezone.localtime(data['at']):%B %-d, %Y %H:%M}."
        ),
        incomplete=lambda form: "Choose a date and time to publish at.",
    ),
    "unschedule": WorkflowAction(
        call=lambda user, change, data: workflow.change_unschedule(change=change, editor=user),
        success=lambda result, data: "No longer scheduled.",
    ),
    "withdraw": WorkflowAction(
        form=_reason,
        call=lambda user, change, data: workflow.change_withdraw(
            change=change, user=user, comment=data["comment"]
        ),
        success=lambda result, data: "Withdrawn: its records are back to what is published.",
        confirm=Confirmation(
            question=lambda change: f"Withdraw change {change.pk}?",
            consequence=lambda change: (
                f"Every record in change {change.pk} (“{change.title}”) goes back to what is "
                "published, and the change closes for good: its edits stay only in the "
                "records' history, and its review ends. The public site is not affected."
            ),
            button="Yes, withdraw the change",
            needed=lambda user, change: workflow.may_act(user, change, workflow.Action.WITHDRAW),
        ),
    ),
    "claim": WorkflowAction(
        call=lambda user, change, data: workflow.change_claim_review(change=change, reviewer=user),
        success=lambda result, data: "Others now see that you are reviewing this change.",
    ),
    "comment": WorkflowAction(
        form=lambda data, change: CommentForm(data, change=change),
        call=lambda user, change, data: workflow.comment_add(
            change=change, author=user, body=data["body"], parent=data["parent"]
        ),
        success=lambda result, data: "Comment added.",
    ),
    "resolve": WorkflowAction(
        target=lambda comment_id: get_object_or_404(Comment, pk=comment_id),
        call=lambda user, comment, data: workflow.comment_resolve(comment=comment, user=user),
        success=lambda result, data: "Comment resolved.",
        back=lambda comment: _change_url(comment.change),
    ),
    "take_over": WorkflowAction(
        target=record_key,
        form=_reason,
        call=lambda user, key, data: workflow.record_take_over(
            key=key, editor=user, comment=data["comment"]
        ),
        success=lambda change, data: f"The record is now in your change {change.pk}.",
        back=lambda key: reverse("admin:index"),
        onward=_change_url,
    ),
    "sign_off": WorkflowAction(
        target=lambda page_id: get_object_or_404(Page, pk=page_id),
        form=lambda data, page: SignOffForm(data),
        call=lambda user, page, data: workflow.page_sign_off_start(
            page=page, user=user, note=data["note"], language=data["language"] or None
        ),
        success=lambda revision, data: "Periodic medical review requested.",
        back=_page_url,
        onward=lambda revision: _change_url(revision.change),
    ),
    "unpublish": WorkflowAction(
        target=lambda page_id: get_object_or_404(Page, pk=page_id),
        form=_reason,
        call=lambda user, page, data: workflow.page_unpublish(
            page=page, editor=user, comment=data["comment"]
        ),
        success=lambda current, data: f"“{current.page}” is no longer on the public site.",
        back=_page_url,
        confirm=Confirmation(
            question=lambda page: f"Unpublish “{page}”?",
            consequence=lambda page: (
                f"Readers will no longer find “{page}”: its address tells readers the page is "
                "no longer available, within a minute. Its publications stay in the history, and it returns when a "
                "change to it is published."
            ),
            button="Yes, take the page off the public site",
            needed=lambda user, page: (
                workflow.is_managing_editor(user)
                and CurrentPublication.objects.live().filter(page=page).exists()
            ),
        ),
    ),
    "revert": WorkflowAction(
        target=lambda publication_id: get_object_or_404(Publication, pk=publication_id),
        call=lambda user, publication, data: workflow.publication_revert(
            publication=publication, editor=user
        ),
        success=lambda change, data: (
            f"The page's records are back to that publication in change {change.pk}, a draft "
            "that goes through review."
        ),
        back=lambda publication: reverse(
            "admin:editorial_publication_change", args=[publication.pk]
        ),
        onward=_change_url,
        confirm=Confirmation(
            question=lambda publication: f"Revert “{publication.page}” to this publication?",
            consequence=lambda publication: (
                f"The page's records go back to what it showed in “{publication}”, in a draft "
                "change of yours: any newer edits to them are undone there. The public site "
                "is unchanged until that change is reviewed and published."
            ),
            button="Yes, revert into a new draft",
            needed=lambda user, publication: user.has_perm("drugs.change_page"),
        ),
    ),
}


def run(
    model_admin: ModelAdmin,
    request: HttpRequest,
    name: str,
    *,
    show_invalid: Callable[[forms.Form], HttpResponse] | None = None,
    show_refused: Callable[[forms.Form], HttpResponse] | None = None,
    **arguments: Any,
) -> HttpResponse:
    """Take the action `name` on what the URL names, with what the person sent.

    An invalid form takes no action and says why (or, with `show_invalid`, is shown
    again with what was typed); a refusal from the workflow is a message, never an
    error page, and a refused signing (with `show_refused`) shows the form again.
    Either way nothing was saved but, for a signing, the failed attempt.
    """
    action = ACTIONS[name]
    target = action.target(**arguments)
    form = action.form(request.POST, target)
    if not form.is_valid():
        if show_invalid is not None:
            return show_invalid(form)
        model_admin.message_user(request, action.incomplete(form), messages.ERROR)
        return HttpResponseRedirect(action.back(target))
    if (
        action.confirm is not None
        and action.confirm.needed(request.user, target)
        and request.POST.get(CONFIRMED) != "yes"
    ):
        return confirmation_page(model_admin, request, action, target, form)
    try:
        result = action.call(request if action.signs else request.user, target, form.cleaned_data)
    except REFUSALS as refusal:
        model_admin.message_user(request, refusal_message(refusal), messages.ERROR)
        if show_refused is not None and isinstance(refusal, signing.SigningRefused):
            return show_refused(form)
        return HttpResponseRedirect(action.back(target))
    model_admin.message_user(request, action.success(result, form.cleaned_data), messages.SUCCESS)
    return HttpResponseRedirect(action.onward(result) if action.onward else action.back(target))


def confirmation_page(
    model_admin: ModelAdmin,
    request: HttpRequest,
    action: WorkflowAction,
    target: Any,
    form: forms.Form,
) -> TemplateResponse:
    """Ask before acting: what will happen, the form as filled in, "Yes" and "No, take me back".

    The "Yes" button posts the same form to the same address with `confirmed=yes`.
    """
    return TemplateResponse(
        request,
        "admin/editorial/change/confirm.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": action.confirm.question(target),
            "consequence": action.confirm.consequence(target),
            "button": action.confirm.button,
            "form": form,
            "action_url": request.get_full_path(),
            "back_url": action.back(target),
            "confirmed": CONFIRMED,
        },
    )
