import pytest
from django.contrib.auth import get_user_model

from drugs.models import Drug
from editorial import roles
from tests.authenticator import SoftAuthenticator, add_passkey


@pytest.fixture
def everolimus(seed_page) -> Drug:
    return Drug.objects.get(slug="everolimus")


@pytest.fixture
def laptop(physician) -> SoftAuthenticator:
    """The physician's passkey, on a software authenticator."""
    authenticator = SoftAuthenticator()
    add_passkey(physician, authenticator)
    return authenticator


@pytest.fixture
def other_writer(db):
    user = get_user_model().objects.create_user(
        username="other-writer",
        password="other-writer-password",
        first_name="Otto",
        last_name="Other",
        is_staff=True,
    )
    user.groups.add(roles.role_groups()[roles.WRITER])
    return user


@pytest.fixture
def kidney_page(seed_page, writer, physician, nurse, managing_editor):
    """A second published page that shows everolimus, made and published through review."""
    from drugs.models import CancerType, DrugSection, Page
    from tests.workflow import edit, publish_through_review

    cancer = CancerType(name="Kidney cancer", slug="kidney-cancer")
    change = edit(writer, cancer)
    page = Page(
        title="Targeted Therapy for Kidney Cancer",
        slug="targeted-therapy-for-kidney-cancer",
        cancer_type=cancer,
        intro="Test content: a second page that shows everolimus.",
    )
    edit(writer, page, change=change)
    section = DrugSection(page=page, drug=Drug.objects.get(slug="everolimus"), position=1)
    edit(writer, section, change=change)
    publish_through_review(change, writer, physician, nurse, managing_editor, summary="New page")
    return page


@pytest.fixture
def two_pages(seed_page, kidney_page):
    return [seed_page, kidney_page]
