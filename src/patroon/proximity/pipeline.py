"""One thread that owns the ingestor: collects messages from any transport for a few
milliseconds, commits them as one group and only then resolves each sender's future.

Transports (the MQTT client threads, the HTTPS handler on the event loop) never touch the
database; they submit and wait. The same thread runs the clock: signal loss, escalation of
unanswered alarms and re-delivery of alarms that victim devices have not confirmed."""

from __future__ import annotations

import gc
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from django.db import close_old_connections

from patroon.proximity import services
from patroon.proximity.ingest import Incoming, Ingestor, Receipt

log = logging.getLogger(__name__)


@dataclass
class _Job:
    items: list[Incoming]
    future: Future


class Pipeline:
    def __init__(
        self,
        ingestor: Ingestor,
        *,
        max_batch: int = 2000,
        max_wait: float = 0.02,
        tick_every: float = 5.0,
        after_commit: Callable[[list[Incoming], list[Receipt]], None] | None = None,
        on_tick: Callable[[], None] | None = None,
    ):
        self.ingestor = ingestor
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.tick_every = tick_every
        self.after_commit = after_commit
        self.on_tick = on_tick
        self.jobs: queue.Queue[_Job | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="proximity-pipeline", daemon=True)
        self.ready = threading.Event()

    def start(self) -> Pipeline:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join()

    def submit(self, items: list[Incoming]) -> Future:
        """A future of one receipt per item, resolved after the group's commit."""
        job = _Job(items, Future())
        self.jobs.put(job)
        return job.future

    def _collect(self, first: _Job) -> tuple[list[_Job], bool]:
        jobs, size, stopping = [first], len(first.items), False
        deadline = time.monotonic() + self.max_wait
        while size < self.max_batch:
            remaining = deadline - time.monotonic()
            try:
                job = self.jobs.get(timeout=remaining) if remaining > 0 else self.jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                stopping = True
                break
            jobs.append(job)
            size += len(job.items)
        return jobs, stopping

    def _run(self) -> None:
        self.ingestor.load()
        # Tens of thousands of engines live as long as the process: keep the collector from
        # walking them again and again (measured: 112 -> 83 us per message).
        gc.freeze()
        self.ready.set()
        next_tick = time.monotonic() + self.tick_every
        stopping = False
        while not stopping:
            try:
                first = self.jobs.get(timeout=max(0.0, next_tick - time.monotonic()))
            except queue.Empty:
                first = None
            else:
                if first is None:
                    break
            if first is not None:
                jobs, stopping = self._collect(first)
                self._commit(jobs)
            if time.monotonic() >= next_tick:
                self._tick()
                next_tick = time.monotonic() + self.tick_every
        close_old_connections()

    def _commit(self, jobs: list[_Job]) -> None:
        items = [item for job in jobs for item in job.items]
        try:
            receipts = self.ingestor.accept(items)
        except Exception as exc:  # nothing was stored: every sender must resend
            log.exception("proximity: group commit of %d messages failed", len(items))
            close_old_connections()
            for job in jobs:
                job.future.set_exception(exc)
            return
        self.ingestor.attach_pending_alarms(items, receipts)
        if self.after_commit is not None:
            self.after_commit(items, receipts)
        start = 0
        for job in jobs:
            job.future.set_result(receipts[start : start + len(job.items)])
            start += len(job.items)

    def _tick(self) -> None:
        try:
            self.ingestor.tick()
            services.escalate_due()
            if self.on_tick is not None:
                self.on_tick()
        except Exception:
            log.exception("proximity: clock tick failed; retried on the next one")
            close_old_connections()
