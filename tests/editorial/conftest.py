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
def published_translation(seed_page, translator):
    """The seed page's title and introduction in Spanish, as a Spanish publication leaves them:
    saved through the translator's workflow, its change released, and the row's version
    the published one (`PublishedVersion`, which publishing writes for every record shown)."""
    from django.utils import timezone

    from drugs.models import Translation
    from editorial import translating
    from editorial.models import PublishedVersion

    change = translating.translation_save(
        user=translator,
        page=seed_page,
        language="es",
        texts={
            ("drugs.page", seed_page.pk, "title"): "Terapia dirigida para el tumor neuroendocrino "
            "de páncreas",
            ("drugs.page", seed_page.pk, "intro"): "Los medicamentos dirigidos actúan de forma "
            "distinta a la quimioterapia convencional.",
        },
    )
    change.records.update(released_at=timezone.now())
    change.state = change.State.PUBLISHED
    change.save(update_fields=["state"])
    row = Translation.objects.get(model="drugs.page", object_id=seed_page.pk, language="es")
    PublishedVersion.objects.create(
        model="drugs.translation", object_id=row.pk, history_id=row.history.latest().history_id
    )
    return row


@pytest.fixture
def two_pages(seed_page, kidney_page):
    return [seed_page, kidney_page]


@pytest.fixture
def reviewers_in_spanish(physician, nurse):
    """The Spanish policy counts reviewers who review in Spanish: these two do."""
    from editorial.models import ReviewerProfile

    ReviewerProfile.objects.filter(user__in=[physician, nurse]).update(
        review_languages=["en", "es"]
    )


@pytest.fixture
def people(writer, physician, nurse, managing_editor):
    """The four who take a change from draft to published, in that order."""
    return writer, physician, nurse, managing_editor
