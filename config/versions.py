"""Which version of a record an admin form was opened on, and what changed since.

A form carries a version token: the latest history id of the record and of each kind
of part edited with it (a drug's side effects, a page's sections). Every write leaves a
history record, so a token that is no longer current means someone (or the same person
in another tab) saved after the form was opened; saving it would silently overwrite
that. The form is refused instead, with what changed meanwhile.
"""

import re
from collections.abc import Sequence

from django.db import models
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.text import Truncator

Parts = Sequence[tuple[type[models.Model], str]]

_TOKEN = re.compile(r"\A[0-9]+(\.[0-9]+)*\Z")
_SHOWN_CHARACTERS = 80


def _histories(obj: models.Model, parts: Parts) -> list[models.QuerySet]:
    """The history of `obj` itself, then of each part model's rows that belong to it."""
    own = type(obj).history.filter(**{obj._meta.pk.attname: obj.pk})
    return [own, *(model.history.filter(**{f"{fk}_id": obj.pk}) for model, fk in parts)]


def version_token(obj: models.Model, parts: Parts = ()) -> str:
    """The version of `obj` and its parts as their latest history ids, e.g. "812.4031.0"."""
    return ".".join(
        str(history.aggregate(latest=Max("history_id"))["latest"] or 0)
        for history in _histories(obj, parts)
    )


def _parse(token: str | None, count: int) -> list[int] | None:
    if token is None or not _TOKEN.match(token):
        return None
    ids = [int(part) for part in token.split(".")]
    return ids if len(ids) == count else None


def _value(value: object) -> str:
    return "“" + Truncator("" if value is None else str(value)).chars(_SHOWN_CHARACTERS) + "”"


def _describe(record: models.Model) -> str:
    """One history record as an editor reads it: who, when, which record, old → new."""
    user = record.history_user
    who = (user.get_full_name() or user.get_username()) if user else "Someone"
    when = formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
    opts = record.instance._meta
    what = f"{opts.verbose_name} “{record.instance}”"
    if record.history_type == "+":
        return f"{who}, {when}: added {what}."
    if record.history_type == "-":
        return f"{who}, {when}: removed {what}."
    previous = record.prev_record
    changes = record.diff_against(previous).changes if previous is not None else []
    if not changes:
        return f"{who}, {when}: saved {what} without changing it."
    fields = "; ".join(
        f"{opts.get_field(change.field).verbose_name}: {_value(change.old)} → {_value(change.new)}"
        for change in changes
    )
    return f"{who}, {when}: {what}: {fields}"


def changes_since(obj: models.Model, parts: Parts, token: str | None) -> list[str] | None:
    """What was saved to `obj` and its parts after the version `token`, oldest first.

    None when the token names no version of this record (missing or malformed).
    """
    histories = _histories(obj, parts)
    seen = _parse(token, len(histories))
    if seen is None:
        return None
    records = [
        record
        for history, since in zip(histories, seen, strict=True)
        for record in history.filter(history_id__gt=since).select_related("history_user")
    ]
    records.sort(key=lambda record: (record.history_date, record.history_id))
    return [_describe(record) for record in records]
