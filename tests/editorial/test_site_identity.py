"""The site's identity is a setting a managing editor changes, audited, and every page shows."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from editorial import identity
from editorial.models import AuditEntry, SiteIdentity
from tests.editorial.test_frontend_cache import RECORDING, RecordingBackend, banned
from tests.editorial.test_public_site import json_ld

pytestmark = pytest.mark.django_db

ACS = "American Cancer Society"


@pytest.fixture
def real_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "identity-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


def save(editor, capture, **fields) -> SiteIdentity:
    row = SiteIdentity.objects.filter(pk=SiteIdentity.ONLY).first() or SiteIdentity()
    for name, value in fields.items():
        setattr(row, name, value)
    with capture(execute=True):
        return identity.identity_save(row, editor=editor, reason="Our new name")


def header(client, url: str = "/") -> str:
    html = client.get(url).content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_with_no_identity_saved_the_header_carries_the_default_name(client, seed_publication):
    assert ">Cancer drug information</a>" in header(client)


def test_a_managing_editor_changes_the_name_every_page_shows(
    client, seed_url, managing_editor, django_capture_on_commit_callbacks
):
    save(managing_editor, django_capture_on_commit_callbacks, name=ACS, short_name="ACS")
    html = client.get(seed_url).content.decode()
    assert f">{ACS}</a>" in header(client, seed_url)
    assert "<title>Targeted Drug Therapy for Pancreatic Neuroendocrine Tumor | ACS</title>" in html


def test_the_page_s_structured_data_names_the_organisation_as_its_publisher(
    client, seed_url, managing_editor, django_capture_on_commit_callbacks
):
    save(managing_editor, django_capture_on_commit_callbacks, name=ACS, short_name="ACS")
    data = json_ld(client.get(seed_url).content.decode())
    assert data["publisher"] == {"@type": "Organization", "name": ACS, "url": "http://testserver/"}


def test_a_change_is_audited_with_what_changed(managing_editor, django_capture_on_commit_callbacks):
    save(managing_editor, django_capture_on_commit_callbacks, name=ACS)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IDENTITY)
    assert entry.actor == managing_editor
    assert entry.comment == f"organisation's name: “Cancer drug information” → “{ACS}”"


def test_a_change_keeps_its_history_with_who_and_why(
    managing_editor, django_capture_on_commit_callbacks
):
    save(managing_editor, django_capture_on_commit_callbacks, name=ACS)
    save(managing_editor, django_capture_on_commit_callbacks, short_name="ACS")
    records = list(SiteIdentity.history.order_by("history_id"))
    assert [record.short_name for record in records] == ["", "ACS"]
    assert {(record.history_user, record.history_change_reason) for record in records} == {
        (managing_editor, "Our new name")
    }


def test_a_save_that_changes_nothing_is_neither_audited_nor_purged(
    managing_editor, django_capture_on_commit_callbacks
):
    save(managing_editor, django_capture_on_commit_callbacks, name=ACS)
    with django_capture_on_commit_callbacks() as callbacks:
        identity.identity_save(SiteIdentity.objects.get(), editor=managing_editor, reason="Nothing")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IDENTITY).count() == 1
    assert callbacks == []


def test_a_writer_may_not_change_it(writer, managing_editor):
    with pytest.raises(PermissionDenied, match="Only a managing editor"):
        identity.identity_save(SiteIdentity(name="Mine"), editor=writer, reason="Why not")
    assert not SiteIdentity.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IDENTITY).exists()


def test_a_change_empties_the_page_cache_once_it_commits(
    real_cache, client, seed_url, managing_editor, django_capture_on_commit_callbacks
):
    client.get(seed_url)  # stored
    assert ">Cancer drug information</a>" in header(client, seed_url)  # served from the cache
    save(managing_editor, django_capture_on_commit_callbacks, name=ACS)
    assert f">{ACS}</a>" in header(client, seed_url)


def test_a_change_bans_every_address_from_the_http_cache(
    settings, managing_editor, django_capture_on_commit_callbacks
):
    settings.FRONTEND_CACHE_BACKEND = RECORDING
    settings.FRONTEND_CACHE_URLS = ["http://varnish-a:6081"]
    settings.FRONTEND_CACHE_HOST = "drugs.example.org"
    RecordingBackend.sent = []
    save(managing_editor, django_capture_on_commit_callbacks, name=ACS)
    assert banned(RecordingBackend) == ["^/"]


def test_once_read_the_identity_costs_no_query_until_the_generation_moves(
    django_assert_num_queries,
):
    identity.current(generation=1)
    with django_assert_num_queries(0):
        assert identity.current(generation=1)["name"] == "Cancer drug information"
    with django_assert_num_queries(1):
        identity.current(generation=2)


def test_a_logo_among_the_static_files_is_shown_beside_the_name(
    client, seed_publication, managing_editor, django_capture_on_commit_callbacks
):
    save(managing_editor, django_capture_on_commit_callbacks, logo="editorial/logo.svg")
    assert '<img class="site-logo" src="/static/editorial/logo.svg" alt=""' in header(client)


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("https://elsewhere.example/logo.svg", "static files"),
        ("../config/settings/base.py", "static files"),
        ("editorial/site.css", "SVG, PNG or WebP"),
        ("editorial/missing.svg", "No static file is at"),
    ],
)
def test_a_logo_that_is_not_one_of_the_sites_own_images_is_refused(managing_editor, logo, message):
    with pytest.raises(ValidationError, match=message):
        identity.identity_save(SiteIdentity(logo=logo), editor=managing_editor, reason="Logo")
    assert not SiteIdentity.objects.exists()


def test_the_contact_page_is_linked_from_the_header_and_the_footer(
    client, seed_publication, managing_editor, django_capture_on_commit_callbacks
):
    save(managing_editor, django_capture_on_commit_callbacks, contact_url="https://example.org/c")
    html = client.get("/").content.decode()
    assert html.count('<a href="https://example.org/c">Contact us</a>') == 2


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "contact"])
def test_a_contact_address_that_is_neither_a_path_here_nor_a_web_address_is_refused(
    managing_editor, url
):
    with pytest.raises(ValidationError, match="path on this site"):
        identity.identity_save(SiteIdentity(contact_url=url), editor=managing_editor, reason="C")


def test_a_managing_editor_edits_it_in_the_admin_with_a_reason(
    client, seed_publication, managing_editor, django_capture_on_commit_callbacks
):
    client.force_login(managing_editor)
    assert client.get(reverse("admin:editorial_siteidentity_changelist")).url == reverse(
        "admin:editorial_siteidentity_add"
    )
    form = {"name": ACS, "short_name": "ACS", "logo": "", "contact_url": "/contact/"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:editorial_siteidentity_add"), form)
    assert response.status_code == 302, response.content.decode()
    assert SiteIdentity.objects.get().name == ACS
    assert AuditEntry.objects.get(action=AuditEntry.Action.IDENTITY).actor == managing_editor
    # One row: the list now opens it, and no second can be added.
    change_url = reverse("admin:editorial_siteidentity_change", args=[SiteIdentity.ONLY])
    assert client.get(reverse("admin:editorial_siteidentity_changelist")).url == change_url
    assert client.get(reverse("admin:editorial_siteidentity_add")).status_code == 403


def test_a_writer_cannot_open_it_in_the_admin(client, writer):
    client.force_login(writer)
    assert client.get(reverse("admin:editorial_siteidentity_add")).status_code == 403


def test_a_process_reads_the_identity_for_its_first_page_and_not_again(
    client, seed_url, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the page, and the identity
        client.get(seed_url)
    with django_assert_num_queries(1):  # the page alone
        client.get(seed_url)
