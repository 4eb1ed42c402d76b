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
from django.template.response import TemplateResponse
from django.urls import path, reverse

from config.history import FIELD_OVERRIDES

from .forms import EntryTermFormSet, OrderedInlineFormSet, PasteForm
from .models import DrugSideEffect
from .side_effect_lists import paste_plan, pasted_entries_add


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


class SideEffectPasteMixin:
    """The drug admin's "Paste a side-effect list" screen: paste, check, confirm.

    Nothing is saved before the writer confirms the entries and the new terms; then
    everything is saved at once, into the writer's change, or nothing is.
    """

    paste_template = "admin/drugs/drug/paste_side_effects.html"

    def get_urls(self):
        paste = path(
            "<path:object_id>/paste-side-effects/",
            self.admin_site.admin_view(self.paste_side_effects_view),
            name="drugs_drug_paste_side_effects",
        )
        return [paste, *super().get_urls()]

    def paste_side_effects_view(self, request, object_id):
        drug = self.get_object(request, unquote(object_id))
        if drug is None:
            raise Http404("No such drug.")
        if not (
            self.has_change_permission(request, drug)
            and request.user.has_perm("drugs.add_drugsideeffect")
        ):
            raise PermissionDenied
        back = reverse("admin:drugs_drug_change", args=[drug.pk])
        posted = request.POST if request.method == "POST" else None
        if posted is not None and "cancel" in posted:
            self.message_user(request, "Nothing was added: the list was not saved.")
            return HttpResponseRedirect(back)
        if posted is None or "edit" in posted:
            # Back to the list, as pasted, to change it before reading it again.
            source = posted if posted is not None else request.GET
            initial = {"group": source.get("group"), "text": source.get("text", "")}
            return self._paste_screen(request, drug, paste=PasteForm(initial=initial))
        paste = PasteForm(posted)
        if not paste.is_valid():
            return self._paste_screen(request, drug, paste=paste)
        group = paste.cleaned_data["group"]
        confirming = "confirm" in posted
        entries = EntryTermFormSet(
            posted if confirming else None,
            entries=paste.cleaned_data["entries"],
            form_kwargs={"admin_site": self.admin_site},
        )
        if confirming and entries.is_valid():
            try:
                refusal = self.record_refusal(request, drug)
                if refusal:  # as the drug's own form refuses a drug another change holds
                    raise PermissionDenied(refusal)
                added = pasted_entries_add(
                    drug=drug,
                    group=group,
                    confirmed=entries.confirmed(),
                    user=request.user,
                    reason=f"Pasted a list into {DrugSideEffect.Group(group).label.lower()}",
                    may_create_terms=request.user.has_perm("drugs.add_sideeffectterm"),
                    saved=lambda record: self.record_saved(request, record),
                )
            except ValidationError:
                pass  # the screen shows the problems again, as `paste_plan` finds them now
            except self.save_refusals as refusal:
                self.message_user(request, str(refusal) or "You may not do that.", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Added {len(added)} side effects to {drug.generic_name} "
                    f"({DrugSideEffect.Group(group).label.lower()}).",
                    messages.SUCCESS,
                )
                self.say_where_saved(request)
                return HttpResponseRedirect(back)
        return self._paste_screen(request, drug, paste=paste, entries=entries, group=group)

    def _paste_screen(self, request, drug, *, paste, entries=None, group=None):
        refusal = self.record_refusal(request, drug)
        if refusal:
            self.message_user(request, refusal, messages.WARNING)
        preview = None
        if entries is not None:
            chosen = [form.confirmed_or_initial() for form in entries.forms]
            preview = paste_plan(drug=drug, group=group, confirmed=chosen)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": drug,
            "title": f"Paste side effects of {drug.generic_name}",
            "paste": paste,
            "entries": entries,
            "preview": preview,
            "group_label": DrugSideEffect.Group(group).label if group else "",
            "media": self.media + (entries.media if entries else paste.media),
        }
        return TemplateResponse(request, self.paste_template, context)
