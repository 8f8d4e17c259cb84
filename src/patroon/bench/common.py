"""Shared pieces of the benchmarks: a scratch database and the machine they ran on."""

from __future__ import annotations

import os
import platform
import shutil
import time
from datetime import date
from pathlib import Path

# Measured on the demo generator: about 4.2 signals per household over 5 years.
SIGNALS_PER_HOUSEHOLD = 4.2


def use_scratch_database() -> str:
    """Benchmarks never touch the working database: with no DATABASE_URL they run on a
    fresh SQLite file (and fresh keys) under var/bench; with DATABASE_URL, on that database,
    which should be a scratch one."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"].split("@")[-1]
    default_var = Path(__file__).resolve().parents[3] / "var"
    bench_dir = Path(os.environ.get("PATROON_VAR_DIR", default_var)) / "bench"
    shutil.rmtree(bench_dir, ignore_errors=True)
    bench_dir.mkdir(parents=True)
    os.environ["PATROON_VAR_DIR"] = str(bench_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / 'bench.sqlite3'}"
    return "sqlite (scratch file)"


def demo_world(signals: int, seed: int):
    from patroon.demo.world import generate_world

    households = max(10, int(signals / SIGNALS_PER_HOUSEHOLD * 1.1))
    return generate_world(households=households, years=5, seed=seed, end=date(2026, 11, 1))


def machine() -> dict:
    """Where a figure was measured. The machines called "2 cores" differ in speed from one
    session to the next (the same benchmark has needed 1.6 times the CPU per message), so
    each report carries the processor and a fixed pure-Python loop to compare them by."""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python_loop_ns": python_loop_ns(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def _cpu_model() -> str | None:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:  # not Linux
        return platform.processor() or None
    return next((line.split(":", 1)[1].strip() for line in lines if "model name" in line), None)


def python_loop_ns(iterations: int = 2_000_000) -> float:
    """Nanoseconds per iteration of ``total += i``, the best of three: CPU speed as CPython
    sees it, so that a figure from a slower machine is recognised as such."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(iterations):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best / iterations * 1e9, 1)


def analyse_tables() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would soon do."""
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
