"""Authenticated encryption (AES-256-GCM) with a key ring, for identifiers and narratives.

An envelope is ``version byte | key-id length | key id | 12-byte nonce | ciphertext+tag``, so
every ciphertext names the key that made it and keys can be rotated without downtime. The
associated data binds a ciphertext to its purpose (a narrative cannot be pasted into an
identifier column and still decrypt).
"""

from __future__ import annotations

import base64
import hmac
import json
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENVELOPE_VERSION = 1
NONCE_BYTES = 12


class KeyRingError(ValueError):
    """The key ring is malformed or does not hold the key a ciphertext names."""


@dataclass(frozen=True)
class KeyRing:
    active_id: str
    keys: dict[str, bytes]

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        try:
            data = json.loads(text)
            keys = {kid: base64.b64decode(value) for kid, value in data["keys"].items()}
            active = data["active"]
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyRingError(
                f"key ring is not valid JSON with 'active' and 'keys': {exc}"
            ) from exc
        if active not in keys:
            raise KeyRingError(f"active key {active!r} is not in the key ring")
        for kid, key in keys.items():
            if len(key) != 32:
                raise KeyRingError(f"key {kid!r} must be 32 bytes, got {len(key)}")
        return cls(active, keys)


class Cipher:
    """Encrypts with the active key, decrypts with whichever key the envelope names."""

    def __init__(self, ring: KeyRing):
        self._ring = ring
        self._aead = {kid: AESGCM(key) for kid, key in ring.keys.items()}
        self._active_header = self._header(ring.active_id)

    @staticmethod
    def _header(key_id: str) -> bytes:
        raw = key_id.encode()
        return bytes([ENVELOPE_VERSION, len(raw)]) + raw

    @property
    def active_key_id(self) -> str:
        return self._ring.active_id

    def encrypt(self, plaintext: str, purpose: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead[self._ring.active_id].encrypt(nonce, plaintext.encode(), purpose)
        return self._active_header + nonce + sealed

    def decrypt(self, envelope: bytes, purpose: bytes) -> str:
        envelope = bytes(envelope)
        if not envelope or envelope[0] != ENVELOPE_VERSION:
            raise KeyRingError("unknown envelope version")
        id_len = envelope[1]
        key_id = envelope[2 : 2 + id_len].decode()
        if key_id not in self._aead:
            raise KeyRingError(f"ciphertext names key {key_id!r}, which is not in the key ring")
        body = envelope[2 + id_len :]
        nonce, sealed = body[:NONCE_BYTES], body[NONCE_BYTES:]
        return self._aead[key_id].decrypt(nonce, sealed, purpose).decode()


class Pseudonymiser:
    """Keyed hashes (HMAC-SHA256) that let equal identifiers meet without revealing them."""

    def __init__(self, key: bytes):
        self._key = key

    def digest(self, kind: str, value: str) -> str:
        message = f"{kind}\x1f{value}".encode()
        return hmac.digest(self._key, message, "sha256").hex()
