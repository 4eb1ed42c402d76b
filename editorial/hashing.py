"""The tamper-evidence hashes: a publication's public columns, the audit chain, signatures.

These are a stored format. Existing rows were hashed with exactly these fields and this
encoding (migration 0008 backfilled them with this module), so changing either makes
every stored hash disagree: add a new version beside this one instead.
"""

import datetime
import decimal
import hashlib
import json
import uuid
from typing import Any

FORMAT = 1

# Everything the public reads from a publication, plus what ties it to its origin and
# to the audit trail: a rewrite of any of them changes the hash.
PUBLICATION_FIELDS = (
    "page_id",
    "revision_id",
    "slug",
    "title",
    "cancer_type",
    "drug_slugs",
    "search_text",
    "content",
    "html",
    "json_ld",
    "content_hash",
    "manifest",
    "summary",
    "origin",
    "published_at",
    "published_by_id",
    "last_revised",
    "last_reviewed",
    "reviewed_by",
    "review_attested",
    "next_review_due",
    "audit_head_seq",
    "audit_head_hash",
)

# What the hash of a publication in another language than the default covers beyond
# PUBLICATION_FIELDS: its language, and the content hash of the default-language
# publication it was translated from. A default-language publication has neither and
# hashes exactly as it always did.
PUBLICATION_TRANSLATION_FIELDS = ("language", "source_content_hash")

# An audit entry's own content and its two links: to the entry before it in the whole
# trail, and to the entry before it about the same page.
AUDIT_FIELDS = (
    "seq",
    "action",
    "actor_id",
    "at",
    "change_id",
    "revision_id",
    "page_id",
    "publication_id",
    "comment",
    "prev_hash",
    "page_prev_hash",
)


# A reviewer's electronic signature as it stood at signing (21 CFR 11.50, 11.70): who,
# under which name and credential, in what sense, when and in which zone, on exactly
# which content. The page ids of the revision are passed in beside these.
SIGNATURE_FIELDS = (
    "review_id",
    "signer_id",
    "printed_name",
    "credential",
    "credential_kind",
    "credential_valid_until",
    "meaning",
    "signed_at",
    "time_zone",
    "revision_id",
    "content_hash",
    "method",
    "passkey_credential_id",
    "webauthn_assertion",
)
# What an audit entry's hash covers beyond AUDIT_FIELDS when, and only when, it names a
# signature.
AUDIT_SIGNATURE_FIELDS = ("signature_id", "signature_integrity")


def _encode(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"Cannot hash a {type(value).__name__}")


def digest(kind: str, values: dict[str, Any]) -> str:
    """SHA-256 of canonical JSON: sorted keys, UTC datetimes, no whitespace."""
    payload = json.dumps(
        {"format": FORMAT, "kind": kind, **values},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_encode,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _values(instance: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields as the database gives them back, so a row hashes alike before and after."""
    values = {}
    for name in names:
        value = getattr(instance, name)
        if not name.endswith("_id"):
            value = instance._meta.get_field(name).to_python(value)
        values[name] = value
    return values


def publication_values(publication: Any, translation: Any = None) -> dict[str, Any]:
    """What a publication's hash is taken over: its `PUBLICATION_FIELDS` and, only for a
    translated publication (`translation`, its PublicationTranslation), that row's
    `PUBLICATION_TRANSLATION_FIELDS`."""
    values = _values(publication, PUBLICATION_FIELDS)
    if translation is not None:
        values.update(_values(translation, PUBLICATION_TRANSLATION_FIELDS))
    return values


def audit_values(
    entry: Any, publication_integrity: str, signature_integrity: str = ""
) -> dict[str, Any]:
    """What an audit entry's hash is taken over: its `AUDIT_FIELDS`, the integrity hash of
    the publication it names ("" for none) and, only for an entry that names a signature,
    that signature's id and hash, so every entry written before signatures hashes as it did.
    """
    values = _values(entry, AUDIT_FIELDS)
    values["publication_integrity"] = publication_integrity
    if getattr(entry, "signature_id", None) is not None:
        values["signature_id"] = entry.signature_id
        values["signature_integrity"] = signature_integrity
    return values


def json_ready(values: dict[str, Any]) -> dict[str, Any]:
    """The values as `digest` writes them (datetimes in UTC as ISO 8601, dates, decimals
    and UUIDs as text): plain JSON that hashes alike, for anyone to hash again."""
    return json.loads(json.dumps(values, ensure_ascii=False, default=_encode))


def publication_hash(publication: Any, translation: Any = None) -> str:
    """The hash of a publication's public columns and, for a translated one, its language
    and source's hash (works on migrations' models too)."""
    return digest("publication", publication_values(publication, translation))


def audit_hash(entry: Any, publication_integrity: str, signature_integrity: str = "") -> str:
    """The hash of an audit entry, with the integrity hash of the publication it names
    and, for an entry that names a signature, that signature's id and hash."""
    return digest("audit", audit_values(entry, publication_integrity, signature_integrity))


def signature_values(signature: Any, page_ids: list[int]) -> dict[str, Any]:
    """What a signature's hash is taken over: its `SIGNATURE_FIELDS` and `page_ids`, sorted."""
    values = _values(signature, SIGNATURE_FIELDS)
    values["page_ids"] = sorted(page_ids)
    return values


def signature_hash(signature: Any, page_ids: list[int]) -> str:
    """The hash of a signature's fields and the pages its revision alters (sorted)."""
    return digest("signature", signature_values(signature, page_ids))
