"""Is the record as it was written? The checks `manage.py verify_integrity` runs.

Each check returns the problems it found, each naming the record that fails; none
means the record holds. They read only, so they are safe to run at any time.
"""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import F

from drugs.models import Page

from . import append_only, compliance, hashing, lookups, passkeys, versions
from .models import (
    AuditChainHead,
    AuditEntry,
    CurrentPublication,
    CurrentTranslation,
    Publication,
    PublicationDrug,
    PublicationRecord,
    PublicationSearch,
    PublicationTranslation,
    RevisionPage,
    Signature,
)

# The entries that move a page's live pointer: its last one says what the public reads.
POINTER_ACTIONS = (AuditEntry.Action.IMPORT, AuditEntry.Action.PUBLISH, AuditEntry.Action.UNPUBLISH)
PUBLISHING_ACTIONS = (AuditEntry.Action.IMPORT, AuditEntry.Action.PUBLISH)


@dataclass(frozen=True)
class Problem:
    record: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.message}"


def _entry(entry: AuditEntry) -> str:
    return f"audit entry {entry.pk} (#{entry.seq}, {entry.action})"


def _entries(queryset) -> Iterator[AuditEntry]:
    return (
        queryset.select_related("publication", "signature")
        .only(
            *hashing.AUDIT_FIELDS,
            "hash",
            "publication__integrity_hash",
            "signature_id",
            "signature__hash",
        )
        .order_by("seq")
        .iterator(chunk_size=2000)
    )


def _altered(entry: AuditEntry) -> Problem | None:
    expected = hashing.audit_hash(entry, entry.publication_integrity(), entry.signature_integrity())
    if expected != entry.hash:
        return Problem(_entry(entry), "its content does not match its hash: it was altered")
    return None


def verify_triggers() -> list[Problem]:
    """The database still refuses UPDATE and DELETE on every append-only table."""
    return [
        Problem(f"table {table}", f"trigger {name} is missing or disabled")
        for table, name in append_only.missing_triggers(connection)
    ]


def verify_audit_chain() -> list[Problem]:
    """Each entry hashes to its stored hash and links to the entry before it, and the
    newest entry is the chain head on record: none removed, altered or reordered.
    """
    problems = []
    expected_seq, previous = 1, ""
    last = None
    for entry in _entries(AuditEntry.objects.all()):
        if entry.seq != expected_seq:
            problems.append(
                Problem(
                    _entry(entry),
                    f"entries #{expected_seq}–#{entry.seq - 1} before it are missing",
                )
            )
        if entry.prev_hash != previous:
            problems.append(
                Problem(
                    _entry(entry),
                    "it does not follow the entry before it: one was removed, altered or moved",
                )
            )
        if altered := _altered(entry):
            problems.append(altered)
        expected_seq, previous, last = entry.seq + 1, entry.hash, entry
    head = AuditChainHead.objects.filter(pk=1).first()
    if last is not None and (head is None or (head.seq, head.hash) != (last.seq, last.hash)):
        on_record = f"#{head.seq}" if head else "none"
        problems.append(
            Problem(
                "audit chain head",
                f"the newest entry is #{last.seq} but the head on record is {on_record}: "
                "entries were removed from the end, or the head was rewritten",
            )
        )
    return problems


def verify_page_chain(page: Page) -> list[Problem]:
    """One page's entries alone: each hashes right and links to the page's entry before
    it, and each of the page's publications has its publish entry among them.
    """
    problems = []
    previous = ""
    named = set()
    for entry in _entries(AuditEntry.objects.filter(page=page)):
        if entry.page_prev_hash != previous:
            problems.append(
                Problem(
                    _entry(entry),
                    f"it does not follow the entry before it about page {page.pk}: "
                    "one was removed, altered or moved",
                )
            )
        if altered := _altered(entry):
            problems.append(altered)
        if entry.action in PUBLISHING_ACTIONS:
            named.add(entry.publication_id)
        previous = entry.hash
    for publication_id in Publication.objects.filter(page=page).values_list("pk", flat=True):
        if publication_id not in named:
            problems.append(
                Problem(
                    f"publication {publication_id}", "the audit trail has no entry publishing it"
                )
            )
    return problems


def verify_publications() -> list[Problem]:
    """Every publication's public columns hash to the hash stored when it was published,
    and the audit trail's head it recorded then is still in the trail.
    """
    problems = []
    heads = sorted(set(Publication.objects.values_list("audit_head_seq", flat=True)) - {0})
    chain = {}
    for start in range(0, len(heads), 500):  # within SQLite's limit on query parameters
        batch = heads[start : start + 500]
        chain.update(AuditEntry.objects.filter(seq__in=batch).values_list("seq", "hash"))
    publications = Publication.objects.select_related("translation").order_by("pk")
    for publication in publications.iterator(chunk_size=200):
        record = f"publication {publication.pk} ({publication.slug})"
        translation = publication.translation_record()
        if hashing.publication_hash(publication, translation) != publication.integrity_hash:
            problems.append(
                Problem(record, "what the public reads does not match its hash: it was rewritten")
            )
        seq = publication.audit_head_seq
        if seq and chain.get(seq) != publication.audit_head_hash:
            problems.append(
                Problem(
                    record,
                    f"the audit trail's head when it was published (entry #{seq}) is gone or "
                    "altered: entries were removed",
                )
            )
    return problems


def _grouped(rows) -> Iterator[tuple[int, set]]:
    """(publication id, its rows) from rows ordered by publication id."""
    for publication_id, group in itertools.groupby(rows, key=lambda row: row[0]):
        yield publication_id, {row[1:] for row in group}


def verify_lookups() -> list[Problem]:
    """Each publication's lookup rows say what its own columns say: the records of its
    manifest, the drugs of its `drug_slugs`, the words of its content and, on
    PostgreSQL, the weighted vector of those words.

    Publications and their rows are read in step, ordered by publication, a chunk at a
    time, so the check holds nothing but one publication's rows in memory.
    """
    problems = []
    streams = {
        "the records it shows": (
            PublicationRecord.objects.order_by("publication_id", "model", "object_id")
            .values_list("publication_id", "model", "object_id", "history_id")
            .iterator(chunk_size=5000),
            lambda publication: set(lookups.manifest_rows(publication.manifest)),
        ),
        "the drugs it shows": (
            PublicationDrug.objects.order_by("publication_id", "slug")
            .values_list("publication_id", "slug")
            .iterator(chunk_size=5000),
            lambda publication: {(slug,) for slug in lookups.drug_slugs_of(publication.drug_slugs)},
        ),
        "the words it shows": (
            PublicationSearch.objects.order_by("publication_id")
            .values_list("publication_id", *lookups.SEARCH_PARTS, "words")
            .iterator(chunk_size=500),
            lambda publication: {tuple(lookups.search_row(publication.content).values())},
        ),
    }
    for what, (rows, expected_of) in streams.items():
        groups = _grouped(rows)
        group = next(groups, None)
        publications = Publication.objects.only("pk", "slug", "manifest", "drug_slugs")
        if what == "the words it shows":
            publications = publications.only("pk", "slug", "content")
        for publication in publications.order_by("pk").iterator(chunk_size=500):
            found = set()
            if group is not None and group[0] == publication.pk:
                found = group[1]
                group = next(groups, None)
            if found != expected_of(publication):
                problems.append(
                    Problem(
                        f"publication {publication.pk} ({publication.slug})",
                        f"its index of {what} does not match the publication",
                    )
                )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(lookups.SEARCH_VECTOR_MISMATCHES)
            problems += [
                Problem(
                    f"publication {pk} ({slug})",
                    "its search vector is missing or does not match its search words",
                )
                for pk, slug in cursor.fetchall()
            ]
    return problems


def verify_versions() -> list[Problem]:
    """Each publication's version is the one its page's publications in its language
    count to (`versions.numbered`): missing, renumbered or redated rows are named.
    """
    problems = []
    rows = (
        Publication.objects.annotate(language=F("translation__language"))
        .order_by("page_id", "language", "published_at", "pk")
        .values_list(
            "page_id",
            "pk",
            "slug",
            "content_hash",
            "last_revised",
            "version__number",
            "version__day",
            "language",
        )
        .iterator(chunk_size=2000)
    )
    for _page, group in itertools.groupby(rows, key=lambda row: (row[0], row[7])):
        group = list(group)
        expected = versions.numbered((row[1], row[3], row[4]) for row in group)
        for row, (_pk, number, day) in zip(group, expected, strict=True):
            if (row[5], row[6]) != (number, day):
                problems.append(
                    Problem(
                        f"publication {row[1]} ({row[2]})",
                        f"its version label is missing or wrong: it should read "
                        f"{versions.version_label(number, day)}",
                    )
                )
    return problems


def verify_compliance_numbers() -> list[Problem]:
    """Each publication has its one compliance number, of its year of publishing, and the
    numbers increase with the order of publishing (time, then id): a missing, renumbered
    or redated number is named.
    """
    problems = []
    rows = (
        Publication.objects.order_by("published_at", "pk")
        .values_list(
            "pk", "slug", "published_at", "compliance_number__number", "compliance_number__year"
        )
        .iterator(chunk_size=2000)
    )
    previous = None  # the number of the publication before, and its reference
    for pk, slug, published_at, number, year in rows:
        record = f"publication {pk} ({slug})"
        if number is None:
            problems.append(Problem(record, "it has no compliance number"))
            continue
        reference = compliance.compliance_reference(year, number)
        if year != compliance.compliance_year(published_at):
            problems.append(
                Problem(record, f"its compliance number {reference} names another year")
            )
        if previous is not None and number <= previous[0]:
            problems.append(
                Problem(
                    record,
                    f"its compliance number {reference} does not follow {previous[1]}, "
                    "the publication before it",
                )
            )
        previous = (number, reference)
    return problems


# Which meanings each decision may carry.
MEANINGS = {
    "approve": {Signature.Meaning.APPROVED, Signature.Meaning.FULL_REVIEW},
    "request_changes": {Signature.Meaning.CHANGES_REQUESTED},
}


def _passkey_problems(record: str, signature: Signature) -> list[Problem]:
    assertion = signature.webauthn_assertion or {}
    if assertion.get("credential_id") != signature.passkey_credential_id:
        return [Problem(record, "its passkey assertion is not from the passkey it names")]
    try:
        passkeys.assertion_verify(assertion, signature.content_hash)
    except passkeys.PasskeyRefused as refusal:
        return [Problem(record, f"its passkey assertion does not verify: {refusal}")]
    return []


def verify_signatures() -> list[Problem]:
    """Each signature is bound to its record (21 CFR 11.70): its hash recomputes; what it
    signed is its revision's content hash; its review is on that revision, by its signer,
    with a decision its meaning states; a passkey's assertion verifies, with the public
    key it carries, as a signature of that content hash by the passkey it names; and each
    publication made from a signed revision shows that revision's own snapshot of its
    page (the content hash it was approved as).
    """
    problems = []
    pages: dict[int, list[int]] = {}
    signed_revisions = Signature.objects.values("revision_id")
    for revision_id, page_id in (
        RevisionPage.objects.filter(revision_id__in=signed_revisions)
        .order_by()
        .values_list("revision_id", "page_id")
    ):
        pages.setdefault(revision_id, []).append(page_id)
    signatures = Signature.objects.select_related("review", "revision").order_by("pk")
    signed = set()
    for signature in signatures.iterator(chunk_size=500):
        record = f"signature {signature.pk} ({signature.printed_name})"
        signed.add(signature.revision_id)
        review = signature.review
        if hashing.signature_hash(signature, pages.get(signature.revision_id, [])) != (
            signature.hash
        ):
            problems.append(Problem(record, "its content does not match its hash: it was altered"))
        if signature.content_hash != signature.revision.content_hash:
            problems.append(
                Problem(
                    record, f"what it signed is not the content of revision {signature.revision_id}"
                )
            )
        if review.revision_id != signature.revision_id or review.reviewer_id != signature.signer_id:
            problems.append(
                Problem(
                    record,
                    f"its review {review.pk} is on another revision or by another person: "
                    "the signature was moved",
                )
            )
        if signature.method == Signature.Method.PASSKEY:
            problems.extend(_passkey_problems(record, signature))
        if signature.meaning not in MEANINGS.get(review.decision, set()):
            problems.append(
                Problem(
                    record, f"its meaning does not state its review's decision ({review.decision})"
                )
            )
    snapshots = dict(
        ((revision_id, page_id), content_hash)
        for revision_id, page_id, content_hash in RevisionPage.objects.filter(
            revision_id__in=signed
        ).values_list("revision_id", "page_id", "content_hash")
    )
    publications = Publication.objects.filter(revision_id__in=signed).order_by("pk")
    for pk, slug, revision_id, page_id, content_hash in publications.values_list(
        "pk", "slug", "revision_id", "page_id", "content_hash"
    ):
        if snapshots.get((revision_id, page_id)) != content_hash:
            problems.append(
                Problem(
                    f"publication {pk} ({slug})",
                    f"its content is not what revision {revision_id}'s signatures signed",
                )
            )
    return problems


def verify_live_pointers() -> list[Problem]:
    """What each page's live pointer in each language shows is what its last publish or
    unpublish entry in that language says (an entry's language is its publication's)."""
    problems = []
    pointers: dict[tuple[int, str | None], CurrentPublication | CurrentTranslation] = {
        (row.page_id, None): row for row in CurrentPublication.objects.select_related("publication")
    }
    pointers.update(
        ((row.page_id, row.language), row)
        for row in CurrentTranslation.objects.select_related("publication__translation")
    )
    last_entries = {}
    for entry in (
        AuditEntry.objects.filter(action__in=POINTER_ACTIONS)
        .annotate(language=F("publication__translation__language"))
        .order_by("seq")
    ):
        last_entries[(entry.page_id, entry.language)] = entry
    for key in sorted(set(pointers) | set(last_entries), key=lambda key: (key[0], key[1] or "")):
        page_id, language = key
        pointer, entry = pointers.get(key), last_entries.get(key)
        shown = pointer.publication_id if pointer else None
        expected = None
        if entry is not None and entry.action != AuditEntry.Action.UNPUBLISH:
            expected = entry.publication_id
        record = f"page {page_id}" + (f" in {language}" if language else "")
        if language and pointer and pointer.publication:
            translation = pointer.publication.translation_record()
            if translation is None or translation.language != language:
                problems.append(
                    Problem(record, f"its live publication {shown} is not in {language}")
                )
        if shown != expected:
            said = f"{_entry(entry)} says {expected or 'unpublished'}" if entry else "no entry"
            problems.append(
                Problem(
                    record,
                    f"the public reads {f'publication {shown}' if shown else 'nothing'} "
                    f"but the audit trail's last publish or unpublish ({said}) disagrees",
                )
            )
        elif pointer and pointer.publication and pointer.slug != pointer.publication.slug:
            problems.append(
                Problem(record, f"its live address {pointer.slug} is not its publication's")
            )
    return problems


def verify_translations() -> list[Problem]:
    """Each translated publication's source is a publication of the same page in the
    default language, and the hash it records is that source's content hash."""
    problems = []
    sources = {
        row["pk"]: row
        for row in Publication.objects.filter(
            pk__in=PublicationTranslation.objects.values("source_id")
        ).values("pk", "page_id", "content_hash", "translation__language")
    }
    rows = PublicationTranslation.objects.select_related("publication").only(
        "publication__slug", "publication__page_id", "language", "source_id", "source_content_hash"
    )
    for row in rows.order_by("publication_id"):
        record = f"publication {row.publication_id} ({row.publication.slug})"
        source = sources.get(row.source_id)
        if source is None:
            problems.append(
                Problem(record, f"the publication it translates ({row.source_id}) is gone")
            )
            continue
        if (
            source["translation__language"] is not None
            or source["page_id"] != row.publication.page_id
        ):
            problems.append(
                Problem(
                    record,
                    f"the publication it translates ({row.source_id}) is not this page's in "
                    "the default language",
                )
            )
        if source["content_hash"] != row.source_content_hash:
            problems.append(
                Problem(
                    record,
                    f"the content hash it was translated from is not that of publication "
                    f"{row.source_id}",
                )
            )
    return problems


def verify_all() -> list[Problem]:
    """Every check, over the whole record."""
    problems = verify_triggers() + verify_audit_chain()
    for page in Page.objects.filter(audit_entries__isnull=False).distinct().order_by("pk"):
        problems += [p for p in verify_page_chain(page) if p not in problems]
    return (
        problems
        + verify_publications()
        + verify_lookups()
        + verify_versions()
        + verify_compliance_numbers()
        + verify_live_pointers()
        + verify_translations()
        + verify_signatures()
    )
