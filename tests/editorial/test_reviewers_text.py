"""How a page names who reviewed it: one function, in every language."""

import pytest
from django.utils import translation

from editorial.structured_data import reviewers_text


@pytest.mark.parametrize("credentials", [["MD", "OCN"], ["OCN", "MD"], ["DO", "AOCN", "MD"]])
def test_physicians_come_first_then_nurses_each_named_once(credentials):
    with translation.override("en"):
        assert reviewers_text(credentials) == "a physician and an oncology certified nurse"


def test_the_reviewers_are_named_in_the_active_language():
    with translation.override("es"):
        assert reviewers_text(["OCN", "MD"]).startswith("un médico y ")


def test_a_language_given_names_them_in_it_whatever_is_active():
    with translation.override("es"):
        assert reviewers_text(["MD"], "en") == "a physician"


def test_a_credential_it_does_not_know_is_named_by_its_code_last():
    with translation.override("en"):
        assert reviewers_text(["RN", "MD"]) == "a physician and RN"
