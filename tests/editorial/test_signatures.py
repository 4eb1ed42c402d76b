"""Every approval and request for changes is an electronic signature (21 CFR Part 11 style).

Signing re-enters the password (and, first in a session, the user name); a wrong one
signs nothing and is recorded as a failed attempt that counts toward the login
throttle. A signature holds the printed name, credential, meaning, time and zone and
the content hash signed, and is chained into the audit trail.
"""

import dataclasses
import datetime
import json

import pytest
from axes.models import AccessFailureLog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from webauthn.helpers import base64url_to_bytes

from editorial import hashing, passkeys, signing, workflow
from editorial.models import (
    AuditEntry,
    Change,
    Passkey,
    Review,
    ReviewerProfile,
    Signature,
    SignatureCertification,
)
from tests.authenticator import SoftAuthenticator, add_passkey
from tests.tampering import raw, verify
from tests.workflow import (
    approve,
    edit,
    password_of,
    publish_through_review,
    request_changes,
    sign,
    sign_with_passkey,
    signed,
    signing_request,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def revision(writer, everolimus):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken once a day.")
    return submit(change, writer)


def _approve(revision, reviewer, proof, **extra):
    return workflow.revision_approve(
        revision=revision,
        reviewer=reviewer,
        content_hash=revision.content_hash,
        signing=proof,
        **extra,
    )


WRONG = "wrong-password"


def _refused_by_password(reviewer, revision, password=WRONG, username=None):
    with pytest.raises(signing.SigningRefused) as refusal:
        signing.signing_by_password(
            signing_request(reviewer),
            user=reviewer,
            username=reviewer.username if username is None else username,
            password=password,
            change=revision.change,
            revision=revision,
        )
    return str(refusal.value)


# --- The service: signing -------------------------------------------------------------------


def test_an_approval_signed_with_the_password_records_the_signature_as_it_stood(
    revision, physician
):
    review = _approve(revision, physician, sign(physician))
    signature = review.signature
    assert signature.signer == physician
    assert signature.printed_name == "Paula Physician"
    assert (signature.credential, signature.credential_kind) == ("MD", "physician")
    assert signature.credential_valid_until is None
    assert signature.meaning == Signature.Meaning.APPROVED
    assert signature.get_meaning_display() == "Approved as medically accurate"
    assert signature.time_zone == settings.TIME_ZONE
    assert signature.revision == revision
    assert signature.content_hash == revision.content_hash
    assert signature.method == Signature.Method.PASSWORD
    assert signature.hash == signature.expected_hash()


def test_the_signature_keeps_the_credentials_end_date_as_it_stood_at_signing(revision, physician):
    until = timezone.localdate() + datetime.timedelta(days=30)
    ReviewerProfile.objects.filter(user=physician).update(valid_until=until)
    review = _approve(revision, physician, sign(physician))
    ReviewerProfile.objects.filter(user=physician).update(valid_until=None)
    review.signature.refresh_from_db()
    assert review.signature.credential_valid_until == until


def test_a_full_review_signs_the_meaning_of_a_full_review(seed_page, writer, physician):
    revision = submit(edit(writer, seed_page, intro="Reviewed whole."), writer)
    review = _approve(revision, physician, sign(physician), full_review=True)
    assert review.signature.meaning == Signature.Meaning.FULL_REVIEW


def test_a_request_for_changes_is_signed_with_its_own_meaning(revision, nurse):
    review = request_changes(revision, nurse, "Say 'tablet' as on the label.")
    assert review.signature.meaning == Signature.Meaning.CHANGES_REQUESTED
    assert review.signature.printed_name == "Nina Nurse"


def test_a_wrong_password_records_no_review_and_no_signature_but_a_failed_attempt(
    revision, physician
):
    message = _refused_by_password(physician, revision)
    assert "password is not right" in message
    assert not Review.objects.exists()
    assert not Signature.objects.exists()
    failed = AuditEntry.objects.get(action=AuditEntry.Action.SIGNING_FAILED)
    assert (failed.actor, failed.change_id, failed.revision) == (
        physician,
        revision.change_id,
        revision,
    )
    assert failed.get_action_display() == "Failed signing attempt"


def test_a_wrong_password_counts_toward_the_login_throttle(revision, physician):
    _refused_by_password(physician, revision)
    assert AccessFailureLog.objects.filter(username="physician").count() == 1


def test_after_five_wrong_passwords_even_the_right_one_cannot_sign(revision, physician):
    for _ in range(5):
        _refused_by_password(physician, revision)
    message = _refused_by_password(physician, revision, password=password_of(physician))
    assert "Too many failed attempts" in message
    assert not Signature.objects.exists()


def test_the_first_signature_of_a_session_needs_the_user_name(revision, physician):
    request = signing_request(physician)
    with pytest.raises(signing.SigningRefused, match="enter your user name as well"):
        signing.signing_by_password(
            request, user=physician, username="", password=password_of(physician)
        )
    proof = signing.signing_by_password(
        request, user=physician, username="physician", password=password_of(physician)
    )
    signing.session_remember_signing(request, proof)
    later = signing.signing_by_password(
        request, user=physician, username="", password=password_of(physician)
    )
    assert later.user == physician


def test_a_new_login_asks_for_the_user_name_again(revision, physician):
    request = signing_request(physician)
    proof = signing.signing_by_password(
        request, user=physician, username="physician", password=password_of(physician)
    )
    signing.session_remember_signing(request, proof)
    physician.last_login = timezone.now()  # as logging in again sets it
    assert not signing.session_has_signed(request, physician)


def test_a_user_name_that_is_not_the_signers_is_refused_and_recorded(revision, physician, nurse):
    message = _refused_by_password(
        physician, revision, password=password_of(nurse), username="nurse"
    )
    assert "That user name is not yours" in message
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.SIGNING_FAILED, actor=physician
    ).exists()
    assert not Review.objects.exists()


def test_a_signing_by_another_person_is_refused(revision, physician, nurse):
    with pytest.raises(signing.SigningRefused, match="nobody signs for another"):
        _approve(revision, physician, sign(nurse))
    assert not Review.objects.exists()


def test_an_approval_without_a_signing_is_refused(revision, physician):
    with pytest.raises(signing.SigningRefused, match="sign it with your password"):
        _approve(revision, physician, None)
    assert not Review.objects.exists()


def test_nobody_signs_without_a_printed_name(revision, physician):
    proof = sign(physician)
    ReviewerProfile.objects.filter(user=physician).update(printed_name="")
    with pytest.raises(signing.SigningRefused, match="no printed name"):
        _approve(revision, physician, proof)
    assert not Review.objects.exists() and not Signature.objects.exists()


def test_a_reviewer_whose_credential_lapsed_cannot_sign(revision, physician):
    proof = sign(physician)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ReviewerProfile.objects.filter(user=physician).update(valid_until=yesterday)
    with pytest.raises(PermissionDenied, match="current credential"):
        _approve(revision, physician, proof)
    assert not Review.objects.exists()


def test_the_first_signature_needs_the_certification_once_and_it_is_audited(revision, physician):
    proof = signing.signing_by_password(
        signing_request(physician),
        user=physician,
        username="physician",
        password=password_of(physician),
    )
    with pytest.raises(signing.SigningRefused, match="legally binding equivalent"):
        _approve(revision, physician, proof)
    certification = signing.signature_certify(signing=proof)
    assert certification.statement == signing.CERTIFICATION_STATEMENT
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGNATURE_CERTIFIED)
    assert (entry.actor, entry.comment) == (physician, signing.CERTIFICATION_STATEMENT)
    assert _approve(revision, physician, proof).signature

    assert signing.signature_certify(signing=proof) == certification  # never asked again
    assert SignatureCertification.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGNATURE_CERTIFIED).count() == 1


def test_a_credential_administrator_sets_the_printed_name_with_the_credential(
    nurse, credential_admin
):
    workflow.credential_set(
        user=nurse,
        credential="AOCN",
        valid_until=None,
        editor=credential_admin,
        printed_name="  Nina   Nurse-Ortiz ",
    )
    profile = ReviewerProfile.objects.get(user=nurse)
    assert profile.printed_name == "Nina Nurse-Ortiz"
    assert [h.printed_name for h in profile.history.order_by("history_date")] == [
        "Nina Nurse",
        "Nina Nurse-Ortiz",
    ]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CREDENTIAL).latest("seq")
    assert "printed name “Nina Nurse-Ortiz”" in entry.comment


# --- Bound to the record -------------------------------------------------------------------


HASHED = [name for name in hashing.SIGNATURE_FIELDS if name not in ("review_id", "revision_id")]
OTHER = {
    "signer_id": 99999,
    "printed_name": "Someone Else",
    "credential": "DO",
    "credential_kind": "oncology_nurse",
    "credential_valid_until": datetime.date(2030, 1, 1),
    "meaning": Signature.Meaning.CHANGES_REQUESTED,
    "signed_at": timezone.now() - datetime.timedelta(days=1),
    "time_zone": "UTC",
    "content_hash": "0" * 64,
    "method": Signature.Method.PASSKEY,
    "passkey_credential_id": "AAAA",
    "webauthn_assertion": {"signature": "AAAA"},
}


@pytest.mark.parametrize("field", HASHED)
def test_the_signature_hash_covers_each_field(revision, physician, field):
    signature = _approve(revision, physician, sign(physician)).signature
    setattr(signature, field, OTHER[field])
    assert signature.expected_hash() != signature.hash


def test_the_signature_hash_covers_the_pages_of_its_revision(revision, physician):
    signature = _approve(revision, physician, sign(physician)).signature
    [page_id] = revision.pages.values_list("page_id", flat=True)
    assert hashing.signature_hash(signature, [page_id]) == signature.hash
    assert hashing.signature_hash(signature, [page_id + 1]) != signature.hash


def test_the_approval_entry_names_the_signature_and_its_hash_covers_it(revision, physician):
    signature = _approve(revision, physician, sign(physician)).signature
    entry = AuditEntry.objects.get(action=AuditEntry.Action.APPROVE)
    assert entry.signature == signature
    assert hashing.audit_hash(entry, "", signature.hash) == entry.hash
    assert hashing.audit_hash(entry, "", "f" * 64) != entry.hash


def test_an_entry_without_a_signature_hashes_exactly_as_before_signatures(revision):
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SUBMIT)
    values = hashing._values(entry, hashing.AUDIT_FIELDS)
    values["publication_integrity"] = ""
    assert hashing.digest("audit", values) == entry.hash


def test_verify_integrity_passes_with_signed_reviews(
    writer, physician, nurse, managing_editor, everolimus
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken daily.")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    passed, output = verify()
    assert passed, output


def test_verify_integrity_names_a_signature_moved_to_another_revision(
    writer, physician, nurse, managing_editor, everolimus, seed_page
):
    first = edit(writer, everolimus, administration="Everolimus is a tablet taken daily.")
    publish_through_review(first, writer, physician, nurse, managing_editor)
    other = submit(edit(writer, seed_page, intro="Another change."), writer)
    signature = Signature.objects.get(signer=physician)
    raw("UPDATE editorial_signature SET revision_id = %s WHERE id = %s", [other.pk, signature.pk])

    passed, output = verify()
    assert not passed
    record = f"signature {signature.pk} (Paula Physician)"
    assert f"{record}: its content does not match its hash" in output
    assert f"{record}: what it signed is not the content of revision {other.pk}" in output
    assert f"{record}: its review {signature.review_id} is on another revision" in output

    raw(
        "UPDATE editorial_signature SET revision_id = %s WHERE id = %s",
        [signature.review.revision_id, signature.pk],
    )
    assert verify()[0]


def test_verify_integrity_names_a_signature_whose_hash_was_rewritten_too(revision, physician):
    signature = _approve(revision, physician, sign(physician)).signature
    raw(
        "UPDATE editorial_signature SET printed_name = %s WHERE id = %s",
        ["Someone Else", signature.pk],
    )
    signature.printed_name = "Someone Else"
    raw(
        "UPDATE editorial_signature SET hash = %s WHERE id = %s",
        [signature.expected_hash(), signature.pk],
    )
    passed, output = verify()
    assert not passed
    entry = AuditEntry.objects.get(action=AuditEntry.Action.APPROVE)
    assert f"audit entry {entry.pk} (#{entry.seq}, approve): its content does not match" in output


def test_verify_integrity_names_a_passkey_signature_of_a_passkey_it_does_not_name(
    revision, physician
):
    proof = sign_with_passkey(physician, SoftAuthenticator(), revision.content_hash)
    proof = dataclasses.replace(proof, passkey_credential_id="AAAA")
    signature = _approve(revision, physician, proof).signature
    passed, output = verify()
    assert not passed
    assert (
        f"signature {signature.pk} (Paula Physician): its passkey assertion is not from the "
        "passkey it names"
    ) in output


def test_the_database_refuses_to_rewrite_a_signature(revision, physician):
    from django.db import IntegrityError, connection, transaction

    _approve(revision, physician, sign(physician))
    for table in ("editorial_signature", "editorial_signaturecertification"):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608


# --- Through the admin ---------------------------------------------------------------------


def review_url(revision) -> str:
    return reverse("admin:editorial_change_review", args=[revision.change_id])


def screen(client, revision) -> str:
    return client.get(revision.change.get_absolute_url()).content.decode()


def post_review(client, reviewer, revision, **overrides):
    data = signed(
        reviewer,
        revision=revision.pk,
        content_hash=revision.content_hash,
        decision="approve",
        comment="Matches the label.",
    )
    data.update(overrides)
    return client.post(review_url(revision), {k: v for k, v in data.items() if v is not None})


def test_a_physician_signs_an_approval_through_the_admin(client, revision, physician):
    client.force_login(physician)
    response = post_review(client, physician, revision)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.signer, signature.review.comment) == (physician, "Matches the label.")
    assert SignatureCertification.objects.filter(user=physician).exists()


def test_a_reviewer_who_has_signed_the_revision_is_offered_no_second_signature(
    client, revision, physician
):
    client.force_login(physician)
    post_review(client, physician, revision)
    html = screen(client, revision)
    assert 'name="password"' not in html
    assert "You have signed revision 1: Approved as medically accurate." in html


def test_a_wrong_password_through_the_admin_says_so_keeps_the_comment_and_records_nothing(
    client, revision, physician
):
    client.force_login(physician)
    response = post_review(client, physician, revision, password="wrong-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The password is not right" in html
    assert "Matches the label.</textarea>" in html
    assert "wrong-password" not in html
    assert not Review.objects.exists() and not Signature.objects.exists()
    assert not SignatureCertification.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGNING_FAILED).count() == 1
    assert AccessFailureLog.objects.filter(username="physician").count() == 1


def test_the_review_form_asks_for_the_user_name_only_on_the_first_signature_of_a_session(
    client, writer, physician, everolimus, seed_page
):
    first = submit(edit(writer, everolimus, administration="Taken daily."), writer)
    client.force_login(physician)
    assert 'autocomplete="username"' in screen(client, first)
    post_review(client, physician, first)
    second = submit(edit(writer, seed_page, intro="Another change."), writer)
    html = screen(client, second)
    assert 'autocomplete="username"' not in html
    assert 'autocomplete="current-password"' in html
    response = post_review(client, physician, second, username=None, certify=None)
    assert response.status_code == 302
    assert Signature.objects.filter(revision=second).exists()


def test_the_first_signature_of_a_session_without_the_user_name_is_refused_through_the_admin(
    client, revision, physician
):
    client.force_login(physician)
    response = post_review(client, physician, revision, username="")
    assert "enter your user name as well" in response.content.decode()
    assert not Review.objects.exists()


def test_the_certification_is_asked_until_it_is_recorded_then_never_again(
    client, writer, physician, everolimus, seed_page
):
    first = submit(edit(writer, everolimus, administration="Taken daily."), writer)
    client.force_login(physician)
    assert signing.CERTIFICATION_STATEMENT in screen(client, first)
    response = post_review(client, physician, first, certify=None)
    assert "legally binding equivalent" in response.content.decode()
    assert not Review.objects.exists()
    post_review(client, physician, first)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGNATURE_CERTIFIED).count() == 1
    second = submit(edit(writer, seed_page, intro="Another change."), writer)
    assert signing.CERTIFICATION_STATEMENT not in screen(client, second)


def test_the_review_form_says_plainly_that_a_printed_name_is_missing_and_who_enters_it(
    client, revision, physician
):
    ReviewerProfile.objects.filter(user=physician).update(printed_name="")
    client.force_login(physician)
    assert "a credential administrator enters it with your credential" in screen(client, revision)
    response = post_review(client, physician, revision)
    assert "no printed name" in response.content.decode()
    assert not Review.objects.exists()


def test_the_review_form_states_what_each_button_signs(client, revision, physician):
    client.force_login(physician)
    html = screen(client, revision)
    assert "By approving you sign: <strong>Approved as medically accurate</strong>" in html
    assert "By requesting changes you sign: <strong>Requested changes</strong>" in html


def test_the_password_field_lets_a_password_manager_fill_it(client, revision, physician):
    client.force_login(physician)
    html = screen(client, revision)
    assert 'type="password" name="password" autocomplete="current-password"' in html
    assert "onpaste" not in html and "oncopy" not in html


def test_the_review_screen_and_history_show_each_signature(client, revision, physician, nurse):
    approve(revision, physician)
    signature = Signature.objects.get()
    client.force_login(nurse)
    html = screen(client, revision)
    assert "Signed by <strong>Paula Physician</strong>, MD (credential with no end date)" in html
    assert "<em>Approved as medically accurate</em>" in html
    assert f"({settings.TIME_ZONE})" in html
    assert f"<code>{signature.short_hash}…</code>" in html
    assert f"<code>{signature.content_hash}</code>" in html
    assert html.count("Signed by <strong>Paula Physician</strong>") == 2  # review and history


def test_a_review_from_before_signatures_shows_it_was_not_signed(
    client, revision, physician, nurse
):
    Review.objects.create(
        revision=revision, reviewer=physician, decision="approve", credential="MD"
    )
    client.force_login(nurse)
    assert "not signed (approved before electronic signatures)" in screen(client, revision)


def test_the_pages_timeline_shows_each_signature(client, seed_page, revision, physician):
    approve(revision, physician)
    signature = Signature.objects.get()
    client.force_login(physician)
    html = client.get(
        reverse("admin:editorial_change_timeline", args=[seed_page.pk])
    ).content.decode()
    assert "Signed by Paula Physician, MD (no end date): Approved as medically accurate" in html
    assert signature.signed_at_text in html
    assert f"<code>{signature.content_hash}</code>" in html


def test_a_credential_administrator_enters_the_printed_name_in_the_admin(
    client, nurse, credential_admin
):
    profile = ReviewerProfile.objects.get(user=nurse)
    client.force_login(credential_admin)
    response = client.post(
        reverse("admin:editorial_reviewerprofile_change", args=[profile.pk]),
        {"credential": "OCN", "valid_until": "", "printed_name": "Nina R. Nurse"},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.printed_name == "Nina R. Nurse"


def test_a_change_moved_to_changes_requested_carries_a_signed_request(client, revision, nurse):
    client.force_login(nurse)
    post_review(client, nurse, revision, decision="request_changes")
    assert Change.objects.get(pk=revision.change_id).state == Change.State.CHANGES_REQUESTED
    assert Signature.objects.get().meaning == Signature.Meaning.CHANGES_REQUESTED


def test_a_user_name_not_the_signers_through_the_admin_is_refused_and_recorded(
    client, revision, physician, nurse
):
    client.force_login(physician)
    response = post_review(client, physician, revision, username="nurse")
    assert "That user name is not yours" in response.content.decode()
    assert not Review.objects.exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.SIGNING_FAILED, actor=physician
    ).exists()


def test_five_wrong_passwords_through_the_admin_pause_signing_as_they_pause_logging_in(
    client, revision, physician
):
    client.force_login(physician)
    for _ in range(4):
        assert post_review(client, physician, revision, password=WRONG).status_code == 200
    assert post_review(client, physician, revision, password=WRONG).status_code == 429
    refused = post_review(client, physician, revision)
    assert refused.status_code == 429
    assert not Review.objects.exists()


def test_signing_paused_says_so_in_words_about_signing_not_logging_in(client, revision, physician):
    client.force_login(physician)
    for _ in range(5):
        response = post_review(client, physician, revision, password=WRONG)
    html = response.content.decode()
    assert "<h1>Signing refused</h1>" in html
    assert "Signing with this account from your address is paused for 15 minutes" in html
    assert "Login refused" not in html


def test_verify_integrity_names_a_publication_that_is_not_what_its_revision_signed(
    writer, physician, nurse, managing_editor, everolimus
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet taken daily.")
    [publication] = publish_through_review(change, writer, physician, nurse, managing_editor)
    raw(
        "UPDATE editorial_publication SET content_hash = %s WHERE id = %s",
        ["0" * 64, publication.pk],
    )
    passed, output = verify()
    assert not passed
    assert (
        f"publication {publication.pk} ({publication.slug}): its content is not what "
        f"revision {publication.revision_id}'s signatures signed"
    ) in output
    raw(
        "UPDATE editorial_publication SET content_hash = %s WHERE id = %s",
        [publication.content_hash, publication.pk],
    )
    assert verify()[0]


def test_the_audit_trail_lists_the_signature_each_approval_carries(
    client, revision, physician, managing_editor
):
    approve(revision, physician)
    client.force_login(managing_editor)
    html = client.get(
        reverse("admin:editorial_auditentry_changelist"), {"action": "approve"}
    ).content.decode()
    assert "Paula Physician, MD: Approved as medically accurate" in html


# --- Signing with a passkey -------------------------------------------------------------------

ORIGIN = "http://testserver"  # the test client's and RequestFactory's
SIGNING_OPTIONS = reverse("admin:editorial_passkey_signing_options")


def _by_passkey(request, reviewer, revision, authenticator, asked_for=None):
    """`reviewer`'s passkey answers the options asked for `asked_for` (default: the revision)."""
    options = passkeys.signing_options(request, reviewer, asked_for or revision.content_hash)
    return signing.signing_by_passkey(
        request,
        user=reviewer,
        content_hash=revision.content_hash,
        response=authenticator.get(options, ORIGIN),
        change=revision.change,
        revision=revision,
    )


@pytest.fixture
def other_revision(writer, seed_page):
    return submit(edit(writer, seed_page, intro="Another change."), writer)


def _entries_since(seq: int) -> list[str]:
    return list(AuditEntry.objects.filter(seq__gt=seq).values_list("action", flat=True))


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_an_approval_signed_with_a_passkey_keeps_its_credential_and_the_assertion_of_the_hash(
    revision, physician, laptop
):
    proof = _by_passkey(signing_request(physician), physician, revision, laptop)
    signing.signature_certify(signing=proof)
    signature = _approve(revision, physician, proof).signature
    assert signature.method == Signature.Method.PASSKEY
    assert signature.get_method_display() == "passkey"
    assert signature.passkey_credential_id == laptop.id
    assertion = signature.webauthn_assertion
    assert assertion["credential_id"] == laptop.id
    client_data = json.loads(base64url_to_bytes(assertion["client_data_json"]))
    assert base64url_to_bytes(client_data["challenge"])[:32] == bytes.fromhex(revision.content_hash)
    passkeys.assertion_verify(assertion, revision.content_hash)  # anyone can, offline
    assert signature.hash == signature.expected_hash()


def test_a_passkey_answer_for_another_revisions_content_hash_records_only_a_failed_attempt(
    revision, other_revision, physician, laptop
):
    seq = _last_seq()
    request = signing_request(physician)
    with pytest.raises(signing.SigningRefused, match="not asked for this revision"):
        _by_passkey(request, physician, revision, laptop, asked_for=other_revision.content_hash)
    assert _entries_since(seq) == [AuditEntry.Action.SIGNING_FAILED]
    failed = AuditEntry.objects.get(action=AuditEntry.Action.SIGNING_FAILED)
    assert (failed.actor, failed.revision) == (physician, revision)
    assert failed.comment.startswith("Passkey refused")
    assert not Review.objects.exists() and not Signature.objects.exists()


def test_a_passkey_signing_of_one_revision_does_not_sign_another(
    revision, other_revision, physician, laptop
):
    proof = _by_passkey(signing_request(physician), physician, other_revision, laptop)
    signing.signature_certify(signing=proof)
    with pytest.raises(signing.SigningRefused, match="for other content"):
        _approve(revision, physician, proof)
    assert not Review.objects.exists()


def test_another_reviewers_passkey_is_refused_and_recorded(revision, physician, nurse, laptop):
    nurses_key = SoftAuthenticator()
    add_passkey(nurse, nurses_key, name="Nurse's key")
    seq = _last_seq()
    with pytest.raises(signing.SigningRefused, match="not one of yours"):
        _by_passkey(signing_request(physician), physician, revision, nurses_key)
    assert _entries_since(seq) == [AuditEntry.Action.SIGNING_FAILED]
    assert not Review.objects.exists()


def test_a_passkey_signature_counts_as_the_sessions_signing(
    client, revision, other_revision, physician, laptop
):
    client.force_login(physician)
    post_by_passkey(client, physician, revision, laptop)
    html = screen(client, other_revision)
    assert 'autocomplete="username"' not in html  # the password alone signs next


def passkey_answer(client, revision, authenticator) -> str:
    """What the review screen's passkey button sends: the options view, then the device."""
    options = client.post(SIGNING_OPTIONS, {"content_hash": revision.content_hash}).json()
    return authenticator.get(options, ORIGIN)


def post_by_passkey(client, reviewer, revision, authenticator, **overrides):
    data = {
        "revision": revision.pk,
        "content_hash": revision.content_hash,
        "decision": "approve",
        "comment": "Matches the label.",
        "certify": "on",
        "passkey_response": passkey_answer(client, revision, authenticator),
        **overrides,
    }
    return client.post(review_url(revision), {k: v for k, v in data.items() if v is not None})


def test_a_physician_approves_with_a_passkey_through_the_admin(client, revision, physician, laptop):
    client.force_login(physician)
    response = post_by_passkey(client, physician, revision, laptop)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.signer, signature.method) == (physician, Signature.Method.PASSKEY)
    assert signature.passkey_credential_id == laptop.id
    assert signature.review.comment == "Matches the label."
    assert SignatureCertification.objects.filter(user=physician).exists()
    assert "by passkey" in screen(client, revision)


def test_a_nurse_requests_changes_with_a_passkey_through_the_admin(client, revision, nurse):
    key = SoftAuthenticator()
    add_passkey(nurse, key, name="Ward tablet")
    client.force_login(nurse)
    response = post_by_passkey(
        client, nurse, revision, key, decision="request_changes", comment="Say 'tablet'."
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.method, signature.meaning) == (
        Signature.Method.PASSKEY,
        Signature.Meaning.CHANGES_REQUESTED,
    )
    revision.change.refresh_from_db()
    assert revision.change.state == Change.State.CHANGES_REQUESTED


def test_a_passkey_answer_for_another_revision_through_the_admin_keeps_the_comment(
    client, revision, other_revision, physician, laptop
):
    client.force_login(physician)
    seq = _last_seq()
    response = post_by_passkey(
        client,
        physician,
        revision,
        laptop,
        passkey_response=passkey_answer(client, other_revision, laptop),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was signed; the attempt is recorded." in html
    assert "Matches the label.</textarea>" in html
    assert '<input type="hidden" name="passkey_response">' in html  # the spent answer is not kept
    assert _entries_since(seq) == [AuditEntry.Action.SIGNING_FAILED]
    assert not Review.objects.exists() and not SignatureCertification.objects.exists()


def test_another_reviewers_passkey_through_the_admin_signs_nothing(
    client, revision, physician, nurse, laptop
):
    nurses_key = SoftAuthenticator()
    add_passkey(nurse, nurses_key, name="Nurse's key")
    client.force_login(physician)
    response = post_by_passkey(client, physician, revision, nurses_key)
    assert "not one of yours" in response.content.decode()
    assert not Review.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGNING_FAILED).count() == 1


def test_an_uncertified_passkey_signature_is_refused_before_the_passkey_is_used(
    client, revision, physician, laptop
):
    client.force_login(physician)
    response = post_by_passkey(client, physician, revision, laptop, certify=None)
    assert "legally binding equivalent" in response.content.decode()
    assert Passkey.objects.get(user=physician).last_used_at is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SIGNING_FAILED).exists()


def test_the_review_screen_offers_a_passkey_only_to_a_reviewer_who_has_one(
    client, revision, physician, nurse, laptop
):
    client.force_login(physician)
    html = screen(client, revision)
    assert "data-passkey-sign" in html and "editorial/passkeys.js" in html
    assert f"Approve revision {revision.number} with your passkey" in html
    client.force_login(nurse)
    html = screen(client, revision)
    assert "data-passkey-sign" not in html and "editorial/passkeys.js" not in html


def test_with_a_passkey_registered_the_password_still_signs(client, revision, physician, laptop):
    client.force_login(physician)
    assert post_review(client, physician, revision).status_code == 302
    assert Signature.objects.get().method == Signature.Method.PASSWORD


def test_a_review_with_neither_password_nor_passkey_asks_for_the_password(
    client, revision, physician
):
    client.force_login(physician)
    response = post_review(client, physician, revision, password="")
    assert "Enter your password to sign." in client.get(response.url).content.decode()
    assert not Review.objects.exists()


def test_verify_integrity_passes_with_a_passkey_signature(revision, physician, laptop):
    proof = _by_passkey(signing_request(physician), physician, revision, laptop)
    signing.signature_certify(signing=proof)
    _approve(revision, physician, proof)
    assert verify()[0]


def test_verify_integrity_names_a_passkey_signature_whose_assertion_signed_other_content(
    revision, other_revision, physician, laptop
):
    request = signing_request(physician)
    proof = _by_passkey(request, physician, revision, laptop)
    signing.signature_certify(signing=proof)
    signature = _approve(revision, physician, proof).signature
    elsewhere = _by_passkey(request, physician, other_revision, laptop).webauthn_assertion
    raw(
        "UPDATE editorial_signature SET webauthn_assertion = %s WHERE id = %s",
        [json.dumps(elsewhere), signature.pk],
    )
    signature.refresh_from_db()
    raw(  # its own hash rewritten to match, as someone covering their tracks would
        "UPDATE editorial_signature SET hash = %s WHERE id = %s",
        [signature.expected_hash(), signature.pk],
    )
    passed, output = verify()
    assert not passed
    assert (
        f"signature {signature.pk} (Paula Physician): its passkey assertion does not verify: "
        "The signature is not of this content hash." in output
    )
