"""Production settings are safe by default; local ones only relax what plain http needs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from editorial import roles
from editorial.models import AuditEntry, ReviewerProfile, ReviewPolicy

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unwanted = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k3Jx9v!Qm2#Lp8Zr5Wt1Yb7Nc4Hd6Fg0Sa-Ue3Io9Pl2Kj5Mn8Bv1Cx4Zq7Wr0Ty",
        ALLOWED_HOSTS="drugs.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr


def test_demo_users_are_refused_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="known passwords"):
        call_command("create_demo_users")


def test_demo_users_exist_for_every_role_and_can_log_in(db, settings, client, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    output = capsys.readouterr().out
    for role in role_names():
        assert role in output
    # Through the login form: axes checks every login against the request it came in.
    for username in ("physician", "credentials", "translator"):
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": f"demo-{username}-pass"},
        )
        assert response.status_code == 302 and response["Location"] == "/admin/"
        client.logout()
    assert "credentials" in output and "demo-credentials-pass" in output


def test_demo_credentials_are_granted_by_the_credential_administrator_and_audited(db, settings):
    settings.DEBUG = True
    call_command("create_demo_users")
    call_command("create_demo_users")  # a second run changes nothing
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.CREDENTIAL)
    assert sorted(entry.comment for entry in entries) == [
        "Nina Nurse (nurse): none → OCN; printed name “Nina Nurse”; reviews in English, Español",
        "Paula Physician (physician): none → MD; printed name “Paula Physician”; "
        "reviews in English, Español",
    ]
    assert {entry.actor.username for entry in entries} == {"credentials"}


def test_demo_reviewers_review_in_english_and_spanish_so_both_policies_can_be_met(db, settings):
    settings.DEBUG = True
    call_command("create_demo_users")
    for username in ("physician", "nurse"):
        profile = ReviewerProfile.objects.get(user__username=username)
        assert profile.review_languages == ["en", "es"]
    spanish = ReviewPolicy.active("es")
    assert spanish.reviewers_in_language
    kinds = {ReviewerProfile.objects.get(user__username=u).kind for u in ("physician", "nurse")}
    assert {r.kind for r in spanish.requirements.all()} <= kinds


def role_names() -> list[str]:
    return [
        roles.WRITER,
        roles.PHYSICIAN,
        roles.NURSE,
        roles.MANAGING_EDITOR,
        roles.CREDENTIAL_ADMIN,
        roles.TRANSLATOR,
    ]


def test_no_demo_users_exist_unless_asked_for(seed_publication, django_user_model):
    assert not django_user_model.objects.filter(username__in=["writer", "editor"]).exists()


def database_options(**env: str) -> str:
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))",
        SECRET_KEY="k3Jx9v!Qm2#Lp8Zr5Wt1Yb7Nc4Hd6Fg0Sa-Ue3Io9Pl2Kj5Mn8Bv1Cx4Zq7Wr0Ty",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgresql_statements_are_bound_server_side_and_prepared():
    options = database_options(DATABASE_URL="postgres://reader@db.example.org:5432/imprimatur")
    assert "'server_side_binding': True" in options and "'prepare_threshold': 5" in options


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them():
    options = database_options(
        DATABASE_URL="postgres://reader@db.example.org:5432/imprimatur",
        DB_PREPARED_STATEMENTS="false",
    )
    assert "server_side_binding" not in options and "prepare_threshold" not in options
