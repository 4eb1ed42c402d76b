"""Check a page's audit bundle with nothing but Python: no Django, no database, no project.

    python audit_verify.py bundle.json        (or: python -m editorial.audit_verify bundle.json)

Recomputes every hash the bundle holds, by the rules written down in docs/audit.md and
in the bundle itself: each publication's integrity hash and content hash, each
revision's content hash, each audit entry's hash, each electronic signature's hash, and
the bundle's own digest. Then
checks how they link: the page's chain of entries (`page_prev_hash`), the whole trail's
links between consecutive entries (`prev_hash`), each entry's copy of the integrity
hash of the publication it names, the trail's head each publication recorded, the entry
that published each publication, the entry behind each review, the credential each
review records against the reviewer's credential history, the compliance numbers, and
each signature against its review, its revision, the audit entry naming it and its
signer's certification. A passkey signature's WebAuthn assertion is checked for the
content hash, site and person it names; its cryptographic signature is verified when the
`cryptography` package can be imported, and otherwise reported as not checked.
Prints each problem and exits 1; prints "OK" and exits 0 when there is none; exits 2
when the file is no bundle it can read.

This file imports only the standard library, on purpose: whoever holds a bundle can
read it, copy it out and run it anywhere. The one exception is optional: `cryptography`,
if installed, verifies passkey signatures. Its field lists are the project's
(`editorial/hashing.py`); a test keeps them equal.
"""

import base64
import datetime
import hashlib
import json
import re
import sys
from typing import Any
from urllib.parse import urlsplit

try:  # Optional: only a passkey's WebAuthn signature needs it (see `webauthn_signature_holds`).
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
except ImportError:
    hashes = None

BUNDLE_FORMAT = "imprimatur-audit-bundle"
# 1: before signatures; 2: reviews carry their signatures.
BUNDLE_VERSIONS = (1, 2)
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
# Hashed by a publication in another language than the default, absent from every other.
PUBLICATION_TRANSLATION_FIELDS = ("language", "source_content_hash")
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
# Hashed by an audit entry that names a signature, and absent from every other entry.
AUDIT_SIGNATURE_FIELDS = ("signature_id", "signature_integrity")
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
    "page_ids",
)
# What each meaning states: the review's decision, and whether it is a full review.
MEANINGS = {
    "approved": ("approve", False),
    "full_review": ("approve", True),
    "changes_requested": ("request_changes", False),
}
# A passkey's challenge: the 32 bytes of the content hash, then 16 random bytes.
CHALLENGE_LENGTH = 48
NOT_CHECKED = "not checked (needs the cryptography package)"
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


def _local(moment: str, time_zone: str) -> datetime.datetime | None:
    """`moment` in `time_zone`; None where this machine lacks the zone."""
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - Python before 3.9
        return None
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return datetime.datetime.fromisoformat(moment).astimezone(zone)


def _local_year(moment: str, time_zone: str) -> int | None:
    """The year of `moment` in the site's time zone; None where this machine lacks the zone."""
    local = _local(moment, time_zone)
    return local.year if local else None


def _fields(
    record: dict[str, Any],
    names: tuple[str, ...],
    what: str,
    problems: list[str],
    optional: tuple[str, ...] = (),
):
    """The record's `fields`, which must be `names`, and all or none of `optional`."""
    fields = record.get("fields")
    if not isinstance(fields, dict):
        raise Malformed(f"{what} has no fields")
    if optional and set(optional) <= set(fields):
        names = (*names, *optional)
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
        fields = _fields(
            publication, PUBLICATION_FIELDS, name, problems, PUBLICATION_TRANSLATION_FIELDS
        )
        publications[publication["id"]] = publication
        translation = publication.get("translation")
        if translation is not None and (
            not isinstance(translation, dict)
            or translation.get("language") != fields.get("language")
            or translation.get("source_content_hash") != fields.get("source_content_hash")
        ):
            problems.append(f"{name}: its translation does not say what its hash covers")
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
        fields = _fields(
            entry, AUDIT_FIELDS, "an audit entry", problems, optional=AUDIT_SIGNATURE_FIELDS
        )
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


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _cbor(data: bytes, at: int = 0) -> tuple[Any, int]:
    """One CBOR item (RFC 8949) of `data` from `at`, and where the next begins.

    Only what a COSE public key holds (integers, byte and text strings, arrays, maps of
    definite length): the standard library has no CBOR, and the verifier must run
    without anything installed.
    """
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        value = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise ValueError("a CBOR item of indefinite length")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major in (2, 3):
        chunk = data[at : at + value]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _cbor(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(value):
            key, at = _cbor(data, at)
            mapping[key], at = _cbor(data, at)
        return mapping, at
    raise ValueError(f"a CBOR item of major type {major}")


def webauthn_signature_holds(cose_key: bytes, signed: bytes, signature: bytes) -> bool | None:
    """Whether `signature` over `signed` verifies with the COSE public key `cose_key`
    (ES256/384/512, EdDSA with Ed25519, RS256, PS256); None when the `cryptography`
    package is not installed, or the key is of a kind this verifier does not know."""
    if hashes is None:
        return None
    key, _ = _cbor(cose_key)
    kty, alg = key.get(1), key.get(3)
    try:
        if kty == 2:  # EC2: ECDSA, the signature DER-encoded
            curve = {1: ec.SECP256R1, 2: ec.SECP384R1, 3: ec.SECP521R1}[key[-1]]
            digest = {-7: hashes.SHA256, -35: hashes.SHA384, -36: hashes.SHA512}[alg]
            public = ec.EllipticCurvePublicNumbers(
                int.from_bytes(key[-2], "big"), int.from_bytes(key[-3], "big"), curve()
            ).public_key()
            public.verify(signature, signed, ec.ECDSA(digest()))
        elif kty == 1 and key.get(-1) == 6:  # OKP, Ed25519: EdDSA
            ed25519.Ed25519PublicKey.from_public_bytes(key[-2]).verify(signature, signed)
        elif kty == 3 and alg in (-257, -37):  # RSA
            public = rsa.RSAPublicNumbers(
                int.from_bytes(key[-2], "big"), int.from_bytes(key[-1], "big")
            ).public_key()
            if alg == -257:
                public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
            else:
                pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
                public.verify(signature, signed, pss, hashes.SHA256())
        else:
            return None
    except InvalidSignature:
        return False
    except KeyError:
        return None
    return True


def verify_assertion(fields: dict[str, Any], name: str, problems: list[str]) -> str:
    """A passkey signature's kept WebAuthn assertion: that the authenticator signed this
    signature's content hash, on the site's RP ID, with the person verified, by the
    passkey it names; and the cryptographic signature, when it can be checked. Returns
    what was said of the cryptographic signature."""
    assertion = fields.get("webauthn_assertion") or {}
    try:
        client_data = _b64url(assertion["client_data_json"])
        client = json.loads(client_data)
        challenge = _b64url(client["challenge"])
        authenticator_data = _b64url(assertion["authenticator_data"])
        rp_id = assertion["rp_id"]
        host = urlsplit(client["origin"]).hostname or ""
        expected = bytes.fromhex(fields["content_hash"])
        cose_key = _b64url(assertion["public_key"])
        signature = _b64url(assertion["signature"])
    except (KeyError, TypeError, ValueError) as error:
        problems.append(f"{name}: its WebAuthn assertion cannot be read ({error})")
        return "unreadable"
    if assertion.get("credential_id") != fields.get("passkey_credential_id"):
        problems.append(f"{name}: its WebAuthn assertion is of another passkey than it names")
    if client.get("type") != "webauthn.get":
        problems.append(f"{name}: its WebAuthn assertion is not a signature (“get”)")
    if challenge[:32] != expected or len(challenge) != CHALLENGE_LENGTH:
        problems.append(f"{name}: its WebAuthn assertion did not sign its content hash")
    if host != rp_id and not host.endswith("." + rp_id):
        problems.append(f"{name}: its WebAuthn assertion was made on {client.get('origin')}")
    if authenticator_data[:32] != hashlib.sha256(rp_id.encode("utf-8")).digest():
        problems.append(f"{name}: its authenticator data is of another site than {rp_id}")
    if len(authenticator_data) < 37 or authenticator_data[32] & 0x05 != 0x05:
        problems.append(f"{name}: its authenticator did not verify the person signing")
    try:
        holds = webauthn_signature_holds(
            cose_key, authenticator_data + hashlib.sha256(client_data).digest(), signature
        )
    except (ValueError, TypeError, IndexError) as error:
        problems.append(f"{name}: its passkey's public key cannot be read ({error})")
        return "unreadable"
    if holds is False:
        problems.append(f"{name}: its WebAuthn signature does not verify with its public key")
        return "fails"
    if holds is None:
        return NOT_CHECKED if hashes is None else "not checked (a key type not known here)"
    return "verified"


def _history_then(history: list[dict[str, Any]], moment: str) -> dict[str, Any] | None:
    """The reviewer's credential history row in force at `moment`, or None."""
    then = None
    at = datetime.datetime.fromisoformat(moment)
    for row in history:
        if datetime.datetime.fromisoformat(row["at"]) <= at:
            then = row if row["what"] != "deleted" else None
    return then


def verify_certifications(bundle: dict[str, Any], problems: list[str]) -> dict[int, dict]:
    """Each signer's certification, and the audit entry that recorded it (11.100(c))."""
    certified = {}
    for row in bundle.get("signature_certifications", []):
        name = f"the signature certification of user {row['user_id']}"
        certified[row["user_id"]] = row
        entry = row.get("audit_entry")
        if entry is None:
            problems.append(f"{name}: no audit entry records it")
            continue
        fields = _fields(entry, AUDIT_FIELDS, name, problems)
        if record_hash("audit", fields) != entry.get("hash"):
            problems.append(f"{name}: its audit entry's fields do not match its hash")
        if (fields.get("action"), fields.get("actor_id"), fields.get("comment"), fields["at"]) != (
            "signature_certified",
            row["user_id"],
            row["statement"],
            row["confirmed_at"],
        ):
            problems.append(f"{name}: its audit entry records another certification")
    return certified


def verify_signatures(
    bundle: dict[str, Any], revisions: dict[int, dict], entries: list[dict], problems: list[str]
) -> list[str]:
    """Each review's electronic signature: its hash; that it signed its revision's content
    hash and pages, on its own review, by the reviewer, with a meaning that states the
    decision; the name and credential the signer's history shows then; the audit entry
    naming it carries its hash; its signer certified before; a passkey's assertion.
    Returns a line for each passkey signature: whether its WebAuthn signature was verified.
    """
    history = {row["user_id"]: row["credential_history"] for row in bundle["reviewers"]}
    certified = verify_certifications(bundle, problems)
    naming = {}
    for entry in entries:
        if "signature_id" in entry["fields"]:
            naming.setdefault(entry["fields"]["signature_id"], []).append(entry)
    passkeys = []
    for revision in revisions.values():
        for review in revision["reviews"]:
            signature = review.get("signature")
            if signature is None:
                continue
            fields = _fields(signature, SIGNATURE_FIELDS, f"signature {signature['id']}", problems)
            name = f"signature {signature['id']} ({fields.get('printed_name')})"
            if record_hash("signature", fields) != signature.get("hash"):
                problems.append(f"{name}: its fields do not match its hash")
            if fields["revision_id"] != revision["id"] or fields["page_ids"] != sorted(
                page[0] for page in revision["pages"]
            ):
                problems.append(
                    f"{name}: it was signed on another revision than revision id "
                    f"{revision['id']}, where it is: it was moved"
                )
            if fields["content_hash"] != revision["content_hash"]:
                problems.append(f"{name}: what it signed is not its revision's content hash")
            local = _local(fields["signed_at"], fields["time_zone"])
            if local and local.isoformat() != signature.get("signed_at_local"):
                problems.append(f"{name}: its local time is not when it was signed")
            if (fields["review_id"], fields["signer_id"]) != (review["id"], review["reviewer_id"]):
                problems.append(f"{name}: it is not the signature of review {review['id']}")
            if MEANINGS.get(fields["meaning"]) != (review["decision"], review["is_full_review"]):
                problems.append(
                    f"{name}: its meaning ({fields['meaning']}) does not state its review's "
                    f"decision ({review['decision']})"
                )
            if (fields["credential"], fields["credential_kind"]) != (
                review["credential"],
                review["credential_kind"],
            ):
                problems.append(f"{name}: its credential is not the one its review records")
            then = _history_then(history.get(fields["signer_id"], []), fields["signed_at"])
            if then is None or (
                then.get("printed_name"),
                then["credential"],
                then["valid_until"],
            ) != (fields["printed_name"], fields["credential"], fields["credential_valid_until"]):
                problems.append(
                    f"{name}: its printed name and credential are not those the signer's "
                    "credential history shows then"
                )
            named = naming.pop(signature["id"], [])
            if len(named) != 1:
                problems.append(f"{name}: {len(named) or 'no'} audit entries name it, not one")
            for entry in named:
                values = entry["fields"]
                if values["signature_integrity"] != signature["hash"]:
                    problems.append(
                        f"{name}: audit entry #{values['seq']}, which names it, does not "
                        "carry its hash"
                    )
                if (values["action"], values["actor_id"], values["revision_id"]) != (
                    review["decision"],
                    fields["signer_id"],
                    revision["id"],
                ):
                    problems.append(
                        f"{name}: audit entry #{values['seq']}, which names it, records "
                        "another decision, person or revision"
                    )
            certification = certified.get(fields["signer_id"])
            entry_seq = named[0]["fields"]["seq"] if named else None
            if certification is None:
                problems.append(f"{name}: its signer's certification is not in the bundle")
            elif (
                certification.get("audit_entry")
                and entry_seq is not None
                and certification["audit_entry"]["fields"]["seq"] >= entry_seq
            ):
                problems.append(f"{name}: it was made before its signer certified their signature")
            if fields["method"] == "passkey":
                said = verify_assertion(fields, name, problems)
                passkeys.append(f"passkey {name}: WebAuthn signature {said}")
            elif fields["method"] == "password":
                if fields["passkey_credential_id"] or fields["webauthn_assertion"]:
                    problems.append(f"{name}: signed by password, yet it carries a passkey's")
            else:
                problems.append(f"{name}: it was signed by an unknown method {fields['method']}")
    for signature_id, named in naming.items():
        for entry in named:
            problems.append(
                f"audit entry #{entry['fields']['seq']} ({entry['fields']['action']}): the "
                f"signature {signature_id} it names is not in the bundle"
            )
    return passkeys


def verify(bundle: Any) -> list[str]:
    """Every problem with the bundle, each naming what fails; none means it holds."""
    return verify_report(bundle)[0]


def verify_report(bundle: Any) -> tuple[list[str], list[str]]:
    """The problems with the bundle, and a line for each passkey signature saying whether
    its WebAuthn signature was verified or could not be checked here."""
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
        passkeys = verify_signatures(bundle, revisions, entries, problems)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise Malformed(f"a record lacks what it must hold ({error!r})") from error
    return problems, passkeys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python audit_verify.py BUNDLE.json", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as file:
            bundle = json.load(file)
        problems, passkeys = verify_report(bundle)
    except (OSError, ValueError, Malformed) as error:
        print(f"Cannot verify {argv[0]}: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        for line in passkeys:
            print(line)
        print(f"{len(problems)} problem(s) found.")
        return 1
    signatures = sum(
        1
        for change in bundle["changes"]
        for revision in change["revisions"]
        for review in revision["reviews"]
        if review.get("signature")
    )
    print(
        f"OK: “{bundle['page']['title']}”: {len(bundle['publications'])} publications, "
        f"{len(bundle['audit_entries'])} audit entries, {signatures} signatures and the "
        f"bundle's digest {bundle['digest']['value']} recomputed; every link holds."
    )
    for line in passkeys:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
