"""Fast data entry in the drug and page admins: ordered inlines and pasted lists.

Ordered inlines use django-admin-sortable2 for dragging, and `drugs/reorder.js` for
"Move up" / "Move down" buttons, so a row can be moved without dragging (WCAG 2.2,
2.5.7). The paste screen is a thin view over `drugs.side_effect_lists`.
"""

from adminsortable2.admin import SortableAdminBase, SortableInlineAdminMixin
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Value, When
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse

from config.history import FIELD_OVERRIDES

from .forms import (
    PASTE_FIELDS,
    PASTE_HELP,
    EntryTermFormSet,
    OrderedInlineFormSet,
    PasteForm,
    paste_field_name,
)
from .models import DrugSideEffect
from .side_effect_lists import group_heading, groups_named, pasted_lists_add, pasted_lists_plan


class OrderedInlineMixin(SortableInlineAdminMixin):
    """An inline whose rows are ordered by dragging or by buttons, never by typing.

    The position field is hidden (sortable2); rows are saved numbered 1, 2, 3…, within
    `order_group` when it names a field (a drug's side effects, within their group).
    """

    formset = OrderedInlineFormSet
    formfield_overrides = FIELD_OVERRIDES
    ordering = ["position"]  # sortable2 reads the order field from here
    order_group: str | None = None

    class Media:
        js = ["drugs/reorder.js"]
        css = {"all": ["drugs/reorder.css"]}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.order_group = self.order_group
        if self.order_group in formset.form.base_fields:
            # The buttons move a row among the rows of its own group.
            formset.form.base_fields[self.order_group].widget.attrs["data-order-group"] = ""
        return formset


def side_effect_group_order() -> list:
    """A drug's side effects as its page lists them: by group, then position."""
    groups = DrugSideEffect.Group.values
    rank = Case(
        *[When(group=value, then=Value(index)) for index, value in enumerate(groups)],
        default=Value(len(groups)),
    )
    return [rank, "position", "id"]


class SortableParentMixin(SortableAdminBase):
    """The admin of a record with ordered inlines: brings sortable2's script and styles."""


PASTED_KEY = "drugs.pasted_side_effects"  # the session's lists pasted on drug forms


class SideEffectPasteMixin:
    """The drug admin's pasted side-effect lists: paste, check, confirm.

    Lists are pasted on the "Paste side effects" screen, or in the drug's own form
    (add or change), which saves the drug and then shows the same confirm screen.
    Nothing of a list is saved before the writer confirms the entries and the new
    terms; then every group's entries are saved at once, into the writer's change, or
    nothing is.
    """

    paste_template = "admin/drugs/drug/paste_side_effects.html"
    paste_fieldset = (
        "Paste side effects",
        {
            "fields": PASTE_FIELDS,
            "classes": ["paste-side-effects"],
            "description": "Optional. Lists pasted here are shown for checking after the "
            "drug is saved, and added only when you confirm them. " + PASTE_HELP,
        },
    )

    def get_urls(self):
        paste = path(
            "<path:object_id>/paste-side-effects/",
            self.admin_site.admin_view(self.paste_side_effects_view),
            name="drugs_drug_paste_side_effects",
        )
        return [paste, *super().get_urls()]

    def may_paste(self, request, drug=None) -> bool:
        """Whether this person may paste side effects into `drug` (or a drug they add)."""
        if not request.user.has_perm("drugs.add_drugsideeffect"):
            return False
        if drug is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, drug)

    # --- The drug's own form: paste boxes below its fields ---------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self.may_paste(request, obj):
            fieldsets.append(self.paste_fieldset)
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        attributes = {"paste_allowed": self.may_paste(request, obj)}
        return type(form_class.__name__, (form_class,), attributes)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if getattr(form, "paste_allowed", False):
            request.pasted_side_effects = form.pasted_texts()

    def response_add(self, request, obj, post_url_continue=None):
        return self._to_pasted_lists(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._to_pasted_lists(request, obj) or super().response_change(request, obj)

    def _to_pasted_lists(self, request, drug):
        """After the drug is saved: its pasted lists to the confirm screen, if any."""
        texts = getattr(request, "pasted_side_effects", None)
        if not texts:
            return None
        pasted = request.session.get(PASTED_KEY, {})
        pasted[str(drug.pk)] = texts
        request.session[PASTED_KEY] = pasted
        self.message_user(
            request,
            f"{drug.generic_name} was saved. Check the side effects you pasted: they are "
            "added only when you confirm them.",
            messages.SUCCESS,
        )
        url = reverse("admin:drugs_drug_paste_side_effects", args=[drug.pk])
        return HttpResponseRedirect(f"{url}?pasted=1")

    # --- The paste and confirm screen --------------------------------------------------

    def paste_side_effects_view(self, request, object_id):
        drug = self.get_object(request, unquote(object_id))
        if drug is None:
            raise Http404("No such drug.")
        if not self.may_paste(request, drug):
            raise PermissionDenied
        back = reverse("admin:drugs_drug_change", args=[drug.pk])
        posted = request.POST if request.method == "POST" else None
        if posted is not None and "cancel" in posted:
            self._forget_pasted(request, drug)
            self.message_user(request, "Nothing was added: the lists were not saved.")
            return HttpResponseRedirect(back)
        if posted is None:
            texts = self._pasted_on_drug_form(request, drug)
            if texts:  # read at once: the drug form's save was the writer's "read"
                posted = {paste_field_name(group): text for group, text in texts.items()}
            else:
                initial = {name: request.GET.get(name, "") for name in PASTE_FIELDS}
                return self._paste_screen(request, drug, paste=PasteForm(initial=initial))
        elif "edit" in posted:
            # Back to the lists, as pasted, to change them before reading them again.
            initial = {name: posted.get(name, "") for name in PASTE_FIELDS}
            return self._paste_screen(request, drug, paste=PasteForm(initial=initial))
        paste = PasteForm(posted)
        if not paste.is_valid():
            return self._paste_screen(request, drug, paste=paste)
        confirming = "confirm" in posted
        entries = EntryTermFormSet(
            posted if confirming else None,
            lists=paste.pasted_entries(),
            form_kwargs={"admin_site": self.admin_site},
        )
        if confirming and entries.is_valid():
            groups = groups_named(entries.by_group())
            try:
                refusal = self.record_refusal(request, drug)
                if refusal:  # as the drug's own form refuses a drug another change holds
                    raise PermissionDenied(refusal)
                added = pasted_lists_add(
                    drug=drug,
                    lists=entries.confirmed(),
                    user=request.user,
                    reason=f"Pasted side effects: {groups}"[:100],
                    may_create_terms=request.user.has_perm("drugs.add_sideeffectterm"),
                    saved=lambda record: self.record_saved(request, record),
                )
            except ValidationError:
                pass  # the screen shows the problems again, as the plan finds them now
            except self.save_refusals as refusal:
                self.message_user(request, str(refusal) or "You may not do that.", messages.ERROR)
            else:
                self._forget_pasted(request, drug)
                count = sum(len(effects) for effects in added.values())
                self.message_user(
                    request,
                    f"Added {count} side effect{pluralize(count)} to {drug.generic_name} "
                    f"({groups}).",
                    messages.SUCCESS,
                )
                self.say_where_saved(request)
                return HttpResponseRedirect(back)
        return self._paste_screen(request, drug, paste=paste, entries=entries)

    def _pasted_on_drug_form(self, request, drug) -> dict[str, str]:
        if "pasted" not in request.GET:
            return {}
        return request.session.get(PASTED_KEY, {}).get(str(drug.pk), {})

    def _forget_pasted(self, request, drug) -> None:
        pasted = request.session.get(PASTED_KEY, {})
        if pasted.pop(str(drug.pk), None) is not None:
            request.session[PASTED_KEY] = pasted

    def _paste_screen(self, request, drug, *, paste, entries=None):
        refusal = self.record_refusal(request, drug)
        if refusal:
            self.message_user(request, refusal, messages.WARNING)
        preview, sections = None, []
        if entries is not None:
            preview = pasted_lists_plan(drug=drug, lists=entries.confirmed_or_initial())
            sections = [
                {
                    "group": group,
                    "heading": group_heading(group),
                    "forms": group_forms,
                    "problems": [
                        problem
                        for problem in preview.problems
                        if problem.startswith(f"{group_heading(group)}:")
                    ],
                }
                for group, group_forms in entries.by_group().items()
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": drug,
            "title": f"Paste side effects of {drug.generic_name}",
            "paste": paste,
            "paste_help": PASTE_HELP,
            "entries": entries,
            "sections": sections,
            "preview": preview,
            "media": self.media + (entries.media if entries else paste.media),
        }
        return TemplateResponse(request, self.paste_template, context)
