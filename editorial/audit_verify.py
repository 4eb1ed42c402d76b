"""Check a page's audit bundle with nothing but Python: no Django, no database, no project.

    python audit_verify.py bundle.json        (or: python -m editorial.audit_verify bundle.json)

Recomputes every hash the bundle holds, by the rules written down in docs/audit.md and
in the bundle itself: each publication's integrity hash and content hash, each
revision's content hash, each audit entry's hash, and the bundle's own digest. Then
checks how they link: the page's chain of entries (`page_prev_hash`), the whole trail's
links between consecutive entries (`prev_hash`), each entry's copy of the integrity
hash of the publication it names, the trail's head each publication recorded, the entry
that published each publication, the entry behind each review, the credential each
review records against the reviewer's credential history, and the compliance numbers.
Prints each problem and exits 1; prints "OK" and exits 0 when there is none; exits 2
when the file is no bundle it can read.

This file imports only the standard library, on purpose: whoever holds a bundle can
read it, copy it out and run it anywhere. Its field lists are the project's
(`editorial/hashing.py`); a test keeps them equal.
"""

import datetime
import hashlib
import json
import re
import sys
from typing import Any

BUNDLE_FORMAT = "imprimatur-audit-bundle"
BUNDLE_VERSIONS = (1,)
HASH_FORMAT = 1
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
    "publication_integrity",
)
PUBLISHING_ACTIONS = ("import", "publish")
REFERENCE = re.compile(r"\AIMP-(\d{4})-(\d{6,})\Z")


class Malformed(Exception):
    """The file is not an audit bundle this verifier reads."""


def canonical(value: Any) -> bytes:
    """Canonical JSON: keys sorted, no whitespace, characters as themselves, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def record_hash(kind: str, fields: dict[str, Any]) -> str:
    """A publication's or an audit entry's hash: over its fields, the format and the kind."""
    return sha256({"format": HASH_FORMAT, "kind": kind, **fields})


def bundle_digest(bundle: dict[str, Any]) -> str:
    return sha256({key: value for key, value in bundle.items() if key != "digest"})


def _local_year(moment: str, time_zone: str) -> int | None:
    """The year of `moment` in the site's time zone; None where this machine lacks the zone."""
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - Python before 3.9
        return None
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return datetime.datetime.fromisoformat(moment).astimezone(zone).year


def _fields(record: dict[str, Any], names: tuple[str, ...], what: str, problems: list[str]):
    fields = record.get("fields")
    if not isinstance(fields, dict):
        raise Malformed(f"{what} has no fields")
    if set(fields) != set(names):
        missing = sorted(set(names) - set(fields))
        extra = sorted(set(fields) - set(names))
        problems.append(
            f"{what}: its fields are not the ones its hash covers"
            + (f" (missing {', '.join(missing)})" if missing else "")
            + (f" (unknown {', '.join(extra)})" if extra else "")
        )
    return fields


def _publication_name(publication: dict[str, Any]) -> str:
    number = publication.get("compliance_number")
    return f"publication {publication.get('id')}" + (
        f" ({number.get('reference')})" if isinstance(number, dict) else ""
    )


def verify_publications(bundle: dict[str, Any], problems: list[str]) -> dict[int, dict]:
    """Each publication's hashes, its page, and the compliance numbers' order."""
    page_id = bundle["page"]["id"]
    time_zone = bundle.get("site", {}).get("time_zone", "UTC")
    publications = {}
    previous = None
    for publication in bundle["publications"]:
        name = _publication_name(publication)
        fields = _fields(publication, PUBLICATION_FIELDS, name, problems)
        publications[publication["id"]] = publication
        if record_hash("publication", fields) != publication.get("integrity_hash"):
            problems.append(f"{name}: its fields do not match its integrity hash")
        if sha256(fields.get("content")) != fields.get("content_hash"):
            problems.append(f"{name}: its content does not match its content hash")
        if fields.get("page_id") != page_id:
            problems.append(f"{name}: it is of page {fields.get('page_id')}, not this page")
        number = publication.get("compliance_number")
        if number is None:
            problems.append(f"{name}: it has no compliance number")
            continue
        match = REFERENCE.match(str(number.get("reference")))
        if not match or (int(match.group(1)), int(match.group(2))) != (
            number.get("year"),
            number.get("number"),
        ):
            problems.append(f"{name}: its reference does not read its year and number")
        year = _local_year(fields["published_at"], time_zone)
        if year is not None and year != number.get("year"):
            problems.append(
                f"{name}: its compliance number names another year than it was published"
            )
        if previous is not None and number.get("number") <= previous:
            problems.append(f"{name}: its compliance number does not follow the one before it")
        previous = number.get("number")
    orders = [
        (datetime.datetime.fromisoformat(p["fields"]["published_at"]), p["id"])
        for p in bundle["publications"]
    ]
    if orders != sorted(orders):
        problems.append("the publications are not in the order they were published")
    return publications


def verify_revisions(
    bundle: dict[str, Any], publications: dict[int, dict], problems: list[str]
) -> dict[int, dict]:
    """Each revision's content hash, and each publication's link to the revision it came from."""
    page_id = bundle["page"]["id"]
    revisions = {}
    for change in bundle["changes"]:
        for revision in change["revisions"]:
            name = f"revision {revision['number']} of change {change['id']}"
            revisions[revision["id"]] = revision
            fingerprint = sha256({"pages": revision["pages"], "records": revision["records"]})
            if fingerprint != revision["content_hash"]:
                problems.append(f"{name}: its pages and records do not match its content hash")
            own = revision["page"]
            if [page_id, own["content_hash"], own["base_publication_id"]] not in revision["pages"]:
                problems.append(f"{name}: its snapshot of this page is not among its pages")
    for publication in publications.values():
        fields = publication["fields"]
        revision = revisions.get(fields.get("revision_id"))
        if revision is None:
            problems.append(
                f"{_publication_name(publication)}: the revision it came from is not in the bundle"
            )
        elif revision["page"]["content_hash"] != fields.get("content_hash"):
            problems.append(
                f"{_publication_name(publication)}: its content is not what its revision froze"
            )
    return revisions


def verify_audit_entries(
    bundle: dict[str, Any], publications: dict[int, dict], problems: list[str]
) -> list[dict]:
    """Each entry's hash, the page's chain, the trail's links, and what entries name."""
    page_id = bundle["page"]["id"]
    entries = bundle["audit_entries"]
    by_seq = {}
    page_previous = ""
    previous = None
    for entry in entries:
        fields = _fields(entry, AUDIT_FIELDS, "an audit entry", problems)
        seq = fields.get("seq")
        name = f"audit entry #{seq} ({fields.get('action')})"
        by_seq[seq] = entry
        if record_hash("audit", fields) != entry.get("hash"):
            problems.append(f"{name}: its fields do not match its hash")
        if previous is not None and not (isinstance(seq, int) and seq > previous["fields"]["seq"]):
            problems.append(f"{name}: the entries are not in the order of the trail")
        if (
            previous is not None
            and seq == previous["fields"]["seq"] + 1
            and fields.get("prev_hash") != previous["hash"]
        ):
            problems.append(f"{name}: it does not hold the hash of entry #{seq - 1} before it")
        if fields.get("page_id") == page_id:
            if fields.get("page_prev_hash") != page_previous:
                problems.append(
                    f"{name}: it does not follow the page's entry before it: one was removed, "
                    "altered or moved"
                )
            page_previous = entry.get("hash")
        elif fields.get("page_id") is not None:
            problems.append(f"{name}: it is about page {fields.get('page_id')}, not this page")
        named = fields.get("publication_id")
        if named is not None:
            if named in publications:
                if fields.get("publication_integrity") != publications[named]["integrity_hash"]:
                    problems.append(
                        f"{name}: the publication it names does not have the integrity hash "
                        "it recorded"
                    )
            elif fields.get("page_id") == page_id:
                problems.append(f"{name}: the publication {named} it names is not in the bundle")
        previous = entry
    for publication in publications.values():
        fields = publication["fields"]
        pid = publication["id"]
        if not any(
            e["fields"].get("publication_id") == pid
            and e["fields"].get("action") in PUBLISHING_ACTIONS
            and e["fields"].get("page_id") == page_id
            for e in entries
        ):
            problems.append(f"{_publication_name(publication)}: no audit entry publishes it")
        head = by_seq.get(fields.get("audit_head_seq"))
        if head is not None and head["hash"] != fields.get("audit_head_hash"):
            problems.append(
                f"{_publication_name(publication)}: the trail's head it recorded (entry "
                f"#{fields.get('audit_head_seq')}) is not the entry in the bundle"
            )
    return entries


def _credential_then(history: list[dict[str, Any]], moment: str) -> str | None:
    """The credential on record just before `moment`, from a reviewer's history rows."""
    credential = None
    at = datetime.datetime.fromisoformat(moment)
    for row in history:
        if datetime.datetime.fromisoformat(row["at"]) <= at:
            credential = row["credential"] if row["what"] != "deleted" else None
    return credential


def verify_reviews(
    bundle: dict[str, Any], revisions: dict[int, dict], entries: list[dict], problems: list[str]
) -> None:
    """Each review has the audit entry that recorded it, and the credential then on record."""
    history = {row["user_id"]: row["credential_history"] for row in bundle["reviewers"]}
    recorded = {
        (e["fields"].get("action"), e["fields"].get("actor_id"), e["fields"].get("revision_id"))
        for e in entries
    }
    for revision in revisions.values():
        for review in revision["reviews"]:
            name = f"review {review['id']} of revision id {revision['id']}"
            if (review["decision"], review["reviewer_id"], revision["id"]) not in recorded:
                problems.append(f"{name}: no audit entry records it")
            then = _credential_then(history.get(review["reviewer_id"], []), review["created_at"])
            if then != review["credential"]:
                problems.append(
                    f"{name}: it records the credential {review['credential'] or 'none'}, but "
                    f"the reviewer's history shows {then or 'none'} then"
                )


def verify(bundle: Any) -> list[str]:
    """Every problem with the bundle, each naming what fails; none means it holds."""
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise Malformed("this is not an Imprimatur audit bundle")
    if bundle.get("format_version") not in BUNDLE_VERSIONS:
        raise Malformed(f"bundle format version {bundle.get('format_version')} is not known here")
    if bundle.get("hashing", {}).get("format") != HASH_FORMAT:
        raise Malformed("its hashes are of a format this verifier does not know")
    problems: list[str] = []
    digest = bundle.get("digest") or {}
    if digest.get("algorithm") != "sha256" or digest.get("value") != bundle_digest(bundle):
        problems.append("the bundle: its content does not match its digest")
    try:
        publications = verify_publications(bundle, problems)
        revisions = verify_revisions(bundle, publications, problems)
        entries = verify_audit_entries(bundle, publications, problems)
        verify_reviews(bundle, revisions, entries, problems)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise Malformed(f"a record lacks what it must hold ({error!r})") from error
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python audit_verify.py BUNDLE.json", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as file:
            bundle = json.load(file)
        problems = verify(bundle)
    except (OSError, ValueError, Malformed) as error:
        print(f"Cannot verify {argv[0]}: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        print(f"{len(problems)} problem(s) found.")
        return 1
    print(
        f"OK: “{bundle['page']['title']}”: {len(bundle['publications'])} publications, "
        f"{len(bundle['audit_entries'])} audit entries and the bundle's digest "
        f"{bundle['digest']['value']} recomputed; every link holds."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
