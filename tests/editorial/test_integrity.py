"""Append-only at the database, a hash-chained audit trail, and `verify_integrity`."""

import itertools
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction

from editorial import append_only, integrity, workflow
from editorial.models import (
    AppendOnlyError,
    AuditEntry,
    CurrentPublication,
    Publication,
    PublicationRecord,
    PublicationSearch,
    Review,
    Revision,
    RevisionPage,
)
from tests.tampering import raw, tampered, verify
from tests.workflow import edit, publish_through_review

PROTECTED = [
    "editorial_publication",
    "editorial_revision",
    "editorial_revisionpage",
    "editorial_review",
    "editorial_auditentry",
    "editorial_publicationrecord",
    "editorial_publicationdrug",
]
MODELS = [Publication, Revision, RevisionPage, Review, AuditEntry, PublicationRecord]


@pytest.fixture
def reviewed(writer, physician, nurse, managing_editor, everolimus) -> Publication:
    """The seed page published again after an edit and both reviews: every table has rows."""
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken daily.")
    [publication] = publish_through_review(change, writer, physician, nurse, managing_editor)
    return publication


def _refused(sql: str) -> None:
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


# --- The database refuses -----------------------------------------------------------------


@pytest.mark.parametrize("table", PROTECTED)
def test_the_database_refuses_an_update_of_an_append_only_row(reviewed, table):
    _refused(f"UPDATE {table} SET id = id WHERE id = (SELECT MIN(id) FROM {table})")  # noqa: S608


@pytest.mark.parametrize("table", PROTECTED)
def test_the_database_refuses_a_delete_of_an_append_only_row(reviewed, table):
    _refused(f"DELETE FROM {table} WHERE id = (SELECT MIN(id) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0] > 0


@pytest.mark.parametrize("table", PROTECTED)
def test_postgresql_refuses_to_truncate_an_append_only_table(reviewed, table):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with connection.cursor() as cursor:
        # Otherwise PostgreSQL refuses first, for the fixture's deferred foreign-key checks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _refused(f"TRUNCATE {table} CASCADE")


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_bulk_update_of_append_only_records_is_refused(reviewed, model):
    with pytest.raises(AppendOnlyError):
        model.objects.all().update(id=0)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_bulk_delete_of_append_only_records_is_refused(reviewed, model):
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk__gt=0).delete()
    assert model.objects.exists()


def test_audit_entries_are_never_bulk_created(seed_publication, managing_editor):
    entry = AuditEntry(action=AuditEntry.Action.CREDENTIAL, actor=managing_editor)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([entry])


# --- The chain ----------------------------------------------------------------------------


def test_each_audit_entry_holds_the_hash_of_the_one_before_it(reviewed):
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == ""
    assert all(e.prev_hash == before.hash for before, e in itertools.pairwise(entries))


def test_a_page_entry_holds_the_hash_of_that_pages_entry_before_it(two_pages):
    kidney_page = two_pages[1]
    entries = list(AuditEntry.objects.filter(page=kidney_page).order_by("seq"))
    assert entries[0].page_prev_hash == ""
    assert all(e.page_prev_hash == before.hash for before, e in itertools.pairwise(entries))


def test_a_publication_stores_the_chain_head_when_it_was_published(seed_publication, reviewed):
    before_publish = AuditEntry.objects.filter(publication=reviewed).get().seq - 1
    head = AuditEntry.objects.get(seq=before_publish)
    assert (reviewed.audit_head_seq, reviewed.audit_head_hash) == (head.seq, head.hash)


def test_one_pages_chain_verifies_without_the_rest_of_the_trail(two_pages):
    seed_page = two_pages[0]
    with tampered() as sql:
        sql(
            "DELETE FROM editorial_auditentry WHERE page_id IS NULL OR page_id <> %s",
            [seed_page.pk],
        )
        assert integrity.verify_page_chain(seed_page) == []


def test_a_pages_chain_names_an_altered_entry_of_that_page(two_pages):
    seed_page, kidney_page = two_pages
    entry = AuditEntry.objects.filter(page=kidney_page).latest("seq")
    with tampered() as sql:
        sql("UPDATE editorial_auditentry SET comment = 'rewritten' WHERE id = %s", [entry.pk])
        assert integrity.verify_page_chain(seed_page) == []
        assert [p.record for p in integrity.verify_page_chain(kidney_page)] == [
            f"audit entry {entry.pk} (#{entry.seq}, publish)"
        ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_review_policy")
def test_concurrent_appends_keep_the_chain_linear(seed_publication, managing_editor):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions: runs on PostgreSQL")
    barrier = threading.Barrier(2)
    failures = []

    def append(n: int) -> None:
        try:
            with transaction.atomic():
                barrier.wait()
                for i in range(5):
                    AuditEntry.objects.create(
                        action=AuditEntry.Action.CREDENTIAL,
                        actor=managing_editor,
                        comment=f"{n}.{i}",
                    )
        except Exception as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert AuditEntry.objects.count() == 11
    assert integrity.verify_audit_chain() == []


# --- verify_integrity ---------------------------------------------------------------------


def test_verify_integrity_passes_on_an_untouched_record(reviewed):
    passed, output = verify()
    assert passed, output
    assert "intact" in output


def test_verify_integrity_names_a_publication_whose_html_was_rewritten(reviewed):
    original = reviewed.html
    raw(
        "UPDATE editorial_publication SET html = %s WHERE id = %s",
        ["<p>Rewritten</p>", reviewed.pk],
    )
    passed, output = verify()
    assert not passed
    assert f"publication {reviewed.pk} ({reviewed.slug}): what the public reads" in output
    raw("UPDATE editorial_publication SET html = %s WHERE id = %s", [original, reviewed.pk])
    assert verify()[0]


def test_verify_integrity_names_a_publication_whose_last_revised_was_rewritten(reviewed):
    original = reviewed.last_revised
    raw(
        "UPDATE editorial_publication SET last_revised = %s WHERE id = %s",
        ["2030-01-01", reviewed.pk],
    )
    passed, output = verify()
    assert not passed
    assert f"publication {reviewed.pk} ({reviewed.slug}): what the public reads" in output
    raw("UPDATE editorial_publication SET last_revised = %s WHERE id = %s", [original, reviewed.pk])
    assert verify()[0]


def test_a_publish_of_many_pages_chains_its_entries_as_one_save_each_would(
    writer, physician, nurse, managing_editor, everolimus, two_pages
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken daily.")
    publications = publish_through_review(change, writer, physician, nurse, managing_editor)
    assert len(publications) == 2
    entries = list(AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISH, change=change))
    assert sorted(entry.publication_id for entry in entries) == sorted(p.pk for p in publications)
    assert integrity.verify_audit_chain() == []
    for page in two_pages:
        assert integrity.verify_page_chain(page) == []
    assert integrity.verify_all() == []


def test_the_lookup_tables_are_append_only_like_their_publications():
    for table in ("editorial_publicationrecord", "editorial_publicationdrug"):
        assert table in append_only.PROTECTED_TABLES
    assert "editorial_publicationsearch" in append_only.PROTECTED_TABLES


def test_every_publication_is_found_by_the_records_and_drugs_it_shows(reviewed):
    rows = set(reviewed.record_rows.values_list("model", "object_id", "history_id"))
    assert rows == {(r["model"], r["pk"], r["history_id"]) for r in reviewed.manifest}
    assert set(reviewed.drug_rows.values_list("slug", flat=True)) == {
        "sunitinib",
        "everolimus",
        "belzutifan",
    }
    if connection.vendor == "postgresql":
        assert PublicationSearch.objects.filter(publication=reviewed).exists()


def test_verify_integrity_names_a_publication_whose_record_rows_were_rewritten(reviewed):
    row = reviewed.record_rows.order_by("pk").first()
    with tampered() as sql:
        sql(
            "UPDATE editorial_publicationrecord SET history_id = history_id + 1000 WHERE id = %s",
            [row.pk],
        )
        passed, output = verify()
        assert not passed
        assert (
            f"publication {reviewed.pk} ({reviewed.slug}): its index of the records it shows"
            in output
        )
    assert verify()[0]


def test_verify_integrity_names_a_publication_whose_drug_row_was_deleted(reviewed):
    with tampered() as sql:
        sql("DELETE FROM editorial_publicationdrug WHERE publication_id = %s", [reviewed.pk])
        passed, output = verify()
        assert not passed
        assert f"publication {reviewed.pk} ({reviewed.slug}): its index of the drugs" in output
    assert verify()[0]


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the search vectors are PostgreSQL's; SQLite matches the search rows' words",
)
def test_verify_integrity_names_a_publication_whose_search_vector_was_rewritten(reviewed):
    with tampered() as sql:
        sql(
            "UPDATE editorial_publicationsearch SET vector = to_tsvector('english', 'warfarin') "
            "WHERE publication_id = %s",
            [reviewed.pk],
        )
        passed, output = verify()
        assert not passed
        assert f"publication {reviewed.pk} ({reviewed.slug}): its search vector" in output
    assert verify()[0]


def test_verify_integrity_names_the_entry_after_a_deleted_one(reviewed):
    approval = AuditEntry.objects.filter(action=AuditEntry.Action.APPROVE).earliest("seq")
    after = AuditEntry.objects.get(seq=approval.seq + 1)
    with tampered() as sql:
        sql("DELETE FROM editorial_auditentry WHERE id = %s", [approval.pk])
        passed, output = verify()
        assert not passed
        assert f"audit entry {after.pk} (#{after.seq}, approve): entries #{approval.seq}" in output
    assert verify()[0]


def test_verify_integrity_names_an_altered_audit_entry(reviewed):
    approval = AuditEntry.objects.filter(action=AuditEntry.Action.APPROVE).earliest("seq")
    with tampered() as sql:
        sql(
            "UPDATE editorial_auditentry SET actor_id = %s WHERE id = %s",
            [reviewed.published_by_id, approval.pk],
        )
        passed, output = verify()
        assert not passed
        assert f"audit entry {approval.pk} (#{approval.seq}, approve): its content" in output
    assert verify()[0]


def test_verify_integrity_names_reordered_audit_entries(reviewed):
    first, second = AuditEntry.objects.filter(action=AuditEntry.Action.APPROVE).order_by("seq")
    with tampered() as sql:
        sql("UPDATE editorial_auditentry SET seq = 1000000 WHERE id = %s", [first.pk])
        sql("UPDATE editorial_auditentry SET seq = %s WHERE id = %s", [first.seq, second.pk])
        sql("UPDATE editorial_auditentry SET seq = %s WHERE id = %s", [second.seq, first.pk])
        passed, output = verify()
        assert not passed
        assert f"audit entry {second.pk} (#{first.seq}, approve): it does not follow" in output
    assert verify()[0]


def test_verify_integrity_names_a_publication_whose_chain_head_was_deleted(reviewed):
    head_seq = reviewed.audit_head_seq
    with tampered() as sql:
        sql("DELETE FROM editorial_auditentry WHERE seq >= %s", [head_seq])
        sql(
            "UPDATE editorial_auditchainhead SET seq = %s, hash = (SELECT hash FROM editorial_auditentry WHERE seq = %s)",
            [head_seq - 1, head_seq - 1],
        )
        passed, output = verify()
        assert not passed
        assert (
            f"publication {reviewed.pk} ({reviewed.slug}): the audit trail's head when it was "
            f"published (entry #{head_seq}) is gone"
        ) in output
    assert verify()[0]


def test_verify_integrity_names_removed_newest_entries_by_the_head_on_record(reviewed):
    newest = AuditEntry.objects.latest("seq")
    with tampered() as sql:
        sql("DELETE FROM editorial_auditentry WHERE id = %s", [newest.pk])
        passed, output = verify()
        assert not passed
        assert f"audit chain head: the newest entry is #{newest.seq - 1}" in output
    assert verify()[0]


def test_verify_integrity_names_a_page_whose_live_pointer_disagrees_with_its_audit_trail(
    seed_publication, reviewed
):
    with tampered() as sql:
        sql(
            "UPDATE editorial_currentpublication SET publication_id = %s WHERE page_id = %s",
            [seed_publication.pk, reviewed.page_id],
        )
        passed, output = verify()
        assert not passed
        assert (
            f"page {reviewed.page_id}: the public reads publication {seed_publication.pk}" in output
        )
    assert verify()[0]


def test_verify_integrity_catches_a_deleted_unpublish_entry(seed_page, managing_editor):
    workflow.page_unpublish(page=seed_page, editor=managing_editor, comment="Withdrawn")
    unpublish = AuditEntry.objects.get(action=AuditEntry.Action.UNPUBLISH)
    assert CurrentPublication.objects.get(page=seed_page).publication is None
    with tampered() as sql:
        sql("DELETE FROM editorial_auditentry WHERE id = %s", [unpublish.pk])
        sql(
            "UPDATE editorial_auditchainhead SET seq = seq - 1, hash = (SELECT hash FROM editorial_auditentry WHERE seq = %s)",
            [unpublish.seq - 1],
        )
        passed, output = verify()
        assert not passed
        assert f"page {seed_page.pk}: the public reads nothing" in output
    assert verify()[0]


def test_verify_integrity_names_a_missing_trigger(seed_publication):
    [drop, *_] = append_only.drop_statements(connection.vendor, ["editorial_publication"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(drop)
        passed, output = verify()
        assert not passed
        assert "table editorial_publication: trigger editorial_publication_no_update" in output
        transaction.set_rollback(True)
    assert verify()[0]


# --- The scripted pass CI verifies --------------------------------------------------------


def test_the_demo_review_pass_refuses_with_debug_off(seed_publication):
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("demo_review_pass")


def test_the_demo_review_pass_publishes_an_edit_through_both_reviews(seed_publication, settings):
    call_command("create_demo_users", "--allow-production", stdout=StringIO())
    settings.DEBUG = True
    call_command("demo_review_pass", stdout=StringIO())
    publication = Publication.objects.latest("pk")
    assert publication.origin == Publication.Origin.REVIEWED
    assert publication.revision.reviews.count() == 2
    assert verify()[0]
