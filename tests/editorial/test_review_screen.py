"""The reviewer's screens: what changed, what it will look like, and the conversation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import Comment
from tests.hostile import FIELDS, escaped, hostile_change
from tests.workflow import approve, edit, submit

pytestmark = pytest.mark.django_db

NEW_ADMINISTRATION = "Everolimus is a tablet taken once a day."


@pytest.fixture
def revision(writer, everolimus):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    return submit(change, writer, note="From the 2026 label.", summary="Everolimus is a tablet.")


def screen(client, user, change) -> str:
    client.force_login(user)
    response = client.get(reverse("admin:editorial_change_change", args=[change.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_review_screen_marks_what_the_change_removes_and_adds(client, physician, revision):
    html = screen(client, physician, revision.change)
    assert "<del>pill</del>" in html and "<ins>tablet</ins>" in html
    assert "Removed or changed" in html and "Added or changed" in html
    assert "In “Everolimus (Afinitor)”" in html


def test_the_review_screen_shows_field_changes_note_and_summary(client, physician, revision):
    html = screen(client, physician, revision.change)
    assert "How it is taken" in html and NEW_ADMINISTRATION in html
    assert "From the 2026 label." in html and "Everolimus is a tablet." in html


def test_the_review_screen_shows_the_policys_progress(client, physician, nurse, revision):
    approve(revision, physician)
    html = screen(client, nurse, revision.change)
    assert "physician: approved by Paula Physician (MD); oncology certified nurse: waiting" in html


def test_a_shared_drug_change_shows_every_page_it_alters(
    client, physician, writer, everolimus, two_pages
):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    submit(change, writer)
    html = screen(client, physician, change)
    assert html.count("<del>pill</del>") == 1  # the shared passage, once
    for page in two_pages:
        assert f'<th scope="row">{page.title}' in html


def test_a_draft_shows_its_author_the_comparison_before_submitting(client, writer, everolimus):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    html = screen(client, writer, change)
    assert "<ins>tablet</ins>" in html and "Submit for review" in html


def test_comments_take_replies_and_can_be_resolved(client, writer, nurse, revision):
    change = revision.change
    client.force_login(nurse)
    client.post(
        reverse("admin:editorial_change_comment", args=[change.pk]), {"body": "Tablet or pill?"}
    )
    question = Comment.objects.get()
    assert question.revision == revision
    client.force_login(writer)
    client.post(
        reverse("admin:editorial_change_comment", args=[change.pk]),
        {"body": "The label says tablet.", "parent": question.pk},
    )
    client.post(reverse("admin:editorial_change_resolve", args=[question.pk]))
    question.refresh_from_db()
    assert question.replies.get().body == "The label says tablet."
    assert question.resolved_by == writer
    html = screen(client, nurse, change)
    assert "Tablet or pill?" in html and "resolved by Wren Writer" in html


def test_a_reviewer_claims_a_change_so_others_see_it_is_being_reviewed(
    client, physician, second_physician, revision
):
    client.force_login(physician)
    client.post(reverse("admin:editorial_change_claim", args=[revision.change.pk]))
    client.force_login(second_physician)
    dashboard = client.get(reverse("admin:index")).content.decode()
    assert "Being reviewed by Paula Physician" in dashboard


def test_a_revision_preview_is_marked_and_never_cached(client, writer, revision):
    client.force_login(writer)
    snapshot = revision.pages.get()
    response = client.get(reverse("admin:editorial_change_preview", args=[snapshot.pk]))
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "<strong>Preview</strong>" in html and NEW_ADMINISTRATION in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_a_draft_preview_renders_the_page_as_readers_would_see_it(
    client, writer, everolimus, seed_page
):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    client.force_login(writer)
    response = client.get(
        reverse("admin:editorial_change_draft_preview", args=[change.pk, seed_page.pk])
    )
    assert "no-store" in response["Cache-Control"]
    assert "draft, not yet submitted" in response.content.decode()
    assert NEW_ADMINISTRATION in response.content.decode()


def test_previews_are_for_logged_in_staff_only(client, revision):
    snapshot = revision.pages.get()
    response = client.get(reverse("admin:editorial_change_preview", args=[snapshot.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_timeline_compares_two_versions_and_shows_a_past_day(
    client, writer, physician, nurse, managing_editor, everolimus, seed_page, seed_publication
):
    change = edit(writer, everolimus, administration=NEW_ADMINISTRATION)
    revision = submit(change, writer)
    approve(revision, physician, nurse)
    (newer,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    client.force_login(writer)
    timeline = client.get(
        reverse("admin:editorial_change_timeline", args=[seed_page.pk])
    ).content.decode()
    assert (
        "Revision 1 of change" in timeline and "Approved by" in timeline and "Published" in timeline
    )
    compare = client.get(
        reverse("admin:editorial_change_compare", args=[seed_page.pk]),
        {"a": f"pub:{seed_publication.pk}", "b": f"pub:{newer.pk}"},
    ).content.decode()
    assert "<del>pill</del>" in compare and "<ins>tablet</ins>" in compare
    today = timezone.localdate()
    past = client.get(
        reverse("admin:editorial_change_timeline", args=[seed_page.pk]),
        {"date": (today - datetime.timedelta(days=3650)).isoformat()},
    ).content.decode()
    assert "Nothing of this page was public" in past
    now = client.get(
        reverse("admin:editorial_change_timeline", args=[seed_page.pk]), {"date": today.isoformat()}
    ).content.decode()
    assert NEW_ADMINISTRATION in now


def shows(html: str, title: str, count: int) -> bool:
    return f'{title} <span class="dashboard-count">({count})</span>' in html


def test_dashboards_show_each_person_what_needs_them(
    client, writer, physician, managing_editor, revision, nurse
):
    client.force_login(physician)
    assert f"Change {revision.change.pk}" in client.get(reverse("admin:index")).content.decode()
    client.force_login(writer)
    mine = client.get(reverse("admin:index")).content.decode()
    assert shows(mine, "My changes in review", 1) and "Awaiting my review" not in mine
    assert shows(mine, "Records I hold in open changes", 1)
    approve(revision, physician, nurse)
    client.force_login(managing_editor)
    ready = client.get(reverse("admin:index")).content.decode()
    assert shows(ready, "Approved and ready to publish", 1)
    assert shows(ready, "Pages overdue for medical review", 1)


def test_nothing_a_writer_typed_runs_in_a_reviewers_screens(client, writer, physician, seed_page):
    change = hostile_change(writer)
    revision = submit(
        change, writer, summary="<script>summary()</script>", note="<script>note()</script>"
    )
    client.force_login(writer)
    client.post(
        reverse("admin:editorial_change_comment", args=[change.pk]),
        {"body": "<script>comment()</script>"},
    )
    client.force_login(physician)
    pages = [
        client.get(reverse("admin:editorial_change_change", args=[change.pk])),
        client.get(reverse("admin:editorial_change_preview", args=[revision.pages.get().pk])),
        client.get(reverse("admin:editorial_change_draft_preview", args=[change.pk, seed_page.pk])),
        client.get(reverse("admin:index")),
        client.get(reverse("admin:editorial_change_timeline", args=[seed_page.pk])),
    ]
    for response in pages:
        html = response.content.decode()
        assert "<script>f" not in html
        assert "<script>summary" not in html and "<script>note" not in html
        assert "<script>comment" not in html
        assert 'href="javascript:' not in html.lower()
    review = pages[0].content.decode()
    assert escaped("drugs.drug", "administration") in review
    assert "&lt;script&gt;comment()&lt;/script&gt;" in review
    assert len([field for field in FIELDS if escaped(*field) in pages[1].content.decode()]) == len(
        FIELDS
    )


def test_the_timeline_renders_its_forms_offering_the_pages_versions(
    client, writer, physician, nurse, managing_editor, everolimus, seed_page, seed_publication
):
    revision = submit(edit(writer, everolimus, administration=NEW_ADMINISTRATION), writer)
    approve(revision, physician, nurse)
    (newer,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    client.force_login(writer)
    html = client.get(
        reverse("admin:editorial_change_timeline", args=[seed_page.pk])
    ).content.decode()
    assert '<select name="a" id="compare-a">' in html
    assert f'<option value="pub:{seed_publication.pk}" selected>' in html
    assert f'<option value="pub:{newer.pk}" selected>' in html
    assert '<input type="date" name="date" required id="public-date">' in html


def test_a_day_the_timeline_cannot_read_is_said_beside_its_field(client, writer, seed_page):
    client.force_login(writer)
    response = client.get(
        reverse("admin:editorial_change_timeline", args=[seed_page.pk]), {"date": "31/12/2025"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the date as YYYY-MM-DD." in html and "readers saw" not in html
    assert 'value="31/12/2025"' in html
