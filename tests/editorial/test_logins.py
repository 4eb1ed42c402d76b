"""The admin login refuses guessing: per client address after 5 failures, per account after 20.

Every attempt goes through the admin's login form over HTTP, as a browser would send it.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import F

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
HOME = "203.0.113.5"
PASSWORD = "physician-password"


def attempt(client, username: str, password: str, address: str = HOME, **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, times: int, username: str = "physician", address: str = HOME, **headers):
    for _ in range(times):
        response = attempt(client, username, "wrong-password", address, **headers)
        assert response.status_code in (200, 429)


def logs_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def fifteen_minutes_pass() -> None:
    from axes.models import AccessAttempt, AccessFailureLog

    later = timedelta(minutes=15, seconds=1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - later)
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - later)


# --- 5 failures for one account from one client address: refused there for 15 minutes ---


def test_four_failed_logins_still_leave_the_right_password_working(client, physician):
    fail(client, 4)
    assert logs_in(attempt(client, "physician", PASSWORD))


def test_after_five_failed_logins_the_right_password_is_refused_with_a_clear_message(
    client, physician
):
    fail(client, 5)
    response = attempt(client, "physician", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed logins" in text and "15 minutes" in text
    assert "Imprimatur" in text  # the admin's own look, not a bare error
    assert response["Retry-After"] == "900"


def test_a_hundred_wrong_passwords_in_a_row_are_refused_and_so_is_the_right_one(client, physician):
    answers = [attempt(client, "physician", f"guess-{n}").status_code for n in range(100)]
    assert answers[:4] == [200] * 4
    assert set(answers[5:]) == {429}
    assert not logs_in(attempt(client, "physician", PASSWORD))


def test_refused_attempts_do_not_count_as_failures_or_extend_the_refusal(client, physician):
    from axes.models import AccessFailureLog

    fail(client, 5)
    fail(client, 10)
    assert AccessFailureLog.objects.filter(username="physician").count() == 5
    fifteen_minutes_pass()
    assert logs_in(attempt(client, "physician", PASSWORD))


def test_the_refusal_ends_after_fifteen_minutes(client, physician):
    fail(client, 5)
    fifteen_minutes_pass()
    assert logs_in(attempt(client, "physician", PASSWORD))


def test_the_refusal_holds_only_for_the_address_that_failed(client, physician):
    fail(client, 5, address=HOME)
    assert logs_in(attempt(client, "physician", PASSWORD, address="198.51.100.7"))


def test_the_refusal_holds_only_for_the_account_that_failed(client, physician, nurse):
    fail(client, 5, username="physician")
    assert logs_in(attempt(client, "nurse", "nurse-password"))


# --- The client address: REMOTE_ADDR, or what a trusted proxy forwards ---------------


def test_without_a_trusted_proxy_a_forwarded_for_header_cannot_dodge_the_refusal(
    client, physician, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        fail(client, 1, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = attempt(client, "physician", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_refusal_holds_for_the_client_it_forwards(
    client, physician, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    fail(client, 5, address=proxy, HTTP_X_FORWARDED_FOR=HOME)
    refused = attempt(client, "physician", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert refused.status_code == 429
    other = attempt(client, "physician", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert logs_in(other)


def test_behind_a_trusted_proxy_addresses_the_client_prepends_are_not_believed(
    client, physician, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(5):
        fail(client, 1, address=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {HOME}")
    refused = attempt(client, "physician", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert refused.status_code == 429


# --- 20 failures for one account from any addresses: the account locks ----------------


def fail_from_many_addresses(client, failures: int, username: str = "physician") -> None:
    """`failures` wrong passwords, at most 2 from each address, so none is refused."""
    for n in range(failures):
        fail(client, 1, username=username, address=f"198.51.100.{n // 2 + 1}")


def test_nineteen_failures_from_many_addresses_leave_the_account_open(client, physician):
    fail_from_many_addresses(client, 19)
    assert logs_in(attempt(client, "physician", PASSWORD, address="192.0.2.200"))


def test_twenty_failures_from_many_addresses_lock_the_account_everywhere(client, physician):
    fail_from_many_addresses(client, 20)
    response = attempt(client, "physician", PASSWORD, address="192.0.2.200")
    assert response.status_code == 429
    text = response.content.decode()
    assert "This account is locked" in text and "administrator" in text


def test_a_locked_account_stays_locked_after_fifteen_minutes(client, physician):
    fail_from_many_addresses(client, 20)
    fifteen_minutes_pass()
    assert not logs_in(attempt(client, "physician", PASSWORD, address="192.0.2.200"))


def test_a_successful_login_starts_the_account_count_afresh(client, physician):
    fail_from_many_addresses(client, 19)
    assert logs_in(attempt(client, "physician", PASSWORD, address="192.0.2.200"))
    client.logout()
    fail_from_many_addresses(client, 19)
    assert logs_in(attempt(client, "physician", PASSWORD, address="192.0.2.201"))


def test_locking_an_account_mails_its_owner_and_the_administrators_once(
    client, physician, django_user_model, settings
):
    settings.ADMINS = [("Site admin", "admin@example.org")]
    physician.email = "paula@example.org"
    physician.save()
    django_user_model.objects.create_superuser("root", "root@example.org", "root-password")
    django_user_model.objects.create_superuser("gone", "gone@example.org", "x", is_active=False)
    fail_from_many_addresses(client, 25)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["admin@example.org", "paula@example.org", "root@example.org"]
    assert "physician" in message.subject and "locked" in message.subject
    assert "axes_reset_username physician" in message.body


def test_an_administrator_unlocks_an_account_by_command(client, physician):
    fail_from_many_addresses(client, 20)
    call_command("axes_reset_username", "physician")
    assert logs_in(attempt(client, "physician", PASSWORD, address="192.0.2.200"))


def test_a_superuser_unlocks_an_account_in_the_admin(client, physician, django_user_model):
    from axes.models import AccessFailureLog

    fail_from_many_addresses(client, 20)
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    changelist = "/admin/axes/accessfailurelog/"
    failures = list(AccessFailureLog.objects.filter(username="physician").values_list("pk"))
    response = client.post(
        changelist,
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [pk for (pk,) in failures],
        },
    )
    assert response.status_code == 302
    client.logout()
    assert logs_in(attempt(client, "physician", PASSWORD, address="192.0.2.200"))


def test_a_managing_editor_cannot_unlock_accounts(client, managing_editor):
    client.force_login(managing_editor)
    assert client.get("/admin/axes/accessfailurelog/").status_code == 403
