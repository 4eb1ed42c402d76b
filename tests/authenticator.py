"""A software authenticator: answers WebAuthn options as a passkey would, for tests without a browser.

One P-256 key (ES256), a random credential id, a signature counter, and the two
ceremonies: `create` (attestation "none") and `get`. Each answer is the JSON a
browser's `PublicKeyCredential.toJSON()` gives, so it goes where the browser's would.
The browser tests use Chromium's own virtual authenticator instead.
"""

import copy
import hashlib
import json
import os

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from editorial.models import Passkey

USER_PRESENT = 0x01
USER_VERIFIED = 0x04
ATTESTED_DATA = 0x40


class SoftAuthenticator:
    def __init__(self, *, counting: bool = True) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        # Synced passkeys report 0 every time; a security key counts each use.
        self.counting = counting

    @property
    def id(self) -> str:
        return bytes_to_base64url(self.credential_id)

    def copy(self) -> "SoftAuthenticator":
        """A clone: the same key and id, its counter frozen where this one's is now."""
        return copy.copy(self)

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict, origin: str) -> str:
        """Answer registration `options` (as the server sent them) on `origin`."""
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(options["rp"]["id"].encode()).digest()
            + bytes([USER_PRESENT | USER_VERIFIED | ATTESTED_DATA])
            + self.sign_count.to_bytes(4, "big")
            + bytes(16)  # AAGUID: none
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self.cose_public_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "authenticatorAttachment": "platform",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["internal"],
                },
            }
        )

    def get(self, options: dict, origin: str, *, verified: bool = True) -> str:
        """Sign authentication `options` (as the server sent them) on `origin`."""
        self.sign_count += 1 if self.counting else 0
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        flags = USER_PRESENT | (USER_VERIFIED if verified else 0)
        auth_data = (
            hashlib.sha256(options["rpId"].encode()).digest()
            + bytes([flags])
            + self.sign_count.to_bytes(4, "big")
        )
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "authenticatorAttachment": "platform",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(auth_data),
                    "signature": bytes_to_base64url(signature),
                    "userHandle": None,
                },
            }
        )


def challenge_of(options: dict) -> bytes:
    return base64url_to_bytes(options["challenge"])


def add_passkey(user, authenticator: SoftAuthenticator, name: str = "Work laptop") -> Passkey:
    """Give `user` a passkey held by `authenticator`, as adding one through the admin would."""
    return Passkey.objects.create(
        user=user,
        credential_id=authenticator.id,
        public_key=authenticator.cose_public_key(),
        name=name,
        transports=["internal"],
    )
