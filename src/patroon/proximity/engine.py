"""The proximity alarm engine for one device pair. Pure Python: no Django, no I/O.

Feed it pings (``on_ping``) and clock ticks (``on_tick``); it returns the alarms raised, every
suppression decision with its reason, the flags on the ping, and commands for the devices.
The caller persists all of it before acknowledging the device.

Accuracy: a device reports a horizontal error radius. An approach counts when the distance
minus both accuracies is inside the radius, i.e. when the two error circles *could* be that
close. This favours recall over precision (a missed approach can be fatal, research A4:
Queensland missed 26 %); the dwell and hysteresis in ``dwell.py`` absorb the noise it lets in.
Zones use the same rule with the wearer's accuracy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from patroon.proximity import policy as policy_file
from patroon.proximity.dwell import Tracker
from patroon.proximity.geo import haversine_m
from patroon.proximity.zones import Zone

ANKLE_MONITOR = "ankle_monitor"
VICTIM_DEVICE = "victim_device"
# Raising the report rate drains the battery: a low-battery alarm must not do that.
NO_RATE_RAISE = frozenset({"low_battery"})
# The deadline of a pair whose devices are all lost already: nothing left to check.
NEVER = datetime.max.replace(tzinfo=UTC)


# Not frozen: a frozen dataclass sets each field through object.__setattr__, 3 us more per
# instance, and the worker makes one per message. Nothing changes a ping once made.
@dataclass(slots=True)
class Ping:
    device: str
    time: datetime
    lat: float
    lon: float
    accuracy_m: float = 0.0
    speed: float | None = None
    battery: float | None = None
    strap_ok: bool = True
    skin_contact: bool = True
    # The ankle monitor's bracelet is within radio range of its GPS unit: apart, the position
    # is the unit's, not the wearer's.
    unit_linked: bool = True
    panic: bool = False


@dataclass(frozen=True)
class PairConfig:
    perpetrator: str
    victims: tuple[str, ...]
    alert_radius_m: float
    inner_radius_m: float
    dwell_seconds: float
    dwell_pings: int
    hysteresis: float
    zone_rearm_margin_m: float
    low_battery_percent: float
    battery_rearm_percent: float
    future_tolerance_seconds: float
    stale_after_seconds: float
    max_speed_kmh: float
    speed_accuracy_factor: float
    signal_loss_minutes: dict[str, float]
    alarm_report_seconds: int
    normal_report_seconds: int
    alarm_priority: dict[str, int]
    policy_version: str
    zones: tuple[Zone, ...] = ()

    @classmethod
    def default(cls, perpetrator: str, victims: tuple[str, ...], **overrides) -> PairConfig:
        """A pair with the policy file's defaults; ``overrides`` are this pair's own values."""
        values = vars(policy_file.load()).copy()
        values["policy_version"] = values.pop("version")
        values.pop("escalate_after_seconds")
        return cls(perpetrator=perpetrator, victims=tuple(victims), **values | overrides)

    def device_type(self, device: str) -> str:
        return ANKLE_MONITOR if device == self.perpetrator else VICTIM_DEVICE


@dataclass(frozen=True)
class Alarm:
    kind: str
    device: str
    time: datetime
    priority: int
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Suppression:
    kind: str
    device: str
    time: datetime
    reason: str


@dataclass(frozen=True)
class Command:
    device: str
    report_interval_seconds: int


@dataclass(slots=True)
class Outcome:
    flags: tuple[str, ...] = ()
    alarms: list[Alarm] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)


class PairEngine:
    """State of one pair. Both devices of a pair must reach the same engine instance."""

    def __init__(self, config: PairConfig, started_at: datetime):
        self.config = config
        devices = (config.perpetrator, *config.victims)
        self.latest: dict[str, datetime] = {}
        self.trusted: dict[str, Ping] = {}
        self.suspect: dict[str, Ping] = {}
        self.last_heard = dict.fromkeys(devices, started_at)
        self.lost: set[str] = set()
        self.raised: set[tuple[str, str]] = set()  # (kind, device) of latched sensor alarms
        self.trackers: dict[tuple[str, str], Tracker] = {}
        self.fast = False  # the devices were told to report at the alarm rate
        # Each tick visits every pair: work the limits out once, not per device per tick.
        self.silence_limits = {
            device: timedelta(minutes=config.signal_loss_minutes[config.device_type(device)])
            for device in devices
        }
        # No device can fall silent before this moment, so a tick before it has nothing to
        # check: a worker's clock passes tens of thousands of pairs, and checking each device
        # of each stalled the worker for 40-50 ms every 5 s. Hearing a device only moves its
        # own deadline later; one heard again after it was lost brings this forward.
        self.quiet_until = started_at + min(self.silence_limits.values())

    # -- input -----------------------------------------------------------------------------

    def on_ping(self, ping: Ping, now: datetime) -> Outcome:
        outcome = Outcome()
        self._heard(ping.device, now)
        if ping.panic:
            self._raise(outcome, "panic", ping.device, ping.time, {})
        latest = self.latest.get(ping.device)
        if latest is not None and ping.time <= latest:
            outcome.flags = ("out_of_order",)
            return outcome
        flags = self._position_flags(ping, now)
        outcome.flags = flags
        if "future_timestamp" not in flags:  # a wrong clock must not block later pings
            self.latest[ping.device] = ping.time
        self._sensors(ping, outcome)  # a cut strap matters whatever the clock says
        untrusted = "implausible_speed" in flags or "future_timestamp" in flags
        if untrusted or self.raised:
            detail = {"flags": flags}
            self._latch(outcome, "implausible_position", ping, untrusted, not untrusted, detail)
        if untrusted:
            return outcome
        self.trusted[ping.device] = ping
        self.suspect.pop(ping.device, None)
        if "stale" in flags:
            outcome.suppressions.append(
                Suppression("approach", ping.device, ping.time, "stale: not a live position")
            )
            return outcome
        self._proximity(ping, outcome)
        if ping.device == self.config.perpetrator:
            self._zones(ping, outcome)
        self._calm_down(outcome)
        return outcome

    def on_heartbeat(self, beat: Ping, now: datetime) -> Outcome:
        """A sign of life without a position: the device is heard and its sensors count;
        ``beat.lat``/``beat.lon`` are ignored."""
        outcome = Outcome()
        self._heard(beat.device, now)
        if beat.panic:
            self._raise(outcome, "panic", beat.device, beat.time, {})
        self._sensors(beat, outcome)
        return outcome

    def on_tick(self, now: datetime) -> Outcome:
        """Signal loss: no ping for the device type's limit."""
        outcome = Outcome()
        if now < self.quiet_until:
            return outcome
        deadlines = []
        for device, heard in self.last_heard.items():
            if device in self.lost:
                continue
            if now - heard > self.silence_limits[device]:
                self.lost.add(device)
                silent = round((now - heard).total_seconds())
                self._raise(outcome, "signal_loss", device, now, {"silent_seconds": silent})
            else:
                deadlines.append(heard + self.silence_limits[device])
        self.quiet_until = min(deadlines, default=NEVER)
        return outcome

    def not_stored(self, alarm: Alarm) -> None:
        """A signal-loss alarm of this engine's tick could not be stored: the device counts
        as not yet lost, so the next tick raises it again (the engine had moved on as if
        the alarm were in the log)."""
        if alarm.kind == "signal_loss" and alarm.device in self.lost:
            self._found(alarm.device)

    def _heard(self, device: str, now: datetime) -> None:
        if device not in self.last_heard:
            raise ValueError(f"device {device!r} is not part of this pair")
        self.last_heard[device] = max(self.last_heard[device], now)
        if device in self.lost:
            self._found(device)

    def _found(self, device: str) -> None:
        """A lost device counts as heard again: its own deadline may come before the pair's."""
        self.lost.discard(device)
        self.quiet_until = min(
            self.quiet_until, self.last_heard[device] + self.silence_limits[device]
        )

    # -- checks ----------------------------------------------------------------------------

    def _position_flags(self, ping: Ping, now: datetime) -> tuple[str, ...]:
        ahead = (ping.time - now).total_seconds()
        if ahead > self.config.future_tolerance_seconds:
            return ("future_timestamp",)
        flags = []
        if (now - ping.time).total_seconds() > self.config.stale_after_seconds:
            flags.append("stale")
        reference = self.trusted.get(ping.device)
        if reference is not None and self._too_fast(reference, ping):
            # Two suspect pings that agree with each other mean the device really moved
            # (the old anchor was wrong): re-anchor instead of distrusting it forever.
            previous = self.suspect.get(ping.device)
            if previous is None or self._too_fast(previous, ping):
                self.suspect[ping.device] = ping
                flags.append("implausible_speed")
        return tuple(flags)

    def _too_fast(self, earlier: Ping, later: Ping) -> bool:
        seconds = (later.time - earlier.time).total_seconds()
        metres = haversine_m(earlier.lat, earlier.lon, later.lat, later.lon)
        slack = self.config.speed_accuracy_factor * (earlier.accuracy_m + later.accuracy_m)
        metres = max(0.0, metres - slack)
        return seconds <= 0 or metres / seconds * 3.6 > self.config.max_speed_kmh

    def _sensors(self, ping: Ping, outcome: Outcome) -> None:
        cfg = self.config
        battery = ping.battery
        healthy = battery is None or battery > cfg.low_battery_percent
        if ping.strap_ok and ping.skin_contact and ping.unit_linked and healthy and not self.raised:
            return  # the usual ping: no fault, and no episode to end
        self._latch(outcome, "strap_tamper", ping, fault=not ping.strap_ok, clear=ping.strap_ok)
        self._latch(
            outcome, "skin_contact_loss", ping, fault=not ping.skin_contact, clear=ping.skin_contact
        )
        self._latch(
            outcome, "unit_separation", ping, fault=not ping.unit_linked, clear=ping.unit_linked
        )
        if battery is not None:
            self._latch(
                outcome,
                "low_battery",
                ping,
                fault=battery <= cfg.low_battery_percent,
                clear=battery >= cfg.battery_rearm_percent,
                detail={"battery": battery},
            )

    def _latch(self, outcome, kind, ping, fault: bool, clear: bool, detail=None) -> None:
        """Sensor-like alarms fire once per episode; repeats are recorded as suppressed."""
        key = (kind, ping.device)
        if fault and key not in self.raised:
            self.raised.add(key)
            self._raise(outcome, kind, ping.device, ping.time, detail or {})
        elif fault:
            outcome.suppressions.append(
                Suppression(kind, ping.device, ping.time, "already raised for this episode")
            )
        elif clear:
            self.raised.discard(key)

    def _proximity(self, ping: Ping, outcome: Outcome) -> None:
        cfg = self.config
        wearer = self.trusted.get(cfg.perpetrator)
        if wearer is None:
            return
        for victim_id in cfg.victims:
            victim = self.trusted.get(victim_id)
            if victim is None:
                continue
            raw = haversine_m(wearer.lat, wearer.lon, victim.lat, victim.lon)
            distance = max(0.0, raw - wearer.accuracy_m - victim.accuracy_m)
            for kind, radius in (
                ("approach", cfg.alert_radius_m),
                ("close_approach", cfg.inner_radius_m),
            ):
                rearmed = distance > radius * (1 + cfg.hysteresis)
                self._track(outcome, kind, victim_id, distance <= radius, rearmed, ping, raw)

    def _zones(self, ping: Ping, outcome: Outcome) -> None:
        for zone in self.config.zones:
            distance = max(0.0, zone.distance_m(ping.lat, ping.lon) - ping.accuracy_m)
            inside = distance == 0.0
            if inside and not zone.active_at(ping.time):
                outcome.suppressions.append(
                    Suppression(
                        "zone_breach",
                        ping.device,
                        ping.time,
                        f"zone {zone.name!r} is outside its schedule",
                    )
                )
                inside = False
            rearmed = distance > self.config.zone_rearm_margin_m
            self._track(outcome, "zone_breach", zone.name, inside, rearmed, ping, distance)

    def _track(self, outcome, kind, subject, inside, rearmed, ping, distance_m) -> None:
        """``distance_m`` is what the alarm reports: the raw distance between the devices,
        or the distance to the zone's edge."""
        key = (kind, subject)
        tracker = self.trackers.get(key)
        if tracker is None:
            if not inside:  # a fresh tracker outside decides nothing: most pings, most pairs
                return
            tracker = self.trackers[key] = Tracker(
                self.config.dwell_seconds, self.config.dwell_pings
            )
        decision, reason = tracker.evaluate(inside, rearmed, ping.time)
        if decision == "pending":
            self._raise_rate(outcome)  # confirm within seconds, not a full minute
        elif decision == "fire":
            detail = {"subject": subject, "distance_m": round(distance_m)}
            self._raise(outcome, kind, self.config.perpetrator, ping.time, detail)
        elif decision == "suppress":
            outcome.suppressions.append(
                Suppression(kind, self.config.perpetrator, ping.time, f"{subject}: {reason}")
            )

    def _raise(self, outcome: Outcome, kind: str, device: str, moment: datetime, detail) -> None:
        priority = self.config.alarm_priority[kind]
        outcome.alarms.append(Alarm(kind, device, moment, priority, dict(detail)))
        if kind not in NO_RATE_RAISE:
            self._raise_rate(outcome)

    def _calm_down(self, outcome: Outcome) -> None:
        """Back to the normal rate once nothing is pending, inside or latched: the alarm
        rate drains batteries and quadruples the traffic."""
        if not self.fast or outcome.commands or self.raised:
            return
        if any(t.pending_since is not None or t.fired for t in self.trackers.values()):
            return
        self.fast = False
        for target in (self.config.perpetrator, *self.config.victims):
            outcome.commands.append(Command(target, self.config.normal_report_seconds))

    def _raise_rate(self, outcome: Outcome) -> None:
        self.fast = True
        for target in (self.config.perpetrator, *self.config.victims):
            command = Command(target, self.config.alarm_report_seconds)
            if command not in outcome.commands:
                outcome.commands.append(command)
