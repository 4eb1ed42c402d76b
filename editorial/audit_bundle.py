"""A page's audit bundle: its whole record, in one file anyone can check without us.

Every publication of the page (compliance number, version, dates, hashes, and every
field its integrity hash covers), the revisions they came from with their reviews, each
review's electronic signature and the comments, the audit entries about the page and its
changes (with everything their hashes cover), the credential history of each reviewer
and each signer's certification of their signature. The JSON is canonical
(sorted keys, no whitespace, UTF-8) and carries its own digest; `audit_verify`, which
needs nothing but Python, recomputes every hash in it. The HTML is the same data as a
printable document. docs/audit.md says what each field means.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from drugs.models import Page

from . import hashing, identity
from .models import (
    AuditEntry,
    Comment,
    Publication,
    Review,
    ReviewerProfile,
    RevisionPage,
    Signature,
    SignatureCertification,
)

FORMAT = "imprimatur-audit-bundle"
# 2: reviews carry their signatures, entries naming one its hash, signers' certifications.
FORMAT_VERSION = 2
# The files a bundle is written as, and what each is served as.
FORMATS = {"json": "application/json", "html": "text/html"}
# What an audit entry's hash covers beyond AUDIT_FIELDS.
AUDIT_EXTRA_FIELDS = ("publication_integrity",)
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


class PageNotFound(LookupError):
    """No page has, or had, the address asked for."""


def canonical_json(value: Any) -> str:
    """The bundle's canonical text: sorted keys, no whitespace, characters as themselves."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def bundle_digest(bundle: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the bundle without its own `digest`."""
    body = {key: value for key, value in bundle.items() if key != "digest"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def page_for_export(slug: str) -> Page:
    """The page at `slug`, or the page a publication once had at that address."""
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        publication = (
            Publication.objects.filter(slug=slug).select_related("page").order_by("-pk").first()
        )
        page = publication.page if publication else None
    if page is None:
        raise PageNotFound(f"No page has or had the address “{slug}”.")
    return page


def _when(moment: datetime.datetime | None) -> str | None:
    """A moment as every hash writes it: UTC, ISO 8601."""
    return moment.astimezone(datetime.UTC).isoformat() if moment else None


def publication_entry(publication: Publication) -> dict[str, Any]:
    """One publication: its references, and every field its integrity hash covers; a
    translated one also its language and the publication it was translated from."""
    number = getattr(publication, "compliance_number", None)
    version = getattr(publication, "version", None)
    entry = {
        "id": publication.pk,
        "compliance_number": {
            "reference": number.reference,
            "number": number.number,
            "year": number.year,
        }
        if number
        else None,
        "version": {"label": version.label, "number": version.number, "day": version.day}
        if version
        else None,
        "integrity_hash": publication.integrity_hash,
        "fields": hashing.json_ready(
            hashing.publication_values(publication, publication.translation_record())
        ),
    }
    translation = publication.translation_record()
    if translation is not None:  # only a translated publication has the key
        entry["translation"] = {
            "language": translation.language,
            "source_id": translation.source_id,
            "source_content_hash": translation.source_content_hash,
        }
    return entry


def signature_entry(signature: Signature, page_ids: list[int]) -> dict[str, Any]:
    """A review's electronic signature: every value its hash covers, the hash, and the
    meaning as the signer was shown it and the time in the zone it states (21 CFR 11.50)."""
    return {
        "id": signature.pk,
        "hash": signature.hash,
        "meaning_display": signature.get_meaning_display(),
        "signed_at_local": signature.signed_at_local.isoformat(),
        "fields": hashing.json_ready(hashing.signature_values(signature, page_ids)),
    }


def review_entry(review: Review, page_ids: list[int]) -> dict[str, Any]:
    """One review: who decided what on the revision, with the credential they held then,
    and its electronic signature (None for a review made before reviews were signed).

    `page_ids` are the pages its revision froze, which the signature's hash covers.
    """
    signature = getattr(review, "signature", None)
    return {
        "id": review.pk,
        "reviewer_id": review.reviewer_id,
        "decision": review.decision,
        "decision_display": review.get_decision_display(),
        "comment": review.comment,
        "is_full_review": review.is_full_review,
        "credential": review.credential,
        "credential_kind": review.credential_kind,
        "created_at": _when(review.created_at),
        "signature": signature_entry(signature, page_ids) if signature else None,
    }


def certification_entry(
    certification: SignatureCertification, entry: AuditEntry | None
) -> dict[str, Any]:
    """A signer's one-time certification that their electronic signature binds them
    (11.100(c)), with the audit entry that recorded it, hashed like any other."""
    return {
        "user_id": certification.user_id,
        "statement": certification.statement,
        "confirmed_at": _when(certification.confirmed_at),
        "audit_entry": _entry_values(entry) if entry else None,
    }


def comment_entry(comment: Comment) -> dict[str, Any]:
    """One remark in a change's review thread, and who resolved it when."""
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "revision_id": comment.revision_id,
        "author_id": comment.author_id,
        "body": comment.body,
        "created_at": _when(comment.created_at),
        "resolved_at": _when(comment.resolved_at),
        "resolved_by_id": comment.resolved_by_id,
    }


def revision_entry(
    snapshot: RevisionPage, pages: list[list[Any]], reviews: Iterable[Review]
) -> dict[str, Any]:
    """A revision that froze the page: what it held of it, its fingerprint's inputs, its reviews.

    `pages` is every page the revision froze as [page id, content hash, base publication
    id]; with `records` it is what the revision's content hash is taken over.
    """
    revision = snapshot.revision
    return {
        "id": revision.pk,
        "number": revision.number,
        "created_at": _when(revision.created_at),
        "submitted_by_id": revision.created_by_id,
        "summary": revision.summary,
        "note": revision.note,
        "content_hash": revision.content_hash,
        "records": revision.records,
        "pages": pages,
        "page": {
            "revision_page_id": snapshot.pk,
            "content_hash": snapshot.content_hash,
            "base_publication_id": snapshot.base_publication_id,
        },
        "reviews": [review_entry(review, [row[0] for row in pages]) for review in reviews],
    }


def _entry_values(entry: AuditEntry) -> dict[str, Any]:
    return {
        "hash": entry.hash,
        "action_display": entry.get_action_display(),
        "fields": hashing.json_ready(
            hashing.audit_values(entry, entry.publication_integrity(), entry.signature_integrity())
        ),
    }


def audit_entry(entry: AuditEntry, page: Page) -> dict[str, Any]:
    """One audit entry: its hash and every value the hash covers (with the signature's id
    and hash for an entry that names one)."""
    return {
        **_entry_values(entry),
        # In the page's own chain (`page_prev_hash`), or about one of its changes only.
        "on_page_chain": entry.page_id == page.pk,
    }


def _audit_entries(queryset) -> list[AuditEntry]:
    return list(
        queryset.select_related("publication", "signature")
        .only(
            *hashing.AUDIT_FIELDS,
            "hash",
            "publication__integrity_hash",
            "signature_id",
            "signature__hash",
        )
        .order_by("seq")
    )


def certifications(user_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The signature certifications of `user_ids`, each with the entry that recorded it."""
    user_ids = list(user_ids)
    rows = SignatureCertification.objects.filter(user_id__in=user_ids).order_by("user_id")
    entries = {
        entry.actor_id: entry
        for entry in _audit_entries(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.SIGNATURE_CERTIFIED, actor_id__in=user_ids
            )
        )
    }
    return [certification_entry(row, entries.get(row.user_id)) for row in rows]


def credential_history(user_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Each reviewer's credential as it was set, change by change (django-simple-history)."""
    rows = ReviewerProfile.history.filter(user_id__in=list(user_ids)).order_by(
        "user_id", "history_date", "history_id"
    )
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        history[row.user_id].append(
            {
                "history_id": row.history_id,
                "at": _when(row.history_date),
                "what": HISTORY_TYPES.get(row.history_type, row.history_type),
                "credential": row.credential,
                "valid_until": row.valid_until.isoformat() if row.valid_until else None,
                "printed_name": row.printed_name,
                "changed_by_id": row.history_user_id,
                "reason": row.history_change_reason or "",
            }
        )
    return [
        {"user_id": user_id, "credential_history": history[user_id]} for user_id in sorted(history)
    ]


def _people(user_ids: set[int]) -> dict[str, dict[str, str]]:
    users = get_user_model().objects.filter(pk__in=user_ids).order_by("pk")
    return {
        str(user.pk): {"username": user.get_username(), "name": user.get_full_name()}
        for user in users
    }


def bundle_build(page: Page, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The audit bundle of `page`, as plain JSON values, its digest included.

    A fixed number of queries however long the page's record.
    """
    publications = [
        publication_entry(publication)
        for publication in Publication.objects.filter(page=page)
        .select_related("version", "compliance_number", "translation")
        .order_by("published_at", "pk")
    ]
    snapshots = list(
        RevisionPage.objects.filter(page=page)
        .select_related("revision__change")
        .defer("content", "html", "manifest")
        .order_by("revision__change_id", "revision__number")
    )
    revision_ids = [snapshot.revision_id for snapshot in snapshots]
    pages_of: dict[int, list[list[Any]]] = defaultdict(list)
    for revision_id, page_id, content_hash, base_id in (
        RevisionPage.objects.filter(revision_id__in=revision_ids)
        .order_by("revision_id", "page_id")
        .values_list("revision_id", "page_id", "content_hash", "base_publication_id")
    ):
        pages_of[revision_id].append([page_id, content_hash, base_id])
    reviews_of: dict[int, list[Review]] = defaultdict(list)
    for review in (
        Review.objects.filter(revision_id__in=revision_ids)
        .select_related("signature")
        .order_by("created_at", "pk")
    ):
        reviews_of[review.revision_id].append(review)
    change_ids = sorted({snapshot.revision.change_id for snapshot in snapshots})
    comments_of: dict[int, list[Comment]] = defaultdict(list)
    for comment in Comment.objects.filter(change_id__in=change_ids).order_by("created_at", "pk"):
        comments_of[comment.change_id].append(comment)

    changes: dict[int, dict[str, Any]] = {}
    for snapshot in snapshots:
        change = snapshot.revision.change
        if change.pk not in changes:
            changes[change.pk] = {
                "id": change.pk,
                "title": change.title,
                "kind": change.kind,
                "kind_display": change.get_kind_display(),
                "author_id": change.author_id,
                "created_at": _when(change.created_at),
                "revisions": [],
                "comments": [comment_entry(comment) for comment in comments_of[change.pk]],
            }
        changes[change.pk]["revisions"].append(
            revision_entry(
                snapshot, pages_of[snapshot.revision_id], reviews_of[snapshot.revision_id]
            )
        )

    entries = [
        audit_entry(entry, page)
        for entry in _audit_entries(
            AuditEntry.objects.filter(Q(page=page) | Q(page__isnull=True, change_id__in=change_ids))
        )
    ]
    reviewer_ids = {review.reviewer_id for reviews in reviews_of.values() for review in reviews}
    reviewers = credential_history(reviewer_ids)
    signer_ids = {
        review.signature.signer_id
        for reviews in reviews_of.values()
        for review in reviews
        if getattr(review, "signature", None)
    }
    signers = certifications(signer_ids)

    people = {entry["fields"]["actor_id"] for entry in entries}
    people |= {p["fields"]["published_by_id"] for p in publications}
    for change in changes.values():
        people.add(change["author_id"])
        for revision in change["revisions"]:
            people.add(revision["submitted_by_id"])
            people |= {review["reviewer_id"] for review in revision["reviews"]}
        for comment in change["comments"]:
            people |= {comment["author_id"], comment["resolved_by_id"]}
    for reviewer in reviewers:
        people |= {row["changed_by_id"] for row in reviewer["credential_history"]}
    people |= signer_ids
    people |= reviewer_ids
    people.discard(None)

    site_name = identity.current()["name"]
    bundle = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "about": (
            f"The audit record of one page of {site_name}: every publication "
            "of it, the revisions and reviews they came from with each review's electronic "
            "signature, the audit entries about it and its changes, the credential history "
            "of its reviewers and its signers' certifications. Every hash can be "
            "recomputed from the values given, by the rules under `hashing`; times are UTC, "
            "ISO 8601."
        ),
        "generated_at": _when(now or timezone.now()),
        "site": {"name": site_name, "time_zone": settings.TIME_ZONE},
        "hashing": {
            "format": hashing.FORMAT,
            "canonical_json": (
                "JSON with keys sorted, no whitespace (separators ',' and ':'), "
                "non-ASCII characters written as themselves, encoded as UTF-8"
            ),
            "digest": (
                "SHA-256, lower-case hex, of the canonical JSON of the object "
                '{"format": <format>, "kind": <kind>, ...fields}'
            ),
            "kinds": {
                "publication": list(hashing.PUBLICATION_FIELDS),
                "audit": [*hashing.AUDIT_FIELDS, *AUDIT_EXTRA_FIELDS],
                "signature": [*hashing.SIGNATURE_FIELDS, "page_ids"],
            },
            "audit_signature_fields": (
                "an audit entry that names a signature also hashes "
                + " and ".join(hashing.AUDIT_SIGNATURE_FIELDS)
                + " (the signature's id and hash); other entries have neither key"
            ),
            "content_hash": "SHA-256 of the canonical JSON of a publication's content alone",
            "revision_content_hash": (
                'SHA-256 of the canonical JSON of {"pages": <pages>, "records": <records>}'
            ),
            "bundle_digest": "SHA-256 of the canonical JSON of this bundle without its digest",
        },
        "page": {"id": page.pk, "slug": page.slug, "title": page.title},
        "people": _people(people),
        "publications": publications,
        "changes": list(changes.values()),
        "audit_entries": entries,
        "reviewers": reviewers,
        "signature_meanings": dict(Signature.Meaning.choices),
        "signature_certifications": signers,
    }
    if any("translation" in publication for publication in publications):
        # Said only in a bundle holding translated publications: the others read as before.
        bundle["hashing"]["publication_translation_fields"] = (
            "a publication in another language than the default also hashes "
            + " and ".join(hashing.PUBLICATION_TRANSLATION_FIELDS)
            + " (its language and the content hash of the publication it was translated "
            "from, named in its translation); other publications have neither key"
        )
    bundle = hashing.json_ready(bundle)
    bundle["digest"] = {"algorithm": "sha256", "value": bundle_digest(bundle)}
    return bundle


def bundle_text(bundle: dict[str, Any], format: str) -> str:
    """The bundle as a file of `format` (one of `FORMATS`) holds it."""
    return {"json": bundle_json, "html": bundle_html}[format](bundle)


def bundle_filename(bundle: dict[str, Any], format: str) -> str:
    """“audit-<page address>-<day generated>.json”: what a downloaded bundle is called."""
    return f"audit-{bundle['page']['slug']}-{bundle['generated_at'][:10]}.{format}"


def bundle_json(bundle: dict[str, Any]) -> str:
    """The bundle as its file holds it: canonical JSON and a final newline."""
    return canonical_json(bundle) + "\n"


def _moment(text: str | None) -> str:
    if not text:
        return ""
    moment = datetime.datetime.fromisoformat(text).astimezone(datetime.UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def signature_view(signature: dict[str, Any] | None) -> dict[str, Any] | None:
    """A signature as the HTML shows it: its manifestation (printed name, the date and time
    in the zone it states and in UTC, the meaning as stated) first, then the rest."""
    if signature is None:
        return None
    fields = signature["fields"]
    local = datetime.datetime.fromisoformat(signature["signed_at_local"])
    return {
        **signature,
        "signed_local": f"{local:%B %-d, %Y, %H:%M:%S} ({fields['time_zone']})",
        "signed_utc": _moment(fields["signed_at"]),
    }


def bundle_html(bundle: dict[str, Any]) -> str:
    """The same bundle as a readable, printable HTML document (no script)."""
    people = bundle["people"]

    def name(user_id: int | None) -> str:
        if user_id is None:
            return ""
        person = people.get(str(user_id), {})
        full, login = person.get("name", ""), person.get("username", str(user_id))
        return f"{full} ({login})" if full and full != login else login

    publications = bundle["publications"]
    by_id = {publication["id"]: publication for publication in publications}
    view_publications = [
        {
            **publication,
            "published_at": _moment(publication["fields"]["published_at"]),
            "published_by": name(publication["fields"]["published_by_id"]),
            "sizes": {
                field: len(canonical_json(publication["fields"][field]))
                for field in ("content", "html", "json_ld", "manifest")
            },
        }
        for publication in publications
    ]
    changes = [
        {
            **change,
            "author": name(change["author_id"]),
            "created": _moment(change["created_at"]),
            "revisions": [
                {
                    **revision,
                    "created": _moment(revision["created_at"]),
                    "submitted_by": name(revision["submitted_by_id"]),
                    "publications": [
                        by_id[p]["compliance_number"]["reference"]
                        if by_id[p]["compliance_number"]
                        else f"publication {p}"
                        for p in sorted(by_id)
                        if by_id[p]["fields"]["revision_id"] == revision["id"]
                    ],
                    "reviews": [
                        {
                            **review,
                            "reviewer": name(review["reviewer_id"]),
                            "at": _moment(review["created_at"]),
                            "signature": signature_view(review["signature"]),
                        }
                        for review in revision["reviews"]
                    ],
                }
                for revision in change["revisions"]
            ],
            "comments": [
                {
                    **comment,
                    "author": name(comment["author_id"]),
                    "at": _moment(comment["created_at"]),
                    "resolved": _moment(comment["resolved_at"]),
                    "resolved_by": name(comment["resolved_by_id"]),
                }
                for comment in change["comments"]
            ],
        }
        for change in bundle["changes"]
    ]
    entries = [
        {
            **entry,
            "at": _moment(entry["fields"]["at"]),
            "actor": name(entry["fields"]["actor_id"]),
            "publication": (
                by_id[entry["fields"]["publication_id"]]["compliance_number"]["reference"]
                if entry["fields"]["publication_id"] in by_id
                and by_id[entry["fields"]["publication_id"]]["compliance_number"]
                else entry["fields"]["publication_id"]
            ),
        }
        for entry in bundle["audit_entries"]
    ]
    reviewers = [
        {
            "name": name(reviewer["user_id"]),
            "history": [
                {**row, "at": _moment(row["at"]), "changed_by": name(row["changed_by_id"])}
                for row in reviewer["credential_history"]
            ],
        }
        for reviewer in bundle["reviewers"]
    ]
    certified = [
        {
            **row,
            "name": name(row["user_id"]),
            "at": _moment(row["confirmed_at"]),
        }
        for row in bundle["signature_certifications"]
    ]
    return render_to_string(
        "editorial/audit_bundle.html",
        {
            "bundle": bundle,
            "generated": _moment(bundle["generated_at"]),
            "publications": view_publications,
            "changes": changes,
            "entries": entries,
            "reviewers": reviewers,
            "certifications": certified,
            "publication_fields": [
                *(
                    field
                    for field in bundle["hashing"]["kinds"]["publication"]
                    if field not in ("content", "html", "json_ld", "manifest")
                ),
                *hashing.PUBLICATION_TRANSLATION_FIELDS,  # a translated publication's alone
            ],
        },
    )
