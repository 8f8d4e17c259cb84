"""The signed manifest of an evidence export, and its verification. Pure Python: no Django.

A court must be able to check an export without Patroon. So the signature (Ed25519) covers
the exact bytes of ``manifest.json``, which lists every file with its size and SHA-256; the
public key is in the manifest and beside it as ``signing-key.pem``. Whoever verifies compares
the key's fingerprint with the one the operator of the system published: a valid signature
only proves who made the export if the key is known to be theirs.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# /2: the pings carry ``unit_linked`` (bracelet within range of its GPS unit). Older exports
# still verify (hashes and signature do not depend on the columns); import takes only this one.
FORMAT = "patroon-proximity-evidence/2"
VERIFIABLE = frozenset({"patroon-proximity-evidence/1", FORMAT})
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY_PEM = "signing-key.pem"
README = "README.txt"
CHUNK = 1 << 20
README_TEXT = """\
Patroon: evidence log of the victim device (export {export_id})

One CSV file per table (UTF-8, RFC 4180, a header row, rows by id). Times are UTC, ISO 8601
with microseconds; an empty cell is "no value"; lat/lon are WGS 84 degrees. Positions, zones
and operator notes are decrypted here: this is special category personal data.

manifest.json lists every file with its size and SHA-256, the scope and who made the export
when. manifest.sig is an Ed25519 signature (base64) over the exact bytes of manifest.json;
signing-key.pem is the public key. Signed with key

    {fingerprint}

The signature only shows who made the export if this fingerprint is the one the operator of
the system published. Any change to a file, however small, makes verification fail.

Verify with Patroon:

    patroon proximity verify THIS-DIRECTORY --fingerprint {fingerprint}

Or with OpenSSL 3 and coreutils, in this directory:

    base64 -d manifest.sig > /tmp/manifest.sig.bin
    openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin \\
        -in manifest.json -sigfile /tmp/manifest.sig.bin
    openssl pkey -pubin -in signing-key.pem -outform DER | tail -c 32 | sha256sum
    sha256sum *.csv README.txt signing-key.pem

The first prints "Signature Verified Successfully"; the second the fingerprint (hex, after
"SHA256:"); the last the hashes to compare with "sha256" in manifest.json.
"""


def new_private_key() -> str:
    """A fresh signing key as base64 of its 32-byte seed (for a secret file)."""
    return base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()


def load_private_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def fingerprint(public_raw: bytes) -> str:
    return "SHA256:" + hashlib.sha256(public_raw).hexdigest()


def key_info(public: Ed25519PublicKey) -> dict:
    raw = public.public_bytes_raw()
    return {
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(raw).decode(),
        "fingerprint": fingerprint(raw),
    }


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def digest_file(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size, read in chunks: a ping file may be gigabytes."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def file_entry(path: Path, **extra) -> dict:
    sha256, size = digest_file(path)
    return {"name": path.name, **extra, "bytes": size, "sha256": sha256}


def canonical(body: dict) -> bytes:
    """Sorted keys, ASCII only, one trailing newline: the same bytes on every platform."""
    return (json.dumps(body, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode()


def sign(directory: Path, body: dict, private: Ed25519PrivateKey) -> bytes:
    """Writes ``manifest.json`` and ``manifest.sig`` (base64); returns the manifest bytes."""
    data = canonical(body)
    (directory / MANIFEST).write_bytes(data)
    (directory / SIGNATURE).write_text(base64.b64encode(private.sign(data)).decode() + "\n")
    return data


@dataclass(frozen=True)
class Problem:
    file: str
    kind: str  # missing | changed | signature | manifest
    detail: str


@dataclass
class VerifyResult:
    valid: bool
    fingerprint: str | None = None
    manifest: dict | None = None
    manifest_sha256: str | None = None
    problems: list[Problem] = field(default_factory=list)
    # Files in the directory the manifest does not name: reported, not fatal (a court may
    # keep its own notes beside the export).
    unlisted: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "fingerprint": self.fingerprint,
            "manifest_sha256": self.manifest_sha256,
            "problems": [p.__dict__ for p in self.problems],
            "unlisted": self.unlisted,
        }


def _signature_problem(data: bytes, directory: Path, body: dict) -> Problem | None:
    try:
        raw = base64.b64decode(body["signing_key"]["public_key"], validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw)
        signature = base64.b64decode((directory / SIGNATURE).read_bytes(), validate=False)
        public.verify(signature, data)
    except FileNotFoundError:
        return Problem(SIGNATURE, "missing", "the signature file is missing")
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return Problem(MANIFEST, "signature", "the signature does not match the manifest")
    return None


def _file_problem(directory: Path, entry: dict) -> Problem | None:
    name = entry.get("name", "")
    if not name or Path(name).name != name or name.startswith("."):
        return Problem(str(name), "manifest", "not a plain file name")
    path = directory / name
    if not path.is_file():
        return Problem(name, "missing", "listed in the manifest but not present")
    sha256, size = digest_file(path)
    if (sha256, size) != (entry.get("sha256"), entry.get("bytes")):
        return Problem(name, "changed", f"{size} bytes, SHA-256 {sha256}; manifest: {entry}")
    return None


def verify_export(directory: Path, expected_fingerprint: str | None = None) -> VerifyResult:
    """Recompute every hash and check the signature; reports every problem, not the first."""
    directory = Path(directory)
    try:
        data = (directory / MANIFEST).read_bytes()
        body = json.loads(data)
        files = [dict(entry) for entry in body["files"]]
        key = body["signing_key"]["fingerprint"]
    except FileNotFoundError:
        return VerifyResult(False, problems=[Problem(MANIFEST, "missing", "no manifest")])
    except (ValueError, KeyError, TypeError) as exc:
        return VerifyResult(False, problems=[Problem(MANIFEST, "manifest", f"unreadable: {exc}")])
    result = VerifyResult(True, key, body, hashlib.sha256(data).hexdigest())
    if body.get("format") not in VERIFIABLE:
        known = ", ".join(sorted(VERIFIABLE))
        result.problems.append(Problem(MANIFEST, "manifest", f"format is not one of {known}"))
    if (problem := _signature_problem(data, directory, body)) is not None:
        result.problems.append(problem)
    if expected_fingerprint and expected_fingerprint != key:
        result.problems.append(
            Problem(MANIFEST, "signature", f"signed by {key}, not by {expected_fingerprint}")
        )
    for entry in files:
        if (problem := _file_problem(directory, entry)) is not None:
            result.problems.append(problem)
    listed = {entry.get("name") for entry in files} | {MANIFEST, SIGNATURE}
    result.unlisted = sorted(p.name for p in directory.iterdir() if p.name not in listed)
    result.valid = not result.problems
    return result
