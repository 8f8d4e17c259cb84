"""Changing the key ring file: add a new active key, remove a retired one.

A change is written to a private temporary file next to the ring and renamed over it, so a
process reloading the ring sees the old or the new ring, never half of one. A lock file
serialises two operators changing the ring at the same time.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from patroon.security.crypto import KeyRing, KeyRingError
from patroon.security.secrets import SECRET_FILE_MODE


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[KeyRing]:
    lock = path.with_name(path.name + ".lock")
    fd = os.open(lock, os.O_WRONLY | os.O_CREAT, SECRET_FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield KeyRing.from_json(path.read_text())
    finally:
        os.close(fd)


def _write(path: Path, ring: KeyRing) -> None:
    text = json.dumps(
        {
            "active": ring.active_id,
            "keys": {kid: base64.b64encode(key).decode() for kid, key in ring.keys.items()},
        },
        indent=2,
    )
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, SECRET_FILE_MODE)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # make the rename itself durable
    finally:
        os.close(dir_fd)


def _next_key_id(ring: KeyRing) -> str:
    """``k<n>`` one past the highest: the active key is never retired, so ids are not reused."""
    numbers = [int(m[1]) for kid in ring.keys if (m := re.fullmatch(r"k(\d+)", kid))]
    return f"k{max(numbers, default=0) + 1}"


def add_active_key(path: Path) -> str:
    """Generate a key, add it to the ring as the active one, return its id."""
    with _locked(path) as ring:
        key_id = _next_key_id(ring)
        _write(path, KeyRing(key_id, {**ring.keys, key_id: secrets.token_bytes(32)}))
    return key_id


def remove_key(path: Path, key_id: str) -> None:
    with _locked(path) as ring:
        if key_id == ring.active_id:
            raise KeyRingError(f"key {key_id!r} is the active key")
        if key_id not in ring.keys:
            raise KeyRingError(f"key {key_id!r} is not in the key ring")
        _write(path, KeyRing(ring.active_id, {k: v for k, v in ring.keys.items() if k != key_id}))
