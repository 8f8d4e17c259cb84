"""Keyed encodings of person records: HMAC tokens and hardened per-field Bloom filters.

Standard library (``hmac``, ``hashlib``) and numpy only. See README.md for the threat model.

* Tokens: HMAC-SHA256 under a key derived per domain, truncated to 64 bits, for every
  linkage field and blocking key. Given name and surname share one domain (so a swap of the
  two is still visible as equality), as do date of birth and its day/month-swapped form.
* Bloom filters: per fuzzy field, padded bigrams, each mapped to ``hashes`` bit positions
  drawn from HMAC-SHA256 of the bigram under a per-field key ("random hashing": no double
  hashing, whose structure the Kroll & Steinmetzer attack exploits). Then balanced: the
  filter is concatenated with its complement and permuted with a keyed permutation, so every
  filter has the same number of set bits and its popcount says nothing about name length or
  frequency. Optionally the bigram hashes are salted with a stable field of the same record.

Similarity of two balanced filters is ``popcount(a & b) / bits``, which equals
``1 - hamming(x, y) / bits`` for the unbalanced filters ``x`` and ``y``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import numpy as np

from patroon_encode.blocking import KEYS, blocking_values
from patroon_encode.fields import FIELDS, linkage_fields

#: The encoding and its normalisation (``fields.py``): files of different formats do not
#: link. 2: initials that are also particles ("T.M.", "D.") keep their initial.
FORMAT = "patroon-encode/2"
#: Fields encoded as Bloom filters, for similarity comparison.
BLOOM_FIELDS = ("given_name", "surname", "street", "city")
#: Token domains shared between fields, so that equality across those fields is visible.
_DOMAIN = {
    "given_name": "name",
    "surname": "name",
    "surname_full": "name",
    "surname2": "name",
    "dob": "dob",
    "dob_swap": "dob",
}
TOKEN_FIELDS = (*FIELDS, *KEYS)


@dataclass(frozen=True)
class Parameters:
    """Encoding parameters; both sides of a linkage must use the same ones (and key)."""

    bloom_bits: int = 256
    bloom_hashes: int = 12
    balance: bool = True
    #: Bloom field -> linkage field whose value salts the bigram hashes (e.g. "dob_year").
    salt: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.bloom_bits % 64 or not 64 <= self.bloom_bits <= 4096:
            raise ValueError("bloom_bits must be a multiple of 64 between 64 and 4096")
        if not 1 <= self.bloom_hashes <= 64:
            raise ValueError("bloom_hashes must be between 1 and 64")
        unknown = set(self.salt) - set(BLOOM_FIELDS) | set(self.salt.values()) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown salt field(s): {', '.join(sorted(unknown))}")

    @property
    def words(self) -> int:
        """64-bit words per encoded filter."""
        return self.bloom_bits * (2 if self.balance else 1) // 64

    def as_dict(self) -> dict:
        return {
            "bloom_bits": self.bloom_bits,
            "bloom_hashes": self.bloom_hashes,
            "balance": self.balance,
            "salt": dict(self.salt),
        }


@dataclass
class EncodedBatch:
    """Encodings of many records, column by column (what the linkage reads directly)."""

    ids: list
    tokens: dict[str, list[str | None]]
    #: field -> (n, words) uint64 array; rows of missing values are all zero.
    blooms: dict[str, np.ndarray]
    #: field -> (n,) bool array, True where the field had a value.
    present: dict[str, np.ndarray]
    parameters: Parameters
    key_id: str

    def __len__(self) -> int:
        return len(self.ids)

    def header(self) -> dict:
        """What a receiver checks before linking: format, parameters and the key id."""
        return {"format": FORMAT, "key_id": self.key_id, "parameters": self.parameters.as_dict()}

    def records(self) -> list[dict]:
        """One JSON-able dict per record: id, tokens and filters (hex, little-endian words)."""
        out = []
        hex_blooms = {
            name: [row.tobytes().hex() for row in bits] for name, bits in self.blooms.items()
        }
        for i, record_id in enumerate(self.ids):
            tokens = {name: values[i] for name, values in self.tokens.items() if values[i]}
            blooms = {name: hex_blooms[name][i] for name in self.blooms if self.present[name][i]}
            out.append({"id": record_id, "tokens": tokens, "blooms": blooms})
        return out


def _derive(secret: bytes, purpose: str) -> bytes:
    return hmac.digest(secret, f"{FORMAT}/{purpose}".encode(), hashlib.sha256)


class Encoder:
    """Encodes records under one secret. Keep the secret away from the linkage hub."""

    def __init__(self, secret: bytes, parameters: Parameters | None = None) -> None:
        if len(secret) < 16:
            raise ValueError("the secret must be at least 16 bytes")
        self.parameters = parameters or Parameters()
        self.key_id = _derive(secret, "key-id").hex()[:16]
        domains = {_DOMAIN.get(name, name) for name in TOKEN_FIELDS}
        self._token_keys = {d: _derive(secret, f"token/{d}") for d in sorted(domains)}
        self._bloom_keys = {f: _derive(secret, f"bloom/{f}") for f in BLOOM_FIELDS}
        bits = self.parameters.bloom_bits * (2 if self.parameters.balance else 1)
        self._permutations = {
            f: np.random.Generator(
                np.random.PCG64(int.from_bytes(_derive(secret, f"permute/{f}"), "big"))
            ).permutation(bits)
            for f in BLOOM_FIELDS
        }
        self._position_cache: dict[tuple[str, str], np.ndarray] = {}

    def encode(self, records: list[dict], ids: list | None = None) -> EncodedBatch:
        """Encode identifier dicts (intake keys: given_names, surname, date_of_birth, ...)."""
        return self.encode_fields([linkage_fields(r) for r in records], ids)

    def encode_fields(self, rows: list[dict], ids: list | None = None) -> EncodedBatch:
        """Encode rows that are already linkage fields (see ``patroon_encode.fields``)."""
        ids = list(range(len(rows))) if ids is None else list(ids)
        keys = [blocking_values(row) for row in rows]
        tokens = {name: self._tokens(name, [row[name] for row in rows]) for name in FIELDS}
        tokens |= {name: self._tokens(name, [k[name] for k in keys]) for name in KEYS}
        blooms, present = {}, {}
        for name in BLOOM_FIELDS:
            salt_field = self.parameters.salt.get(name)
            values = [row[name] for row in rows]
            salts = [row[salt_field] or "" for row in rows] if salt_field else None
            blooms[name], present[name] = self._blooms(name, values, salts)
        return EncodedBatch(ids, tokens, blooms, present, self.parameters, self.key_id)

    def _tokens(self, name: str, values: list[str | None]) -> list[str | None]:
        key = self._token_keys[_DOMAIN.get(name, name)]
        cache: dict[str, str] = {}
        out = []
        for value in values:
            if not value:
                out.append(None)
                continue
            token = cache.get(value)
            if token is None:
                token = hmac.digest(key, value.encode(), hashlib.sha256)[:8].hex()
                cache[value] = token
            out.append(token)
        return out

    def _positions(self, name: str, value: str, salt: str) -> np.ndarray:
        cached = self._position_cache.get((name, salt + "\x1f" + value))
        if cached is not None:
            return cached
        bits, hashes = self.parameters.bloom_bits, self.parameters.bloom_hashes
        key = self._bloom_keys[name]
        padded = f"_{value}_"
        found = []
        for i in range(len(padded) - 1):
            message = f"{salt}\x1f{padded[i : i + 2]}".encode()
            digest = b"".join(
                hmac.digest(key, message + bytes([block]), hashlib.sha256)
                for block in range((hashes + 15) // 16)
            )
            found.append(np.frombuffer(digest, dtype=">u2")[:hashes] % bits)
        positions = np.unique(np.concatenate(found)).astype(np.intp)
        self._position_cache[(name, salt + "\x1f" + value)] = positions
        return positions

    def _blooms(
        self, name: str, values: list[str | None], salts: list[str] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        n = len(values)
        bits = self.parameters.bloom_bits
        present = np.array([bool(v) for v in values], dtype=bool)
        rows, cols = [], []
        for i, value in enumerate(values):
            if value:
                positions = self._positions(name, value, salts[i] if salts else "")
                rows.append(np.full(len(positions), i, dtype=np.intp))
                cols.append(positions)
        matrix = np.zeros((n, bits), dtype=bool)
        if rows:
            matrix[np.concatenate(rows), np.concatenate(cols)] = True
        if self.parameters.balance:
            matrix = np.concatenate([matrix, ~matrix], axis=1)[:, self._permutations[name]]
            matrix[~present] = False
        packed = np.packbits(matrix, axis=1, bitorder="little")
        words = np.ascontiguousarray(packed).view("<u8").copy()
        return words, present
