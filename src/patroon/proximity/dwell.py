"""Dwell and hysteresis for one condition (a radius or a zone). Pure Python.

A condition must be seen on consecutive pings spanning ``dwell_seconds``, or on
``dwell_pings`` consecutive pings, before its alarm fires: a single fix (often an indoor
outlier) never fires on its own, whatever the clock says. After firing it re-arms only once
the wearer is clearly out again. Together this makes a motorway passing fire at most once
(research A2: the Rotterdam pilot's false alarms)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Tracker:
    dwell_seconds: float
    dwell_pings: int
    pending_since: datetime | None = None
    pending_count: int = 0
    fired: bool = False
    inside: bool = False

    def evaluate(self, inside: bool, rearmed: bool, moment: datetime) -> tuple[str, str]:
        """Returns (decision, reason); decision is ``fire``, ``pending`` (first sighting),
        ``suppress`` or ``none``."""
        was_inside, self.inside = self.inside, inside
        if self.fired:
            if rearmed:
                self.fired = False
            elif inside and not was_inside:
                return "suppress", "hysteresis: re-entry before the alarm re-armed"
            return "none", ""
        if not inside:
            if self.pending_since is None:
                return "none", ""
            reason = (
                f"dwell: out again after {self._held(moment):.0f} s "
                f"and {self.pending_count} ping(s) inside"
            )
            self._reset()
            return "suppress", reason
        if self.pending_since is None:
            self.pending_since = moment
        self.pending_count += 1
        if self.pending_count == 1:
            return "pending", ""
        if self._held(moment) >= self.dwell_seconds or self.pending_count >= self.dwell_pings:
            self._reset()
            self.fired = True
            return "fire", ""
        return "none", ""

    def _held(self, moment: datetime) -> float:
        return (moment - self.pending_since).total_seconds()

    def _reset(self) -> None:
        self.pending_since = None
        self.pending_count = 0
