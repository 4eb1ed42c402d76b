"""Roles set themselves up: `migrate` creates every role's group and keeps its permissions.

A deployment that follows README's production steps must end with groups a superuser can
put people in; nothing else (no demo command, no test fixture) creates them. The same sync
runs on its own as `manage.py sync_roles`, which says what it changed.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from editorial import roles


def permissions_of(group: Group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def permission(label: str) -> Permission:
    app, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app, codename=codename)


def assert_roles_current() -> None:
    for name, permissions in roles.role_permissions().items():
        group = Group.objects.filter(name=name).first()
        assert group is not None, f"migrate did not create the group {name}"
        assert permissions_of(group) == set(permissions), name


def sync_roles(*args: str) -> list[str]:
    out = StringIO()
    call_command("sync_roles", *args, stdout=out)
    return out.getvalue().splitlines()


def test_a_migrated_database_has_every_role_group_with_exactly_its_permissions(db):
    assert_roles_current()
    assert set(roles.ROLES) == set(roles.role_permissions())


def test_migrate_puts_back_a_lost_group_and_permission_and_leaves_memberships_alone(
    db, django_user_model
):
    Group.objects.get(name=roles.WRITER).delete()
    editors = Group.objects.get(name=roles.MANAGING_EDITOR)
    editors.permissions.remove(permission("editorial.publish_change"))
    editors.permissions.add(permission("editorial.set_credential"))
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(editors)
    by_hand = Group.objects.create(name="Proofreaders")
    by_hand.permissions.add(permission("drugs.view_drug"))

    out = StringIO()
    call_command("migrate", "--no-input", stdout=out)

    assert_roles_current()
    writers = len(roles.role_permissions()[roles.WRITER])
    assert f"Roles: Created group Writers with {writers} permissions" in out.getvalue()
    assert "Roles: Managing editors: 1 permission added, 1 permission removed" in out.getvalue()
    assert list(editor.groups.all()) == [editors]
    assert permissions_of(by_hand) == {("drugs", "view_drug")}  # not a role: not touched


def test_migrate_lists_every_change_to_the_roles_at_verbosity_2(db):
    editors = Group.objects.get(name=roles.MANAGING_EDITOR)
    editors.permissions.remove(permission("editorial.publish_change"))
    editors.permissions.add(permission("editorial.set_credential"))
    out = StringIO()
    call_command("migrate", "--no-input", verbosity=2, stdout=out)
    assert "Roles: Added editorial.publish_change to Managing editors" in out.getvalue()
    assert "Roles: Removed editorial.set_credential from Managing editors" in out.getvalue()
    assert_roles_current()


def test_migrate_says_nothing_of_roles_that_are_current(db):
    out = StringIO()
    call_command("migrate", "--no-input", stdout=out)
    assert "Roles" not in out.getvalue()


def test_sync_roles_adds_back_a_removed_permission_and_says_so(db):
    physicians = Group.objects.get(name=roles.PHYSICIAN)
    physicians.permissions.remove(permission("drugs.view_drug"))

    assert sync_roles() == ["Added drugs.view_drug to Physician reviewers"]
    assert_roles_current()
    assert sync_roles() == ["Roles are up to date."]


def test_sync_roles_removes_a_permission_the_role_no_longer_has(db):
    nurses = Group.objects.get(name=roles.NURSE)
    nurses.permissions.add(permission("editorial.publish_change"))
    assert sync_roles() == ["Removed editorial.publish_change from Oncology nurse reviewers"]
    assert_roles_current()


def test_sync_roles_creates_a_missing_group_with_its_permissions(db):
    Group.objects.get(name=roles.CREDENTIAL_ADMIN).delete()
    lines = sync_roles()
    assert lines[0] == "Created group Credential administrators"
    assert sorted(lines[1:]) == sorted(
        f"Added {app}.{codename} to Credential administrators"
        for app, codename in roles.role_permissions()[roles.CREDENTIAL_ADMIN]
    )
    assert_roles_current()


def test_sync_roles_when_current_has_nothing_to_do(db):
    assert sync_roles() == ["Roles are up to date."]
    assert sync_roles("--check") == ["Roles are up to date."]


def test_sync_roles_check_changes_nothing_and_exits_non_zero_if_something_would_change(db):
    Group.objects.get(name=roles.WRITER).delete()
    physicians = Group.objects.get(name=roles.PHYSICIAN)
    physicians.permissions.remove(permission("drugs.view_drug"))
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("sync_roles", "--check", stdout=out)
    assert exited.value.code == 1
    lines = out.getvalue().splitlines()
    assert "Would create group Writers" in lines
    assert "Would add drugs.view_drug to Physician reviewers" in lines
    assert "Would add drugs.change_drug to Writers" in lines
    assert not Group.objects.filter(name=roles.WRITER).exists()
    assert ("drugs", "view_drug") not in permissions_of(physicians)


def test_roles_sync_returns_what_it_changed(db):
    Group.objects.get(name=roles.NURSE).permissions.clear()
    changes = roles.roles_sync()
    assert {change.action for change in changes} == {roles.RoleChange.ADDED}
    assert {change.group for change in changes} == {roles.NURSE}
    assert len(changes) == len(roles.role_permissions()[roles.NURSE])
    assert roles.roles_sync() == []


def test_demo_users_rely_on_the_groups_migrate_made(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    assert "Roles:" not in out.getvalue()  # nothing was left for it to sync
    assert_roles_current()
