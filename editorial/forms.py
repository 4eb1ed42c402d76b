"""Forms for what people type into the workflow's actions and the public search.

Every parameter a view reads comes through one of these, so what no form accepts (a
NUL character, a reply to "abc", a version that is not "pub:ID" or "rev:ID") is
refused with Django's own message before anything is read or saved.
"""

from django import forms
from django.core.validators import RegexValidator

from .models import Change, Comment

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

    q = forms.CharField(required=False)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:200]


class CompareForm(forms.Form):
    """Two versions of a page, each named as the timeline lists them: "pub:ID" or "rev:ID"."""

    a = forms.CharField(validators=[RegexValidator(VERSION_KEY, "Choose a version from the list.")])
    b = forms.CharField(validators=[RegexValidator(VERSION_KEY, "Choose a version from the list.")])


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


class ReasonForm(forms.Form):
    """Why someone withdraws a change, unpublishes a page or takes a record over."""

    comment = forms.CharField(
        label="Why", required=False, widget=forms.TextInput(attrs={"size": 60})
    )


class SignOffForm(forms.Form):
    """The note that goes with a request for a periodic medical review."""

    note = forms.CharField(label="Note to reviewers", required=False)
