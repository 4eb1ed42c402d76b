"""Forms for what people type into the workflow's actions and the public search.

Every parameter a view reads comes through one of these, so what no form accepts (a
NUL character, a reply to "abc", a version that is not "pub:ID" or "rev:ID") is
refused with Django's own message before anything is read or saved.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Change, Comment, Revision, Signature
from .signing import CERTIFICATION_STATEMENT

VERSION_KEY = r"\A(pub|rev):[0-9]+\Z"


def form_errors_text(form: forms.Form) -> str:
    """The form's errors in one sentence, each after its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


class SearchForm(forms.Form):
    """The public search: any text but a NUL; a long query is cut, not refused."""

    label_suffix = ""

    q = forms.CharField(
        label=_("Search pages, drugs and side effects"), required=False, widget=forms.SearchInput
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "search-%s")
        super().__init__(*args, **kwargs)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:200]


class PageListForm(forms.Form):
    """The list of pages a wide change alters: a title to look for, a filter, a list page.

    Anything else (a NUL, a list page that is not a number) is a form error; the view
    then shows the whole list from its start.
    """

    q = forms.CharField(label="Find a page by title", required=False, max_length=200)
    differing = forms.BooleanField(label="Only pages that read differently", required=False)
    p = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "page-list-%s")
        super().__init__(*args, **kwargs)


class CompareForm(forms.Form):
    """Two versions of a page, each named as the timeline lists them: "pub:ID" or "rev:ID".

    Given the page's `versions` (newest first), it offers them as lists, the one before
    the newest against the newest; any key of the right form is accepted, and the view
    answers 404 for one the page does not have.
    """

    label_suffix = ""

    a = forms.CharField(
        label="From", validators=[RegexValidator(VERSION_KEY, "Choose a version from the list.")]
    )
    b = forms.CharField(
        label="to", validators=[RegexValidator(VERSION_KEY, "Choose a version from the list.")]
    )

    def __init__(self, *args, versions: Sequence[Any] = (), **kwargs) -> None:
        kwargs.setdefault("auto_id", "compare-%s")
        if versions:
            kwargs.setdefault(
                "initial", {"a": versions[min(1, len(versions) - 1)].key, "b": versions[0].key}
            )
        super().__init__(*args, **kwargs)
        if versions:
            choices = [(version.key, version.label) for version in versions]
            for name in ("a", "b"):
                self.fields[name].widget = forms.Select(choices=choices)


class PublicDayForm(forms.Form):
    """A day to show the page as the public saw it at its end."""

    label_suffix = ""

    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "public-%s")
        super().__init__(*args, **kwargs)


class AuditBundleForm(forms.Form):
    """Which file of a page's audit bundle to download: the JSON (the default) or the HTML."""

    format = forms.ChoiceField(
        label="Format",
        choices=[("json", "JSON, to verify"), ("html", "HTML, to read and print")],
        required=False,
    )

    def clean_format(self) -> str:
        return self.cleaned_data["format"] or "json"


class CommentForm(forms.Form):
    """A remark on a change, or a reply to one of that change's remarks."""

    body = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 2, "cols": 70}), required=False
    )
    parent = forms.ModelChoiceField(
        label="Reply to", queryset=Comment.objects.none(), required=False
    )

    def __init__(self, *args, change: Change, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = change.comments.all()


class ReplyForm(CommentForm):
    """A reply under one remark: the remark it answers travels with the form."""

    def __init__(self, *args, change: Change, comment: Comment | None = None, **kwargs) -> None:
        if comment is not None:
            kwargs.setdefault("initial", {"parent": comment.pk})
            kwargs.setdefault("auto_id", f"reply-{comment.pk}-%s")
        super().__init__(*args, change=change, **kwargs)
        self.fields["body"].label = "Reply"
        self.fields["body"].widget = forms.TextInput(attrs={"size": 50, "placeholder": "Reply"})
        self.fields["parent"].widget = forms.HiddenInput()


class ConfirmForm(forms.Form):
    """An action that asks nothing more than the button (claim, unschedule, resolve)."""


class SubmitForm(forms.Form):
    """What the author says when submitting: the public summary and a note to reviewers."""

    summary = forms.CharField(
        label="Public summary",
        max_length=300,
        required=False,
        help_text="One sentence for readers, shown in the page's list of changes.",
        widget=forms.TextInput(attrs={"size": 80}),
    )
    note = forms.CharField(
        label="Note to reviewers",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        required=False,
    )


class DecisionButtons(forms.RadioSelect):
    """The review decision as one submit button per choice: the button pressed is the answer."""

    classes = {"approve": "button default approve", "request_changes": "button request-changes"}

    def render(self, name, value, attrs=None, renderer=None):
        return format_html_join(
            " ",
            '<button type="submit" name="{}" value="{}" class="{}">{}</button>',
            (
                (name, choice, self.classes.get(choice, "button"), text)
                for choice, text in self.choices
            ),
        )


class ReviewForm(forms.Form):
    """A reviewer's signed decision on exactly the revision shown, named by its content hash.

    Signing takes the password, the user name too on the first signature of a session
    (`ask_username`), and once, before a person's first signature, their confirmation of
    the certification statement (`ask_certification`). Whether each was needed is the
    signing rules' to decide (`editorial.signing`); the flags say what to show, and make
    those fields required when shown. Nothing here stops pasting or a password manager.

    A reviewer with a passkey may sign with it instead: the browser puts the
    authenticator's answer in `passkey_response` (editorial/static/editorial/passkeys.js),
    and then neither password nor user name is asked.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput)
    content_hash = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("request_changes", "Request changes")],
        widget=DecisionButtons,
    )
    comment = forms.CharField(
        label="Comment for the author",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 70}),
        required=False,
    )
    full_review = forms.BooleanField(
        required=False,
        label="I reviewed the whole page: count this as its medical review",
    )
    username = forms.CharField(
        label="Your user name",
        required=False,
        max_length=150,
        help_text="Your first signature since you logged in takes your user name too.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Your password, to sign",
        strip=False,
        required=False,  # a passkey signs without it: `clean` asks for one of the two
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    certify = forms.BooleanField(required=False, label=CERTIFICATION_STATEMENT)
    passkey_response = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20_000)

    # What each button signs, said before signing (21 CFR 11.50).
    meanings = {
        "approve": Signature.Meaning.APPROVED.label,
        "full_review": Signature.Meaning.FULL_REVIEW.label,
        "request_changes": Signature.Meaning.CHANGES_REQUESTED.label,
    }

    def __init__(
        self,
        *args,
        revision: Revision | None = None,
        ask_username: bool = False,
        ask_certification: bool = False,
        **kwargs,
    ) -> None:
        if revision is not None:
            kwargs.setdefault(
                "initial", {"revision": revision.pk, "content_hash": revision.content_hash}
            )
        super().__init__(*args, **kwargs)
        self.ask_username, self.ask_certification = ask_username, ask_certification
        self.fields["username"].required = ask_username
        self.fields["certify"].required = ask_certification
        if revision is not None:
            self.fields["decision"].choices = [
                ("approve", f"Approve revision {revision.number}"),
                ("request_changes", "Request changes"),
            ]

    @property
    def by_passkey(self) -> bool:
        """Whether this decision is signed with a passkey rather than the password."""
        return bool(self.cleaned_data.get("passkey_response"))

    def clean(self) -> dict:
        data = super().clean()
        if self.by_passkey:
            # The passkey is the signature: what the password path asks is not needed.
            for name in ("username", "password"):
                self.errors.pop(name, None)
                data[name] = ""
        elif not data.get("password"):
            self.add_error("password", "Enter your password to sign.")
        return data


class PublishForm(forms.Form):
    """Which revision to publish now. Checked against the change by the view (404 if not its)."""

    revision = forms.CharField(widget=forms.HiddenInput, required=False)


class ScheduleForm(forms.Form):
    """Which revision to publish, and when."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    at = forms.DateTimeField(
        label="or publish at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ReasonForm(forms.Form):
    """Why someone withdraws a change, unpublishes a page or takes a record over."""

    comment = forms.CharField(
        label="Why", required=False, widget=forms.TextInput(attrs={"size": 60})
    )


class RenameForm(forms.Form):
    """A change's title, as its author wants editors to know it."""

    title = forms.CharField(
        label="Title",
        max_length=Change._meta.get_field("title").max_length,
        help_text="What this change is, for editors, e.g. “Headache for everolimus”.",
        widget=forms.TextInput(attrs={"size": 50}),
    )


class SignOffForm(forms.Form):
    """The note that goes with a request for a periodic medical review, and the
    language of the page to review (empty: the default language)."""

    note = forms.CharField(label="Note to reviewers", required=False)
    language = forms.ChoiceField(choices=[("", "Default"), *settings.LANGUAGES[1:]], required=False)


CONTENT_HASH = r"\A[0-9a-f]{64}\Z"
PASSKEY_NAME_LENGTH = 100


class PasskeyAddForm(forms.Form):
    """Adding a passkey, first step: its name, and the password that allows the change."""

    name = forms.CharField(
        label="Name",
        max_length=PASSKEY_NAME_LENGTH,
        help_text="How you will recognise it, e.g. “Work laptop” or “Security key”.",
        widget=forms.TextInput(attrs={"size": 40, "autocomplete": "off"}),
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        help_text="Adding a passkey changes how you sign, so it needs your password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "passkey-%s")
        super().__init__(*args, **kwargs)


class PasskeyRegisterForm(forms.Form):
    """Adding a passkey, second step: the name again and what the authenticator answered."""

    name = forms.CharField(max_length=PASSKEY_NAME_LENGTH, widget=forms.HiddenInput)
    passkey_response = forms.CharField(widget=forms.HiddenInput, max_length=20_000)


class SigningOptionsForm(forms.Form):
    """What a reviewer asks a passkey signing challenge for: the content hash they sign."""

    content_hash = forms.CharField(
        validators=[RegexValidator(CONTENT_HASH, "Give the revision's content hash.")]
    )
