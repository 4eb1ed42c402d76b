"""Permissions are checked on the server: every role against every action, through HTTP.

`ALLOWED` is the specification: for each action, the roles that may take it. Every
other cell is refused, and a refusal changes nothing. Each cell builds the state its
action needs with the workflow functions, then takes only the action under test
through the admin, as a browser would (CSRF checks aside; they have their own tests).
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from drugs.models import Drug, Page, Translation
from editorial import roles, workflow
from editorial.models import (
    Change,
    CurrentPublication,
    Publication,
    Review,
    ReviewerProfile,
    Revision,
)
from tests.admin_forms import change_form_data
from tests.workflow import approve, edit, signed, submit

pytestmark = pytest.mark.django_db

State = Change.State

ROLES = [
    "writer",
    "physician",
    "nurse",
    "managing_editor",
    "credential_admin",
    "translator",
    "superuser",
    "anonymous",
]

# Who may take each action. For submit and withdraw the writer is the change's author;
# for approve, request_changes, publish, schedule, take_over and view_draft the change
# is another writer's, so "writer" here means a writer who is not its author. The
# superuser holds a current physician credential, so only the rule refuses them.
# "translate" is a Spanish translation of the page's introduction, on the translator's
# screen; "edit" is always of an English record.
ALLOWED: dict[str, set[str]] = {
    "edit": {"writer", "managing_editor", "superuser"},
    "translate": {"writer", "managing_editor", "translator", "superuser"},
    "submit": {"writer", "managing_editor"},
    "approve": {"physician", "nurse"},
    "request_changes": {"physician", "nurse"},
    "publish": {"managing_editor"},
    "schedule": {"managing_editor"},
    "unpublish": {"managing_editor"},
    "withdraw": {"writer", "managing_editor"},
    "take_over": {"managing_editor"},
    "view_draft": {"writer", "physician", "nurse", "managing_editor", "translator", "superuser"},
    "set_credential": {"credential_admin"},
}

PUBLISHED_WORDING = "Everolimus is a pill taken once a day."
DRAFT_WORDING = "Everolimus is a tablet taken once a day, with or without food."


@dataclass
class Scene:
    users: dict[str, AbstractBaseUser | None]  # the acting role's user; None for anonymous
    author: AbstractBaseUser  # another writer, who wrote the changes others act on
    newcomer: AbstractBaseUser  # a reviewer without a credential yet
    page: Page
    publication: Publication  # the seed page's publication, current before each action


@dataclass
class Outcome:
    response: HttpResponse
    happened: bool  # the action's effect is in the database (for viewing: on the screen)
    untouched: bool  # everything the action would have changed is as it was


def _member(username: str, role: str) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def scene(
    writer,
    physician,
    nurse,
    managing_editor,
    credential_admin,
    translator,
    administrator,
    seed_publication,
) -> Scene:
    ReviewerProfile.objects.create(user=administrator, credential="MD")
    return Scene(
        users={
            "writer": writer,
            "physician": physician,
            "nurse": nurse,
            "managing_editor": managing_editor,
            "credential_admin": credential_admin,
            "translator": translator,
            "superuser": administrator,
            "anonymous": None,
        },
        author=_member("other-writer", roles.WRITER),
        newcomer=_member("new-physician", roles.PHYSICIAN),
        page=seed_publication.page,
        publication=seed_publication,
    )


# --- The state each action needs ------------------------------------------------------------


def everolimus() -> Drug:
    return Drug.objects.get(slug="everolimus")


def draft_by(author) -> Change:
    return edit(author, everolimus(), administration=DRAFT_WORDING)


def submitted_by(author) -> tuple[Change, Revision]:
    change = draft_by(author)
    return change, submit(change, author)


def approved(scene: Scene) -> tuple[Change, Revision]:
    change, revision = submitted_by(scene.author)
    approve(revision, scene.users["physician"], scene.users["nurse"])
    return change, revision


def current_publication_id(scene: Scene) -> int | None:
    return CurrentPublication.objects.get(page=scene.page).publication_id


# --- Each action, taken through HTTP by whoever `client` is logged in as ---------------------


def try_edit(client: Client, actor, scene: Scene) -> Outcome:
    drug = everolimus()
    url = reverse("admin:drugs_drug_change", args=[drug.pk])
    # The form as the admin renders it for someone who may edit; view-only roles get no form.
    reader = Client()
    reader.force_login(scene.users["managing_editor"])
    data = change_form_data(reader.get(url))
    data.update(administration=DRAFT_WORDING, change_reason="Wording of the new label")
    response = client.post(url, data)
    drug.refresh_from_db()
    claim = workflow.holding_record(workflow.record_key(drug))
    return Outcome(
        response,
        happened=drug.administration == DRAFT_WORDING
        and claim is not None
        and claim.change.author == actor,
        untouched=drug.administration == PUBLISHED_WORDING and claim is None,
    )


SPANISH_INTRO = "Los medicamentos dirigidos actúan de forma distinta a la quimioterapia."


def try_translate(client: Client, actor, scene: Scene) -> Outcome:
    url = reverse("admin:drugs_translation_translate", args=[scene.page.pk, "es"])
    response = client.post(url, {f"t-drugs.page-{scene.page.pk}-intro": SPANISH_INTRO})
    row = Translation.objects.filter(model="drugs.page", object_id=scene.page.pk).first()
    claim = row and workflow.holding_record(workflow.record_key(row))
    return Outcome(
        response,
        happened=row is not None
        and row.texts == {"intro": SPANISH_INTRO}
        and claim is not None
        and claim.change.author == actor
        and claim.change.language == "es",
        untouched=row is None,
    )


def try_submit(client: Client, actor, scene: Scene) -> Outcome:
    change = draft_by(scene.users["writer"])
    response = client.post(
        reverse("admin:editorial_change_submit", args=[change.pk]),
        {"summary": "Says how everolimus is taken more clearly."},
    )
    change.refresh_from_db()
    return Outcome(
        response,
        happened=change.state == State.IN_REVIEW and change.revisions.count() == 1,
        untouched=change.state == State.DRAFT and not change.revisions.exists(),
    )


def _review(
    client: Client, actor, scene: Scene, decision: str
) -> tuple[HttpResponse, Change, Revision]:
    change, revision = submitted_by(scene.author)
    data = {
        "revision": revision.pk,
        "content_hash": revision.content_hash,
        "decision": decision,
        "comment": "Say whether to take it with food.",
    }
    response = client.post(
        reverse("admin:editorial_change_review", args=[change.pk]),
        signed(actor, **data) if actor is not None else data,
    )
    change.refresh_from_db()
    return response, change, revision


def try_approve(client: Client, actor, scene: Scene) -> Outcome:
    response, change, revision = _review(client, actor, scene, "approve")
    return Outcome(
        response,
        happened=revision.reviews.filter(reviewer=actor, decision=Review.Decision.APPROVE).exists(),
        untouched=change.state == State.IN_REVIEW and not revision.reviews.exists(),
    )


def try_request_changes(client: Client, actor, scene: Scene) -> Outcome:
    response, change, revision = _review(client, actor, scene, "request_changes")
    return Outcome(
        response,
        happened=change.state == State.CHANGES_REQUESTED
        and revision.reviews.filter(
            reviewer=actor, decision=Review.Decision.REQUEST_CHANGES
        ).exists(),
        untouched=change.state == State.IN_REVIEW and not revision.reviews.exists(),
    )


def try_publish(client: Client, actor, scene: Scene) -> Outcome:
    change, revision = approved(scene)
    response = client.post(
        reverse("admin:editorial_change_publish", args=[change.pk]), {"revision": revision.pk}
    )
    change.refresh_from_db()
    current = CurrentPublication.objects.select_related("publication").get(page=scene.page)
    return Outcome(
        response,
        happened=change.state == State.PUBLISHED and current.publication.revision == revision,
        untouched=change.state == State.APPROVED
        and current.publication == scene.publication
        and Publication.objects.count() == 1,
    )


def try_schedule(client: Client, actor, scene: Scene) -> Outcome:
    change, revision = approved(scene)
    at = (timezone.localtime() + datetime.timedelta(days=1)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("admin:editorial_change_schedule", args=[change.pk]),
        {"revision": revision.pk, "at": at.strftime("%Y-%m-%dT%H:%M")},
    )
    change.refresh_from_db()
    return Outcome(
        response,
        happened=change.state == State.SCHEDULED and change.scheduled_at == at,
        untouched=change.state == State.APPROVED and change.scheduled_at is None,
    )


def try_unpublish(client: Client, actor, scene: Scene) -> Outcome:
    response = client.post(
        reverse("admin:editorial_change_unpublish", args=[scene.page.pk]), {"confirmed": "yes"}
    )
    return Outcome(
        response,
        happened=current_publication_id(scene) is None,
        untouched=current_publication_id(scene) == scene.publication.pk,
    )


def try_withdraw(client: Client, actor, scene: Scene) -> Outcome:
    change = draft_by(scene.users["writer"])
    response = client.post(
        reverse("admin:editorial_change_withdraw", args=[change.pk]), {"confirmed": "yes"}
    )
    change.refresh_from_db()
    wording = everolimus().administration
    return Outcome(
        response,
        happened=change.state == State.WITHDRAWN and wording == PUBLISHED_WORDING,
        untouched=change.state == State.DRAFT and wording == DRAFT_WORDING,
    )


def try_take_over(client: Client, actor, scene: Scene) -> Outcome:
    change = draft_by(scene.author)
    drug = everolimus()
    response = client.post(
        reverse("admin:editorial_change_take_over", args=["drugs.drug", drug.pk])
    )
    claim = workflow.holding_record(workflow.record_key(drug))
    return Outcome(
        response,
        happened=claim.change != change and claim.change.author == actor,
        untouched=claim.change == change,
    )


def try_view_draft(client: Client, actor, scene: Scene) -> Outcome:
    _, revision = submitted_by(scene.author)
    snapshot = revision.pages.get()
    response = client.get(reverse("admin:editorial_change_preview", args=[snapshot.pk]))
    html = response.content.decode()
    return Outcome(
        response,
        happened=response.status_code == 200
        and "Preview" in html
        and DRAFT_WORDING in html
        and "no-store" in response.get("Cache-Control", ""),
        untouched=DRAFT_WORDING not in html,
    )


def try_set_credential(client: Client, actor, scene: Scene) -> Outcome:
    response = client.post(
        reverse("admin:editorial_reviewerprofile_add"),
        {"user": scene.newcomer.pk, "credential": "MD", "valid_until": ""},
    )
    profiles = ReviewerProfile.objects.filter(user=scene.newcomer)
    return Outcome(
        response,
        happened=profiles.filter(credential="MD", valid_until=None).exists(),
        untouched=not profiles.exists(),
    )


ACTIONS: dict[str, Callable[[Client, AbstractBaseUser | None, Scene], Outcome]] = {
    "edit": try_edit,
    "translate": try_translate,
    "submit": try_submit,
    "approve": try_approve,
    "request_changes": try_request_changes,
    "publish": try_publish,
    "schedule": try_schedule,
    "unpublish": try_unpublish,
    "withdraw": try_withdraw,
    "take_over": try_take_over,
    "view_draft": try_view_draft,
    "set_credential": try_set_credential,
}


def error_messages(response: HttpResponse) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]


def assert_refused(response: HttpResponse, role: str) -> None:
    """Anonymous people are sent to log in; others get a 403 or are told why not."""
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    else:
        assert response.status_code == 403 or (
            response.status_code == 302 and error_messages(response)
        ), (response.status_code, error_messages(response))


# --- The matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_role_may_take_exactly_the_actions_the_matrix_allows(client, scene, action, role):
    actor = scene.users[role]
    if actor is not None:
        client.force_login(actor)
    outcome = ACTIONS[action](client, actor, scene)
    if role in ALLOWED[action]:
        assert outcome.happened, (outcome.response.status_code, error_messages(outcome.response))
    else:
        assert outcome.untouched
        assert_refused(outcome.response, role)


def test_the_matrix_says_who_acts_as_the_transition_table_does():
    roles_of = {
        workflow.Actor.AUTHOR_OR_MANAGING_EDITOR: {"writer", "managing_editor"},
        workflow.Actor.REVIEWER: {"physician", "nurse"},
        workflow.Actor.MANAGING_EDITOR: {"managing_editor"},
    }
    for action in ["submit", "approve", "request_changes", "publish", "schedule", "withdraw"]:
        actors = {who for (_, act), (_, who) in workflow.TRANSITIONS.items() if act == action}
        assert [roles_of[actor] for actor in actors] == [ALLOWED[action]], action


# --- Rules the matrix cannot show ---------------------------------------------------------------


def test_a_reviewer_may_not_approve_a_change_they_edited(client, scene):
    physician = scene.users["physician"]
    physician.groups.add(Group.objects.get(name=roles.WRITER))  # a physician who also writes
    change, revision = submitted_by(physician)
    client.force_login(physician)
    response = client.post(
        reverse("admin:editorial_change_review", args=[change.pk]),
        signed(
            physician,
            revision=revision.pk,
            content_hash=revision.content_hash,
            decision="approve",
        ),
    )
    change.refresh_from_db()
    assert not revision.reviews.exists()
    assert change.state == State.IN_REVIEW
    assert error_messages(response) == ["You edited this change, so you may not review it."]


def test_a_publish_without_a_csrf_token_is_refused_and_publishes_nothing(scene):
    change, revision = approved(scene)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(scene.users["managing_editor"])
    response = browser.post(
        reverse("admin:editorial_change_publish", args=[change.pk]), {"revision": revision.pk}
    )
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.state == State.APPROVED
    assert current_publication_id(scene) == scene.publication.pk
    assert Publication.objects.count() == 1


def test_the_same_publish_with_the_token_from_the_change_page_goes_through(scene):
    change, revision = approved(scene)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(scene.users["managing_editor"])
    page = browser.get(reverse("admin:editorial_change_change", args=[change.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    browser.post(
        reverse("admin:editorial_change_publish", args=[change.pk]),
        {"revision": revision.pk, "csrfmiddlewaretoken": token[1]},
    )
    change.refresh_from_db()
    assert change.state == State.PUBLISHED


def test_a_review_without_a_csrf_token_is_refused_and_records_nothing(scene):
    change, revision = submitted_by(scene.author)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(scene.users["physician"])
    response = browser.post(
        reverse("admin:editorial_change_review", args=[change.pk]),
        signed(
            scene.users["physician"],
            revision=revision.pk,
            content_hash=revision.content_hash,
            decision="approve",
        ),
    )
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.state == State.IN_REVIEW
    assert not revision.reviews.exists()


# --- Separated duties through the admin ----------------------------------------------------------


def user_search(client: Client, term: str) -> HttpResponse:
    return client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "editorial",
            "model_name": "reviewerprofile",
            "field_name": "user",
            "term": term,
        },
    )


def test_a_credential_administrator_finds_the_person_to_credential(client, scene):
    client.force_login(scene.users["credential_admin"])
    response = user_search(client, "new-phys")
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["new-physician"]


def test_the_credential_form_opens_for_a_credential_administrator_with_the_user_search(
    client, scene
):
    client.force_login(scene.users["credential_admin"])
    response = client.get(reverse("admin:editorial_reviewerprofile_add"))
    assert response.status_code == 200
    assert reverse("admin:autocomplete") in response.content.decode()


def test_a_credential_set_in_the_admin_is_audited_and_visible_to_managing_editors(client, scene):
    client.force_login(scene.users["credential_admin"])
    client.post(
        reverse("admin:editorial_reviewerprofile_add"),
        {"user": scene.newcomer.pk, "credential": "MD", "valid_until": "2027-06-30"},
    )
    profile = ReviewerProfile.objects.get(user=scene.newcomer)

    client.force_login(scene.users["managing_editor"])
    trail = client.get(reverse("admin:editorial_auditentry_changelist"), {"action": "credential"})
    assert trail.status_code == 200
    assert "new-physician: none → MD, current until 2027-06-30" in (trail.content.decode())
    history = client.get(reverse("admin:editorial_reviewerprofile_history", args=[profile.pk]))
    assert history.status_code == 200
    assert "credentials" in history.content.decode()


def test_a_managing_editor_cannot_change_a_credential_in_the_admin(client, scene):
    profile = scene.users["physician"].reviewer_profile
    client.force_login(scene.users["managing_editor"])
    url = reverse("admin:editorial_reviewerprofile_change", args=[profile.pk])
    assert client.get(url).status_code == 200  # read-only
    response = client.post(url, {"user": profile.user_id, "credential": "DO", "valid_until": ""})
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.credential == "MD"


def test_a_credential_administrator_is_told_they_cannot_credential_themselves(client, scene):
    admin = scene.users["credential_admin"]
    client.force_login(admin)
    response = client.post(
        reverse("admin:editorial_reviewerprofile_add"),
        {"user": admin.pk, "credential": "MD", "valid_until": ""},
    )
    assert response.status_code == 200
    assert "Nobody sets their own credential" in response.content.decode()
    assert not ReviewerProfile.objects.filter(user=admin).exists()


def test_a_superuser_administers_accounts_and_groups(client, scene):
    client.force_login(scene.users["superuser"])
    group = Group.objects.get(name=roles.CREDENTIAL_ADMIN)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_change", args=[group.pk])).status_code == 200
    response = client.post(
        reverse("admin:auth_user_change", args=[scene.newcomer.pk]),
        {
            "username": "new-physician",
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name=roles.PHYSICIAN).pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert scene.newcomer.groups.filter(name=roles.PHYSICIAN).exists()


def test_a_managing_editor_who_approved_is_told_why_they_cannot_publish(client, scene):
    editor = scene.users["managing_editor"]
    workflow.credential_set(
        user=editor,
        credential="OCN",
        valid_until=None,
        editor=scene.users["credential_admin"],
        printed_name="Mara Editor",
    )
    change, revision = submitted_by(scene.author)
    approve(revision, scene.users["physician"], editor)
    client.force_login(editor)
    response = client.post(
        reverse("admin:editorial_change_publish", args=[change.pk]), {"revision": revision.pk}
    )
    assert error_messages(response) == [
        "You approved this revision, so you may not publish or schedule it: "
        "another managing editor must."
    ]
    change.refresh_from_db()
    assert change.state == State.APPROVED
    assert current_publication_id(scene) == scene.publication.pk


def test_a_managing_editor_who_approved_sees_why_there_is_no_publish_button(client, scene):
    editor = scene.users["managing_editor"]
    workflow.credential_set(
        user=editor,
        credential="OCN",
        valid_until=None,
        editor=scene.users["credential_admin"],
        printed_name="Mara Editor",
    )
    change, revision = submitted_by(scene.author)
    approve(revision, scene.users["physician"], editor)
    client.force_login(editor)
    html = client.get(reverse("admin:editorial_change_change", args=[change.pk])).content.decode()
    assert reverse("admin:editorial_change_publish", args=[change.pk]) not in html
    assert "You approved this revision, so you may not publish or schedule it" in html


# --- Translators work their own changes ----------------------------------------------------------


def translated_by(translator, scene: Scene) -> Change:
    from editorial import translating

    return translating.translation_save(
        user=translator,
        page=scene.page,
        language="es",
        texts={
            ("drugs.page", scene.page.pk, "title"): "Terapia dirigida",
            ("drugs.page", scene.page.pk, "intro"): SPANISH_INTRO,
        },
    )


def test_a_translator_submits_and_comments_on_their_own_translation(client, scene):
    translator = scene.users["translator"]
    change = translated_by(translator, scene)
    client.force_login(translator)
    response = client.post(
        reverse("admin:editorial_change_submit", args=[change.pk]),
        {"summary": "La introducción en español."},
    )
    assert response.status_code == 302, error_messages(response)
    client.post(
        reverse("admin:editorial_change_comment", args=[change.pk]),
        {"body": "¿Decimos «medicamentos» o «fármacos»?"},
    )
    change.refresh_from_db()
    assert change.state == State.IN_REVIEW
    assert change.comments.get().author == translator


def test_a_translator_withdraws_their_own_translation(client, scene):
    translator = scene.users["translator"]
    change = translated_by(translator, scene)
    client.force_login(translator)
    client.post(reverse("admin:editorial_change_withdraw", args=[change.pk]), {"confirmed": "yes"})
    change.refresh_from_db()
    assert change.state == State.WITHDRAWN
    assert not Translation.objects.filter(model="drugs.page").exists()  # never published
