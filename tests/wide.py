"""Many published pages that show one drug: what a wide change of a shared drug alters."""

from drugs.models import CancerType, Drug, DrugSection, Page
from editorial import workflow
from editorial.models import PageDiffOpened
from tests.workflow import approve, edit, submit


def open_every_page(revision, *reviewers) -> None:
    """As if each reviewer had opened every page's diff (a new page reads like no other)."""
    PageDiffOpened.objects.bulk_create(
        PageDiffOpened(revision_page=snapshot, reviewer=reviewer)
        for snapshot in revision.pages.all()
        for reviewer in reviewers
    )


def publish_pages_showing(
    drug: Drug, count: int, *, writer, physician, nurse, managing_editor, prefix: str = "wide"
) -> list[Page]:
    """`count` new pages, each showing `drug`, published in one change through review."""
    cancer = CancerType(name=f"{prefix.capitalize()} cancer", slug=f"{prefix}-cancer")
    change = edit(writer, cancer)
    pages = []
    for number in range(count):
        page = Page(
            title=f"Targeted Therapy for {prefix.capitalize()} Cancer {number:04d}",
            slug=f"{prefix}-page-{number:04d}",
            cancer_type=cancer,
            intro=f"Test content: page {number} of {count} that shows {drug.generic_name}.",
        )
        edit(writer, page, change=change)
        edit(writer, DrugSection(page=page, drug=drug, position=1), change=change)
        pages.append(page)
    revision = submit(change, writer, summary="New pages")
    open_every_page(revision, physician, nurse)
    approve(revision, physician, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    return pages
