"""A change, a translated publication and a live translation are each in one of the
languages the settings list: the database refuses any other, whatever wrote it."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from editorial.models import Change, CurrentTranslation, PublicationTranslation

pytestmark = pytest.mark.django_db


def test_a_change_in_a_language_the_site_does_not_list_is_refused(writer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Change.objects.create(title="Traduction", author=writer, language="fr")
    assert not Change.objects.exists()


def test_a_change_in_each_listed_language_is_kept(writer):
    for language in ("en", "es"):
        Change.objects.create(title=language, author=writer, language=language)
    assert Change.objects.count() == 2


def test_a_translated_publication_in_the_default_language_is_refused(seed_publication):
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationTranslation.objects.create(
            publication=seed_publication,
            language="en",
            source=seed_publication,
            source_content_hash=seed_publication.content_hash,
        )


def test_a_live_translation_in_an_unlisted_language_is_refused(seed_publication):
    with pytest.raises(IntegrityError), transaction.atomic():
        CurrentTranslation.objects.create(
            page_id=seed_publication.page_id,
            language="fr",
            publication=None,
            since=timezone.now(),
        )
