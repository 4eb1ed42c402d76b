"""Every response says what the browser may run: no script on public pages, none from elsewhere."""

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


@pytest.fixture(
    params=[
        "/",
        "{seed}",
        "{seed}references/",
        "{seed}changes/",
        "/drugs/everolimus/",
        "/side-effects/",
        "/search/?q=everolimus",
    ]
)
def public_page(request, seed_url) -> str:
    return request.param.format(seed=seed_url)


def test_public_pages_allow_no_script_at_all(client, public_page):
    response = client.get(public_page)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_policy_has_no_nonce_since_cached_pages_are_shared(client, seed_url):
    assert "nonce-" not in client.get(seed_url)["Content-Security-Policy"]


def test_no_policy_allows_inline_script_or_eval(client, seed_url, writer):
    client.force_login(writer)
    for path in (seed_url, "/admin/", "/admin/login/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path


def test_admin_screens_run_only_scripts_from_the_site_itself(client, writer):
    client.force_login(writer)
    policy = directives(client.get("/admin/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_login_page_runs_only_scripts_from_the_site_itself(client):
    assert directives(client.get("/admin/login/"))["script-src"] == ["'self'"]


def test_every_response_denies_powerful_browser_features(client, seed_url):
    policy = client.get(seed_url)["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy, feature


def test_public_pages_may_not_use_passkeys(client, public_page):
    policy = client.get(public_page)["Permissions-Policy"]
    assert "publickey-credentials-get=()" in policy
    assert "publickey-credentials-create=()" in policy


def test_admin_screens_may_use_passkeys_from_the_site_itself_and_nothing_else(client, physician):
    client.force_login(physician)
    policy = client.get("/admin/")["Permissions-Policy"]
    assert "publickey-credentials-get=(self)" in policy
    assert "publickey-credentials-create=(self)" in policy
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy, feature
