"""Secrets and keys that live outside the database: generated once into the var directory.

Nothing here is ever committed or stored in a table. Production mounts the same files from a
secret store (or sets the environment variables) instead of generating them.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from pathlib import Path

SECRET_FILE_MODE = 0o600


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SECRET_FILE_MODE)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)


def read_or_create(path: Path, factory) -> str:
    """Return the secret in ``path``, creating it with ``factory()`` the first time.

    O_EXCL makes concurrent first starts (web and worker) agree on one value.
    """
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            _write_private(path, factory())
    return path.read_text().strip()


def new_token(nbytes: int = 48) -> str:
    return secrets.token_urlsafe(nbytes)


def new_key_b64() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def new_keyring() -> str:
    key_id = "k1"
    return json.dumps({"active": key_id, "keys": {key_id: new_key_b64()}}, indent=2)
