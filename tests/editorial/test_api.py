"""The partner API: read only, anonymous JSON of what the public site shows, and nothing else."""

import json

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle

from drugs.models import Drug, SideEffectTerm
from editorial import workflow
from tests.workflow import approve, edit, publish_through_review, submit

pytestmark = pytest.mark.django_db

UNIQUE = "Zorblaxitol"  # a word no published page contains
SEED_SLUG = "targeted-drug-therapy-for-pancreatic-neuroendocrine-tumor"


def api(client, path: str, **headers):
    response = client.get(path, **headers)
    assert response["Content-Type"] == "application/json", path
    return response


@pytest.fixture
def pending(writer, physician, everolimus, seed_page):
    """A change in review that adds a unique word to a drug, a term and the page title."""
    change = edit(writer, everolimus, mechanism=f"{everolimus.mechanism} {UNIQUE} drafts.")
    edit(writer, SideEffectTerm.objects.get(slug="nausea"), change=change, name=f"nausea {UNIQUE}")
    edit(writer, seed_page, change=change, title=f"{seed_page.title} {UNIQUE}")
    revision = submit(change, writer)
    approve(revision, physician)
    return revision


def api_urls(slug: str) -> list[str]:
    return [
        "/api/v1/pages/",
        f"/api/v1/pages/{slug}/",
        "/api/v1/drugs/",
        "/api/v1/drugs/everolimus/",
        "/api/v1/side-effects/",
    ]


def test_the_page_list_gives_each_published_page_with_its_addresses(client, seed_publication):
    body = api(client, "/api/v1/pages/").json()
    assert body["count"] == 1
    (page,) = body["results"]
    assert page == {
        "slug": seed_publication.slug,
        "title": seed_publication.title,
        "cancer_type": seed_publication.cancer_type,
        "last_revised": seed_publication.last_revised.isoformat(),
        "url": f"http://testserver/api/v1/pages/{seed_publication.slug}/",
        "canonical_url": f"http://testserver/pages/{seed_publication.slug}/",
    }


def test_a_page_gives_its_frozen_content_its_dates_and_its_canonical_url(client, seed_publication):
    page = api(client, f"/api/v1/pages/{seed_publication.slug}/").json()
    assert page["canonical_url"] == f"http://testserver{seed_publication.get_absolute_url()}"
    assert page["last_revised"] == seed_publication.last_revised.isoformat()
    assert page["content_hash"] == seed_publication.content_hash
    content = seed_publication.content
    assert page["content"]["title"] == content["title"]
    assert page["content"]["intro"] == content["intro"]
    everolimus = next(
        section
        for section in page["content"]["drug_sections"]
        if section["drug"]["slug"] == "everolimus"
    )
    assert everolimus["drug"]["brand_names"] == ["Afinitor"]
    assert "has been shown to help treat advanced pancreatic NETs" in " ".join(
        [everolimus["evidence"], *everolimus["indication"]]
    )
    assert [ref["text"] for ref in page["content"]["references"]] == [
        ref["text"] for ref in content["references"]
    ]


def test_a_page_with_no_review_on_record_claims_none(client, seed_publication):
    page = api(client, f"/api/v1/pages/{seed_publication.slug}/").json()
    assert seed_publication.last_reviewed is None
    assert page["last_medically_reviewed"] is None
    assert "next_review_due" not in page  # the editors' schedule, not the partners'


def test_a_page_carries_the_version_label_its_public_page_shows(client, seed_publication):
    page = api(client, f"/api/v1/pages/{seed_publication.slug}/").json()
    day = seed_publication.last_revised
    assert page["version_label"] == f"Version 1 · {day:%B} {day.day}, {day.year}"
    html = client.get(seed_publication.get_absolute_url()).content.decode()
    assert page["version_label"] in html


def test_a_medical_review_gives_its_date_and_the_reviewers_in_words(
    client, physician, nurse, managing_editor, seed_page, seed_url
):
    revision = workflow.page_sign_off_start(page=seed_page, user=managing_editor)
    approve(revision, physician, nurse)
    (publication,) = workflow.revision_publish(revision=revision, editor=managing_editor)
    page = api(client, f"/api/v1/pages/{publication.slug}/").json()
    assert page["last_medically_reviewed"] == {
        "date": timezone.localdate().isoformat(),
        "reviewed_by": "a physician and an oncology certified nurse",
        "credentials": ["MD", "OCN"],
    }


def test_a_reference_with_a_doi_links_to_its_full_text(client, seed_publication):
    page = api(client, f"/api/v1/pages/{seed_publication.slug}/").json()
    with_doi = [ref for ref in page["content"]["references"] if ref["doi"]]
    assert with_doi
    for ref in with_doi:
        assert {"label": "Full text via DOI", "url": f"https://doi.org/{ref['doi']}"} in ref[
            "links"
        ]


def test_a_drug_gives_its_published_facts_and_every_page_that_shows_it(
    client, seed_url, kidney_page
):
    body = api(client, "/api/v1/drugs/everolimus/").json()
    assert body["slug"] == "everolimus"
    assert body["generic_name"] == Drug.objects.get(slug="everolimus").generic_name
    assert body["canonical_url"] == "http://testserver/drugs/everolimus/"
    assert body["drug"]["side_effects"][0]["entries"]
    titles = [page["title"] for page in body["pages"]]
    assert titles == sorted(titles)
    assert {page["canonical_url"] for page in body["pages"]} == {
        f"http://testserver{seed_url}",
        "http://testserver/pages/targeted-therapy-for-kidney-cancer/",
    }


def test_the_drug_list_names_each_published_drug_once_by_generic_name(client, seed_publication):
    results = api(client, "/api/v1/drugs/").json()["results"]
    slugs = [drug["slug"] for drug in results]
    shown = [section["drug"]["slug"] for section in seed_publication.content["drug_sections"]]
    assert sorted(slugs) == sorted(set(shown))
    names = [drug["generic_name"].lower() for drug in results]
    assert names == sorted(names)
    assert results[0]["url"] == f"http://testserver/api/v1/drugs/{results[0]['slug']}/"


def test_an_unknown_drug_is_not_found(client, seed_publication):
    response = api(client, "/api/v1/drugs/no-such-drug/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published page covers this drug."}


def test_the_side_effects_list_explains_terms_and_names_the_drugs_that_have_them(
    client, seed_publication
):
    results = api(client, "/api/v1/side-effects/").json()["results"]
    term = next(term for term in results if term["slug"] == "hand-foot-syndrome")
    assert term["explanation"]
    assert term["explanation"] == SideEffectTerm.objects.get(slug="hand-foot-syndrome").explanation
    assert term["drugs"] and all(
        drug["url"].startswith("http://testserver/api/v1/drugs/") for drug in term["drugs"]
    )
    names = [term["name"].lower() for term in results]
    assert names == sorted(names)


def test_a_pending_change_is_reachable_by_no_api_url(client, pending, seed_publication):
    for url in api_urls(seed_publication.slug):
        response = api(client, url)
        assert response.status_code == 200, url
        assert UNIQUE not in response.content.decode(), url


def test_the_api_shows_a_change_once_it_is_published(
    client, writer, physician, nurse, managing_editor, everolimus, seed_publication
):
    change = edit(writer, everolimus, mechanism=f"{everolimus.mechanism} {UNIQUE}.")
    revision = submit(change, writer)
    approve(revision, physician)
    assert UNIQUE not in api(client, "/api/v1/drugs/everolimus/").content.decode()
    approve(revision, nurse)
    workflow.revision_publish(revision=revision, editor=managing_editor)
    assert UNIQUE in api(client, "/api/v1/drugs/everolimus/").json()["drug"]["mechanism"]


def test_an_unpublished_page_is_410_and_leaves_every_list(
    client, managing_editor, seed_page, seed_publication
):
    workflow.page_unpublish(page=seed_page, editor=managing_editor)
    response = api(client, f"/api/v1/pages/{seed_publication.slug}/")
    assert response.status_code == 410
    assert response.json() == {"detail": "This page is no longer published."}
    assert api(client, "/api/v1/pages/").json()["count"] == 0
    assert api(client, "/api/v1/drugs/").json()["count"] == 0
    assert api(client, "/api/v1/side-effects/").json()["count"] == 0
    assert api(client, "/api/v1/drugs/everolimus/").status_code == 404


def test_a_changed_address_answers_301_to_the_new_api_address(
    client, writer, physician, nurse, managing_editor, seed_page, seed_publication
):
    change = edit(writer, seed_page, slug="targeted-therapy-pancreatic-net")
    publish_through_review(change, writer, physician, nurse, managing_editor)
    response = client.get(f"/api/v1/pages/{seed_publication.slug}/")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/pages/targeted-therapy-pancreatic-net/"


def test_an_address_no_page_had_is_404(client, seed_publication):
    response = api(client, "/api/v1/pages/no-such-page/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No page is published at this address."}


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/api/v1/pages/", 2),  # the count and the page
        (f"/api/v1/pages/{SEED_SLUG}/", 1),
        ("/api/v1/drugs/", 1),
        ("/api/v1/drugs/everolimus/", 1),
        ("/api/v1/side-effects/", 1),
    ],
)
def test_each_endpoint_stays_within_its_query_budget(
    client, seed_publication, kidney_page, django_assert_max_num_queries, path, queries
):
    assert seed_publication.slug == SEED_SLUG
    with django_assert_max_num_queries(queries):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_can_be_written_whoever_asks(client, seed_publication, method):
    client.enforce_csrf_checks = True
    response = getattr(client, method)(
        f"/api/v1/pages/{seed_publication.slug}/", data="{}", content_type="application/json"
    )
    assert response.status_code == 405  # not a CSRF or login refusal: there is nothing to write


def test_head_and_options_are_answered_for_anyone(client, seed_publication):
    assert client.head("/api/v1/pages/").status_code == 200
    options = client.options(f"/api/v1/pages/{seed_publication.slug}/")
    assert options.status_code == 200
    assert options["Allow"] == "GET, HEAD, OPTIONS"


def test_a_list_is_paginated_with_links_to_the_next_page(client, monkeypatch, two_pages):
    monkeypatch.setattr(PageNumberPagination, "page_size", 1)
    first = api(client, "/api/v1/pages/").json()
    assert first["count"] == 2 and len(first["results"]) == 1
    assert first["next"] == "http://testserver/api/v1/pages/?page=2"
    second = api(client, "/api/v1/pages/", QUERY_STRING="page=2").json()
    assert second["previous"] == "http://testserver/api/v1/pages/"
    assert second["results"][0]["slug"] != first["results"][0]["slug"]


def test_a_page_past_the_end_of_a_list_is_404(client, seed_publication):
    assert client.get("/api/v1/pages/", {"page": 9}).status_code == 404


def test_every_api_view_throttles_anonymous_clients():
    from editorial.api import urls

    for pattern in urls.urlpatterns:
        throttles = pattern.callback.cls().get_throttles()
        assert any(isinstance(throttle, AnonRateThrottle) for throttle in throttles), pattern.name


@pytest.fixture
def real_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


def test_a_client_over_the_rate_is_told_to_wait(client, seed_publication, real_cache, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    # Three different answers: a cached one would not reach the view, nor its throttle.
    assert client.get("/api/v1/pages/").status_code == 200
    assert client.get("/api/v1/drugs/").status_code == 200
    refused = client.get("/api/v1/side-effects/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0


def test_a_cached_api_answer_costs_no_query_and_a_publish_starts_it_afresh(
    client,
    writer,
    physician,
    nurse,
    managing_editor,
    everolimus,
    seed_publication,
    real_cache,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    urls = api_urls(seed_publication.slug)
    for url in urls:
        client.get(url)
    for url in urls:
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=30", url
    change = edit(writer, everolimus, mechanism=f"{everolimus.mechanism} {UNIQUE}.")
    with django_capture_on_commit_callbacks(execute=True):  # the signals come on commit
        publish_through_review(change, writer, physician, nurse, managing_editor)
    for url in (urls[1], urls[3]):
        assert UNIQUE in client.get(url).content.decode(), url


def test_the_schema_is_openapi_3_with_every_endpoint(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/pages/",
        "/api/v1/pages/{slug}/",
        "/api/v1/drugs/",
        "/api/v1/drugs/{slug}/",
        "/api/v1/side-effects/",
    }
    assert set(schema["paths"]["/api/v1/pages/{slug}/"]["get"]["responses"]) == {
        "200",
        "301",
        "404",
        "410",
    }
    as_json = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert json.loads(as_json.content)["paths"].keys() == schema["paths"].keys()


def test_the_schema_validates_without_a_warning(tmp_path):
    # --fail-on-warn: an undocumented field or an unresolvable type fails the build.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert yaml.safe_load((tmp_path / "s.yml").read_text())["info"]["title"]


def test_api_answers_carry_the_public_pages_security_headers(client, seed_publication, seed_url):
    page = client.get(seed_url)
    answer = client.get(f"/api/v1/pages/{seed_publication.slug}/")
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Permissions-Policy",
    ):
        assert answer[header] == page[header], header
    assert not answer.cookies


def test_hostile_text_round_trips_as_data(
    client, writer, physician, nurse, managing_editor, everolimus, seed_publication
):
    hostile = '</script><script>alert("x")</script> & <b>bold</b> \u2028 "quoted"'
    change = edit(writer, everolimus, mechanism=hostile)
    publish_through_review(change, writer, physician, nurse, managing_editor)
    response = api(client, "/api/v1/drugs/everolimus/")
    assert response.json()["drug"]["mechanism"] == hostile
    assert Drug.objects.get(slug="everolimus").mechanism == hostile
