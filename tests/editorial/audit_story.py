"""The seed page's record after two signed changes published through review, with
everything a bundle must carry: a request for changes, a second revision, a comment
thread resolved, a failed signing attempt, a reviewer's credential changed between the
two changes, an approval signed with a passkey, and a second page the first change also
altered (whose own entries the seed page's bundle must leave out)."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from drugs.models import Drug, Page
from editorial import signing, workflow
from editorial.models import Change, Comment
from tests.authenticator import SoftAuthenticator
from tests.workflow import (
    approve,
    edit,
    request_changes,
    sign,
    sign_with_passkey,
    signing_request,
    submit,
)


@dataclass
class Story:
    page: Page
    other_page: Page
    drug_change: Change
    page_change: Change
    comment: Comment
    reply: Comment


def tell(writer, physician, nurse, managing_editor, credential_admin, seed_page, kidney_page):
    everolimus = Drug.objects.get(slug="everolimus")
    drug_change = edit(writer, everolimus, administration="A tablet taken once a day.")
    first = submit(drug_change, writer, summary="Everolimus is taken once a day.")
    comment = workflow.comment_add(
        change=drug_change, author=physician, body="Say whether it is taken with food."
    )
    reply = workflow.comment_add(
        change=drug_change,
        author=writer,
        body="The label says with or without food.",
        parent=comment,
    )
    request_changes(first, nurse, "Say whether it is taken with food.")
    edit(
        writer,
        Drug.objects.get(pk=everolimus.pk),
        administration="A tablet taken once a day, with or without food.",
    )
    workflow.comment_resolve(comment=comment, user=physician)
    second = submit(
        drug_change, writer, summary="Everolimus is taken once a day, with or without food."
    )
    with pytest.raises(signing.SigningRefused):
        signing.signing_by_password(
            signing_request(physician),
            user=physician,
            username=physician.get_username(),
            password="not-her-password",
            change=drug_change,
            revision=second,
        )
    approve(second, physician, nurse)
    workflow.revision_publish(revision=second, editor=managing_editor)

    workflow.credential_set(
        user=nurse, credential="AOCN", valid_until=None, editor=credential_admin
    )
    nurse = get_user_model().objects.get(pk=nurse.pk)  # as her next request loads her

    page_change = edit(
        writer, Page.objects.get(pk=seed_page.pk), intro="Targeted drugs block what tumors need."
    )
    revision = submit(page_change, writer, summary="A clearer introduction.")
    for reviewer, proof in (
        (physician, sign_with_passkey(physician, SoftAuthenticator(), revision.content_hash)),
        (nurse, sign(nurse)),
    ):
        workflow.revision_approve(
            revision=revision,
            reviewer=reviewer,
            content_hash=revision.content_hash,
            signing=proof,
        )
    workflow.revision_publish(revision=revision, editor=managing_editor)
    return Story(
        page=Page.objects.get(pk=seed_page.pk),
        other_page=kidney_page,
        drug_change=drug_change,
        page_change=page_change,
        comment=comment,
        reply=reply,
    )
