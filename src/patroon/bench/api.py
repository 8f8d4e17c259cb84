"""`patroon bench api`: latency of POST /api/v1/signals/ over real HTTP with many stored.

The web app runs under gunicorn in a child process on 127.0.0.1; this process sends one
request at a time over a kept-alive connection and measures each round trip.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from patroon.bench.common import demo_world, machine
from patroon.bench.intake import run as bulk_load

WARM_UP = 50


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the web server stopped while starting")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the web server did not start in time")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def run(stored: int, requests: int, seed: int) -> dict:
    from patroon.accounts.models import Organisation
    from patroon.accounts.services import issue_api_token
    from patroon.signals.models import Signal

    missing = stored - Signal.objects.count()
    if missing > 0:
        bulk_load(missing, seed, batch_size=5000)
    stored_now = Signal.objects.count()
    org = Organisation.objects.order_by("code").first()
    token = issue_api_token(org, f"bench-{time.time_ns()}")
    payloads = []
    for _, payload in itertools.islice(
        demo_world(requests + WARM_UP, seed + 1).signals, requests + WARM_UP
    ):
        payload["source_reference"] = f"BENCH-API-{time.time_ns()}-{len(payloads)}"
        payloads.append(json.dumps(payload).encode())
    if len(payloads) < requests + WARM_UP:
        raise RuntimeError("the demo world gave fewer signals than requested")

    port = _free_port()
    env = {**os.environ, "PATROON_HTTPS": "0", "PATROON_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(  # noqa: S603 - fixed argv, our own server
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "patroon.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    try:
        _wait_until_up(port, server)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        for i, body in enumerate(payloads):
            started = time.perf_counter()
            conn.request("POST", "/api/v1/signals/", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if i >= WARM_UP:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "benchmark": "api",
        "database": connection.vendor,
        "stored_signals": stored_now,
        "requests": len(latencies),
        "statuses": statuses,
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(_percentile(latencies, 95), 2),
        "p99_ms": round(_percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2),
        "machine": machine(),
    }
