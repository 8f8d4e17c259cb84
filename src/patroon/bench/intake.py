"""`patroon bench intake`: end-to-end bulk import throughput of JSON Lines signal files.

End to end means what `patroon import signals` does: read, parse, validate, resolve persons
in the identity vault, encrypt identifiers and narratives, store, and audit every write.
"""

from __future__ import annotations

import itertools
import json
import tempfile
import time
from pathlib import Path

from django.db import connection

from patroon.bench.common import demo_world, machine
from patroon.demo.load import DEMO_ACTOR
from patroon.signals.importing import import_file


def write_signals_file(world, n: int, path: Path) -> int:
    """The first n signals of the world as one JSON Lines file, as one agency would send it."""
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        for _, payload in itertools.islice(world.signals, n):
            handle.write(json.dumps(payload, ensure_ascii=False) + "\n")
            written += 1
    return written


def run(signals: int, seed: int, batch_size: int) -> dict:
    from patroon.accounts.services import upsert_organisation
    from patroon.signals.models import Signal

    world = demo_world(signals, seed)
    organisation = upsert_organisation("bench-politie", "Benchmark (demo)", "politie", "utrecht")
    with tempfile.TemporaryDirectory(prefix="patroon-bench-") as tmp:
        path = Path(tmp) / "signals.jsonl"
        written = write_signals_file(world, signals, path)
        before = Signal.objects.count()
        started, cpu_started = time.perf_counter(), time.process_time()
        report = import_file(DEMO_ACTOR, organisation, path, "jsonl", batch_size)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    return {
        "benchmark": "intake",
        "database": connection.vendor,
        "signals": written,
        "created": report.created,
        "existing": report.existing,
        "rejected": report.rejected_rows,
        "stored_before": before,
        "batch_size": batch_size,
        "seconds": round(elapsed, 2),
        "cpu_seconds_this_process": round(cpu, 2),
        "signals_per_second": round(report.created / elapsed, 1) if elapsed else None,
        "machine": machine(),
    }
