"""The editors' guide, docs/editors-guide.md, served inside the admin to signed-in staff.

The guide is Markdown kept in the repository beside its screenshots (docs/editors-guide/,
refreshed by `make guide-screenshots`). It is rendered with Python-Markdown, with raw HTML
escaped rather than passed through and every link and image address checked, so the page
shows only what Markdown itself makes. Images are served by `guide_image`, to staff only.
"""

import re
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

GUIDE = Path(settings.BASE_DIR) / "docs" / "editors-guide.md"
IMAGES = GUIDE.with_suffix("")  # docs/editors-guide/
IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.png$")
IMAGE_PREFIX = "editors-guide/"


def image_path(name: str) -> Path | None:
    """The screenshot called `name` in docs/editors-guide/, or None: only plain `*.png` names."""
    if not IMAGE_NAME.match(name):
        return None
    path = IMAGES / name
    return path if path.is_file() else None


def _safe_link(url: str) -> str:
    """`url` if it is a page anchor, a path here or an http(s) address; else ''."""
    if url.startswith("#") or (url.startswith("/") and not url.startswith("//")):
        return url
    return url if re.match(r"^https?://", url, flags=re.IGNORECASE) else ""


class _Addresses(Treeprocessor):
    """Images point at the guide's image view; links that are not safe lose their address."""

    def __init__(self, md: markdown.Markdown, image_url: str) -> None:
        super().__init__(md)
        self.image_url = image_url

    def run(self, root: etree.Element) -> None:
        for image in root.iter("img"):
            src = image.get("src", "")
            name = src.removeprefix(IMAGE_PREFIX)
            if src.startswith(IMAGE_PREFIX) and IMAGE_NAME.match(name):
                image.set("src", self.image_url + name)
            else:
                image.set("src", "")
            image.set("loading", "lazy")
        for link in root.iter("a"):
            link.set("href", _safe_link(link.get("href", "")))


class _GuideExtension(Extension):
    def __init__(self, image_url: str) -> None:
        super().__init__()
        self.image_url = image_url

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # Markdown names it so
        # Raw HTML in the source is shown as text, never passed through.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Addresses(md, self.image_url), "guide_addresses", 0)


def render_guide(text: str, image_url: str) -> SafeString:
    """The guide's Markdown as HTML: headings with ids, tables, no raw HTML, safe addresses.

    `image_url` is where images named `editors-guide/NAME.png` in the source are served.
    """
    html = markdown.markdown(
        text,
        extensions=["toc", "tables", "sane_lists", _GuideExtension(image_url)],
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )
    return mark_safe(html)  # noqa: S308 - raw HTML is escaped and addresses checked above


def section_url(anchor: str) -> str:
    """The guide's address at one of its headings, for a form's help link."""
    return f"{reverse('editors_guide')}#{anchor}"


# --- Views: wrapped by the admin site (config/urls.py), so staff only ----------------------


def guide(request: HttpRequest) -> HttpResponse:
    image_url = reverse("editors_guide_image", args=["x.png"]).removesuffix("x.png")
    return TemplateResponse(
        request,
        "admin/editorial/guide.html",
        {
            **admin.site.each_context(request),
            "title": "Editors' guide",
            "guide": render_guide(GUIDE.read_text(encoding="utf-8"), image_url),
        },
    )


def guide_image(request: HttpRequest, name: str) -> HttpResponse:
    path = image_path(name)
    if path is None:
        raise Http404("No such screenshot in the editors' guide.")
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
