"""A page's audit bundle: its whole record in one canonical file, by command or download."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from drugs.models import Page
from editorial import audit_bundle, audit_verify, hashing
from editorial.models import AuditEntry, Publication, Review, Revision, Signature
from tests.editorial.audit_story import tell
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(writer, physician, nurse, managing_editor, credential_admin, seed_page, kidney_page):
    return tell(writer, physician, nurse, managing_editor, credential_admin, seed_page, kidney_page)


@pytest.fixture
def bundle(story) -> dict:
    return audit_bundle.bundle_build(story.page)


def revisions_of(bundle: dict) -> dict[int, dict]:
    return {
        revision["id"]: revision for change in bundle["changes"] for revision in change["revisions"]
    }


# --- What it holds -----------------------------------------------------------------------------


def test_the_bundle_holds_every_publication_of_the_page_oldest_first_with_its_number_and_label(
    story, bundle
):
    publications = list(Publication.objects.filter(page=story.page).order_by("published_at", "pk"))
    assert len(publications) == 3  # imported, then the two changes
    assert [p["id"] for p in bundle["publications"]] == [p.pk for p in publications]
    for entry, publication in zip(bundle["publications"], publications, strict=True):
        assert entry["compliance_number"]["reference"] == publication.compliance_number.reference
        assert entry["version"]["label"] == publication.version.label
        assert entry["integrity_hash"] == publication.integrity_hash
        assert entry["fields"]["content_hash"] == publication.content_hash
        assert entry["fields"]["last_revised"] == publication.last_revised.isoformat()


def test_each_publication_carries_every_value_its_integrity_hash_covers(bundle):
    for publication in bundle["publications"]:
        assert set(publication["fields"]) == set(hashing.PUBLICATION_FIELDS)
        recomputed = hashing.digest("publication", publication["fields"])
        assert recomputed == publication["integrity_hash"]


def test_each_publication_names_the_revision_it_came_from_its_change_and_who_submitted_it(
    story, bundle, writer
):
    revisions = revisions_of(bundle)
    published = bundle["publications"][1]
    revision = revisions[published["fields"]["revision_id"]]
    assert revision["number"] == 2
    assert revision["submitted_by_id"] == writer.pk
    assert revision["page"]["content_hash"] == published["fields"]["content_hash"]
    assert revision["content_hash"] == Revision.objects.get(pk=revision["id"]).content_hash
    (change,) = [c for c in bundle["changes"] if c["id"] == story.drug_change.pk]
    assert change["title"] == story.drug_change.title
    assert [r["number"] for r in change["revisions"]] == [1, 2]
    assert bundle["people"][str(writer.pk)] == {"username": "writer", "name": "Wren Writer"}


def test_every_review_is_there_with_the_credential_its_reviewer_held_then(
    story, bundle, physician, nurse
):
    revisions = revisions_of(bundle)
    drug_revisions = [
        r
        for r in revisions.values()
        if r["id"] in set(story.drug_change.revisions.values_list("pk", flat=True))
    ]
    first, second = sorted(drug_revisions, key=lambda r: r["number"])
    (sent_back,) = first["reviews"]
    assert (sent_back["reviewer_id"], sent_back["decision"], sent_back["credential"]) == (
        nurse.pk,
        Review.Decision.REQUEST_CHANGES,
        "OCN",
    )
    assert sent_back["comment"] == "Say whether it is taken with food."
    assert {(r["reviewer_id"], r["credential"]) for r in second["reviews"]} == {
        (physician.pk, "MD"),
        (nurse.pk, "OCN"),
    }
    (page_revision,) = [
        r for r in revisions.values() if r["id"] == story.page_change.current_revision().pk
    ]
    assert {r["credential"] for r in page_revision["reviews"]} == {"MD", "AOCN"}
    assert all(r["is_full_review"] is False and r["created_at"] for r in page_revision["reviews"])


def test_every_review_carries_its_signature_with_every_value_its_hash_covers(story, bundle):
    reviews = [
        review for revision in revisions_of(bundle).values() for review in revision["reviews"]
    ]
    assert len(reviews) == 5
    for review in reviews:
        signature = review["signature"]
        stored = Signature.objects.get(review_id=review["id"])
        assert signature["id"] == stored.pk and signature["hash"] == stored.hash
        assert set(signature["fields"]) == {*hashing.SIGNATURE_FIELDS, "page_ids"}
        assert hashing.digest("signature", signature["fields"]) == stored.hash
        assert signature["meaning_display"] == stored.get_meaning_display()
        assert signature["fields"]["printed_name"] == stored.printed_name
        assert signature["fields"]["signed_at"] == stored.signed_at.isoformat()
        assert signature["fields"]["time_zone"] == "America/New_York"
        assert signature["signed_at_local"] == stored.signed_at_local.isoformat()


def test_a_request_for_changes_is_signed_with_its_meaning(bundle, nurse):
    (review,) = [
        r
        for revision in revisions_of(bundle).values()
        for r in revision["reviews"]
        if r["decision"] == Review.Decision.REQUEST_CHANGES
    ]
    fields = review["signature"]["fields"]
    assert (fields["signer_id"], fields["printed_name"], fields["meaning"]) == (
        nurse.pk,
        "Nina Nurse",
        "changes_requested",
    )
    assert review["signature"]["meaning_display"] == "Requested changes"
    assert bundle["signature_meanings"]["changes_requested"] == "Requested changes"
    assert (fields["method"], fields["passkey_credential_id"], fields["webauthn_assertion"]) == (
        "password",
        "",
        {},
    )


def test_a_passkey_signature_carries_its_credential_id_and_webauthn_assertion(story, bundle):
    revision = revisions_of(bundle)[story.page_change.current_revision().pk]
    (signature,) = [
        r["signature"]["fields"]
        for r in revision["reviews"]
        if r["signature"]["fields"]["method"] == "passkey"
    ]
    assertion = signature["webauthn_assertion"]
    assert assertion["credential_id"] == signature["passkey_credential_id"]
    assert {"authenticator_data", "client_data_json", "signature", "public_key", "rp_id"} <= set(
        assertion
    )
    assert signature["content_hash"] == revision["content_hash"]


def test_each_entry_naming_a_signature_carries_its_id_and_hash(bundle):
    signatures = {
        r["signature"]["id"]: r["signature"]["hash"]
        for revision in revisions_of(bundle).values()
        for r in revision["reviews"]
    }
    naming = [e for e in bundle["audit_entries"] if "signature_id" in e["fields"]]
    assert {e["fields"]["signature_id"]: e["fields"]["signature_integrity"] for e in naming} == (
        signatures
    )
    assert {e["fields"]["action"] for e in naming} == {"approve", "request_changes"}
    submit = next(e for e in bundle["audit_entries"] if e["fields"]["action"] == "submit")
    assert "signature_id" not in submit["fields"]


def test_a_failed_signing_attempt_on_one_of_the_page_s_changes_is_in_the_bundle(
    story, bundle, physician
):
    (failed,) = [e for e in bundle["audit_entries"] if e["fields"]["action"] == "signing_failed"]
    assert failed["fields"]["actor_id"] == physician.pk
    assert failed["fields"]["change_id"] == story.drug_change.pk
    assert failed["fields"]["comment"] == "Wrong password."


def test_the_signers_certifications_are_there_with_the_entries_that_recorded_them(
    bundle, physician, nurse
):
    rows = {row["user_id"]: row for row in bundle["signature_certifications"]}
    assert set(rows) == {physician.pk, nurse.pk}
    for row in rows.values():
        entry = row["audit_entry"]
        assert entry["fields"]["action"] == "signature_certified"
        assert entry["fields"]["comment"] == row["statement"]
        assert hashing.digest("audit", entry["fields"]) == entry["hash"]


def test_comments_come_with_their_replies_and_resolutions(story, bundle, physician):
    (change,) = [c for c in bundle["changes"] if c["id"] == story.drug_change.pk]
    comment, reply = change["comments"]
    assert comment["body"] == "Say whether it is taken with food."
    assert comment["resolved_by_id"] == physician.pk and comment["resolved_at"]
    assert reply["parent_id"] == comment["id"] and reply["resolved_at"] is None


def test_the_audit_entries_are_the_page_s_and_its_changes_each_with_what_its_hash_covers(
    story, bundle
):
    change_ids = [c["id"] for c in bundle["changes"]]
    expected = AuditEntry.objects.filter(
        Q(page=story.page) | Q(page__isnull=True, change_id__in=change_ids)
    ).order_by("seq")
    entries = bundle["audit_entries"]
    assert [e["fields"]["seq"] for e in entries] == [e.seq for e in expected]
    assert {e["fields"]["action"] for e in entries} >= {
        "import",
        "submit",
        "request_changes",
        "approve",
        "publish",
    }
    assert all(e["fields"]["page_id"] in (story.page.pk, None) for e in entries)
    for entry, stored in zip(entries, expected, strict=True):
        assert entry["hash"] == stored.hash
        assert entry["fields"]["prev_hash"] == stored.prev_hash
        assert entry["fields"]["page_prev_hash"] == stored.page_prev_hash
        assert hashing.digest("audit", entry["fields"]) == stored.hash
        assert entry["on_page_chain"] == (stored.page_id == story.page.pk)


def test_the_other_page_s_entries_of_a_shared_change_are_left_out(story, bundle):
    other = set(AuditEntry.objects.filter(page=story.other_page).values_list("seq", flat=True))
    assert other and not other & {e["fields"]["seq"] for e in bundle["audit_entries"]}


def test_each_reviewer_s_credential_history_is_there(bundle, physician, nurse, credential_admin):
    history = {row["user_id"]: row["credential_history"] for row in bundle["reviewers"]}
    assert set(history) == {physician.pk, nurse.pk}
    assert [(r["what"], r["credential"]) for r in history[nurse.pk]] == [
        ("created", "OCN"),
        ("changed", "AOCN"),
    ]
    assert history[nurse.pk][1]["changed_by_id"] == credential_admin.pk
    assert history[nurse.pk][1]["reason"] == "Credential set"


def test_the_bundle_is_canonical_json_and_its_digest_covers_all_the_rest(bundle):
    text = audit_bundle.bundle_json(bundle)
    assert json.loads(text) == bundle
    assert text == audit_bundle.canonical_json(json.loads(text)) + "\n"
    assert bundle["format"] == "imprimatur-audit-bundle" and bundle["format_version"] == 2
    assert bundle["digest"]["value"] == audit_bundle.bundle_digest(bundle)
    assert audit_verify.verify(bundle) == []


def test_building_the_bundle_costs_the_same_queries_however_long_the_record(
    story, writer, physician, nurse, managing_editor, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as three_publications:
        audit_bundle.bundle_build(story.page)
    for text in ("Targeted drugs block what tumors need to grow.", "Targeted drugs differ."):
        change = edit(writer, Page.objects.get(pk=story.page.pk), intro=text)
        publish_through_review(change, writer, physician, nurse, managing_editor)
    with django_assert_max_num_queries(len(three_publications)):
        bundle = audit_bundle.bundle_build(story.page)
    assert len(bundle["publications"]) == 5


def test_the_html_is_a_printable_document_of_the_same_data_without_script(bundle):
    html = audit_bundle.bundle_html(bundle)
    assert "<script" not in html
    assert "@media print" in html
    assert bundle["digest"]["value"] in html
    for publication in bundle["publications"]:
        assert publication["compliance_number"]["reference"] in html
        assert publication["integrity_hash"] in html
    for entry in bundle["audit_entries"]:
        assert entry["hash"] in html
    assert "Say whether it is taken with food." in html
    assert "AOCN" in html


def test_the_html_shows_each_signature_s_printed_name_date_and_time_and_meaning(bundle):
    html = audit_bundle.bundle_html(bundle)
    for revision in revisions_of(bundle).values():
        for review in revision["reviews"]:
            signature = Signature.objects.get(review_id=review["id"])
            assert (
                f"<caption>Electronic signature of review {review['id']}: "
                f"{signature.printed_name}, {signature.get_meaning_display()}</caption>"
            ) in html
            assert f"<strong>{signature.signed_at_text}</strong>" in html
            assert signature.hash in html
    assert "Signature certifications" in html


# --- manage.py export_audit -------------------------------------------------------------------


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_audit", *args, stdout=out)
    return out.getvalue()


def test_export_audit_writes_the_json_bundle_to_a_file(story, tmp_path):
    target = tmp_path / "bundle.json"
    said = export(story.page.slug, "--output", str(target))
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["page"]["slug"] == story.page.slug
    assert audit_verify.verify(written) == []
    assert str(target) in said and written["digest"]["value"] in said


def test_export_audit_writes_to_standard_output_without_a_file(seed_page):
    written = json.loads(export(seed_page.slug))
    assert [p["fields"]["origin"] for p in written["publications"]] == ["imported"]


def test_export_audit_writes_the_html_document(story, tmp_path):
    target = tmp_path / "bundle.html"
    export(story.page.slug, "--format", "html", "--output", str(target))
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<script" not in html


def test_export_audit_names_an_unknown_page(seed_publication):
    with pytest.raises(CommandError, match=r"No page has or had the address “no-such-page”\."):
        export("no-such-page")


def test_export_audit_refuses_an_unknown_format(seed_page):
    with pytest.raises(CommandError, match="invalid choice: 'pdf'"):
        export(seed_page.slug, "--format", "pdf")


def test_export_audit_says_so_when_it_cannot_write_the_file(seed_page, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        export(seed_page.slug, "--output", str(tmp_path / "missing" / "bundle.json"))


def test_export_audit_finds_a_page_by_an_address_it_had(
    seed_page, writer, physician, nurse, managing_editor
):
    old = seed_page.slug
    change = edit(writer, seed_page, slug="pnet-targeted-therapy")
    publish_through_review(change, writer, physician, nurse, managing_editor, "A shorter address.")
    assert json.loads(export(old))["page"] == {
        "id": seed_page.pk,
        "slug": "pnet-targeted-therapy",
        "title": seed_page.title,
    }


# --- The download from the page's timeline ---------------------------------------------------


def bundle_url(page, format: str = "json") -> str:
    return f"/admin/editorial/change/page/{page.pk}/audit-bundle/?format={format}"


def test_a_managing_editor_downloads_the_bundle_from_the_page_s_timeline(
    client, story, managing_editor
):
    client.force_login(managing_editor)
    timeline = client.get(f"/admin/editorial/change/page/{story.page.pk}/timeline/")
    assert bundle_url(story.page) in timeline.content.decode()
    response = client.get(bundle_url(story.page))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="audit-{story.page.slug}-'
    )
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert audit_verify.verify(json.loads(response.content)) == []


def test_the_html_download_is_a_file_never_a_screen(client, story, managing_editor):
    client.force_login(managing_editor)
    response = client.get(bundle_url(story.page, "html"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["Content-Disposition"].endswith('.html"')


@pytest.mark.parametrize("who", ["writer", "physician", "nurse", "credential_admin"])
def test_nobody_but_a_managing_editor_may_download_it(client, request, seed_page, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(bundle_url(seed_page)).status_code == 403


def test_the_timeline_offers_no_download_to_a_writer(client, writer, seed_page):
    client.force_login(writer)
    timeline = client.get(f"/admin/editorial/change/page/{seed_page.pk}/timeline/")
    assert timeline.status_code == 200
    assert "audit-bundle" not in timeline.content.decode()


@pytest.mark.parametrize("format", ["pdf", "\x00"], ids=["unknown", "nul"])
def test_an_unknown_format_is_a_bad_request(client, managing_editor, seed_page, format):
    client.force_login(managing_editor)
    response = client.get(
        f"/admin/editorial/change/page/{seed_page.pk}/audit-bundle/", {"format": format}
    )
    assert response.status_code == 400


def test_the_bundle_of_no_page_is_not_found(client, managing_editor, seed_page):
    client.force_login(managing_editor)
    assert (
        client.get(f"/admin/editorial/change/page/{seed_page.pk + 999}/audit-bundle/").status_code
        == 404
    )
