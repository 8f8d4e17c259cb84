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
import threading
from collections.abc import Callable
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


def envelope_key_id(envelope: bytes) -> str:
    """The id of the key that sealed ``envelope`` (readable without any key)."""
    envelope = bytes(envelope)
    if len(envelope) < 2 or envelope[0] != ENVELOPE_VERSION:
        raise KeyRingError("unknown envelope version")
    return envelope[2 : 2 + envelope[1]].decode()


class NoncePool:
    """Random 96-bit nonces, drawn from the operating system a block at a time.

    ``os.urandom`` lets go of the GIL on every call, and taking it back waits for whichever
    thread runs to reach its switch interval (up to 5 ms): one call per stored position held
    the victim-device worker's deciding thread up behind its broker and commit threads. A
    block of 4,096 nonces is the same randomness with a 4,096th of the hand-overs. A forked
    child starts with an empty block, so that no two processes use the same nonce."""

    BLOCK = 4096

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        # A new lock too: another thread may have held the old one when the process forked.
        self._lock = threading.Lock()
        self._block = b""
        self._at = 0

    def take(self) -> bytes:
        with self._lock:
            if self._at >= len(self._block):
                self._block = os.urandom(NONCE_BYTES * self.BLOCK)
                self._at = 0
            start = self._at
            self._at = start + NONCE_BYTES
            return self._block[start : start + NONCE_BYTES]


_NONCES = NoncePool()


class Cipher:
    """Encrypts with the active key, decrypts with whichever key the envelope names.

    With a ``loader``, a ciphertext under an unknown key id makes the cipher re-read its key
    ring once before failing: another process rotated the keys while this one was running.
    """

    def __init__(self, ring: KeyRing, loader: Callable[[], KeyRing] | None = None):
        self._loader = loader
        self._use(ring)

    def _use(self, ring: KeyRing) -> None:
        # One attribute, swapped at once, so concurrent threads never mix two rings.
        aead = {kid: AESGCM(key) for kid, key in ring.keys.items()}
        self._state = (ring, aead, self._header(ring.active_id))

    def reload(self) -> None:
        if self._loader is not None:
            self._use(self._loader())

    @staticmethod
    def _header(key_id: str) -> bytes:
        raw = key_id.encode()
        return bytes([ENVELOPE_VERSION, len(raw)]) + raw

    @property
    def active_key_id(self) -> str:
        return self._state[0].active_id

    def encrypt(self, plaintext: str, purpose: bytes) -> bytes:
        ring, aead, header = self._state
        nonce = _NONCES.take()
        sealed = aead[ring.active_id].encrypt(nonce, plaintext.encode(), purpose)
        return header + nonce + sealed

    def decrypt(self, envelope: bytes, purpose: bytes) -> str:
        envelope = bytes(envelope)
        key_id = envelope_key_id(envelope)
        if key_id not in self._state[1]:
            self.reload()
        aead = self._state[1].get(key_id)
        if aead is None:
            raise KeyRingError(f"ciphertext names key {key_id!r}, which is not in the key ring")
        body = envelope[2 + envelope[1] :]
        nonce, sealed = body[:NONCE_BYTES], body[NONCE_BYTES:]
        return aead.decrypt(nonce, sealed, purpose).decode()


class Pseudonymiser:
    """Keyed hashes (HMAC-SHA256) that let equal identifiers meet without revealing them."""

    def __init__(self, key: bytes):
        self._key = key

    def digest(self, kind: str, value: str) -> str:
        message = f"{kind}\x1f{value}".encode()
        return hmac.digest(self._key, message, "sha256").hex()
