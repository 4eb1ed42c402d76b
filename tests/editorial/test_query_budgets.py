"""What submitting and publishing cost does not grow with the site.

A change that alters many pages costs the same number of queries as one that alters a
few: snapshots read each kind of record once for all pages, and publish writes with one
insert per table. A one-page change costs the same on a site of many live pages as on
one of few: the pages a record alters are found by an indexed lookup, not a scan.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drugs.models import Drug, DrugSection, Page
from editorial import workflow
from tests.wide import open_every_page
from tests.workflow import approve, edit, submit

pytestmark = pytest.mark.django_db

MANIFEST_COLUMN = '"editorial_publication"."manifest"'


@pytest.fixture
def add_pages(seed_page, writer, physician, nurse, managing_editor):
    """Publish pages showing the seed's three drugs, through review, in one change."""
    made = []

    def add(count: int) -> None:
        change = None
        for _ in range(count):
            number = len(made) + 1
            page = Page(
                title=f"Page {number}",
                slug=f"page-{number}",
                cancer_type_id=seed_page.cancer_type_id,
                intro=f"Page {number} shows the seed's drugs.",
            )
            change = edit(writer, page, change=change)
            for position, drug in enumerate(Drug.objects.order_by("pk"), start=1):
                edit(writer, DrugSection(page=page, drug=drug, position=position), change=change)
            made.append(page)
        revision = submit(change, writer, summary="New pages")
        open_every_page(revision, physician, nurse)  # new pages read like no other
        approve(revision, physician, nurse)
        workflow.revision_publish(revision=revision, editor=managing_editor)

    return add


def _costs(change, writer, physician, nurse, managing_editor) -> dict[str, int]:
    """The queries of submitting and publishing `change`, once approved."""
    with CaptureQueriesContext(connection) as submitting:
        revision = submit(change, writer)
    approve(revision, physician, nurse)
    with CaptureQueriesContext(connection) as publishing:
        publications = workflow.revision_publish(revision=revision, editor=managing_editor)
    return {"submit": len(submitting), "publish": len(publishing), "pages": len(publications)}


def test_a_shared_drug_change_costs_the_same_queries_on_3_pages_as_on_12(
    add_pages, writer, physician, nurse, managing_editor, django_assert_max_num_queries
):
    add_pages(2)
    everolimus = Drug.objects.get(slug="everolimus")
    change = edit(writer, everolimus, administration="Taken once a day (3 pages).")
    few = _costs(change, writer, physician, nurse, managing_editor)
    assert few["pages"] == 3

    add_pages(9)
    change = edit(writer, everolimus, administration="Taken once a day (12 pages).")
    with django_assert_max_num_queries(few["submit"]):
        revision = submit(change, writer)
    assert revision.pages.count() == 12
    approve(revision, physician, nurse)
    with django_assert_max_num_queries(few["publish"]):
        workflow.revision_publish(revision=revision, editor=managing_editor)


def test_a_one_page_change_costs_the_same_queries_on_2_live_pages_as_on_10(
    add_pages, seed_page, writer, physician, nurse, managing_editor, django_assert_max_num_queries
):
    add_pages(1)
    change = edit(writer, seed_page, intro="Measured on a site of 2 live pages.")
    few = _costs(change, writer, physician, nurse, managing_editor)
    assert few["pages"] == 1

    add_pages(8)
    seed_page.refresh_from_db()
    change = edit(writer, seed_page, intro="Measured on a site of 10 live pages.")
    with django_assert_max_num_queries(few["submit"]) as submitting:
        revision = submit(change, writer)
    assert revision.pages.count() == 1
    # Nor does it read the other live pages' publications to find that out.
    assert not [q for q in submitting.captured_queries if MANIFEST_COLUMN in q["sql"]]
    approve(revision, physician, nurse)
    with django_assert_max_num_queries(few["publish"]):
        workflow.revision_publish(revision=revision, editor=managing_editor)


def test_the_pages_a_record_alters_are_found_without_reading_publications(
    add_pages, django_assert_num_queries
):
    add_pages(4)
    everolimus = Drug.objects.get(slug="everolimus")
    with django_assert_num_queries(1) as finding:
        pages = workflow.editing._live_pages_showing({("drugs.drug", everolimus.pk)})
    assert len(pages) == 5
    assert MANIFEST_COLUMN not in finding.captured_queries[0]["sql"]
