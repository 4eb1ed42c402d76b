"""The site's chrome (base.html) around a public page, rendered once per process.

Readers' traffic lands on the page view, and a template render cost it more than its
database query. base.html (stylesheet, skip link, header, footer) depends on the
deploy alone: its static and URL tags resolve the same for every request. So it is
rendered once, cut where a page's title, head and content go, and the page view fills
it with string joins. Every other public view extends base.html as usual, so all of
them show one chrome.
"""

import functools
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# The blocks of base.html a page fills, each marked with a string no template writes.
_SLOTS = ("title", "head", "content")
_MARK = "\x1fimprimatur-{}\x1f"


class Chrome(NamedTuple):
    before_title: str
    before_head: str
    before_content: str
    after_content: str


@functools.cache
def chrome() -> Chrome:
    """base.html, rendered without a request and cut at its title, head and content."""
    blocks = "".join(f"{{% block {slot} %}}{{{{ {slot} }}}}{{% endblock %}}" for slot in _SLOTS)
    template = engines["django"].from_string('{% extends "base.html" %}' + blocks)
    html = template.render({slot: _MARK.format(slot) for slot in _SLOTS})
    parts = []
    for slot in _SLOTS:
        before, marker, html = html.partition(_MARK.format(slot))
        if not marker or _MARK.format(slot) in html:
            raise ImproperlyConfigured(f"base.html must show its '{slot}' block once, in order.")
        parts.append(before)
    return Chrome(*parts, html)


def fill_chrome(title: str, head: str, content: str) -> SafeString:
    """A whole public page: `title` is text (escaped here); `head` and `content` are HTML."""
    parts = chrome()
    return mark_safe(  # noqa: S308 - the chrome is our template's output; the title is escaped
        "".join(
            (
                parts.before_title,
                conditional_escape(title),
                parts.before_head,
                head,
                parts.before_content,
                content,
                parts.after_content,
            )
        )
    )
