"""The editorial admin: workflow-aware content admins, changes and their actions.

Admin classes here are thin: every action calls one function in `editorial.workflow`,
which checks the state and the person; refusals come back as messages.
"""

import datetime
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

# The content admins this module makes workflow-aware must be registered first.
import drugs.admin  # noqa: F401
import references.admin  # noqa: F401
from config.history import HistoryAdmin
from drugs.models import Page

from . import (
    actions,
    audit_bundle,
    compliance,
    identity,
    passkeys,
    readability,
    registry,
    review,
    signing,
    timeline,
    workflow,
)
from .diffing import html_diff
from .forms import (
    AuditBundleForm,
    CommentForm,
    CompareForm,
    PageListForm,
    PasskeyAddForm,
    PasskeyRegisterForm,
    PublicDayForm,
    PublishForm,
    ReasonForm,
    RenameForm,
    ReplyForm,
    ReviewForm,
    ScheduleForm,
    SigningOptionsForm,
    SubmitForm,
    form_errors_text,
)
from .languages import language_name
from .models import (
    AuditEntry,
    Change,
    CurrentPublication,
    Passkey,
    PolicyRequirement,
    Publication,
    ReviewerProfile,
    ReviewPolicy,
    RevisionPage,
    SiteIdentity,
)
from .registry import MODELS_BY_LABEL, PARENT_FIELD
from .snapshots import ContentSource, page_snapshot, render_page_body
from .structured_data import credentials_text

# The front page shows each person what needs them (editorial.dashboard).
admin.site.index_template = "admin/imprimatur_index.html"


# --- Content admins that put every edit into a change --------------------------------------


class WorkflowAdminMixin:
    """Content edits join the editor's change; a record another change holds is refused."""

    save_refusals = actions.REFUSALS

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        user = request.user

        class HeldCheckedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if self.instance.pk:
                    try:
                        workflow.record_check_editable(
                            user=user, key=workflow.record_key(self.instance)
                        )
                    except workflow.RecordHeld as held:
                        raise ValidationError(str(held)) from held
                return cleaned

        return HeldCheckedForm

    def get_formsets_with_inlines(self, request, obj=None):
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            yield _held_checked_formset(formset_class, request.user), inline

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and object_id:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self._warn_if_held(request, obj)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except actions.REFUSALS as refusal:
            # The admin's transaction has rolled back: nothing was saved.
            self.message_user(request, actions.refusal_message(refusal), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _warn_if_held(self, request, obj) -> None:
        try:
            workflow.record_check_editable(user=request.user, key=workflow.record_key(obj))
        except workflow.RecordHeld as held:
            text = str(held)
            if request.user.has_perm(workflow.TAKE_OVER_PERMISSION):
                url = reverse(
                    "admin:editorial_change_take_over", args=[obj._meta.label_lower, obj.pk]
                )
                self.message_user(
                    request,
                    format_html('{} <a href="{}">Take it over</a>.', text, url),
                    messages.WARNING,
                )
            else:
                self.message_user(request, text, messages.WARNING)

    def record_refusal(self, request, obj) -> str:
        try:
            workflow.record_check_editable(user=request.user, key=workflow.record_key(obj))
        except workflow.RecordHeld as held:
            return str(held)
        return ""

    def say_where_saved(self, request) -> None:
        self._say_where(request)

    def record_saved(self, request, obj) -> None:
        change = workflow.record_edit(user=request.user, instance=obj)
        request.imprimatur_change = change

    def record_deleting(self, request, obj) -> None:
        request.imprimatur_change = workflow.record_edit(user=request.user, instance=obj)

    def _say_where(self, request) -> None:
        change = getattr(request, "imprimatur_change", None)
        if change is not None:
            self.message_user(
                request,
                format_html(
                    'Your edit is in <a href="{}">change {}</a> ({}). The public site is '
                    "unchanged until it is reviewed and published.",
                    change.get_absolute_url(),
                    change.pk,
                    change.get_state_display().lower(),
                ),
                messages.INFO,
            )

    def response_add(self, request, obj, post_url_continue=None):
        self._say_where(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._say_where(request)
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        self._say_where(request)
        return super().response_delete(request, obj_display, obj_id)


def _held_checked_formset(formset_class: type, user) -> type:
    """An inline formset that refuses, before anything is saved, rows another change holds.

    Refused during validation, the admin shows the form again with what was typed.
    """

    class HeldCheckedFormSet(formset_class):
        def clean(self):
            super().clean()
            refusals = []
            for form in self.initial_forms:
                if not (form.has_changed() or self._should_delete_form(form)):
                    continue  # an untouched row joins no change
                try:
                    workflow.record_check_editable(
                        user=user, key=workflow.record_key(form.instance)
                    )
                except workflow.RecordHeld as held:
                    name = form.instance._meta.verbose_name.capitalize()
                    refusals.append(f"{name} “{form.instance}”: {held}")
            if refusals:
                raise ValidationError(refusals)

    return HeldCheckedFormSet


def _with_workflow(admin_class: type, **attributes) -> type:
    return type(admin_class.__name__, (WorkflowAdminMixin, admin_class), attributes)


# editorial owns the workflow, so it registers the content admins with it (drugs and
# references stay ignorant of review): every content model the registry lists that
# has an admin of its own gets it back workflow-aware. Parts are edited inline in
# their parent's admin. `editorial.checks` makes sure none is left out.
_CONTENT_ADMIN_ATTRIBUTES = {
    Page: {"change_form_template": "admin/editorial/page_change_form.html"},
}
for _model in registry.CONTENT_MODELS:
    if admin.site.is_registered(_model):
        _base = type(admin.site.get_model_admin(_model))
        admin.site.unregister(_model)
        admin.site.register(
            _model, _with_workflow(_base, **_CONTENT_ADMIN_ATTRIBUTES.get(_model, {}))
        )


# --- Changes: the workflow's screens --------------------------------------------------------


@admin.register(Change)
class ChangeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "state", "author", "created_at", "scheduled_at"]
    list_filter = ["state", "kind"]
    search_fields = ["title", "author__username", "author__first_name", "author__last_name"]
    list_select_related = ["author"]
    readonly_fields = ["title", "kind", "state", "author", "page", "created_at", "scheduled_at"]

    def has_add_permission(self, request) -> bool:
        return False  # a change opens when someone edits

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # changes move only through the workflow actions

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        def view(function, name, route):
            return path(
                route, self.admin_site.admin_view(function), name=f"editorial_change_{name}"
            )

        def act(name, route):
            # Every workflow action goes through the one table-driven view.
            def action_view(request, **arguments):
                return actions.run(self, request, name, **arguments)

            return view(require_POST(action_view), name, route)

        return [
            act("submit", "<int:pk>/submit/"),
            act("rename", "<int:pk>/rename/"),
            view(require_POST(self.review_view), "review", "<int:pk>/review/"),
            act("publish", "<int:pk>/publish/"),
            act("schedule", "<int:pk>/schedule/"),
            act("unschedule", "<int:pk>/unschedule/"),
            act("withdraw", "<int:pk>/withdraw/"),
            view(self.preview_view, "preview", "revision-page/<int:pk>/preview/"),
            view(self.page_diff_view, "page_diff", "revision-page/<int:pk>/diff/"),
            view(self.draft_preview_view, "draft_preview", "<int:pk>/draft-preview/<int:page_id>/"),
            act("claim", "<int:pk>/claim/"),
            act("comment", "<int:pk>/comment/"),
            act("resolve", "comment/<int:comment_id>/resolve/"),
            view(self.take_over_view, "take_over", "take-over/<str:model>/<int:pk>/"),
            view(self.timeline_view, "timeline", "page/<int:page_id>/timeline/"),
            view(self.compare_view, "compare", "page/<int:page_id>/compare/"),
            view(self.audit_bundle_view, "audit_bundle", "page/<int:page_id>/audit-bundle/"),
            act("sign_off", "sign-off/<int:page_id>/"),
            act("unpublish", "unpublish/<int:page_id>/"),
            act("revert", "revert/<int:publication_id>/"),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        """The signed review; a refused signing shows the screen again with what was typed."""
        return actions.run(
            self,
            request,
            "review",
            show_refused=lambda form: self.change_view(request, str(pk), review_data=request.POST),
            pk=pk,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None, review_data=None):
        change = get_object_or_404(Change, pk=unquote(object_id))
        if not self.has_view_permission(request, change):
            raise PermissionDenied
        revision = change.current_revision()
        user = request.user
        may = {action: workflow.may_act(user, change, action) for action in workflow.Action.values}
        reviews = list(revision.reviews.select_related("reviewer", "signature")) if revision else []
        own_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
        if own_review is not None:
            # One signature per reviewer and revision (the workflow refuses another).
            may["approve"] = may["request_changes"] = False
        signs = revision is not None and (may["approve"] or may["request_changes"])
        comments = list(
            change.comments.filter(parent__isnull=True)
            .select_related("author", "resolved_by", "revision")
            .prefetch_related("replies__author")
        )
        for comment in comments:
            comment.reply_form = ReplyForm(change=change, comment=comment)
        # A revision of many pages is read once, as the passages they share, with a list
        # of its pages; one page (or a draft) shows its whole comparison as it always did.
        page_count = revision.pages.count() if revision else 0
        wide = None
        listing = PageListForm(request.GET)
        wanted = listing.cleaned_data if listing.is_valid() else {}
        target = readability.policy_target(change.language)
        try:
            progress = workflow.policy_progress(revision) if revision else []
            policy_missing = ""
        except workflow.NoActivePolicy as missing:
            progress, policy_missing = [], str(missing)
        if page_count > 1:
            wide = review.wide_review(
                revision,
                user,
                query=wanted.get("q", ""),
                only_differing=wanted.get("differing", False),
                number=wanted.get("p") or 1,
                target=target,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(change),
            "change": change,
            "revision": revision,
            "page_count": page_count,
            "wide": wide,
            "page_list_form": listing,
            "list_query": _list_query(wanted),
            "comparisons": [] if wide else review.page_comparisons(change, revision, target=target),
            # A Spanish change's translated records, scored beside the pages' readings.
            "translation_reading": review.translation_reading(change, revision, target),
            "record_changes": review.record_changes(change, revision),
            "comments": comments,
            "claims": change.review_claims.select_related("reviewer"),
            "may_comment": workflow.may_comment(user),
            "may_claim": workflow.may_claim(user, change),
            "reviews": reviews,
            "own_review": own_review,
            "progress": progress,
            "policy_missing": policy_missing,
            "records": [
                _record_row(record) for record in change.records.order_by("model", "object_id")
            ],
            "audit": change.audit_entries.select_related("actor", "signature").order_by("at", "pk"),
            "may": may,
            "review_refusal": workflow.reviewer_refusal(user, change) if revision else None,
            # Say why someone who would expect to publish cannot (say, they approved it).
            "publish_refusal": workflow.publisher_refusal(user, change)
            if change.state == Change.State.APPROVED and user.has_perm(workflow.PUBLISH_PERMISSION)
            else None,
            "may_rename": workflow.may_rename(user, change),
            "rename_form": RenameForm(initial={"title": change.title}, auto_id="rename-%s"),
            # Submitting a change in review or approved starts its review over: it is
            # offered apart from the decision, and asks first (editorial.actions).
            "submit_restarts_review": workflow.submit_restarts_review(change),
            "submit_form": SubmitForm(initial={"summary": revision.summary if revision else ""}),
            "comment_form": CommentForm(change=change, auto_id="new-comment-%s"),
            "withdraw_form": ReasonForm(auto_id="withdraw-%s"),
            "review_form": ReviewForm(
                review_data,
                revision=revision,
                auto_id="review-%s",
                ask_username=signs and not signing.session_has_signed(request, user),
                ask_certification=signs and not signing.is_certified(user),
            )
            if revision
            else None,
            # What stops this reviewer signing at all (say, no printed name), said plainly.
            "signer_refusal": signing.printed_name_refusal(user) if signs else None,
            # A reviewer with a passkey may sign with it instead of the password.
            "has_passkeys": signs and passkeys.may_have_passkeys(user) and user.passkeys.exists(),
            "meanings": ReviewForm.meanings,
            "publish_form": PublishForm(initial={"revision": revision.pk}, auto_id="publish-%s")
            if revision
            else None,
            "schedule_form": ScheduleForm(initial={"revision": revision.pk}) if revision else None,
        }
        return TemplateResponse(request, "admin/editorial/change/workflow.html", context)

    @staticmethod
    def _change(pk: int) -> Change:
        return get_object_or_404(Change, pk=pk)

    def preview_view(self, request, pk):
        if not workflow.may_view_drafts(request.user):
            raise PermissionDenied
        snapshot = get_object_or_404(RevisionPage.objects.select_related("revision"), pk=pk)
        response = render(
            request,
            "editorial/preview.html",
            {
                "html": snapshot.html_safe,
                "content": snapshot.content,
                "change": snapshot.revision.change,
                "revision": snapshot.revision,
                "reading": _reading(snapshot.content),
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def page_diff_view(self, request, pk):
        """One page of a revision, before and after: opened, it counts as read by a reviewer."""
        if not workflow.may_view_drafts(request.user):
            raise PermissionDenied
        snapshot = get_object_or_404(
            RevisionPage.objects.select_related("revision__change", "base_publication"), pk=pk
        )
        change = snapshot.revision.change
        diff = review.page_diff(snapshot, readability.policy_target(change.language))
        recorded = review.note_opened(snapshot, request.user)
        listing = PageListForm(request.GET)
        query = _list_query(listing.cleaned_data if listing.is_valid() else {})
        back = change.get_absolute_url() + (f"?{query}" if query else "")
        response = TemplateResponse(
            request,
            "admin/editorial/change/page_diff.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"{diff.comparison.title}: what change {change.pk} does to it",
                "change": change,
                "revision": snapshot.revision,
                "diff": diff,
                "page": diff.comparison,
                "recorded": recorded,
                "back_url": back + "#pages-heading",
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def draft_preview_view(self, request, pk, page_id):
        if not workflow.may_view_drafts(request.user):
            raise PermissionDenied
        change = self._change(pk)
        keys = workflow.owned_keys(change)
        if page_id not in workflow.pages_altered(change, keys):
            raise Http404("This change does not alter that page.")
        content = page_snapshot(ContentSource(keys), page_id)
        if content is None:
            raise Http404
        response = render(
            request,
            "editorial/preview.html",
            {
                "html": mark_safe(render_page_body(content)),  # noqa: S308 - autoescaped by render_page_body
                "content": content,
                "change": change,
                "reading": _reading(content),
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def timeline_view(self, request, page_id):
        if not workflow.may_view_drafts(request.user):
            raise PermissionDenied
        page = get_object_or_404(Page, pk=page_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Timeline: {page.title}",
            "page": page,
            "events": timeline.page_events(page),
            "may_export_audit": workflow.is_managing_editor(request.user),
        }
        versions = timeline.page_versions(page)
        context["compare_form"] = CompareForm(versions=versions)
        day_form = context["day_form"] = PublicDayForm(
            request.GET if "date" in request.GET else None
        )
        if day_form.is_valid():
            day = day_form.cleaned_data["date"]
            context["public_day"] = day
            context["public_then"] = workflow.public_view_at(
                page=page, moment=timeline.end_of_day(day)
            )
        return TemplateResponse(request, "admin/editorial/change/timeline.html", context)

    def audit_bundle_view(self, request, page_id):
        """The page's audit bundle as a download: for managing editors alone."""
        if not workflow.is_managing_editor(request.user):
            raise PermissionDenied
        page = get_object_or_404(Page, pk=page_id)
        form = AuditBundleForm(request.GET)
        if not form.is_valid():
            raise BadRequest(form_errors_text(form))
        format = form.cleaned_data["format"]
        bundle = audit_bundle.bundle_build(page)
        response = HttpResponse(
            audit_bundle.bundle_text(bundle, format),
            content_type=f"{audit_bundle.FORMATS[format]}; charset=utf-8",
        )
        # A download, never a screen: the HTML's own styles would break the admin's policy.
        response["Content-Disposition"] = content_disposition_header(
            True, audit_bundle.bundle_filename(bundle, format)
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def compare_view(self, request, page_id):
        if not workflow.may_view_drafts(request.user):
            raise PermissionDenied
        page = get_object_or_404(Page, pk=page_id)
        form = CompareForm(request.GET)
        if not form.is_valid():
            raise BadRequest("Choose two versions of this page from its timeline.")
        try:
            older = timeline.version(page, form.cleaned_data["a"])
            newer = timeline.version(page, form.cleaned_data["b"])
        except LookupError:
            raise Http404("No such version of this page.") from None
        before, after = html_diff(older.html, newer.html)
        return TemplateResponse(
            request,
            "admin/editorial/change/compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Compare: {page.title}",
                "page": page,
                "older": older,
                "newer": newer,
                "before": before,
                "after": after,
            },
        )

    def take_over_view(self, request, model, pk):
        key = actions.record_key(model, pk)

        def confirmation(form):
            if not request.user.has_perm(workflow.TAKE_OVER_PERMISSION):
                raise PermissionDenied
            return TemplateResponse(
                request,
                "admin/editorial/change/take_over.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "claim": workflow.holding_record(key),
                    "record": MODELS_BY_LABEL[model].objects.filter(pk=pk).first(),
                    "form": form,
                    "title": "Take over a record",
                },
            )

        if request.method != "POST":
            return confirmation(ReasonForm())
        # A form that cannot be accepted comes back with what was typed.
        return actions.run(
            self, request, "take_over", show_invalid=confirmation, model=model, pk=pk
        )


def _reading(content: dict) -> readability.PageReading | readability.PageEase:
    """A page snapshot's reading against its language's policy target."""
    return readability.reading_for(
        content, readability.policy_target(readability.snapshot_language(content))
    )


def _list_query(wanted: dict) -> str:
    """Where the reviewer is in a wide change's page list, to come back to from a page."""
    return urlencode({key: value for key, value in wanted.items() if value})


def _admin_url(row) -> str:
    """The admin page where a record is edited: its own, or its parent's for a part-row."""
    target = getattr(row, PARENT_FIELD[type(row)]) if type(row) in PARENT_FIELD else row
    try:
        return reverse(
            f"admin:{target._meta.app_label}_{target._meta.model_name}_change", args=[target.pk]
        )
    except NoReverseMatch:
        return ""


def _record_row(record) -> dict:
    model = MODELS_BY_LABEL.get(record.model)
    row = model.objects.filter(pk=record.object_id).first() if model else None
    return {
        "label": f"{model._meta.verbose_name} “{row}”"
        if row is not None
        else f"{record.model} {record.object_id} (deleted)",
        "url": _admin_url(row) if row is not None else "",
        "released": record.released_at,
    }


# --- Read-only records -----------------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: nobody adds, changes or deletes them in the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    change_form_template = "admin/editorial/publication_change_form.html"
    list_display = [
        "title",
        "compliance_reference",
        "published_at",
        "origin",
        "published_by",
        "last_revised",
        "last_reviewed",
        "short_hash",
    ]
    list_filter = ["origin", "published_at"]
    search_fields = ["title", "slug", "content_hash"]
    search_help_text = "A title, an address, a content hash or a compliance number."
    list_select_related = ["published_by", "compliance_number"]
    date_hierarchy = "published_at"
    fields = [
        "compliance_reference",
        "version_label",
        "page",
        "revision",
        "title",
        "slug",
        "origin",
        "summary",
        "published_at",
        "published_by",
        "last_revised",
        "last_reviewed",
        "reviewed_by_text",
        "next_review_due",
        "content_hash",
        "public_view",
        "manifest",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("compliance_number", "version")

    def get_search_results(self, request, queryset, search_term):
        # A compliance number names one publication: found by its serial, not its text.
        parts = compliance.reference_parts(search_term)
        if parts is not None:
            year, number = parts
            found = queryset.filter(compliance_number__number=number, compliance_number__year=year)
            return found, False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="compliance number", ordering="compliance_number__number")
    def compliance_reference(self, obj: Publication) -> str:
        number = getattr(obj, "compliance_number", None)
        return number.reference if number else "—"

    @admin.display(description="version")
    def version_label(self, obj: Publication) -> str:
        version = getattr(obj, "version", None)
        return version.label if version else "—"

    @admin.display(description="reviewed by")
    def reviewed_by_text(self, obj: Publication) -> str:
        return credentials_text(obj.reviewed_by) if obj.last_reviewed else "—"

    @admin.display(description="hash")
    def short_hash(self, obj: Publication) -> str:
        return obj.content_hash[:12]

    @admin.display(description="as the public saw it")
    def public_view(self, obj: Publication):
        # The stored body was autoescaped when it was rendered; show it as published.
        return format_html('<div class="publication-body">{}</div>', obj.html_safe)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "change", "page", "comment", "signature"]
    list_filter = ["action"]
    search_fields = ["comment", "page__title", "actor__username"]
    list_select_related = ["actor", "page", "change", "signature"]
    date_hierarchy = "at"


@admin.register(CurrentPublication)
class CurrentPublicationAdmin(ReadOnlyAdmin):
    list_display = ["page", "slug", "publication", "since", "next_review_due"]
    list_select_related = ["page", "publication"]

    @admin.display(description="next review due", ordering="publication__next_review_due")
    def next_review_due(self, obj: CurrentPublication) -> datetime.date | None:
        return obj.publication.next_review_due if obj.publication else None


# --- Reviewers and the policy ------------------------------------------------------------------


class ReviewerProfileForm(forms.ModelForm):
    review_languages = forms.MultipleChoiceField(
        label="Reviews in",
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=ReviewerProfile._meta.get_field("review_languages").help_text,
    )

    class Meta:
        model = ReviewerProfile
        fields = ["user", "credential", "valid_until", "printed_name", "review_languages"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(SimpleHistoryAdmin):
    form = ReviewerProfileForm
    list_display = [
        "user",
        "printed_name",
        "credential",
        "valid_until",
        "is_current_now",
        "reviews_in",
    ]
    list_filter = ["credential"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]

    @admin.display(boolean=True, description="current")
    def is_current_now(self, obj: ReviewerProfile) -> bool:
        return obj.is_current()

    @admin.display(description="reviews in")
    def reviews_in(self, obj: ReviewerProfile) -> str:
        return ", ".join(language_name(code) for code in obj.review_languages) or "–"

    def has_change_permission(self, request, obj=None) -> bool:
        return workflow.may_set_credentials(request.user)

    def has_add_permission(self, request) -> bool:
        return workflow.may_set_credentials(request.user)

    def get_readonly_fields(self, request, obj=None):
        # A credential belongs to one person; another person's is a new one.
        return ["user"] if obj else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class RefusingForm(form):
            def clean(self):
                data = super().clean()
                user = data.get("user") or (obj.user if obj else None)
                refusal = user and workflow.credential_refusal(editor=request.user, user=user)
                if refusal:
                    raise ValidationError(refusal)
                return data

        return RefusingForm

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a lapsed credential is ended with "valid until", and kept

    def save_model(self, request, obj, form, change) -> None:
        profile = workflow.credential_set(
            user=obj.user,
            credential=obj.credential,
            valid_until=obj.valid_until,
            editor=request.user,
            printed_name=obj.printed_name,
            review_languages=form.cleaned_data["review_languages"],
        )
        obj.pk = profile.pk


class PolicyRequirementInline(admin.TabularInline):
    model = PolicyRequirement
    extra = 0


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "language",
        "is_active",
        "reviewers_in_language",
        "review_interval_months",
        "reading_grade",
        "reading_ease",
    ]
    inlines = [PolicyRequirementInline]


@admin.register(SiteIdentity)
class SiteIdentityAdmin(HistoryAdmin):
    """The one row of the site's identity; saved through `identity.identity_save`."""

    fields = ["name", "short_name", "logo", "contact_url"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not SiteIdentity.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        # One row: the list is the row itself (or the form that creates it).
        if SiteIdentity.objects.exists():
            return HttpResponseRedirect(
                reverse("admin:editorial_siteidentity_change", args=[SiteIdentity.ONLY])
            )
        return HttpResponseRedirect(reverse("admin:editorial_siteidentity_add"))

    def save_model(self, request, obj, form, change) -> None:
        identity.identity_save(obj, editor=request.user, reason=self._change_reason(form, change))


# --- Your passkeys -----------------------------------------------------------------------------


@admin.register(Passkey)
class PasskeyAdmin(admin.ModelAdmin):
    """A reviewer's own passkeys: listed, added (password, then the browser) and removed.

    Nobody sees or removes another person's; the rules are in `editorial.passkeys`.
    """

    list_display = ["name", "created_at", "last_used_at", "transports_text"]
    list_display_links = ["name"]
    fields = ["name", "created_at", "last_used_at", "sign_count", "transports_text"]
    readonly_fields = fields
    actions = None  # removal goes one at a time, through the confirmation page

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    def _own(self, request, obj=None) -> bool:
        return passkeys.may_have_passkeys(request.user) and (
            obj is None or obj.user_id == request.user.pk
        )

    def has_module_permission(self, request) -> bool:
        return self._own(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._own(request, obj)

    def has_add_permission(self, request) -> bool:
        return self._own(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a passkey is added or removed, never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._own(request, obj)

    @admin.display(description="connects by")
    def transports_text(self, obj: Passkey) -> str:
        return ", ".join(obj.transports) or "—"

    def delete_model(self, request, obj: Passkey) -> None:
        passkeys.passkey_remove(obj, user=request.user)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Your passkeys", **(extra_context or {})})

    def get_urls(self):
        return [
            path(
                "signing-options/",
                self.admin_site.admin_view(require_POST(self.signing_options_view)),
                name="editorial_passkey_signing_options",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """Step one: name and password; step two: the browser makes the passkey."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PasskeyAddForm()
        refusal = ""
        if request.method == "POST" and "passkey_response" in request.POST:
            answer = PasskeyRegisterForm(request.POST)
            if answer.is_valid():
                try:
                    passkey = passkeys.register(
                        request,
                        request.user,
                        answer.cleaned_data["name"],
                        answer.cleaned_data["passkey_response"],
                    )
                except passkeys.REFUSALS as error:
                    refusal = actions.refusal_message(error)
                else:
                    self.message_user(
                        request, f"Passkey “{passkey.name}” added. You can sign with it now."
                    )
                    return HttpResponseRedirect(reverse("admin:editorial_passkey_changelist"))
            else:
                refusal = form_errors_text(answer)
            form = PasskeyAddForm(initial={"name": request.POST.get("name", "")})
        elif request.method == "POST":
            form = PasskeyAddForm(request.POST)
            if form.is_valid():
                try:
                    name = passkeys.name_clean(request.user, form.cleaned_data["name"])
                    passkeys.password_confirm(request, request.user, form.cleaned_data["password"])
                    options = passkeys.registration_options(request, request.user)
                except passkeys.PasswordRefused as error:
                    form.add_error("password", str(error))
                except passkeys.REFUSALS as error:
                    form.add_error("name", actions.refusal_message(error))
                else:
                    return self._passkey_page(
                        request,
                        "admin/editorial/passkey/create.html",
                        {"form": PasskeyRegisterForm(initial={"name": name}), "options": options},
                    )
        return self._passkey_page(
            request, "admin/editorial/passkey/add.html", {"form": form, "refusal": refusal}
        )

    def _passkey_page(self, request, template: str, context: dict):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Add a passkey",
                **context,
            },
        )

    def signing_options_view(self, request):
        """JSON: `passkeys.signing_options` for the content hash posted; errors as {"error"}."""
        form = SigningOptionsForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"error": form_errors_text(form)}, status=400)
        try:
            options = passkeys.signing_options(
                request, request.user, form.cleaned_data["content_hash"]
            )
        except passkeys.PasskeyRefused as error:  # before PermissionDenied, which it is
            return JsonResponse({"error": actions.refusal_message(error)}, status=400)
        except PermissionDenied as error:
            return JsonResponse({"error": actions.refusal_message(error)}, status=403)
        return JsonResponse(options)  # never cached: admin_view marks every admin view so


# The translator's screen and the translations' list, workflow-aware like the rest; last,
# since it builds on WorkflowAdminMixin.
from . import translation_admin  # noqa: E402, F401
