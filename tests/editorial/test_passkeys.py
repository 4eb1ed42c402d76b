"""Passkeys: reviewers add them with their password, sign content hashes with them, remove them.

The authenticator is a software one (tests/authenticator.py) answering as a browser's
would; Chromium's own virtual authenticator drives the same screens in
tests/browser/test_passkeys.py.
"""

import json
import re
import threading
from html import unescape

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, connections
from django.test import RequestFactory, override_settings
from django.urls import reverse

from editorial import passkeys
from editorial.integrity import verify_audit_chain
from editorial.models import AuditEntry, Passkey
from tests.authenticator import SoftAuthenticator, add_passkey, challenge_of

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"  # the Django test client's and RequestFactory's host
CONTENT_HASH = "5f0c7a3e9d1b2c4a6e8f00112233445566778899aabbccddeeff001122334455"
OTHER_HASH = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
LIST = reverse("admin:editorial_passkey_changelist")
ADD = reverse("admin:editorial_passkey_add")
SIGNING_OPTIONS = reverse("admin:editorial_passkey_signing_options")


def session_request(user):
    """A request with a session of its own: what one reviewer's browser tab sends."""
    request = RequestFactory().post("/admin/")
    request.session = SessionStore()
    request.user = user
    return request


def signed(request, user, authenticator, content_hash=CONTENT_HASH, origin=ORIGIN, **kwargs) -> str:
    """Ask for signing options for `content_hash`, and have `authenticator` answer them."""
    options = passkeys.signing_options(request, user, content_hash)
    return authenticator.get(options, origin, **kwargs)


# --- The signing challenge binds the content hash ---------------------------------------------


def test_the_signing_challenge_is_the_content_hash_then_16_random_bytes(physician, laptop):
    options = passkeys.signing_options(session_request(physician), physician, CONTENT_HASH)
    challenge = challenge_of(options)
    assert challenge[:32] == bytes.fromhex(CONTENT_HASH)
    assert len(challenge) == 48
    again = passkeys.signing_options(session_request(physician), physician, CONTENT_HASH)
    assert challenge_of(again) != challenge  # the random part differs


def test_signing_options_allow_only_the_reviewers_own_passkeys_and_require_verification(
    physician, nurse, laptop
):
    add_passkey(nurse, SoftAuthenticator(), name="Nurse's key")
    options = passkeys.signing_options(session_request(physician), physician, CONTENT_HASH)
    assert [item["id"] for item in options["allowCredentials"]] == [laptop.id]
    assert options["userVerification"] == "required"
    assert options["rpId"] == "testserver"


def test_a_passkey_signature_of_the_content_hash_is_accepted_and_kept_for_an_auditor(
    physician, laptop
):
    request = session_request(physician)
    passkey, assertion = passkeys.verify_signing(
        request, physician, CONTENT_HASH, signed(request, physician, laptop)
    )
    assert passkey.credential_id == laptop.id
    assert set(assertion) >= {
        "credential_id",
        "authenticator_data",
        "client_data_json",
        "signature",
        "public_key",
        "rp_id",
    }
    passkey.refresh_from_db()
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    passkeys.assertion_verify(json.loads(json.dumps(assertion)), CONTENT_HASH)  # offline


def test_a_kept_assertion_does_not_verify_for_other_content_or_once_altered(physician, laptop):
    request = session_request(physician)
    _, assertion = passkeys.verify_signing(
        request, physician, CONTENT_HASH, signed(request, physician, laptop)
    )
    with pytest.raises(passkeys.PasskeyRefused, match="not of this content hash"):
        passkeys.assertion_verify(assertion, OTHER_HASH)
    other_key = SoftAuthenticator().cose_public_key()
    from webauthn.helpers import bytes_to_base64url

    with pytest.raises(passkeys.PasskeyRefused, match="does not verify"):
        passkeys.assertion_verify(
            {**assertion, "public_key": bytes_to_base64url(other_key)}, CONTENT_HASH
        )


def test_a_signature_asked_for_one_content_hash_is_refused_for_another(physician, laptop):
    request = session_request(physician)
    response = signed(request, physician, laptop, content_hash=CONTENT_HASH)
    with pytest.raises(passkeys.PasskeyRefused, match="not asked for this revision"):
        passkeys.verify_signing(request, physician, OTHER_HASH, response)


def test_a_signature_made_for_one_content_hash_is_refused_for_another_asked_alongside(
    physician, laptop
):
    request = session_request(physician)
    response = signed(request, physician, laptop, content_hash=CONTENT_HASH)
    passkeys.signing_options(request, physician, OTHER_HASH)
    with pytest.raises(passkeys.PasskeyRefused, match="challenge"):
        passkeys.verify_signing(request, physician, OTHER_HASH, response)
    assert Passkey.objects.get().sign_count == 0


def test_a_replayed_signature_is_refused(physician, laptop):
    request = session_request(physician)
    response = signed(request, physician, laptop)
    passkeys.verify_signing(request, physician, CONTENT_HASH, response)
    with pytest.raises(passkeys.PasskeyRefused, match="used already"):
        passkeys.verify_signing(request, physician, CONTENT_HASH, response)


def test_a_signature_sent_twice_from_one_session_at_once_is_accepted_once(physician):
    """Two requests that both read the session before either spent the challenge, with a
    passkey that counts nothing: the passkey's last challenge refuses the second."""
    phone = SoftAuthenticator(counting=False)
    add_passkey(physician, phone, name="Phone")
    first = session_request(physician)
    response = signed(first, physician, phone)
    second = session_request(physician)
    second.session.update(json.loads(json.dumps(dict(first.session.items()))))
    passkeys.verify_signing(first, physician, CONTENT_HASH, response)
    with pytest.raises(passkeys.PasskeyRefused, match="used already"):
        passkeys.verify_signing(second, physician, CONTENT_HASH, response)


def test_a_passkey_that_counts_nothing_signs_again_with_a_new_challenge(physician):
    phone = SoftAuthenticator(counting=False)
    add_passkey(physician, phone, name="Phone")
    request = session_request(physician)
    passkeys.verify_signing(request, physician, CONTENT_HASH, signed(request, physician, phone))
    passkey, _ = passkeys.verify_signing(
        request, physician, CONTENT_HASH, signed(request, physician, phone)
    )
    assert passkey.sign_count == 0


def test_a_failed_attempt_spends_the_challenge_too(physician, laptop):
    request = session_request(physician)
    options = passkeys.signing_options(request, physician, CONTENT_HASH)
    with pytest.raises(passkeys.PasskeyRefused):
        passkeys.verify_signing(
            request, physician, CONTENT_HASH, laptop.get(options, "https://elsewhere.example")
        )
    with pytest.raises(passkeys.PasskeyRefused, match="used already"):
        passkeys.verify_signing(request, physician, CONTENT_HASH, laptop.get(options, ORIGIN))


def test_another_reviewers_passkey_is_refused(physician, nurse, laptop):
    nurses_key = SoftAuthenticator()
    add_passkey(nurse, nurses_key, name="Nurse's key")
    request = session_request(physician)
    response = signed(request, physician, nurses_key)
    with pytest.raises(passkeys.PasskeyRefused, match="not one of yours"):
        passkeys.verify_signing(request, physician, CONTENT_HASH, response)
    assert Passkey.objects.get(user=nurse).sign_count == 0


def test_a_signature_made_on_another_origin_is_refused(physician, laptop):
    request = session_request(physician)
    response = signed(request, physician, laptop, origin="https://imprimatur.example.net")
    with pytest.raises(passkeys.PasskeyRefused, match="origin"):
        passkeys.verify_signing(request, physician, CONTENT_HASH, response)


def test_a_signature_for_another_relying_party_is_refused(physician, laptop):
    request = session_request(physician)
    response = signed(request, physician, laptop)
    with (
        override_settings(WEBAUTHN_RP_ID="imprimatur.example.org"),
        pytest.raises(passkeys.PasskeyRefused, match="RP ID"),
    ):
        passkeys.verify_signing(request, physician, CONTENT_HASH, response)


def test_a_signature_without_user_verification_is_refused(physician, laptop):
    request = session_request(physician)
    response = signed(request, physician, laptop, verified=False)
    with pytest.raises(passkeys.PasskeyRefused, match=r"[Uu]ser verification"):
        passkeys.verify_signing(request, physician, CONTENT_HASH, response)


def test_a_copied_authenticator_whose_counter_went_back_is_refused(physician, laptop):
    clone = laptop.copy()
    request = session_request(physician)
    passkeys.verify_signing(request, physician, CONTENT_HASH, signed(request, physician, laptop))
    passkeys.verify_signing(request, physician, CONTENT_HASH, signed(request, physician, laptop))
    with pytest.raises(passkeys.PasskeyRefused, match="may have been copied"):
        passkeys.verify_signing(request, physician, CONTENT_HASH, signed(request, physician, clone))
    assert Passkey.objects.get().sign_count == 2


def test_an_expired_signing_challenge_is_refused(physician, laptop, monkeypatch):
    request = session_request(physician)
    response = signed(request, physician, laptop)
    later = passkeys._now() + passkeys.CHALLENGE_SECONDS + 1
    monkeypatch.setattr(passkeys, "_now", lambda: later)
    with pytest.raises(passkeys.PasskeyRefused, match="expired"):
        passkeys.verify_signing(request, physician, CONTENT_HASH, response)


def test_a_signature_asked_by_one_reviewer_is_refused_to_another_in_that_session(
    physician, second_physician, laptop
):
    request = session_request(physician)
    response = signed(request, physician, laptop)
    request.user = second_physician
    add_passkey(second_physician, SoftAuthenticator(), name="Omar's key")
    with pytest.raises(passkeys.PasskeyRefused, match="not asked"):
        passkeys.verify_signing(request, second_physician, CONTENT_HASH, response)


def test_an_unreadable_answer_is_refused_clearly(physician, laptop):
    request = session_request(physician)
    passkeys.signing_options(request, physician, CONTENT_HASH)
    with pytest.raises(passkeys.PasskeyRefused, match="could not be read"):
        passkeys.verify_signing(request, physician, CONTENT_HASH, '{"id": 3}')


def test_a_reviewer_without_a_passkey_is_told_to_add_one(physician):
    with pytest.raises(passkeys.PasskeyRefused, match="add one under “Your passkeys”"):
        passkeys.signing_options(session_request(physician), physician, CONTENT_HASH)


def test_a_malformed_content_hash_is_refused(physician, laptop):
    with pytest.raises(passkeys.PasskeyRefused, match="not a content hash"):
        passkeys.signing_options(session_request(physician), physician, CONTENT_HASH.upper())


def test_passkeys_are_for_staff_with_a_reviewer_profile(physician, writer, administrator):
    assert passkeys.may_have_passkeys(physician)
    assert not passkeys.may_have_passkeys(writer)
    assert not passkeys.may_have_passkeys(administrator)


def test_the_relying_party_is_the_host_without_its_port_unless_configured(physician):
    request = RequestFactory().get("/admin/", HTTP_HOST="localhost:8000")
    assert passkeys.rp_id(request) == "localhost"
    assert passkeys.expected_origin(request) == "http://localhost:8000"
    with override_settings(WEBAUTHN_RP_ID="example.org"):
        assert passkeys.rp_id(request) == "example.org"


def test_the_relying_party_name_is_the_sites_unless_configured():
    assert passkeys.rp_name() == "Cancer drug information"
    with override_settings(WEBAUTHN_RP_NAME="Imprimatur review"):
        assert passkeys.rp_name() == "Imprimatur review"


# --- The signing options view --------------------------------------------------------------


def test_the_signing_options_view_answers_for_the_content_hash_posted(client, physician, laptop):
    client.force_login(physician)
    response = client.post(SIGNING_OPTIONS, {"content_hash": CONTENT_HASH})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    options = response.json()
    assert challenge_of(options)[:32] == bytes.fromhex(CONTENT_HASH)


def test_a_signature_through_the_view_verifies_in_the_same_session(client, physician, laptop):
    client.force_login(physician)
    options = client.post(SIGNING_OPTIONS, {"content_hash": CONTENT_HASH}).json()
    request = session_request(physician)
    request.session = client.session
    passkey, _ = passkeys.verify_signing(
        request, physician, CONTENT_HASH, laptop.get(options, ORIGIN)
    )
    assert passkey.credential_id == laptop.id


def test_the_signing_options_view_refuses_a_malformed_hash_with_a_message(
    client, physician, laptop
):
    client.force_login(physician)
    response = client.post(SIGNING_OPTIONS, {"content_hash": "not-a-hash"})
    assert response.status_code == 400
    assert "content hash" in response.json()["error"]


def test_the_signing_options_view_says_so_when_the_reviewer_has_no_passkey(client, physician):
    client.force_login(physician)
    response = client.post(SIGNING_OPTIONS, {"content_hash": CONTENT_HASH})
    assert response.status_code == 400
    assert "no passkey" in response.json()["error"]


def test_the_signing_options_view_refuses_someone_without_a_reviewer_profile(client, writer):
    client.force_login(writer)
    response = client.post(SIGNING_OPTIONS, {"content_hash": CONTENT_HASH})
    assert response.status_code == 403


def test_the_signing_options_view_takes_only_a_post_with_its_csrf_token(physician, laptop):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(physician)
    assert browser.get(SIGNING_OPTIONS).status_code == 405
    assert browser.post(SIGNING_OPTIONS, {"content_hash": CONTENT_HASH}).status_code == 403


def test_the_signing_options_view_is_for_signed_in_staff(client):
    response = client.post(SIGNING_OPTIONS, {"content_hash": CONTENT_HASH})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Adding a passkey: the password, then the authenticator --------------------------------


def registration_options(response) -> dict:
    found = re.search(
        r'<script id="passkey-registration-options" type="application/json">(.*?)</script>',
        response.content.decode(),
        flags=re.S,
    )
    assert found, "the page carries no registration options"
    return json.loads(unescape(found.group(1)))


PASSWORD = "physician-password"


def confirm(client, name="Work laptop", password=PASSWORD):
    return client.post(ADD, {"name": name, "password": password})


def test_a_reviewer_adds_a_passkey_with_their_password_then_their_authenticator(client, physician):
    client.force_login(physician)
    page = confirm(client)
    assert page.status_code == 200
    options = registration_options(page)
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["rp"] == {"id": "testserver", "name": "Cancer drug information"}
    laptop = SoftAuthenticator()
    done = client.post(
        ADD, {"name": "Work laptop", "passkey_response": laptop.create(options, ORIGIN)}
    )
    assert done.status_code == 302 and done["Location"] == LIST
    passkey = Passkey.objects.get()
    assert (passkey.user, passkey.name, passkey.credential_id) == (
        physician,
        "Work laptop",
        laptop.id,
    )
    assert passkey.transports == ["internal"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSKEY_ADDED)
    assert entry.actor == physician and "Work laptop" in entry.comment


def test_a_wrong_password_is_refused_and_counted_as_a_failed_login(client, physician):
    from axes.models import AccessFailureLog

    client.force_login(physician)
    page = confirm(client, password="not-my-password")
    assert page.status_code == 200
    assert "That is not your password." in page.content.decode()
    assert "passkey-registration-options" not in page.content.decode()
    assert AccessFailureLog.objects.filter(username="physician").count() == 1


def test_five_wrong_passwords_pause_the_account_as_five_failed_logins_do(client, physician):
    client.force_login(physician)
    for _ in range(5):
        confirm(client, password="guess")
    refused = confirm(client)
    assert refused.status_code == 429
    assert "passkey-registration-options" not in refused.content.decode()


def test_an_answer_without_the_password_confirmed_is_refused(client, physician):
    client.force_login(physician)
    options = registration_options(confirm(client))
    client.logout()
    client.force_login(physician)  # a new session: nothing confirmed in it
    page = client.post(
        ADD,
        {"name": "Work laptop", "passkey_response": SoftAuthenticator().create(options, ORIGIN)},
    )
    assert "Confirm your password first" in page.content.decode()
    assert not Passkey.objects.exists()


def test_an_answer_made_on_another_origin_is_refused(client, physician):
    client.force_login(physician)
    options = registration_options(confirm(client))
    page = client.post(
        ADD,
        {
            "name": "Work laptop",
            "passkey_response": SoftAuthenticator().create(options, "https://elsewhere.example"),
        },
    )
    assert page.status_code == 200
    assert "not accepted" in page.content.decode()
    assert not Passkey.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PASSKEY_ADDED).exists()


def test_a_registration_answer_is_accepted_once(client, physician):
    client.force_login(physician)
    options = registration_options(confirm(client))
    answer = SoftAuthenticator().create(options, ORIGIN)
    client.post(ADD, {"name": "Work laptop", "passkey_response": answer})
    confirm(client, name="Again")  # a new challenge, which the old answer does not carry
    page = client.post(ADD, {"name": "Again", "passkey_response": answer})
    assert "challenge" in page.content.decode()
    assert Passkey.objects.count() == 1


def test_a_registration_challenge_expires(client, physician, monkeypatch):
    client.force_login(physician)
    options = registration_options(confirm(client))
    later = passkeys._now() + passkeys.CHALLENGE_SECONDS + 1
    monkeypatch.setattr(passkeys, "_now", lambda: later)
    page = client.post(
        ADD,
        {"name": "Work laptop", "passkey_response": SoftAuthenticator().create(options, ORIGIN)},
    )
    assert "Confirm your password first" in page.content.decode()
    assert not Passkey.objects.exists()


def test_a_name_already_given_to_one_of_ones_passkeys_is_refused(client, physician, laptop):
    client.force_login(physician)
    page = confirm(client, name="Work laptop")
    assert "already have a passkey called “Work laptop”" in page.content.decode()
    assert "passkey-registration-options" not in page.content.decode()


def test_the_registration_options_exclude_the_reviewers_passkeys(client, physician, laptop):
    client.force_login(physician)
    options = registration_options(confirm(client, name="Phone"))
    assert [item["id"] for item in options["excludeCredentials"]] == [laptop.id]


# --- Your passkeys: each person's own ----------------------------------------------------------


def test_the_list_shows_only_ones_own_passkeys(client, physician, nurse, laptop):
    add_passkey(nurse, SoftAuthenticator(), name="Nurse's security key")
    client.force_login(physician)
    page = client.get(LIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your passkeys" in text and "Work laptop" in text
    assert "Nurse's security key" not in text


def test_nobody_opens_or_removes_another_persons_passkey(client, physician, nurse):
    theirs = add_passkey(nurse, SoftAuthenticator(), name="Nurse's security key")
    client.force_login(physician)
    delete = reverse("admin:editorial_passkey_delete", args=[theirs.pk])
    for url in (reverse("admin:editorial_passkey_change", args=[theirs.pk]), delete):
        response = client.get(url)  # as if it did not exist
        assert response.status_code == 302 and response["Location"] == "/admin/", url
    assert client.post(delete, {"post": "yes"})["Location"] == "/admin/"
    assert Passkey.objects.filter(pk=theirs.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PASSKEY_REMOVED).exists()


def test_removing_a_passkey_asks_first_then_is_audited(client, physician, laptop):
    passkey = Passkey.objects.get()
    url = reverse("admin:editorial_passkey_delete", args=[passkey.pk])
    client.force_login(physician)
    asked = client.get(url)
    assert asked.status_code == 200 and "Are you sure" in asked.content.decode()
    assert Passkey.objects.exists()
    removed = client.post(url, {"post": "yes"})
    assert removed.status_code == 302
    assert not Passkey.objects.exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PASSKEY_REMOVED)
    assert entry.actor == physician and "Work laptop" in entry.comment


def test_passkey_entries_join_the_audit_chain_and_it_still_verifies(physician, laptop):
    passkey = Passkey.objects.get()
    passkeys.passkey_remove(passkey, user=physician)
    assert verify_audit_chain() == []


def test_someone_without_a_reviewer_profile_has_no_passkeys_screen(client, writer):
    client.force_login(writer)
    assert client.get(LIST).status_code == 403
    assert client.get(ADD).status_code == 403
    assert "Your passkeys" not in client.get(reverse("admin:index")).content.decode()


def test_the_admin_home_offers_a_reviewer_their_passkeys(client, physician):
    client.force_login(physician)
    assert LIST in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_one_signature_sent_by_ten_requests_at_once_is_accepted_once(physician):
    """The passkey's row lock orders them: only the first finds the challenge unspent."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions: runs on PostgreSQL")
    phone = SoftAuthenticator(counting=False)
    add_passkey(physician, phone, name="Phone")
    first = session_request(physician)
    response = signed(first, physician, phone)
    saved = json.dumps(dict(first.session.items()))
    barrier = threading.Barrier(10)
    outcomes = []

    def send() -> None:
        request = session_request(physician)
        request.session.update(json.loads(saved))
        try:
            barrier.wait()
            passkeys.verify_signing(request, physician, CONTENT_HASH, response)
            outcomes.append("accepted")
        except passkeys.PasskeyRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] + ["refused"] * 9


def test_a_reviewer_reads_their_passkey_and_may_only_remove_it(client, physician, laptop):
    passkey = Passkey.objects.get()
    client.force_login(physician)
    page = client.get(reverse("admin:editorial_passkey_change", args=[passkey.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Work laptop" in text and "internal" in text
    assert 'name="name"' not in text  # nothing to edit
    assert reverse("admin:editorial_passkey_delete", args=[passkey.pk]) in text


def test_the_add_screen_links_to_the_guides_section_on_passkeys(client, physician):
    client.force_login(physician)
    assert 'href="/admin/guide/#your-passkeys"' in client.get(ADD).content.decode()
    assert 'id="your-passkeys"' in client.get("/admin/guide/").content.decode()
