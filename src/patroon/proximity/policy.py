"""Loads the versioned policy defaults (``data/defaults.yaml``). Pure Python: no Django."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("data") / "defaults.yaml"
DEVICE_TYPES = ("ankle_monitor", "victim_device")
ALARM_KINDS = (
    "approach",
    "close_approach",
    "zone_breach",
    "strap_tamper",
    "skin_contact_loss",
    "unit_separation",
    "low_battery",
    "signal_loss",
    "implausible_position",
    "panic",
)


class PolicyError(ValueError):
    """The policy file is malformed; the message names the field."""


@dataclass(frozen=True)
class Policy:
    version: str
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
    normal_report_seconds: int
    alarm_report_seconds: int
    alarm_priority: dict[str, int]
    escalate_after_seconds: float


def _number(data: dict, name: str, minimum: float = 0.0, path: str = "") -> float:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise PolicyError(f"proximity policy: '{path or name}' must be a number >= {minimum:g}")
    return float(value)


def _mapping(data: dict, name: str, keys: tuple[str, ...]) -> dict[str, float]:
    section = data.get(name)
    if not isinstance(section, dict):
        raise PolicyError(f"proximity policy: '{name}' must be a mapping")
    return {key: _number(section, key, minimum=1, path=f"{name}.{key}") for key in keys}


def parse(data: dict) -> Policy:
    if not isinstance(data, dict) or not data.get("version"):
        raise PolicyError("proximity policy: 'version' is required")
    intervals = _mapping(data, "report_interval_seconds", ("normal", "alarm"))
    policy = Policy(
        version=str(data["version"]),
        alert_radius_m=_number(data, "alert_radius_m", minimum=1),
        inner_radius_m=_number(data, "inner_radius_m", minimum=1),
        dwell_seconds=_number(data, "dwell_seconds"),
        dwell_pings=int(_number(data, "dwell_pings", minimum=1)),
        hysteresis=_number(data, "hysteresis"),
        zone_rearm_margin_m=_number(data, "zone_rearm_margin_m"),
        low_battery_percent=_number(data, "low_battery_percent"),
        battery_rearm_percent=_number(data, "battery_rearm_percent"),
        future_tolerance_seconds=_number(data, "future_tolerance_seconds"),
        stale_after_seconds=_number(data, "stale_after_seconds", minimum=1),
        max_speed_kmh=_number(data, "max_speed_kmh", minimum=1),
        speed_accuracy_factor=_number(data, "speed_accuracy_factor"),
        signal_loss_minutes=_mapping(data, "signal_loss_minutes", DEVICE_TYPES),
        normal_report_seconds=int(intervals["normal"]),
        alarm_report_seconds=int(intervals["alarm"]),
        alarm_priority={
            kind: int(value)
            for kind, value in _mapping(data, "alarm_priority", ALARM_KINDS).items()
        },
        escalate_after_seconds=_number(data, "escalate_after_seconds", minimum=1),
    )
    if policy.inner_radius_m >= policy.alert_radius_m:
        raise PolicyError("proximity policy: 'inner_radius_m' must be below 'alert_radius_m'")
    if policy.battery_rearm_percent < policy.low_battery_percent:
        raise PolicyError(
            "proximity policy: 'battery_rearm_percent' must be >= 'low_battery_percent'"
        )
    return policy


@functools.cache
def load(path: Path = DATA_FILE) -> Policy:
    try:
        return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise PolicyError(f"proximity policy: {path} is not valid YAML: {exc}") from exc
