"""Anyone holding a bundle can check it: the verifier needs Python and nothing else."""

import ast
import base64
import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from editorial import audit_bundle, audit_verify, hashing
from editorial.models import Signature
from tests.editorial.audit_story import tell

pytestmark = pytest.mark.django_db

VERIFIER = Path(audit_verify.__file__)
REPOSITORY = VERIFIER.parents[1]


@pytest.fixture
def bundle(writer, physician, nurse, managing_editor, credential_admin, seed_page, kidney_page):
    story = tell(
        writer, physician, nurse, managing_editor, credential_admin, seed_page, kidney_page
    )
    return audit_bundle.bundle_build(story.page)


def run_alone(tmp_path: Path, bundle: dict) -> subprocess.CompletedProcess:
    """The verifier copied out of the project, run by a Python that reads no environment
    and no site-packages (-I -S): no Django, no settings, no database within reach."""
    script = tmp_path / "audit_verify.py"
    shutil.copy(VERIFIER, script)
    target = tmp_path / "bundle.json"
    target.write_text(audit_bundle.bundle_json(bundle), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-I", "-S", str(script), str(target)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={},
        timeout=60,
        check=False,
    )


def resealed(bundle: dict) -> dict:
    """The bundle with its digest recomputed: what someone who altered it would do next."""
    bundle["digest"]["value"] = audit_bundle.bundle_digest(bundle)
    return bundle


def _imported(nodes) -> set[str]:
    imported = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "a relative import"
            imported.add(node.module.split(".")[0])
    return imported


def test_the_verifier_imports_nothing_but_the_standard_library_and_cryptography_if_there():
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    optional = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Try)
        and any(
            isinstance(handler.type, ast.Name) and handler.type.id == "ImportError"
            for handler in node.handlers
        )
    ]
    guarded = {id(n) for node in optional for stmt in node.body for n in ast.walk(stmt)}
    required = _imported(n for n in ast.walk(tree) if id(n) not in guarded)
    assert required <= set(sys.stdlib_module_names), required - set(sys.stdlib_module_names)
    optional_imports = _imported(n for n in ast.walk(tree) if id(n) in guarded)
    assert optional_imports - set(sys.stdlib_module_names) == {"cryptography"}


def test_the_verifier_knows_exactly_the_fields_each_hash_covers():
    assert audit_verify.PUBLICATION_FIELDS == hashing.PUBLICATION_FIELDS
    covered = (*hashing.AUDIT_FIELDS, *audit_bundle.AUDIT_EXTRA_FIELDS)
    assert covered == audit_verify.AUDIT_FIELDS
    assert audit_verify.AUDIT_SIGNATURE_FIELDS == hashing.AUDIT_SIGNATURE_FIELDS
    assert (*hashing.SIGNATURE_FIELDS, "page_ids") == audit_verify.SIGNATURE_FIELDS
    assert set(audit_verify.MEANINGS) == set(Signature.Meaning.values)
    assert audit_verify.HASH_FORMAT == hashing.FORMAT
    assert audit_verify.BUNDLE_FORMAT == audit_bundle.FORMAT
    assert audit_bundle.FORMAT_VERSION in audit_verify.BUNDLE_VERSIONS


def test_a_bundle_verifies_with_no_django_no_settings_and_no_database(tmp_path, bundle):
    result = run_alone(tmp_path, bundle)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: ")
    assert bundle["digest"]["value"] in result.stdout
    # A request for changes and four approvals over two changes, each recomputed.
    assert "5 signatures" in result.stdout


def test_alone_a_passkey_signature_s_webauthn_signature_is_reported_not_checked(tmp_path, bundle):
    result = run_alone(tmp_path, bundle)
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("passkey ")]
    assert line.endswith(
        "(Paula Physician): WebAuthn signature not checked (needs the cryptography package)"
    )


def test_a_field_altered_in_the_file_is_caught_even_with_the_digest_made_to_match(tmp_path, bundle):
    bundle["publications"][0]["fields"]["title"] = "Another title"
    result = run_alone(tmp_path, resealed(bundle))
    assert result.returncode == 1
    seed = bundle["publications"][0]
    assert (
        f"FAIL publication {seed['id']} ({seed['compliance_number']['reference']}): "
        "its fields do not match its integrity hash"
    ) in result.stdout


def test_an_alteration_left_unsealed_is_caught_by_the_digest(tmp_path, bundle):
    bundle["page"]["title"] = "Another title"
    result = run_alone(tmp_path, bundle)
    assert result.returncode == 1
    assert "FAIL the bundle: its content does not match its digest" in result.stdout


def _entry(bundle: dict, action: str) -> dict:
    return next(e for e in bundle["audit_entries"] if e["fields"]["action"] == action)


def _review(bundle: dict) -> dict:
    return bundle["changes"][-1]["revisions"][-1]["reviews"][0]


def _signature(bundle: dict) -> dict:
    return _review(bundle)["signature"]["fields"]


def _sent_back(bundle: dict) -> dict:
    """The nurse's request for changes on the drug change's first revision."""
    return next(
        review
        for change in bundle["changes"]
        for revision in change["revisions"]
        for review in revision["reviews"]
        if review["decision"] == "request_changes"
    )


def _move_signature(bundle: dict) -> None:
    """The request for changes' signature put on an approval of another revision."""
    _review(bundle)["signature"] = _sent_back(bundle)["signature"]


def _assertion(bundle: dict) -> dict:
    return _signature(bundle)["webauthn_assertion"]


# Each alteration, and what the verifier says of it once the digest is made to match.
ALTERATIONS = {
    "a publication's body": (
        lambda b: b["publications"][1]["fields"].update(html="<p>Other advice.</p>"),
        "its fields do not match its integrity hash",
    ),
    "a publication's date": (
        lambda b: b["publications"][2]["fields"].update(last_revised="2020-01-01"),
        "its fields do not match its integrity hash",
    ),
    "a publication's content": (
        lambda b: b["publications"][2]["fields"]["content"].update(intro="Other words."),
        "its content does not match its content hash",
    ),
    "an audit entry's comment": (
        lambda b: _entry(b, "request_changes")["fields"].update(comment="Fine as it is."),
        "its fields do not match its hash",
    ),
    "an audit entry removed": (
        lambda b: b["audit_entries"].remove(_entry(b, "publish")),
        "does not follow the page's entry before it",
    ),
    "a review's credential": (
        lambda b: _review(b).update(credential="DO"),
        "the reviewer's history shows",
    ),
    "a review's decision": (
        lambda b: _review(b).update(decision="request_changes"),
        "no audit entry records it",
    ),
    "a revision's records": (
        lambda b: b["changes"][-1]["revisions"][-1]["records"].pop(),
        "its pages and records do not match its content hash",
    ),
    "a signature's printed name": (
        lambda b: _signature(b).update(printed_name="Someone Else"),
        "): its fields do not match its hash",
    ),
    "a signature's meaning": (
        lambda b: _sent_back(b)["signature"]["fields"].update(meaning="approved"),
        "its fields do not match its hash",
    ),
    "a signature's content hash": (
        lambda b: _signature(b).update(content_hash="0" * 64),
        "what it signed is not its revision's content hash",
    ),
    "a signature moved to another revision": (
        _move_signature,
        "it was signed on another revision than revision id",
    ),
    "a review's signature removed": (
        lambda b: _review(b).update(signature=None),
        "it names is not in the bundle",
    ),
    "a passkey signature's content hash, for another revision's": (
        lambda b: _signature(b).update(
            content_hash=_sent_back(b)["signature"]["fields"]["content_hash"]
        ),
        "its WebAuthn assertion did not sign its content hash",
    ),
    "a signature's local time": (
        lambda b: _review(b)["signature"].update(signed_at_local="2020-01-01T09:00:00-05:00"),
        "its local time is not when it was signed",
    ),
    "a compliance number": (
        lambda b: b["publications"][2]["compliance_number"].update(
            number=1, reference=f"IMP-{b['publications'][2]['compliance_number']['year']}-000001"
        ),
        "its compliance number does not follow the one before it",
    ),
}


@pytest.mark.parametrize("alteration", ALTERATIONS, ids=str)
def test_every_kind_of_alteration_is_caught(bundle, alteration):
    alter, said = ALTERATIONS[alteration]
    altered = copy.deepcopy(bundle)
    alter(altered)
    problems = audit_verify.verify(resealed(altered))
    assert any(said in problem for problem in problems), problems


def test_a_signature_altered_with_its_hash_recomputed_is_caught_by_the_entry_naming_it(bundle):
    signature = _review(bundle)["signature"]
    signature["fields"]["printed_name"] = "Someone Else"
    signature["hash"] = audit_verify.record_hash("signature", signature["fields"])
    problems = audit_verify.verify(resealed(bundle))
    assert any("which names it, does not carry its hash" in p for p in problems), problems


def test_a_signature_s_meaning_that_does_not_state_its_decision_is_caught(bundle):
    signature = _sent_back(bundle)["signature"]
    signature["fields"]["meaning"] = "approved"
    signature["hash"] = audit_verify.record_hash("signature", signature["fields"])
    problems = audit_verify.verify(resealed(bundle))
    assert any(
        "its meaning (approved) does not state its review's decision (request_changes)" in p
        for p in problems
    ), problems


def test_a_passkey_s_webauthn_signature_is_verified_when_cryptography_is_there(bundle):
    problems, passkeys = audit_verify.verify_report(bundle)
    assert problems == []
    assert passkeys == [
        f"passkey signature {_review(bundle)['signature']['id']} (Paula Physician): "
        "WebAuthn signature verified"
    ]


def test_a_webauthn_signature_over_other_data_is_caught_when_cryptography_is_there(bundle):
    assertion = _assertion(bundle)
    data = bytearray(audit_verify._b64url(assertion["authenticator_data"]))
    data[-1] ^= 1  # the signature counter, which the authenticator signed
    assertion["authenticator_data"] = base64.urlsafe_b64encode(bytes(data)).decode().rstrip("=")
    signature = _review(bundle)["signature"]
    signature["hash"] = audit_verify.record_hash("signature", signature["fields"])
    problems, _ = audit_verify.verify_report(resealed(bundle))
    assert any("its WebAuthn signature does not verify with its public key" in p for p in problems)


def _cose_and_signer(kind: str):
    """A COSE public key (as a passkey registers it) and a function signing with its key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    if kind == "ES384":
        key = ec.generate_private_key(ec.SECP384R1())
        numbers = key.public_key().public_numbers()
        cose = {
            1: 2,
            3: -35,
            -1: 2,
            -2: numbers.x.to_bytes(48, "big"),
            -3: numbers.y.to_bytes(48, "big"),
        }
        return cose, lambda data: key.sign(data, ec.ECDSA(hashes.SHA384()))
    if kind == "EdDSA":
        key = ed25519.Ed25519PrivateKey.generate()
        raw = key.public_key().public_bytes_raw()
        return {1: 1, 3: -8, -1: 6, -2: raw}, key.sign
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    cose = {
        1: 3,
        3: -257,
        -1: numbers.n.to_bytes(256, "big"),
        -2: numbers.e.to_bytes(3, "big"),
    }
    return cose, lambda data: key.sign(data, padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize("kind", ["ES384", "EdDSA", "RS256"])
def test_the_verifier_checks_each_kind_of_passkey_signature(kind):
    cbor2 = pytest.importorskip("cbor2")  # installed with webauthn; the verifier reads CBOR itself
    cose, sign = _cose_and_signer(kind)
    signed = b"authenticator data" + b"client data hash"
    signature = sign(signed)
    assert audit_verify.webauthn_signature_holds(cbor2.dumps(cose), signed, signature) is True
    assert audit_verify.webauthn_signature_holds(cbor2.dumps(cose), b"other", signature) is False


def test_the_verifier_runs_as_a_module_of_the_project_too(tmp_path, bundle):
    target = tmp_path / "bundle.json"
    target.write_text(audit_bundle.bundle_json(bundle), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "editorial.audit_verify", str(target)],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        env={},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(Paula Physician): WebAuthn signature verified" in result.stdout


def test_a_file_that_is_no_bundle_is_refused_with_exit_status_2(tmp_path):
    target = tmp_path / "other.json"
    target.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    assert audit_verify.main([str(target)]) == 2
    target.write_text("{not json", encoding="utf-8")
    assert audit_verify.main([str(target)]) == 2


def test_the_worked_example_of_a_signature_in_the_guide_hashes_as_it_says():
    guide = (REPOSITORY / "docs" / "audit.md").read_text(encoding="utf-8")
    example = guide[guide.index("#### A worked example of a signature") :]
    fields = json.loads(re.search(r"```json\n(.*?)\n```", example, re.S).group(1))
    payload, said = re.findall(r"```text\n(.*?)\n```", example, re.S)[:2]
    assert list(fields) == list(audit_verify.SIGNATURE_FIELDS)
    assert audit_verify.canonical({"format": 1, "kind": "signature", **fields}).decode() == payload
    assert (
        audit_verify.record_hash("signature", fields) == said == hashing.digest("signature", fields)
    )


def test_the_worked_example_in_the_guide_hashes_as_it_says():
    guide = (REPOSITORY / "docs" / "audit.md").read_text(encoding="utf-8")
    example = guide[guide.index("#### A worked example") :]
    fields = json.loads(re.search(r"```json\n(.*?)\n```", example, re.S).group(1))
    payload, said = re.findall(r"```text\n(.*?)\n```", example, re.S)[:2]
    assert audit_verify.canonical({"format": 1, "kind": "audit", **fields}).decode() == payload
    assert audit_verify.record_hash("audit", fields) == said == hashing.digest("audit", fields)


def test_the_verifier_hashes_a_translated_publication_as_the_project_does():
    assert audit_verify.PUBLICATION_TRANSLATION_FIELDS == hashing.PUBLICATION_TRANSLATION_FIELDS
