"""Writing a generated demo world into the database through the real intake services, or to
JSON Lines files for import benchmarks. The ground truth always goes to a separate file."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from patroon.accounts.actor import Actor
from patroon.accounts.services import upsert_organisation
from patroon.signals.messages import render
from patroon.signals.services import import_batch
from patroon.signals.store import CREATED, EXISTING

DEMO_ACTOR = Actor(
    username="demo-generator", organisation_id=None, organisation_code=None, channel="demo"
)


class DemoWorldInvalid(RuntimeError):
    """The generator produced a signal that intake rejects: a bug in the generator."""


@dataclass
class LoadSummary:
    signals: int = 0
    created: int = 0
    existing: int = 0


def load_world(
    world, batch_size: int = 2000, on_progress: Callable[[int], None] | None = None
) -> LoadSummary:
    organisations = {
        o["code"]: upsert_organisation(o["code"], o["name"], o["kind"], o["region"])
        for o in world.organisations
    }
    summary = LoadSummary()
    buffers: dict[str, list[dict]] = defaultdict(list)

    def flush(code: str) -> None:
        rows = buffers.pop(code, [])
        if not rows:
            return
        result = import_batch(DEMO_ACTOR, organisations[code], rows, channel="demo")
        if result.rejected:
            first = result.rejected[0]
            problems = "; ".join(f"{e.field}: {render(e)}" for e in first.errors)
            reference = rows[first.index].get("source_reference")
            raise DemoWorldInvalid(f"{code} {reference}: {problems}")
        summary.signals += len(rows)
        summary.created += result.count(CREATED)
        summary.existing += result.count(EXISTING)
        if on_progress:
            on_progress(len(rows))

    for code, payload in world.signals:
        buffers[code].append(payload)
        if len(buffers[code]) >= batch_size:
            flush(code)
    for code in list(buffers):
        flush(code)
    return summary


def write_world_files(
    world, out: Path, on_progress: Callable[[int], None] | None = None
) -> dict[str, Path]:
    """One JSON Lines file per organisation plus organisations.json; returns code -> file."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "organisations.json").write_text(
        json.dumps(world.organisations, indent=2), encoding="utf-8"
    )
    files = {o["code"]: out / f"signals-{o['code']}.jsonl" for o in world.organisations}
    handles = {code: path.open("w", encoding="utf-8") for code, path in files.items()}
    try:
        count = 0
        for code, payload in world.signals:
            handles[code].write(json.dumps(payload, ensure_ascii=False) + "\n")
            count += 1
            if on_progress and count % 1000 == 0:
                on_progress(1000)
        if on_progress:
            on_progress(count % 1000)
    finally:
        for handle in handles.values():
            handle.close()
    return {code: path for code, path in files.items() if path.stat().st_size}


def write_ground_truth(world, path: Path, parameters: dict) -> None:
    """JSON Lines, streamed: a header with the parameters, then one line per person mention
    (``[organisation, source_reference, position, true_person_id]``) and per household."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"parameters": parameters}) + "\n")
        for mention in world.iter_mentions():
            handle.write(json.dumps({"mention": mention}) + "\n")
        for household in world.iter_households_truth():
            handle.write(json.dumps({"household": household}) + "\n")
