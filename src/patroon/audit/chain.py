"""The hash chain over audit entries: pure functions, no Django.

Each entry's hash covers its own fields and the previous entry's hash, so altering, removing
or reordering any entry breaks every hash after it and ``verify`` names the first one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64
FIELDS = (
    "seq",
    "at",
    "actor",
    "actor_user_id",
    "organisation",
    "channel",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "request_id",
)


@dataclass(frozen=True)
class Entry:
    seq: int
    at: datetime
    actor: str
    actor_user_id: int | None
    organisation: str
    channel: str
    action: str
    object_type: str
    object_id: str
    purpose: str
    request_id: str
    prev_hash: str = ""
    entry_hash: str = ""


def canonical(entry: Entry) -> bytes:
    values = [getattr(entry, name) for name in FIELDS]
    values[1] = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, entry: Entry) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(entry)).hexdigest()


@dataclass(frozen=True)
class Verdict:
    intact: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify(entries: Iterable[Entry], head_seq: int | None, head_hash: str | None) -> Verdict:
    """Walk the entries in sequence order; report the first one that breaks the chain."""
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return Verdict(False, checked, entry.seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return Verdict(False, checked, entry.seq, "link to the previous entry does not match")
        if entry_hash(prev_hash, entry) != entry.entry_hash:
            return Verdict(False, checked, entry.seq, "content does not match its hash")
        prev_hash, expected_seq, checked = entry.entry_hash, expected_seq + 1, checked + 1
    last_seq = expected_seq - 1
    if head_seq is not None and head_seq != last_seq:
        return Verdict(False, checked, last_seq + 1, f"entries after {last_seq} were removed")
    if head_hash is not None and last_seq and head_hash != prev_hash:
        return Verdict(False, checked, last_seq, "last entry does not match the chain head")
    return Verdict(True, checked)
