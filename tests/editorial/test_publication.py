"""A publication is a frozen, self-contained, append-only snapshot of a page."""

import pytest

from config.history import save_with_history
from drugs.models import Drug
from editorial.models import AppendOnlyError, Publication
from editorial.snapshots import ContentSource, content_hash, page_snapshot
from editorial.workflow import record_key

pytestmark = pytest.mark.django_db


def snapshot_of(page, *owned):
    """The page as a change owning `owned` would publish it."""
    return page_snapshot(ContentSource({record_key(row) for row in owned}), page.pk)


def test_publication_stores_the_hash_of_its_own_content(seed_publication):
    assert seed_publication.content_hash == content_hash(seed_publication.content)


def test_unchanged_page_hashes_the_same_whatever_its_ids_and_timestamps(seed_page, writer):
    before = content_hash(snapshot_of(seed_page))
    everolimus = Drug.objects.get(slug="everolimus")
    save_with_history(everolimus, user=writer, reason="Saved without changes")
    assert content_hash(snapshot_of(seed_page, everolimus)) == before


def test_a_change_to_a_shared_drug_changes_the_pages_hash(seed_page, writer):
    before = content_hash(snapshot_of(seed_page))
    everolimus = Drug.objects.get(slug="everolimus")
    everolimus.administration = "Everolimus is a tablet taken once a day."
    save_with_history(everolimus, user=writer, reason="Label wording")
    assert content_hash(snapshot_of(seed_page, everolimus)) != before


def test_a_snapshot_ignores_working_edits_its_change_does_not_own(seed_page, writer):
    before = content_hash(snapshot_of(seed_page))
    everolimus = Drug.objects.get(slug="everolimus")
    everolimus.administration = "Someone else's unreviewed draft."
    save_with_history(everolimus, user=writer, reason="Draft")
    assert content_hash(snapshot_of(seed_page)) == before


def test_hash_is_independent_of_key_order():
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})


def test_snapshot_holds_no_database_ids(seed_publication):
    def keys(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from keys(item)
        elif isinstance(value, list):
            for item in value:
                yield from keys(item)

    assert not {"id", "pk", "created_at", "updated_at"} & set(keys(seed_publication.content))


def test_publication_keeps_its_content_when_the_working_rows_change(seed_publication, writer):
    everolimus = Drug.objects.get(slug="everolimus")
    everolimus.mechanism = "A draft rewrite nobody has reviewed."
    save_with_history(everolimus, user=writer, reason="Draft")
    seed_publication.refresh_from_db()
    assert "A draft rewrite" not in seed_publication.html
    assert "A draft rewrite" not in str(seed_publication.content)


def test_manifest_names_the_history_record_of_every_row_shown(seed_publication):
    manifest = {(row["model"], row["pk"]): row["history_id"] for row in seed_publication.manifest}
    everolimus = Drug.objects.get(slug="everolimus")
    assert manifest[("drugs.drug", everolimus.pk)] == everolimus.history.latest().history_id
    models = {model for model, _ in manifest}
    assert models == {
        "drugs.page",
        "drugs.cancertype",
        "drugs.editorialteam",
        "drugs.drugsection",
        "drugs.drug",
        "drugs.drugsideeffect",
        "drugs.sideeffectterm",
        "drugs.moreinformationlink",
        "drugs.pagereference",
        "references.citation",
    }
    assert sum(1 for model, _ in manifest if model == "references.citation") == 8


def test_a_changes_manifest_names_its_own_rows_latest_history(seed_page, writer):
    everolimus = Drug.objects.get(slug="everolimus")
    save_with_history(everolimus, user=writer, reason="Touch")
    source = ContentSource({record_key(everolimus)})
    page_snapshot(source, seed_page.pk)
    manifest = {(r["model"], r["pk"]): r["history_id"] for r in source.manifest()}
    assert manifest[("drugs.drug", everolimus.pk)] == everolimus.history.latest().history_id


def test_a_publication_is_never_updated(seed_publication):
    seed_publication.title = "Rewritten"
    with pytest.raises(AppendOnlyError):
        seed_publication.save()
    assert Publication.objects.get().title != "Rewritten"


def test_a_publication_is_never_deleted(seed_publication):
    with pytest.raises(AppendOnlyError):
        seed_publication.delete()
    assert Publication.objects.count() == 1


def test_publications_are_read_only_in_the_admin(client, admin_user, seed_publication):
    client.force_login(admin_user)
    url = f"/admin/editorial/publication/{seed_publication.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    client.post(url, {"title": "Rewritten"})
    assert Publication.objects.get().title == seed_publication.title
