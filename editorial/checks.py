"""A system check: every content model is in the registry and edited through the workflow.

An admin that saved a content model without the workflow-aware mixin would change
what the next publish shows without a change, a review or an audit entry; a content
model missing from the registry would be left out of snapshots, withdrawals and roles.
Both are caught when Django starts (`manage.py check`, the test run, the server).
"""

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core import checks
from simple_history.models import HistoricalChanges

from . import registry


def _workflow_aware(model_admin: Any) -> bool:
    from .admin import WorkflowAdminMixin  # the admin module imports the registry, not this

    return isinstance(model_admin, WorkflowAdminMixin)


def check_content_admins(
    app_configs: Any = None, site: admin.AdminSite | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every registry model has a workflow-aware admin (a part: inline in its parent's one),
    and every model of the content apps is in the registry."""
    site = site or admin.site
    errors: list[checks.CheckMessage] = []
    for entry in registry.CONTENT:
        model = entry.model
        name = model._meta.label
        model_admin = site._registry.get(model)
        if model_admin is not None:
            if not _workflow_aware(model_admin):
                errors.append(
                    checks.Error(
                        f"{name} is registered with {type(model_admin).__name__}, which saves "
                        "outside the workflow.",
                        hint="Register it with an admin that includes "
                        "editorial.admin.WorkflowAdminMixin.",
                        obj=model_admin,
                        id="editorial.E001",
                    )
                )
            continue
        parent = model._meta.get_field(entry.parent).related_model if entry.is_part else None
        parent_admin = site._registry.get(parent) if parent else None
        if parent_admin is not None and any(
            inline.model is model for inline in parent_admin.inlines
        ):
            if not _workflow_aware(parent_admin):
                errors.append(
                    checks.Error(
                        f"{name} is edited inline in {type(parent_admin).__name__}, which saves "
                        "outside the workflow.",
                        hint="Register its parent with an admin that includes "
                        "editorial.admin.WorkflowAdminMixin.",
                        obj=parent_admin,
                        id="editorial.E001",
                    )
                )
            continue
        errors.append(
            checks.Error(
                f"{name} is a content model but no admin edits it"
                + (" (nor an inline of its parent's)." if entry.is_part else "."),
                hint="Register it with a workflow-aware admin.",
                id="editorial.E002",
            )
        )
    listed = set(registry.CONTENT_MODELS)
    for app_label in registry.CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if issubclass(model, HistoricalChanges) or model in listed:
                continue
            errors.append(
                checks.Error(
                    f"{model._meta.label} is not in the registry of content models.",
                    hint="Add it to editorial.registry.CONTENT, after any model it points at.",
                    obj=model,
                    id="editorial.E003",
                )
            )
    return errors


def register() -> None:
    checks.register(check_content_admins, checks.Tags.admin)
