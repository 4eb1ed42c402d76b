"""Compliance numbers: every publication's own reference, unique, increasing, never reused."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from editorial import integrity
from editorial.compliance import compliance_reference, reference_parts
from editorial.models import AppendOnlyError, ComplianceNumber, Publication
from tests.tampering import raw, tampered
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(writer, physician, nurse, managing_editor):
    return writer, physician, nurse, managing_editor


def publish_edit(people, record, **fields) -> list[Publication]:
    writer, physician, nurse, managing_editor = people
    change = edit(writer, record, **fields)
    return publish_through_review(change, writer, physician, nurse, managing_editor)


def number_of(publication: Publication) -> int:
    return ComplianceNumber.objects.get(publication=publication).number


def test_a_reference_reads_the_prefix_the_year_and_the_serial_in_six_digits():
    assert compliance_reference(2026, 123) == "IMP-2026-000123"
    assert compliance_reference(2027, 1234567) == "IMP-2027-1234567"


def test_a_reference_typed_in_lower_case_or_with_spaces_is_understood():
    assert reference_parts(" imp-2026-000123 ") == (2026, 123)
    assert reference_parts("IMP-2026-123") is None
    assert reference_parts("Version 2") is None


def test_the_imported_seed_has_a_compliance_number_of_its_year(seed_publication):
    number = seed_publication.compliance_number
    assert number.year == timezone.localdate(seed_publication.published_at).year
    assert re.fullmatch(rf"IMP-{number.year}-\d{{6}}", number.reference)


def test_each_publication_gets_a_higher_number_than_the_one_before(
    people, everolimus, seed_publication
):
    (first,) = publish_edit(people, everolimus, administration="A tablet taken once a day.")
    (second,) = publish_edit(people, everolimus, administration="A tablet, once a day.")
    numbers = [number_of(p) for p in (seed_publication, first, second)]
    assert numbers == sorted(set(numbers))


def test_a_republish_that_changed_nothing_gets_its_own_number_and_keeps_its_label(
    people, everolimus, seed_publication
):
    shown = everolimus.administration
    writer, physician, nurse, managing_editor = people
    change = edit(writer, everolimus, administration="Changed")
    edit(writer, everolimus, administration=shown)
    (republished,) = publish_through_review(change, writer, physician, nurse, managing_editor)
    assert republished.version.label == seed_publication.version.label
    assert number_of(republished) > number_of(seed_publication)


def test_a_publish_of_many_pages_numbers_them_in_the_order_of_their_ids(
    people, everolimus, two_pages
):
    publications = publish_edit(people, everolimus, administration="A tablet taken once a day.")
    assert len(publications) == 2
    numbers = [number_of(p) for p in sorted(publications, key=lambda p: p.pk)]
    assert numbers == sorted(set(numbers))


def test_a_compliance_number_is_never_changed(seed_publication):
    number = seed_publication.compliance_number
    number.year = 1999
    with pytest.raises(AppendOnlyError, match="never updated"):
        number.save()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE editorial_compliancenumber SET number = number + 1",
        "DELETE FROM editorial_compliancenumber",
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_a_compliance_number(seed_publication, sql):
    number = seed_publication.compliance_number.number
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert ComplianceNumber.objects.get(publication=seed_publication).number == number


def test_the_publication_admin_shows_the_number_on_the_publication_and_in_the_list(
    client, managing_editor, seed_publication
):
    reference = seed_publication.compliance_number.reference
    client.force_login(managing_editor)
    page = client.get(f"/admin/editorial/publication/{seed_publication.pk}/change/")
    assert reference in page.content.decode()
    assert "Version 1 · August 17, 2021" in page.content.decode()
    listing = client.get("/admin/editorial/publication/")
    assert reference in listing.content.decode()


def test_the_publication_admin_finds_a_publication_by_its_reference(
    client, managing_editor, people, everolimus, seed_publication
):
    publish_edit(people, everolimus, administration="A tablet taken once a day.")
    client.force_login(managing_editor)
    reference = seed_publication.compliance_number.reference
    response = client.get("/admin/editorial/publication/", {"q": reference.lower()})
    assert response.context["cl"].result_count == 1
    assert list(response.context["cl"].result_list) == [seed_publication]


def test_the_change_log_shows_each_publication_s_reference(client, seed_url, people, everolimus):
    (newer,) = publish_edit(people, everolimus, administration="A tablet taken once a day.")
    html = client.get(f"{seed_url}changes/").content.decode()
    references = re.findall(r'<p class="change-list__reference">Reference (.*?)</p>', html)
    seed = Publication.objects.get(origin=Publication.Origin.IMPORTED)
    assert references == [newer.compliance_number.reference, seed.compliance_number.reference]


def test_the_change_log_reads_the_numbers_in_the_query_that_reads_the_versions(
    client, seed_url, people, everolimus, django_assert_max_num_queries
):
    for text in ("A tablet taken once a day.", "A tablet, once a day.", "Once a day."):
        publish_edit(people, everolimus, administration=text)
    # The live page, then its publications with their versions and numbers joined; and
    # the site's identity, which a process reads once (each test starts afresh).
    with django_assert_max_num_queries(3):
        assert client.get(f"{seed_url}changes/").status_code == 200


def test_the_timeline_names_each_publication_by_its_reference(
    client, managing_editor, seed_page, seed_publication
):
    client.force_login(managing_editor)
    html = client.get(f"/admin/editorial/change/page/{seed_page.pk}/timeline/").content.decode()
    assert f"{seed_publication.compliance_number.reference}: Published (imported" in html


# --- verify_integrity ------------------------------------------------------------------------


def test_the_integrity_check_passes_when_every_publication_is_numbered_in_order(
    people, everolimus, two_pages
):
    publish_edit(people, everolimus, administration="A tablet taken once a day.")
    assert integrity.verify_compliance_numbers() == []


def test_the_integrity_check_names_a_publication_without_its_number(seed_publication):
    with tampered():
        raw(
            "DELETE FROM editorial_compliancenumber WHERE publication_id = %s",
            [seed_publication.pk],
        )
        (problem,) = integrity.verify_compliance_numbers()
    assert problem.record == f"publication {seed_publication.pk} ({seed_publication.slug})"
    assert problem.message == "it has no compliance number"


def test_the_integrity_check_names_a_number_out_of_publishing_order(
    people, everolimus, seed_publication
):
    (newer,) = publish_edit(people, everolimus, administration="A tablet taken once a day.")
    with tampered():
        raw(
            "UPDATE editorial_compliancenumber SET number = number + 1000 "
            "WHERE publication_id = %s",
            [seed_publication.pk],
        )
        (problem,) = integrity.verify_compliance_numbers()
    assert problem.record == f"publication {newer.pk} ({newer.slug})"
    assert "does not follow" in problem.message


def test_the_integrity_check_names_a_number_redated_to_another_year(seed_publication):
    with tampered():
        raw("UPDATE editorial_compliancenumber SET year = year - 1")
        (problem,) = integrity.verify_compliance_numbers()
    assert "names another year" in problem.message


class _SchemaEditor:
    """What the data migration uses of a schema editor, on the test's own connection."""

    connection = connection

    @staticmethod
    def execute(sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_numbers_older_publications_in_the_order_they_were_published(
    people, everolimus, two_pages
):
    migration = importlib.import_module("editorial.migrations.0019_compliance_numbers")
    publish_edit(people, everolimus, administration="A tablet taken once a day.")
    in_order = list(Publication.objects.order_by("published_at", "pk").values_list("pk", flat=True))
    with tampered():
        raw("DELETE FROM editorial_compliancenumber")
        migration.number_publications(apps, _SchemaEditor())
        numbered = list(
            ComplianceNumber.objects.order_by("number").values_list("publication_id", "number")
        )
        assert numbered == [(pk, n) for n, pk in enumerate(in_order, start=1)]
        # Publishing after it numbers on after the highest.
        later = publish_edit(people, everolimus, administration="A tablet, once a day.")
        assert min(number_of(p) for p in later) > len(in_order)
        assert integrity.verify_compliance_numbers() == []
