"""The process-wide cipher and pseudonymiser, built from key files outside the database."""

from __future__ import annotations

import base64
import functools
from pathlib import Path

from django.conf import settings

from patroon.security.crypto import Cipher, KeyRing, Pseudonymiser
from patroon.security.secrets import new_key_b64, new_keyring, read_or_create


def load_keyring() -> KeyRing:
    """Read the key ring file (created on first start); also called again after a rotation."""
    return KeyRing.from_json(read_or_create(Path(settings.PATROON_KEYRING_FILE), new_keyring))


@functools.cache
def cipher() -> Cipher:
    return Cipher(load_keyring(), loader=load_keyring)


@functools.cache
def pseudonymiser() -> Pseudonymiser:
    raw = read_or_create(Path(settings.PATROON_HMAC_KEY_FILE), new_key_b64)
    return Pseudonymiser(base64.b64decode(raw))
