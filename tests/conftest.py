"""Personas and the canonical content: the seed page, imported and published."""

import pytest
from django.contrib.auth import get_user_model

from editorial import identity, roles
from editorial.importing import seed_import
from editorial.models import PolicyRequirement, Publication, ReviewerProfile, ReviewPolicy


@pytest.fixture(autouse=True)
def fresh_site_identity():
    """Each test reads the site identity afresh: what a process keeps of it would
    otherwise outlive the database of the test that read it."""
    identity.forget()
    yield
    identity.forget()


def _member(username: str, role: str, **extra):
    groups = roles.role_groups()  # migrate made them
    user = get_user_model().objects.create_user(
        username=username, password=f"{username}-password", is_staff=True, **extra
    )
    user.groups.add(groups[role])
    return user


@pytest.fixture
def default_review_policy(transactional_db):
    """The policy the data migration creates, which a transactional test's flush removes.

    pytest-django runs transactional tests last; each one that follows another finds
    the database flushed, so it puts the default policy back first.
    """
    if not ReviewPolicy.objects.filter(is_active=True, language="en").exists():
        policy = ReviewPolicy.objects.create(
            name="A physician and an oncology certified nurse", review_interval_months=12
        )
        for kind in ("physician", "oncology_nurse"):
            PolicyRequirement.objects.create(policy=policy, kind=kind, count=1)
    if not ReviewPolicy.objects.filter(is_active=True, language="es").exists():
        policy = ReviewPolicy.objects.create(
            name="A physician and an oncology certified nurse who review in Spanish",
            language="es",
            reviewers_in_language=True,
            review_interval_months=12,
            reading_ease=70,
        )
        for kind in ("physician", "oncology_nurse"):
            PolicyRequirement.objects.create(policy=policy, kind=kind, count=1)


@pytest.fixture
def writer(db):
    return _member("writer", roles.WRITER, first_name="Wren", last_name="Writer")


def _reviewer(username: str, role: str, credential: str, **extra):
    user = _member(username, role, **extra)
    ReviewerProfile.objects.create(
        user=user, credential=credential, printed_name=user.get_full_name()
    )
    return user


@pytest.fixture
def physician(db):
    return _reviewer("physician", roles.PHYSICIAN, "MD", first_name="Paula", last_name="Physician")


@pytest.fixture
def nurse(db):
    return _reviewer("nurse", roles.NURSE, "OCN", first_name="Nina", last_name="Nurse")


@pytest.fixture
def second_physician(db):
    return _reviewer("physician2", roles.PHYSICIAN, "DO", first_name="Omar", last_name="Osteopath")


@pytest.fixture
def managing_editor(db):
    return _member("editor", roles.MANAGING_EDITOR, first_name="Mara", last_name="Editor")


@pytest.fixture
def second_managing_editor(db):
    return _member("editor2", roles.MANAGING_EDITOR, first_name="Max", last_name="Editor")


@pytest.fixture
def credential_admin(db):
    return _member(
        "credentials", roles.CREDENTIAL_ADMIN, first_name="Cora", last_name="Credentials"
    )


@pytest.fixture
def translator(db):
    return _member("translator", roles.TRANSLATOR, first_name="Teo", last_name="Translator")


@pytest.fixture
def second_translator(db):
    return _member("translator2", roles.TRANSLATOR, first_name="Tina", last_name="Traductora")


@pytest.fixture
def administrator(db):
    """A superuser: administers accounts and groups, takes no part in the workflow."""
    return get_user_model().objects.create_superuser(
        username="root", password="root-password", first_name="Ada", last_name="Admin"
    )


@pytest.fixture
def seed_publication(db) -> Publication:
    """The seed page, loaded and published as imported content."""
    return seed_import()


@pytest.fixture
def seed_page(seed_publication):
    return seed_publication.page


@pytest.fixture
def seed_url(seed_publication) -> str:
    return seed_publication.get_absolute_url()
