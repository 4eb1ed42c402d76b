"""The whole path through the admin's forms alone: edit, submit, two approvals, publish."""

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from drugs.models import SideEffectTerm
from editorial.models import Change
from tests.admin_forms import change_form_data
from tests.workflow import signed

pytestmark = pytest.mark.django_db


def workflow_page(client, change):
    response = client.get(reverse("admin:editorial_change_change", args=[change.pk]))
    assert response.status_code == 200
    return response


def test_demo_users_take_the_seed_page_from_edit_to_publication_in_the_admin(
    client, writer, physician, nurse, managing_editor, everolimus, seed_url
):
    public_before = client.get(seed_url).content.decode()

    # The writer adds a side effect to everolimus in its admin form.
    client.force_login(writer)
    url = reverse("admin:drugs_drug_change", args=[everolimus.pk])
    data = change_form_data(client.get(url))
    new = int(data["side_effects-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"side_effects-{new}-group": "other",
            f"side_effects-{new}-position": "1",
            f"side_effects-{new}-term": str(SideEffectTerm.objects.get(slug="headache").pk),
            "change_reason": "Headache is on the current label",
        }
    )
    response = client.post(url, data, follow=True)
    assert "Your edit is in" in response.content.decode()
    change = Change.objects.get(author=writer)

    page = workflow_page(client, change)
    assert b"Submit for review" in page.content
    client.post(
        reverse("admin:editorial_change_submit", args=[change.pk]),
        {"summary": "Added headache to everolimus's side effects.", "note": "From the 2026 label."},
    )
    assert client.get(seed_url).content.decode() == public_before
    assert b"Approve revision" not in workflow_page(client, change).content  # no way to approve

    revision = change.current_revision()
    for reviewer in (physician, nurse):
        client.force_login(reviewer)
        page = workflow_page(client, change)
        assert b"Approve revision 1" in page.content
        client.post(
            reverse("admin:editorial_change_review", args=[change.pk]),
            signed(
                reviewer,
                revision=revision.pk,
                content_hash=revision.content_hash,
                decision="approve",
                comment="Matches the label.",
            ),
        )
    assert client.get(seed_url).content.decode() == public_before
    change.refresh_from_db()
    assert change.state == Change.State.APPROVED

    client.force_login(managing_editor)
    assert b"Publish revision 1 now" in workflow_page(client, change).content
    client.post(
        reverse("admin:editorial_change_publish", args=[change.pk]), {"revision": revision.pk}
    )
    client.logout()

    public_after = client.get(seed_url).content.decode()
    assert "<li>headache</li>" in public_after
    today = formats.date_format(timezone.localdate(), "F j, Y")
    assert (
        f'Last Revised: <time datetime="{timezone.localdate():%Y-%m-%d}">{today}</time>'
        in public_after
    )


def test_editing_a_record_held_by_another_change_shows_who_holds_it_and_saves_nothing(
    client, writer, other_writer, everolimus
):
    from tests.workflow import edit

    change = edit(other_writer, everolimus, administration="Otto's draft.")
    client.force_login(writer)
    url = reverse("admin:drugs_drug_change", args=[everolimus.pk])
    page = client.get(url)
    assert f"in change {change.pk} by Otto Other since" in page.content.decode()
    data = change_form_data(page)
    data.update(administration="Wren's overwrite.", change_reason="Mine")
    response = client.post(url, data)
    assert f"in change {change.pk} by Otto Other since" in response.content.decode()
    everolimus.refresh_from_db()
    assert everolimus.administration == "Otto's draft."


def test_a_refused_action_comes_back_as_a_message(client, writer, physician, everolimus):
    from tests.workflow import edit, submit

    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    revision = submit(change, writer)
    client.force_login(physician)
    response = client.post(
        reverse("admin:editorial_change_review", args=[change.pk]),
        signed(physician, revision=revision.pk, content_hash="0" * 64, decision="approve"),
        follow=True,
    )
    assert "moved on since you opened it" in response.content.decode()
    assert not revision.reviews.exists()


def test_publishing_a_change_another_publish_overtook_says_to_submit_again(
    client, writer, other_writer, physician, nurse, managing_editor, everolimus, seed_page
):
    from editorial import workflow
    from tests.workflow import approve, edit, submit

    revisions = []
    for author, record, fields in (
        (writer, everolimus, {"administration": "Everolimus is a tablet."}),
        (other_writer, seed_page, {"intro": "Targeted drugs work differently (revised)."}),
    ):
        revision = submit(edit(author, record, **fields), author)
        approve(revision, physician, nurse)
        revisions.append(revision)
    workflow.revision_publish(revision=revisions[0], editor=managing_editor)

    client.force_login(managing_editor)
    change = revisions[1].change
    response = client.post(
        reverse("admin:editorial_change_publish", args=[change.pk]),
        {"revision": revisions[1].pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "Submit the change again" in response.content.decode()
    change.refresh_from_db()
    assert change.state == Change.State.APPROVED
    assert revisions[1].reviews.count() == 2


def test_a_save_refused_for_a_held_side_effect_keeps_what_the_writer_typed_and_saves_nothing(
    client, writer, other_writer, everolimus
):
    from tests.workflow import edit

    held = everolimus.side_effects.order_by("pk").first()
    change = edit(other_writer, held, detail="Otto's detail.")
    client.force_login(writer)
    url = reverse("admin:drugs_drug_change", args=[everolimus.pk])
    data = change_form_data(client.get(url))
    row = next(key for key, value in data.items() if key.endswith("-id") and value == held.pk)
    prefix = row.removesuffix("-id")
    data.update(
        {
            "administration": "Wren's new wording.",
            f"{prefix}-detail": "Wren's detail.",
            "change_reason": "Mine",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, not a redirect
    assert f"in change {change.pk} by Otto Other since" in response.content.decode()
    assert response.context["adminform"].form["administration"].value() == "Wren's new wording."
    assert "Wren&#x27;s detail." in response.content.decode()
    everolimus.refresh_from_db()
    held.refresh_from_db()
    assert everolimus.administration != "Wren's new wording."
    assert held.detail == "Otto's detail."
    assert not Change.objects.filter(author=writer).exists()


def test_a_save_refused_for_a_held_drug_keeps_what_the_writer_typed(
    client, writer, other_writer, everolimus
):
    from tests.workflow import edit

    edit(other_writer, everolimus, administration="Otto's draft.")
    client.force_login(writer)
    url = reverse("admin:drugs_drug_change", args=[everolimus.pk])
    data = change_form_data(client.get(url))
    data.update(mechanism="Wren's mechanism.", change_reason="Mine")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form["mechanism"].value() == "Wren's mechanism."
    everolimus.refresh_from_db()
    assert everolimus.mechanism != "Wren's mechanism."
