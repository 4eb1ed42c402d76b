"""The editors' guide inside the admin: staff only, with its screenshots, linked from the forms."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from editorial.guide import GUIDE, IMAGES, image_path, render_guide

pytestmark = pytest.mark.django_db

GUIDE_URL = "/admin/guide/"


def referenced_images() -> list[str]:
    return re.findall(r"\]\(editors-guide/([^)]+)\)", GUIDE.read_text(encoding="utf-8"))


def test_the_guide_is_at_admin_guide():
    assert reverse("editors_guide") == GUIDE_URL


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(GUIDE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/guide/")


def test_an_anonymous_visitor_gets_no_screenshot(client):
    name = referenced_images()[0]
    response = client.get(reverse("editors_guide_image", args=[name]))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_signed_in_person_who_is_not_staff_is_sent_to_the_login(client):
    reader = get_user_model().objects.create_user(username="reader", password="reader-password")
    client.force_login(reader)
    response = client.get(GUIDE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_read_the_guide_with_its_headings_and_images(client, writer):
    client.force_login(writer)
    response = client.get(GUIDE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="editors-guide">' in html
    for anchor in ("write-or-edit-a-page", "cite-a-source", "review-a-change", "publish"):
        assert f'id="{anchor}"' in html
    sources = re.findall(r'<img alt="[^"]+" loading="lazy" src="([^"]+)"', html)
    assert len(sources) == len(referenced_images()) > 5
    assert all(src.startswith("/admin/guide/images/") for src in sources)


def test_every_screenshot_the_guide_shows_is_served_to_staff_as_png(client, writer):
    client.force_login(writer)
    for name in referenced_images():
        response = client.get(reverse("editors_guide_image", args=[name]))
        assert response.status_code == 200, name
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG"), name


def test_every_screenshot_the_guide_shows_is_in_the_repository():
    names = referenced_images()
    assert names
    for name in names:
        assert (IMAGES / name).is_file(), f"docs/editors-guide/{name}: run make guide-screenshots"


@pytest.mark.parametrize("name", ["../editors-guide.md", "x/../../README.md", ".png", "A.PNG"])
def test_only_the_guides_own_screenshots_are_served(client, writer, name):
    assert image_path(name) is None
    client.force_login(writer)
    response = client.get(f"/admin/guide/images/{name}")
    assert response.status_code == 404


def test_raw_html_in_the_guide_is_shown_as_text():
    html = render_guide("Hello <script>alert(1)</script>\n\n<div onclick=x>block</div>", "/i/")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<div" not in html


def test_links_the_guide_may_not_follow_lose_their_address():
    html = render_guide(
        "[bad](javascript:alert(1)) [ok](https://example.org/) [here](#publish)", "/i/"
    )
    assert "javascript:" not in html
    assert 'href="https://example.org/"' in html and 'href="#publish"' in html


def test_an_image_outside_the_guides_folder_is_not_shown():
    html = render_guide("![x](https://example.org/track.png) ![y](editors-guide/a.png)", "/i/")
    assert "example.org" not in html
    assert 'src="/i/a.png"' in html


def test_the_admin_front_page_links_to_the_guide(client, writer):
    client.force_login(writer)
    html = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{GUIDE_URL}">Read the editors&#x27; guide</a>' in html or (
        f'<a href="{GUIDE_URL}">Read the editors\' guide</a>' in html
    )


@pytest.mark.parametrize(
    ("url_name", "anchor"),
    [
        ("admin:drugs_page_add", "write-or-edit-a-page"),
        ("admin:drugs_drug_add", "add-or-edit-a-drug"),
        ("admin:references_citation_add", "cite-a-source"),
        ("admin:drugs_sideeffectterm_add", "side-effect-terms"),
    ],
)
def test_each_form_links_to_its_section_of_the_guide(client, writer, url_name, anchor):
    client.force_login(writer)
    html = client.get(reverse(url_name)).content.decode()
    assert f'href="{GUIDE_URL}#{anchor}"' in html
    guide = client.get(GUIDE_URL).content.decode()
    assert f'id="{anchor}"' in guide


def test_every_admin_screen_links_to_the_guide_from_its_header(client, seed_page, physician):
    client.force_login(physician)
    html = client.get(reverse("admin:editorial_change_changelist")).content.decode()
    header = html[html.index('id="user-tools"') :]
    assert f'<a href="{GUIDE_URL}">' in header[: header.index("</div>")]
