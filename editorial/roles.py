"""Roles are Django groups; this module is the one place that says what each may do.

The workflow rules (who may submit, approve, publish) come with the review workflow;
here are the model permissions each role needs to work in the admin.

Duties are separated (invariant 8): credential administrators grant credentials and
cannot publish; managing editors publish and cannot grant credentials. The workflow
holds to this whatever groups one person is put in (`editorial.workflow`).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from . import registry

WRITER = "Writers"
PHYSICIAN = "Physician reviewers"
NURSE = "Oncology nurse reviewers"
MANAGING_EDITOR = "Managing editors"
CREDENTIAL_ADMIN = "Credential administrators"


def _by_app(models: list) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for model in models:
        names.setdefault(model._meta.app_label, []).append(model._meta.model_name)
    return names


# The content models (`editorial.registry`), as app label -> model names.
CONTENT_MODELS = _by_app(registry.CONTENT_MODELS)
# Rows a page or drug is made of: editing the whole means removing some of them.
PART_MODELS = {model._meta.model_name for model in registry.PART_MODELS}
EDITORIAL_MODELS = {
    "editorial": [
        "publication",
        "auditentry",
        "change",
        "revision",
        "revisionpage",
        "review",
        "reviewpolicy",
        "reviewerprofile",
    ]
}
# Workflow permissions; what each allows is decided in `editorial.workflow`.
VIEW_DRAFT = ("editorial", "view_draft")
PUBLISH = ("editorial", "publish_change")
TAKE_OVER = ("editorial", "take_over_record")
SET_CREDENTIAL = ("editorial", "set_credential")
# The credential form's user search (Django's autocomplete) needs view on users.
VIEW_USER = ("auth", "view_user")


def _codenames(models: dict[str, list[str]], actions: list[str]) -> list[tuple[str, str]]:
    return [
        (app, f"{action}_{model}")
        for app, names in models.items()
        for model in names
        for action in actions
        if action != "delete" or model in PART_MODELS
    ]


def role_permissions() -> dict[str, list[tuple[str, str]]]:
    """Each role's (app label, codename) permissions."""
    edit = _codenames(CONTENT_MODELS, ["view", "add", "change", "delete"])
    view = _codenames(CONTENT_MODELS, ["view"]) + _codenames(EDITORIAL_MODELS, ["view"])
    editorial_view = _codenames(EDITORIAL_MODELS, ["view"])
    return {
        WRITER: [*edit, *editorial_view, VIEW_DRAFT],
        PHYSICIAN: [*view, VIEW_DRAFT],
        NURSE: [*view, VIEW_DRAFT],
        MANAGING_EDITOR: [
            *edit,
            *editorial_view,
            VIEW_DRAFT,
            PUBLISH,
            TAKE_OVER,
        ],
        CREDENTIAL_ADMIN: [
            SET_CREDENTIAL,
            VIEW_USER,
            ("editorial", "view_reviewerprofile"),
            ("editorial", "add_reviewerprofile"),
            ("editorial", "change_reviewerprofile"),
            ("editorial", "view_auditentry"),
        ],
    }


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create each role's group and set its permissions to exactly `role_permissions()`."""
    groups = {}
    for name, codenames in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codenames
        ]
        group.permissions.set(permissions)
        groups[name] = group
    return groups
