"""The seed import: the one way content is published without review here."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from config.history import save_with_history
from drugs.models import CancerType, Drug, Page
from editorial.importing import IMPORT_USERNAME, seed_import
from editorial.models import AuditEntry, Change, ChangeRecord, Publication
from editorial.workflow import InvalidTransition, change_import_publish
from tests.workflow import edit

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("drugs", "references", "editorial", "auth")
        for model in apps.get_app_config(app).get_models()
    }


def test_seed_is_published_as_imported_with_its_last_revised_date(seed_publication):
    assert seed_publication.origin == Publication.Origin.IMPORTED
    assert seed_publication.get_origin_display() == "Imported: approved before this system"
    assert seed_publication.last_revised == datetime.date(2021, 8, 17)
    assert seed_publication.published_by.username == IMPORT_USERNAME


def test_import_is_recorded_in_the_audit_trail(seed_publication):
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.IMPORT
    assert entry.publication == seed_publication
    assert entry.page == seed_publication.page
    assert "approved before this system" in entry.comment


def test_every_imported_record_has_history_naming_the_import(seed_publication):
    for row in seed_publication.manifest:
        model = apps.get_model(row["model"])
        record = model.history.get(history_id=row["history_id"])
        assert record.history_user.username == IMPORT_USERNAME
        assert "approved before this system" in record.history_change_reason


def test_import_user_cannot_log_in(seed_publication):
    user = seed_publication.published_by
    assert not user.is_active and not user.has_usable_password()


def test_running_the_import_twice_creates_nothing_new(seed_publication):
    before = row_counts()
    history_before = Drug.history.count()
    assert seed_import() is None
    assert row_counts() == before
    assert Drug.history.count() == history_before


def test_import_command_reports_the_published_page_then_nothing_to_do(db, capsys):
    call_command("import_seed")
    assert "Last Revised August 17, 2021" in capsys.readouterr().out
    call_command("import_seed")
    assert "already published; nothing to do" in capsys.readouterr().out
    assert Publication.objects.count() == 1


def test_import_refuses_to_publish_records_someone_already_edited(db, writer):
    save_with_history(
        Drug(generic_name="Everolimus", slug="everolimus", mechanism="An unreviewed draft."),
        user=writer,
        reason="Draft",
    )
    before = row_counts()
    with pytest.raises(InvalidTransition, match="drug “Everolimus”"):
        seed_import()
    assert row_counts() == before
    with pytest.raises(CommandError, match="cannot be imported over existing records"):
        call_command("import_seed")


def test_an_import_refuses_a_page_that_was_ever_published(seed_page, managing_editor):
    change = Change.objects.create(title="Again", kind=Change.Kind.IMPORT, author=managing_editor)
    ChangeRecord.objects.create(
        change=change, model="drugs.page", object_id=seed_page.pk, claimed_by=managing_editor
    )
    with pytest.raises(InvalidTransition, match="already published"):
        change_import_publish(
            change=change,
            editor=managing_editor,
            last_revised=datetime.date(2026, 1, 1),
            comment="Again",
        )
    assert Publication.objects.count() == 1


def test_only_an_import_change_is_published_without_review(seed_page, writer, managing_editor):
    change = edit(writer, seed_page, title="Unreviewed title")
    with pytest.raises(InvalidTransition, match="Only a new import"):
        change_import_publish(
            change=change,
            editor=managing_editor,
            last_revised=datetime.date(2026, 1, 1),
            comment="",
        )
    assert Publication.objects.count() == 1


def test_import_writes_nothing_when_it_fails_half_way(db, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("editorial.importing.change_import_publish", fail)
    with pytest.raises(RuntimeError):
        seed_import()
    assert not Page.objects.exists() and not CancerType.objects.exists()
