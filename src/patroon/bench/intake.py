"""`patroon bench intake`: end-to-end bulk import throughput of JSON Lines signal files.

End to end means what `patroon import signals` does: read, parse, validate, resolve persons
in the identity vault, encrypt identifiers and narratives, store, and audit every write.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path

from django.db import connection

from patroon.bench.common import demo_world, machine
from patroon.demo.load import DEMO_ACTOR, write_world_files
from patroon.signals.importing import import_file


class _FirstN:
    """A world view that yields only the first n signals."""

    def __init__(self, world, n: int):
        self.organisations = world.organisations
        self.signals = itertools.islice(world.signals, n)


def run(signals: int, seed: int, batch_size: int) -> dict:
    from patroon.accounts.services import upsert_organisation
    from patroon.signals.models import Signal

    world = demo_world(signals, seed)
    with tempfile.TemporaryDirectory(prefix="patroon-bench-") as tmp:
        files = write_world_files(_FirstN(world, signals), Path(tmp))
        orgs = {
            o["code"]: upsert_organisation(o["code"], o["name"], o["kind"], o["region"])
            for o in world.organisations
        }
        before = Signal.objects.count()
        started = time.perf_counter()
        rejected = created = 0
        for code, path in files.items():
            report = import_file(DEMO_ACTOR, orgs[code], path, "jsonl", batch_size)
            rejected += report.rejected_rows
            created += report.created
        elapsed = time.perf_counter() - started
    return {
        "benchmark": "intake",
        "database": connection.vendor,
        "signals": signals,
        "created": created,
        "rejected": rejected,
        "stored_before": before,
        "batch_size": batch_size,
        "seconds": round(elapsed, 2),
        "signals_per_second": round(created / elapsed, 1) if elapsed else None,
        "machine": machine(),
    }
