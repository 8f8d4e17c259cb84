"""Reference codes, generated passphrases, the salted client hash and proof of work.

Pure Python. A reference code carries 60 random bits and a passphrase 80: neither can be
guessed, and guessing online is locked out after a few tries anyway (see services).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L, 5/S or 8/B: read aloud over the phone or copied from paper without mistakes.
ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"
CODE_GROUPS = 3
PASSPHRASE_GROUPS = 4
GROUP = 4
MIN_PASSPHRASE = 10


def _group(count: int) -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP)) for _ in range(count))


def new_reference_code() -> str:
    """``HL-XXXX-XXXX-XXXX``: 27**12, about 57 bits."""
    return "HL-" + _group(CODE_GROUPS)


def new_passphrase() -> str:
    """Four groups of four: 27**16, about 76 bits."""
    return _group(PASSPHRASE_GROUPS).lower()


def normalise_code(value: str) -> str:
    """Accept lower case, spaces and missing dashes: ``hl 7kq9 ...`` → ``HL-7KQ9-...``."""
    raw = "".join(c for c in (value or "").upper() if c.isalnum())
    if raw.startswith("HL"):
        raw = raw[2:]
    if len(raw) != CODE_GROUPS * GROUP:
        return ""
    return "HL-" + "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise_passphrase(value: str) -> str:
    return " ".join((value or "").split())


def client_hash(address: str, salt: bytes) -> str:
    """A keyed hash of the client's IP address: enough to count attempts, not to find them."""
    return hmac.new(salt, (address or "").encode(), hashlib.sha256).hexdigest()[:32]


def pow_ok(challenge: str, answer: str, bits: int) -> bool:
    """True when sha256(challenge ':' answer) starts with ``bits`` zero bits."""
    if bits <= 0:
        return True
    if not answer or len(answer) > 20 or not answer.isdigit():
        return False
    digest = hashlib.sha256(f"{challenge}:{answer}".encode()).digest()
    value = int.from_bytes(digest, "big")
    return value >> (256 - bits) == 0


def solve_pow(challenge: str, bits: int) -> str:
    """What the browser does in JavaScript; used by tests and the benchmark."""
    counter = 0
    while not pow_ok(challenge, str(counter), bits):
        counter += 1
    return str(counter)
