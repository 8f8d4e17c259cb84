"""Real GPS traces from shared/data/trajectories (MIT, mie-lab/trackintel; see the README
there for the licence notice). Used only as movement patterns."""

import csv
from datetime import datetime

from patroon.proximity.engine import Ping
from tests.shared_data import shared_data


def load(
    name: str, device: str, min_interval_s: float = 0.0, accuracy_reported: bool = False
) -> list[Ping]:
    """Pings in time order, thinned to at least ``min_interval_s`` apart. Accuracy 0 means
    'not reported' in these files; ``accuracy_reported`` drops those rows."""
    path = shared_data("trajectories") / f"trackintel_{name}_trajectory.csv"
    with path.open(encoding="utf-8") as handle:
        rows = sorted(
            (
                datetime.fromisoformat(row["tracked_at"].replace("Z", "+00:00")),
                float(row["latitude"]),
                float(row["longitude"]),
                float(row["accuracy"]),
            )
            for row in csv.DictReader(handle, delimiter=";")
        )
    pings: list[Ping] = []
    for moment, lat, lon, accuracy in rows:
        if accuracy_reported and accuracy <= 0:
            continue
        if pings and (moment - pings[-1].time).total_seconds() < min_interval_s:
            continue
        pings.append(Ping(device, moment, lat, lon, accuracy_m=accuracy))
    return pings
