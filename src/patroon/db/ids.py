"""Time-ordered UUIDs (the UUIDv7 layout) for rows written in bulk.

Random UUIDv4 keys land all over the primary-key index, so every batch dirties pages across
the whole index; keys that start with the time are appended at the end. Used for signals and
identity records, whose creation time is stored next to them anyway. Person references stay
UUIDv4: they reveal nothing, not even when a person was first seen.
"""

from __future__ import annotations

import os
import time
import uuid


def time_ordered_uuid() -> uuid.UUID:
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80 | rand & ((1 << 80) - 1)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return uuid.UUID(int=value)
