"""`patroon bench hotline`: the hotline under load, over loopback against a real ASGI server
(uvicorn, started here as a separate process on the scratch database).

1. Chat: ``sessions`` concurrent conversations, each with a reporter and an operator on their
   own WebSocket. Both sides write ``messages`` messages at random moments; a share of the
   reporters drop their connection mid-way and reconnect (resending what was not yet
   acknowledged, asking for what they missed). Measured: delivery time from sending to
   arrival at the other side (p50/p95/p99), and per connection that every message arrived
   exactly once, in sequence order.
2. Reports: the public form (``POST /hulp/melden/``) at ``rate`` reports per second for
   ``seconds`` seconds from parallel clients; errors and achieved rate counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from patroon.bench.common import machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def _setup(sessions: int) -> tuple[list[tuple[str, str, str]], str]:
    """Conversations, each claimed by an operator with a verified session: (conversation id,
    reporter token, operator session cookie)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from patroon.accounts.actor import actor_for_user
    from patroon.accounts.services import create_confirmed_totp, create_user, upsert_organisation
    from patroon.hotline import services

    org = upsert_organisation("hulplijn-bench", "Hulplijn (bench)", "hulplijn", "landelijk")
    operators = []
    for n in range(max(1, sessions // 10)):
        user = create_user(
            f"bench-operator-{n}", "bench-password-not-used-42", org, ["hotline_operator"]
        )
        device = create_confirmed_totp(user)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        operators.append((actor_for_user(user), store.session_key))
    out = []
    for i in range(sessions):
        submitted = services.submit_report(
            text=f"Bench conversation {i}: zorgen om de buurvrouw.",
            reporter_kind="bystander",
            urgency="soon",
            client_address=f"10.0.{i // 250}.{i % 250}",
        )
        actor, cookie = operators[i % len(operators)]
        services.claim(actor, submitted.conversation.pk)
        out.append((str(submitted.conversation.pk), submitted.token, cookie))
    return out, org.code


class _Side:
    """One party's connection(s) to one conversation, with the client's reliability rules."""

    def __init__(self, url, hello, headers, sent_at, received, expected_from_other):
        self.url, self.hello, self.headers = url, hello, headers
        self.sent_at = sent_at  # shared: client_id -> send time
        self.received = received  # this side: list of (seq, client_id)
        self.expected_from_other = expected_from_other
        self.pending: dict[str, str] = {}
        self.last_seq = 1
        self.ws = None
        self.ready = asyncio.Event()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.reconnects = 0

    async def run(self, stop: asyncio.Event):
        from websockets.asyncio.client import connect

        while not stop.is_set():
            try:
                async with connect(
                    self.url,
                    origin=self.headers["Origin"],
                    additional_headers=self.headers.get("extra", {}),
                    open_timeout=30,
                    ping_interval=None,
                ) as ws:
                    self.ws = ws
                    await ws.send(json.dumps({**self.hello, "last_seq": self.last_seq}))
                    async for raw in ws:
                        frame = json.loads(raw)
                        if frame["type"] == "ready":
                            self.ready.set()
                            for client_id, body in list(self.pending.items()):
                                await ws.send(
                                    json.dumps(
                                        {"type": "message", "client_id": client_id, "body": body}
                                    )
                                )
                        elif frame["type"] == "ack":
                            self.pending.pop(frame["client_id"], None)
                        elif frame["type"] == "message":
                            now = time.perf_counter()
                            client_id = frame["body"].split(" ", 1)[0]
                            if frame["seq"] != self.last_seq + 1:
                                self.errors.append(f"seq {frame['seq']} after {self.last_seq}")
                            self.last_seq = max(self.last_seq, frame["seq"])
                            self.received.append((frame["seq"], client_id))
                            if client_id in self.expected_from_other:
                                self.latencies.append((now - self.sent_at[client_id]) * 1000)
                        elif frame["type"] == "error":
                            self.errors.append(frame.get("code", "error"))
            except Exception as exc:  # noqa: BLE001 - a dropped connection: reconnect
                if stop.is_set():
                    return
                self.errors.append(f"connection: {type(exc).__name__}")
            finally:
                self.ready.clear()
                self.ws = None
            if not stop.is_set():
                self.reconnects += 1
                await asyncio.sleep(0.2)

    async def send(self, client_id: str):
        body = f"{client_id} bericht"
        self.pending[client_id] = body
        self.sent_at[client_id] = time.perf_counter()
        if self.ws is not None and self.ready.is_set():
            with contextlib.suppress(Exception):  # resent after reconnecting
                await self.ws.send(
                    json.dumps({"type": "message", "client_id": client_id, "body": body})
                )

    async def drop(self):
        if self.ws is not None:
            await self.ws.close()


async def _chat(base: str, conversations, messages: int, spread: float, drop_share: float):
    url = base.replace("http://", "ws://") + "/ws/hotline/"
    origin = base
    rng = random.Random(7)
    sent_at: dict[str, float] = {}
    stop = asyncio.Event()
    pairs = []
    for index, (conversation_id, token, cookie) in enumerate(conversations):
        reporter_ids = {f"r{index}-{n}" for n in range(messages)}
        operator_ids = {f"o{index}-{n}" for n in range(messages)}
        reporter = _Side(
            url, {"type": "hello", "token": token}, {"Origin": origin}, sent_at, [], operator_ids
        )
        operator = _Side(
            url,
            {"type": "hello", "conversation": conversation_id},
            {"Origin": origin, "extra": {"Cookie": f"sessionid={cookie}"}},
            sent_at,
            [],
            reporter_ids,
        )
        pairs.append((reporter, operator, reporter_ids, operator_ids))
    runners = []
    for reporter, operator, *_ in pairs:
        runners.append(asyncio.create_task(reporter.run(stop)))
        runners.append(asyncio.create_task(operator.run(stop)))
        await asyncio.sleep(0.004)  # ramp up the connections over a couple of seconds
    await asyncio.wait_for(
        asyncio.gather(*(s.ready.wait() for p in pairs for s in p[:2])), timeout=120
    )
    started = time.perf_counter()

    async def talk(side, ids, drops):
        ordered = sorted(ids, key=lambda c: int(c.split("-")[1]))
        for n, client_id in enumerate(ordered):
            await asyncio.sleep(rng.uniform(0, 2 * spread / messages))
            if drops and n == len(ordered) // 2:
                await side.drop()
            await side.send(client_id)

    talkers = []
    for reporter, operator, reporter_ids, operator_ids in pairs:
        drops = rng.random() < drop_share
        talkers.append(talk(reporter, reporter_ids, drops))
        talkers.append(talk(operator, operator_ids, False))
    await asyncio.gather(*talkers)
    # Wait until everything sent has arrived on both sides (or give up after 60 s).
    expected = 2 * messages  # seq 2 onwards: both sides' messages
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if all(
            len({s for s, _ in side.received}) >= expected and not side.pending
            for p in pairs
            for side in p[:2]
        ):
            break
        await asyncio.sleep(0.2)
    elapsed = time.perf_counter() - started
    stop.set()
    for p in pairs:
        for side in p[:2]:
            await side.drop()
    for task in runners:
        task.cancel()
    await asyncio.gather(*runners, return_exceptions=True)

    lost = duplicated = out_of_order = 0
    latencies: list[float] = []
    reconnects = 0
    errors: dict[str, int] = {}
    for reporter, operator, reporter_ids, operator_ids in pairs:
        everything = {"report"} | reporter_ids | operator_ids
        for side in (reporter, operator):
            seen_ids = [c for _, c in side.received]
            seqs = [s for s, _ in side.received]
            # The replay after 'hello' starts from last_seq, so seq 1 (the report) is not sent.
            lost += len(everything - {"report"} - set(seen_ids))
            duplicated += len(seqs) - len(set(seqs)) + len(seen_ids) - len(set(seen_ids))
            out_of_order += sum(1 for a, b in zip(seqs, seqs[1:], strict=False) if b <= a)
            latencies += side.latencies
            reconnects += side.reconnects
            for error in side.errors:
                errors[error] = errors.get(error, 0) + 1
    sent = 2 * messages * len(pairs)
    return {
        "sessions": len(pairs),
        "websockets": 2 * len(pairs),
        "messages_sent": sent,
        "deliveries_measured": len(latencies),
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order": out_of_order,
        "reporter_reconnects": reconnects,
        "errors": errors,
        "delivery_ms": {
            "p50": _pct(latencies, 0.50),
            "p95": _pct(latencies, 0.95),
            "p99": _pct(latencies, 0.99),
            "max": round(max(latencies), 1) if latencies else None,
            "mean": round(statistics.fmean(latencies), 1) if latencies else None,
        },
        "seconds": round(elapsed, 1),
    }


def _post_report(host: str, port: int, n: int) -> tuple[int, float]:
    body = urllib.parse.urlencode(
        {
            "text": f"Rapport {n}: ik maak me zorgen om mijn collega.",
            "reporter_kind": "bystander",
            "urgency": "soon",
            "website": "",
        }
    )
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(
            "POST",
            "/hulp/melden/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://{host}:{port}",
            },
        )
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return status, (time.perf_counter() - started) * 1000


def _reports(host: str, port: int, rate: int, seconds: int) -> dict:
    for n in range(5):  # a server in steady state: templates and translations loaded
        _post_report(host, port, -n)
    total = rate * seconds
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    started = time.perf_counter()

    def one(n: int):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        outcome = _post_report(host, port, n)
        with lock:
            results.append(outcome)

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(one, range(total)))
    elapsed = time.perf_counter() - started
    ok = [ms for status, ms in results if status == 201]
    statuses: dict[str, int] = {}
    for status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "offered_per_second": rate,
        "seconds": seconds,
        "submitted": total,
        "stored": len(ok),
        "errors": total - len(ok),
        "statuses": statuses,
        "achieved_per_second": round(len(ok) / elapsed, 1),
        "latency_ms": {"p50": _pct(ok, 0.5), "p95": _pct(ok, 0.95), "p99": _pct(ok, 0.99)},
    }


def _start_server(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        PATROON_HTTPS="0",
        # The benchmark's clients all come from 127.0.0.1: the limits stay on (every report
        # and message is counted, as in production) but are set out of reach.
        PATROON_HOTLINE_REPORTS_PER_CLIENT_HOUR="1000000",
        PATROON_HOTLINE_MESSAGES_PER_CLIENT_MINUTE="1000000",
        PATROON_HOTLINE_REPORTS_GLOBAL_MINUTE="1000000",
        PATROON_LOG_LEVEL="WARNING",
    )
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "uvicorn",
            "patroon.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--ws-max-queue",
            "64",
        ],
        env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the ASGI server did not start")


def run(
    sessions: int = 500,
    messages: int = 4,
    spread: float = 60.0,
    drop_share: float = 0.1,
    rate: int = 50,
    seconds: int = 20,
    workers: int = 1,
) -> dict:
    from django.conf import settings
    from django.db import connections

    conversations, _org = _setup(sessions)
    connections.close_all()
    port = _free_port()
    server = _start_server(port, workers)
    base = f"http://127.0.0.1:{port}"
    try:
        chat = asyncio.run(_chat(base, conversations, messages, spread, drop_share))
        reports = _reports("127.0.0.1", port, rate, seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "benchmark": "hotline",
        "machine": machine(),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1],
        "server": f"uvicorn, {workers} worker(s)",
        "chat": chat,
        "chat_target_met": chat["lost"] == 0
        and chat["duplicated"] == 0
        and chat["out_of_order"] == 0
        and (chat["delivery_ms"]["p95"] or 1e9) < 500,
        "reports": reports,
        "reports_target_met": reports["errors"] == 0
        and reports["achieved_per_second"] >= 0.95 * rate,
    }
