"""The simulation world for the proximity engine: real and synthetic paths, injected scenarios
with ground truth, a ping stream, scoring, and an in-process driver. Pure Python and numpy."""

from patroon.proximity.simulation.driver import run_in_process
from patroon.proximity.simulation.scoring import ObservedAlarm, score, within
from patroon.proximity.simulation.traces import default_traces_dir
from patroon.proximity.simulation.truth import TruthEvent
from patroon.proximity.simulation.world import SimPair, World, build_world

__all__ = [
    "ObservedAlarm",
    "SimPair",
    "TruthEvent",
    "World",
    "build_world",
    "default_traces_dir",
    "run_in_process",
    "score",
    "within",
]
