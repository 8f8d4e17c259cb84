"""Real GPS traces from ``shared/data/trajectories`` as movement shapes, with their licence.

The traces are MIT-licensed (mie-lab/trackintel); the notice must travel with every replay,
so ``load_traces`` returns it from the folder's README next to the shapes. A trace becomes
metres east/north of its first fix: the world moves, rotates and re-times it."""

from __future__ import annotations

import csv
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

METRES_PER_DEGREE = 111_195.0
FILES = ("google", "gpsies", "posmo")
# POSMO samples every second with frozen fixes in between; thinning keeps real movement only.
MIN_SPACING_S = 15.0
# A fix that needs more than this from the previous one is a network-location jump, not travel.
MAX_TRAVEL_KMH = 200.0


@dataclass(frozen=True)
class Trace:
    name: str
    seconds: np.ndarray  # since the first fix
    east_m: np.ndarray
    north_m: np.ndarray
    accuracy_m: np.ndarray

    @property
    def duration_s(self) -> float:
        return float(self.seconds[-1])


@dataclass(frozen=True)
class Source:
    """What a replayed path came from, and the notice its licence requires."""

    files: tuple[str, ...]
    origin: str
    licence: str
    notice: str


def default_traces_dir() -> Path | None:
    """The shared trajectories folder, found the way the tests find it."""
    beside = Path(__file__).resolve().parents[4].parent / "shared" / "data"
    for root in (os.environ.get("PATROON_SHARED_DATA", ""), beside, "/work/shared/data"):
        if root and (Path(root) / "trajectories").is_dir():
            return Path(root) / "trajectories"
    return None


def licence_source(folder: Path) -> Source:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    notice = re.search(r"## Licence.*?```\n(.*?)```", readme, re.S)
    if notice is None or "MIT License" not in notice.group(1):
        raise ValueError(f"{folder}/README.md: the licence notice of the traces is missing")
    return Source(
        files=tuple(f"trackintel_{name}_trajectory.csv" for name in FILES),
        origin="https://github.com/mie-lab/trackintel (examples/data)",
        licence="MIT",
        notice=notice.group(1).strip(),
    )


def _read(path: Path) -> list[tuple[datetime, float, float, float]]:
    with path.open(encoding="utf-8") as handle:
        rows = [
            (
                datetime.fromisoformat(row["tracked_at"].replace("Z", "+00:00")),
                float(row["latitude"]),
                float(row["longitude"]),
                float(row["accuracy"]),
            )
            for row in csv.DictReader(handle, delimiter=";")
        ]
    return sorted(row for row in rows if row[3] > 0)  # 0 = accuracy not reported


def _kmh(a, b) -> float:
    north = (b[1] - a[1]) * METRES_PER_DEGREE
    east = (b[2] - a[2]) * METRES_PER_DEGREE * math.cos(math.radians(a[1]))
    return math.hypot(north, east) / (b[0] - a[0]).total_seconds() * 3.6


def _trace(name: str, rows) -> Trace:
    """The trace as a path: fixes at least ``MIN_SPACING_S`` apart, without jumps."""
    kept = [rows[0]]
    for row in rows[1:]:
        spacing = (row[0] - kept[-1][0]).total_seconds()
        if spacing >= MIN_SPACING_S and _kmh(kept[-1], row) <= MAX_TRAVEL_KMH:
            kept.append(row)
    t0, lat0, lon0, _ = kept[0]
    scale = METRES_PER_DEGREE * math.cos(math.radians(lat0))
    return Trace(
        name=name,
        seconds=np.array([(row[0] - t0).total_seconds() for row in kept]),
        east_m=np.array([(row[2] - lon0) * scale for row in kept]),
        north_m=np.array([(row[1] - lat0) * METRES_PER_DEGREE for row in kept]),
        accuracy_m=np.array([row[3] for row in kept]),
    )


def load_traces(folder: Path) -> tuple[dict[str, Trace], Source]:
    traces = {
        name: _trace(name, _read(folder / f"trackintel_{name}_trajectory.csv")) for name in FILES
    }
    return traces, licence_source(folder)
