"""A deployment that follows README's production steps ends with people able to work.

On a fresh PostgreSQL database of its own, the test runs README's production commands as
a deployment would (production settings, each one a subprocess): collectstatic, migrate,
import_seed, createsuperuser from DJANGO_SUPERUSER_* variables; then serves the site with
gunicorn. Over real HTTP the superuser adds a user in the admin, makes them staff and a
managing editor on the user's change form, and that user does a managing editor's work:
the dashboard, the changes, the seed page's admin, its timeline, and unpublishing it. A
physician made the same way gets their credential from a credential administrator, also
made the same way, on the admin's credential form (a superuser may not set one).

Nothing but those commands and the admin's own screens sets the site up: no fixture, no
demo users. Without PostgreSQL this skips, saying why; under REQUIRE_POSTGRESQL=1 (as CI
runs the PostgreSQL suite) the skip is a failure.
"""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.requirements import skip_unless_required
from tests.test_scale import PUBLIC_HOST, Response, Visitor, _free_port

BASE_DIR = Path(settings.BASE_DIR)
STARTUP_SECONDS = 60
COMMAND_SECONDS = 300
SUPERUSER, SUPERUSER_PASSWORD = "site-admin", "Adm1n-of-a-fresh-site"
EDITOR, EDITOR_PASSWORD = "m.editor", "Ed1tor-of-a-fresh-site"
SEED_SLUG = "targeted-drug-therapy-for-pancreatic-neuroendocrine-tumor"

# README's production steps after `pip install .` (this environment is installed already),
# with the createsuperuser that gives the first administrator; gunicorn is started below.
README_PRODUCTION_STEPS = [
    ["manage.py", "collectstatic", "--no-input"],
    ["manage.py", "migrate", "--no-input"],
    ["manage.py", "import_seed"],
    ["manage.py", "createsuperuser", "--no-input"],
]
GUNICORN = ["-m", "gunicorn", "config.wsgi:application", "--workers", "2"]


@pytest.fixture(scope="module", autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        skip_unless_required(
            f"the test database is {connection.vendor}: a fresh deployment is tried on "
            "PostgreSQL (set DATABASE_URL=postgres://root@127.0.0.1:5432/test)",
            "REQUIRE_POSTGRESQL",
        )


def _server_params() -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        key: str(value)
        for key, value in {
            "host": db["HOST"],
            "port": db["PORT"],
            "user": db["USER"],
            "password": db["PASSWORD"],
        }.items()
        if value
    }


def _url(name: str) -> str:
    params = _server_params()
    auth = urllib.parse.quote(params.get("user", ""), safe="")
    if params.get("password"):
        auth += ":" + urllib.parse.quote(params["password"], safe="")
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgres://{auth}@{params.get('host', '')}{port}/{name}"


@pytest.fixture(scope="module")
def fresh_database() -> Iterator[str]:
    """An empty PostgreSQL database of this test's own, dropped however the test ends."""
    import psycopg
    from psycopg import sql

    name = f"imprimatur_deploy_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **_server_params()) as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _url(name)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **_server_params()) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def production_env(database_url: str, workdir: Path) -> dict[str, str]:
    """What README's production table asks for, for plain http on 127.0.0.1."""
    unwanted = {"DEBUG", "DISABLE_CACHE", "REDIS_URL", "FRONTEND_CACHE_URLS", "PYTHONPATH"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in unwanted and not key.startswith("DJANGO_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="deployment-test-" + uuid.uuid4().hex * 2,
        DATABASE_URL=database_url,
        ALLOWED_HOSTS=PUBLIC_HOST,
        # As behind the TLS-terminating proxy README asks for, which this test has not.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STATIC_ROOT=str(workdir / "static"),
        CACHE_DIR=str(workdir / "cache"),
    )
    return env


def run_step(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class Site:
    url: str
    process: subprocess.Popen
    log: Path

    def visitor(self) -> Visitor:
        return Visitor(self.url)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]


@pytest.fixture(scope="module")
def deployed(fresh_database, tmp_path_factory) -> Iterator[tuple[Site, dict[str, str]]]:
    """README's production steps run on the fresh database, and gunicorn serving it."""
    tmp_path = tmp_path_factory.mktemp("deployment")
    env = production_env(fresh_database, tmp_path)
    outputs = {}
    for step in README_PRODUCTION_STEPS:
        step_env = env
        if step[1] == "createsuperuser":
            step_env = {
                **env,
                "DJANGO_SUPERUSER_USERNAME": SUPERUSER,
                "DJANGO_SUPERUSER_PASSWORD": SUPERUSER_PASSWORD,
                "DJANGO_SUPERUSER_EMAIL": "admin@example.org",
            }
        outputs[step[1]] = run_step(step, step_env)
    # Not a README step: what a deploy script may check, and here that migrate did it all.
    outputs["sync_roles --check"] = run_step(["manage.py", "sync_roles", "--check"], env)

    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, *GUNICORN, "--bind", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    site = Site(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_serving(site)
        yield site, outputs
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(site: Site) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if site.process.poll() is not None:
            break
        try:
            if site.visitor().get("/robots.txt").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(
        f"gunicorn did not answer on {site.url} within {STARTUP_SECONDS}s:\n{site.output()}"
    )


class _FormFields(HTMLParser):
    """What a browser would send from the form with id `form_id`, as name -> list of values."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str | None, value: str) -> None:
        if name:
            self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self._add(name, attributes.get("value") or "on")
                return
            self._add(name, attributes.get("value") or "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self._add(self._select, attributes.get("value") or "")
        elif tag == "textarea":
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self.inside and self._textarea:
            self.fields[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    assert parser.fields, f"no form #{form_id} on the page"
    return parser.fields


def option_value(html: str, label: str) -> str:
    found = re.search(rf'<option value="(\d+)"[^>]*>{re.escape(label)}</option>', html)
    assert found, f"no option “{label}”"
    return found.group(1)


def post_form(visitor: Visitor, path: str, fields: dict[str, list[str]]) -> Response:
    """POST a form as a browser does: repeated names for several values, and the CSRF token."""
    pairs = [(name, value) for name, values in fields.items() for value in values]
    pairs = [pair for pair in pairs if pair[0] != "csrfmiddlewaretoken"]
    pairs.append(("csrfmiddlewaretoken", visitor.cookie("csrftoken")))
    body = urllib.parse.urlencode(pairs).encode()
    request = urllib.request.Request(  # noqa: S310 (a server this module started)
        visitor.base_url + path,
        data=body,
        headers={"Host": PUBLIC_HOST, "Referer": visitor.base_url + path},
    )
    try:
        with visitor.opener.open(request, timeout=30) as answer:
            return Response(answer.status, answer.headers, answer.read().decode())
    except urllib.error.HTTPError as answer:
        return Response(answer.code, answer.headers, answer.read().decode())


def add_user(admin: Visitor, username: str, password: str, group: str) -> str:
    """Through the admin's add-user and user change forms: a staff member in `group`.

    Returns the user's change form's path.
    """
    add_form = admin.get("/admin/auth/user/add/")
    assert add_form.status == 200
    fields = form_fields(add_form.text, "user_form")
    fields.update(
        username=[username],
        password1=[password],
        password2=[password],
        usable_password=["true"],
    )
    added = post_form(admin, "/admin/auth/user/add/", fields)
    assert added.status == 302, f"the add-user form was refused:\n{added.text[-3000:]}"
    user_path = added.headers["Location"]
    assert re.fullmatch(r"/admin/auth/user/\d+/change/", user_path), user_path

    change_form = admin.get(user_path)
    assert change_form.status == 200
    fields = form_fields(change_form.text, "user_form")
    fields.update(is_staff=["on"], groups=[option_value(change_form.text, group)])
    saved = post_form(admin, user_path, fields)
    assert saved.status == 302, f"the user change form was refused:\n{saved.text[-3000:]}"
    return user_path


def test_migrate_made_the_roles_and_import_seed_published_the_seed(deployed):
    site, outputs = deployed
    assert "Roles: Created group Managing editors" in outputs["migrate"]
    assert "Roles are up to date." in outputs["sync_roles --check"]
    assert site.visitor().get(f"/pages/{SEED_SLUG}/").status == 200


def test_a_managing_editor_made_in_the_admin_can_do_their_work(deployed):
    site, _ = deployed
    admin = site.visitor()
    admin.log_in(SUPERUSER, SUPERUSER_PASSWORD)  # the one createsuperuser made
    add_user(admin, EDITOR, EDITOR_PASSWORD, "Managing editors")

    pages = admin.get("/admin/drugs/page/")
    page_id = re.search(r"/admin/drugs/page/(\d+)/change/", pages.text).group(1)
    unpublish = f"/admin/editorial/change/unpublish/{page_id}/"
    # The superuser administers accounts, but the workflow counts them as no managing
    # editor: only the person just made one can unpublish.
    refused = admin.post(unpublish, {"comment": "tried by the superuser"})
    assert refused.status == 302
    assert site.visitor().get(f"/pages/{SEED_SLUG}/").status == 200

    # The new managing editor, through the login form, does a managing editor's work.
    editor = site.visitor()
    editor.log_in(EDITOR, EDITOR_PASSWORD)
    dashboard = editor.get("/admin/")
    assert dashboard.status == 200
    assert "Approved and ready to publish" in dashboard.text  # a managing editor's section
    for path in (
        "/admin/editorial/change/",
        "/admin/editorial/publication/",
        "/admin/editorial/auditentry/",
        f"/admin/editorial/change/page/{page_id}/timeline/",
    ):
        assert editor.get(path).status == 200, path
    page_form = editor.get(f"/admin/drugs/page/{page_id}/change/")
    assert page_form.status == 200
    assert unpublish in page_form.text  # the Unpublish button managing editors have

    asked = editor.post(unpublish, {"comment": "Withdrawn while the content is checked."})
    assert asked.status == 200 and "Yes, take the page off the public site" in asked.text
    assert site.visitor().get(f"/pages/{SEED_SLUG}/").status == 200  # asked, not done
    done = editor.post(
        unpublish, {"comment": "Withdrawn while the content is checked.", "confirmed": "yes"}
    )
    assert done.status == 302
    after = editor.get(done.headers["Location"])
    assert "is no longer on the public site" in after.text, after.text[-3000:]
    assert site.visitor().get(f"/pages/{SEED_SLUG}/").status == 410


def test_a_reviewer_made_in_the_admin_gets_a_credential_from_a_credential_administrator(
    deployed,
):
    """A reviewer needs a credential too, which only a credential administrator sets."""
    site, _ = deployed
    admin = site.visitor()
    admin.log_in(SUPERUSER, SUPERUSER_PASSWORD)
    add_user(admin, "c.admin", "Cred-admin-of-a-fresh-site", "Credential administrators")
    physician_path = add_user(
        admin, "p.reviewer", "Phys1cian-of-a-fresh-site", "Physician reviewers"
    )
    physician_id = re.search(r"/(\d+)/change/", physician_path).group(1)
    credential = {"user": physician_id, "credential": "MD", "valid_until": ""}
    # Not the superuser: nobody who administers accounts grants the approvals that count.
    assert admin.get("/admin/editorial/reviewerprofile/add/").status == 403

    credentials = site.visitor()
    credentials.log_in("c.admin", "Cred-admin-of-a-fresh-site")
    add_form = credentials.get("/admin/editorial/reviewerprofile/add/")
    assert add_form.status == 200
    saved = credentials.post("/admin/editorial/reviewerprofile/add/", credential)
    assert saved.status == 302, saved.text[-3000:]
    listing = credentials.get("/admin/editorial/reviewerprofile/")
    assert "p.reviewer" in listing.text and "MD" in listing.text

    physician = site.visitor()
    physician.log_in("p.reviewer", "Phys1cian-of-a-fresh-site")
    dashboard = physician.get("/admin/")
    assert dashboard.status == 200
    assert "Awaiting my review" in dashboard.text  # they count as a reviewer now
