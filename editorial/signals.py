"""What the workflow announces once a change to what the public reads has committed.

Delivery (page caches, an HTTP cache in front) listens; the workflow never imports it.
Receivers run after the commit, so a receiver that fails cannot undo a publish, and one
that raises is logged, not passed to the editor who published.
"""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent with `publications`: the publications that just went live; and `language`, the
# language they are in (absent or None: the default language, as every English publish).
page_published = Signal()
# Sent with `page` and `publication`: the page taken off, and what it had shown; and
# `language` as above (a page taken off in one language stays live in the others).
page_unpublished = Signal()
# Sent with `identity`: the site's identity (name, logo, contact) that every page shows.
identity_changed = Signal()


def send_on_commit(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send `signal` once the current transaction commits (now, outside one).

    `send_robust`: a failing receiver is logged and the others still run.
    """

    def send() -> None:
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                logger.error(
                    "%s receiver %r failed", signal_name(signal), receiver, exc_info=result
                )

    transaction.on_commit(send)


def signal_name(signal: Signal) -> str:
    names = {page_published: "page_published", page_unpublished: "page_unpublished"}
    return names.get(signal, "identity_changed")
