"""Roles are Django groups; this module is the one place that says what each may do.

The workflow rules (who may submit, approve, publish) come with the review workflow;
here are the model permissions each role needs to work in the admin.

Duties are separated (invariant 8): credential administrators grant credentials and
cannot publish; managing editors publish and cannot grant credentials. The workflow
holds to this whatever groups one person is put in (`editorial.workflow`).

`migrate` creates the groups and keeps their permissions to exactly these, through
`sync_after_migrate` (a `post_migrate` handler); `manage.py sync_roles` does the same
on its own and says what it changed. Who is in which group is the administrators' to
set, in the admin: neither touches memberships.
"""

import sys
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, router, transaction

from . import registry

WRITER = "Writers"
PHYSICIAN = "Physician reviewers"
NURSE = "Oncology nurse reviewers"
MANAGING_EDITOR = "Managing editors"
CREDENTIAL_ADMIN = "Credential administrators"
TRANSLATOR = "Translators"
ROLES = [WRITER, PHYSICIAN, NURSE, MANAGING_EDITOR, CREDENTIAL_ADMIN, TRANSLATOR]


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
    # Translators read every record (the English beside their words) and write only
    # translations; they work their own changes (submit, comment, withdraw) and, with
    # no publish permission and no reviewer credential, never review or publish.
    translate = [("drugs", "add_translation"), ("drugs", "change_translation")]
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
            # The site's identity is a setting, not content: no change or review.
            ("editorial", "view_siteidentity"),
            ("editorial", "add_siteidentity"),
            ("editorial", "change_siteidentity"),
        ],
        CREDENTIAL_ADMIN: [
            SET_CREDENTIAL,
            VIEW_USER,
            ("editorial", "view_reviewerprofile"),
            ("editorial", "add_reviewerprofile"),
            ("editorial", "change_reviewerprofile"),
            ("editorial", "view_auditentry"),
        ],
        TRANSLATOR: [*view, *translate, VIEW_DRAFT],
    }


@dataclass(frozen=True)
class RoleChange:
    """One thing `roles_sync` changed (or, checking only, would change)."""

    CREATED = "created"
    ADDED = "added"
    REMOVED = "removed"

    action: str
    group: str
    permission: str = ""  # "app_label.codename"; empty for a created group

    def describe(self, *, done: bool = True) -> str:
        verb = {
            self.CREATED: ("Created", "Would create"),
            self.ADDED: ("Added", "Would add"),
            self.REMOVED: ("Removed", "Would remove"),
        }[self.action][0 if done else 1]
        if self.action == self.CREATED:
            return f"{verb} group {self.group}"
        preposition = "from" if self.action == self.REMOVED else "to"
        return f"{verb} {self.permission} {preposition} {self.group}"

    def __str__(self) -> str:
        return self.describe()


class MissingPermissions(LookupError):
    """A permission a role names does not exist: its app is not migrated."""


def roles_sync(
    *, apply: bool = True, using: str = DEFAULT_DB_ALIAS, apps=global_apps
) -> list[RoleChange]:
    """Bring each role's group to exactly `role_permissions()`, and say what changed.

    A missing group is created, a missing permission added and a permission the role no
    longer has removed. Who is in which group is never touched, nor any other group.
    With `apply=False` nothing is written: the answer is what would change. `apps` is the
    model registry to use (a migration state's, from `post_migrate`).
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = role_permissions()
    names = {(app, codename) for codenames in wanted.values() for app, codename in codenames}
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.using(using)
        .select_related("content_type")
        .filter(codename__in={codename for _, codename in names})
        if (permission.content_type.app_label, permission.codename) in names
    }
    missing = sorted(names - found.keys())
    if missing:
        raise MissingPermissions(
            "Permissions the roles need do not exist (run `manage.py migrate`): "
            + ", ".join(f"{app}.{codename}" for app, codename in missing)
        )

    changes: list[RoleChange] = []
    with transaction.atomic(using=using):
        for name, codenames in wanted.items():
            group = Group.objects.using(using).filter(name=name).first()
            if group is None:
                changes.append(RoleChange(RoleChange.CREATED, name))
                if apply:
                    group = Group.objects.using(using).create(name=name)
            held = (
                {
                    (permission.content_type.app_label, permission.codename): permission
                    for permission in group.permissions.select_related("content_type")
                }
                if group is not None and group.pk
                else {}
            )
            add = [key for key in dict.fromkeys(codenames) if key not in held]
            remove = sorted(key for key in held if key not in set(codenames))
            changes += [RoleChange(RoleChange.ADDED, name, f"{a}.{c}") for a, c in add]
            changes += [RoleChange(RoleChange.REMOVED, name, f"{a}.{c}") for a, c in remove]
            if apply and group is not None:
                group.permissions.add(*(found[key] for key in add))
                group.permissions.remove(*(held[key] for key in remove))
    return changes


def role_groups(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, Group]:
    """Each role's group by role name, as `migrate` (`roles_sync`) keeps them."""
    groups = {group.name: group for group in Group.objects.using(using).filter(name__in=ROLES)}
    missing = [name for name in ROLES if name not in groups]
    if missing:
        raise Group.DoesNotExist(
            f"No group {', '.join(missing)}: run `manage.py migrate` (or `sync_roles`)."
        )
    return groups


def sync_after_migrate(sender, *, using: str, verbosity: int = 1, apps=global_apps, **kwargs):
    """`post_migrate`: keep the roles current once every permission they name exists.

    Connected for editorial alone, so it runs once per migrate (and after each test
    flush). Django creates an app's permissions in its own `post_migrate` handler; the
    roles name permissions of several apps, so those are created here first (it is
    idempotent), whatever order the apps' handlers run in.
    """
    try:
        Group = apps.get_model("auth", "Group")
    except LookupError:
        return  # auth is not migrated (or migrated back to zero): no groups to keep
    if not router.allow_migrate_model(using, Group):
        return
    for label in sorted({app for codenames in role_permissions().values() for app, _ in codenames}):
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using, apps=apps)
    stdout = kwargs.get("stdout") or sys.stdout
    try:
        changes = roles_sync(using=using, apps=apps)
    except MissingPermissions as missing:
        # An app migrated back to zero: say so, rather than fail the migrate that did it.
        stdout.write(f"  Roles not synced: {missing}\n")
        return
    if verbosity >= 2:
        for change in changes:
            stdout.write(f"  Roles: {change}\n")
    elif verbosity == 1:
        for line in summary(changes):
            stdout.write(f"  Roles: {line}\n")


def summary(changes: list[RoleChange]) -> list[str]:
    """One line per group that changed, e.g. "Managing editors: 1 permission added"."""
    lines = []
    for name in ROLES:
        mine = [change for change in changes if change.group == name]
        counts = {
            action: sum(change.action == action for change in mine)
            for action in (RoleChange.ADDED, RoleChange.REMOVED)
        }
        if any(change.action == RoleChange.CREATED for change in mine):
            lines.append(f"Created group {name} with {_permissions(counts[RoleChange.ADDED])}")
        elif mine:
            said = [f"{_permissions(n)} {action}" for action, n in counts.items() if n]
            lines.append(f"{name}: {', '.join(said)}")
    return lines


def _permissions(count: int) -> str:
    return f"{count} permission" + ("" if count == 1 else "s")
