"""A reproducible, clearly fictional demo world: households, organisations and signal histories.

Pure Python (stdlib + PyYAML), no Django. Usage::

    from datetime import date
    from patroon.demo.world import generate_world

    world = generate_world(households=200, years=3, seed=7, end=date(2026, 11, 1))
    world.organisations          # list of {"code", "name", "kind", "region"}
    for organisation_code, payload in world.signals:
        ...                      # payload in the canonical intake shape, chronological
    world.ground_truth           # JSON-serialisable dict (see below)

Semantics
---------
* Deterministic: the output depends only on ``(households, years, seed, end)``. All randomness
  comes from one ``random.Random(seed)``; nothing iterates over sets or hash-ordered data.
* Streaming: ``world.signals`` returns a NEW generator on every access, each an independent,
  identical pass. Signals are produced in non-decreasing order of ``reported_at`` by a heap
  merge; memory is bounded by the households still "open" at a point in time, not by the
  number of signals (about 1 M signals need roughly 300-500 MB peak, mostly the schedule and
  the truth arrays).
* Ground truth: a pass that runs to exhaustion records compact truth (arrays of integers).
  ``world.ground_truth`` returns it as a dict; if no pass has completed yet, it runs one first
  (without keeping the payloads), so it is always complete and correct. For very large worlds,
  use ``world.iter_mentions()`` and ``world.iter_households_truth()``, which stream the same
  content without building the big dict, or ``world.stream()``, which yields
  ``(organisation_code, payload, person_ids)`` with the true person id of every listed person.
* Window: every ``reported_at`` lies in ``[end - years, end)`` at 00:00 Europe/Amsterdam time,
  so no date is in the future relative to ``world.now`` (= ``end`` 00:00 local time).

Ground truth shape::

    {"seed", "households", "years", "end", "window_start",
     "mentions": [[organisation_code, source_reference, position_in_persons, true_person_id]],
     "households_truth": [{"household_id", "pattern", "relationship", "victim",
                           "perpetrators", "children", "others", "region", "regions",
                           "signals", "organisations", "outcome", ...}]}

The world is fictional: names are random combinations from ``data/names.yaml``, BSNs are valid
under the eleven-test but synthetic, every narrative starts with ``[DEMO]``. Proportions and
noise rates, with their sources and assumptions, are documented in docs/demo-world.md.
"""

from __future__ import annotations

import gc
import heapq
import random
from array import array
from collections.abc import Iterator
from datetime import date, datetime

import yaml

from patroon.demo import world_params as P
from patroon.demo.names import DATA, Surname, name_pool
from patroon.demo.world_clock import MINUTES_PER_DAY, Clock
from patroon.demo.world_narrative import Narrator
from patroon.demo.world_people import Person, ascii_slug, make_bsn, render

__all__ = ["World", "generate_world", "ORGANISATIONS"]

DAY = MINUTES_PER_DAY
YEAR_DAYS = 365.25

# -- organisations -------------------------------------------------------------------------------
_REGIONS = (
    # region code, slug, reference code, display names per kind
    (
        "rotterdam_rijnmond",
        "rotterdam",
        "RR",
        {
            "politie": "Politie Rotterdam",
            "veilig_thuis": "Veilig Thuis Rotterdam Rijnmond",
            "om": "Openbaar Ministerie Rotterdam",
            "reclassering": "Reclassering regio Rotterdam",
            "huisarts": "Huisartsenpraktijk Maaskade",
            "seh_ziekenhuis": "SEH Ziekenhuis Zuiderkade",
            "gemeente_wijkteam": "Wijkteam Rotterdam",
            "vrouwenopvang": "Vrouwenopvang Rijnmond",
            "jeugdbescherming": "Jeugdbescherming Rotterdam",
        },
    ),
    (
        "haaglanden",
        "haaglanden",
        "HGL",
        {
            "politie": "Politie Den Haag",
            "veilig_thuis": "Veilig Thuis Haaglanden",
            "om": "Openbaar Ministerie Den Haag",
            "reclassering": "Reclassering regio Den Haag",
            "huisarts": "Huisartsenpraktijk Duinzicht",
            "seh_ziekenhuis": "SEH Ziekenhuis Hofstad",
            "gemeente_wijkteam": "Wijkteam Den Haag",
            "vrouwenopvang": "Vrouwenopvang Haaglanden",
            "jeugdbescherming": "Jeugdbescherming Haaglanden",
        },
    ),
    (
        "utrecht",
        "utrecht",
        "UTR",
        {
            "politie": "Politie Midden-Nederland",
            "veilig_thuis": "Veilig Thuis Utrecht",
            "om": "Openbaar Ministerie Midden-Nederland",
            "reclassering": "Reclassering regio Utrecht",
            "huisarts": "Huisartsenpraktijk Vechtoever",
            "seh_ziekenhuis": "SEH Ziekenhuis Kromme Rijn",
            "gemeente_wijkteam": "Buurtteam Utrecht",
            "vrouwenopvang": "Vrouwenopvang Utrecht",
            "jeugdbescherming": "Jeugdbescherming Utrecht",
        },
    ),
)
_KIND_SLUG = {
    "politie": ("politie", "POL"),
    "veilig_thuis": ("veiligthuis", "VT"),
    "om": ("om", "OM"),
    "reclassering": ("reclassering", "RCL"),
    "huisarts": ("huisarts", "HA"),
    "seh_ziekenhuis": ("seh", "SEH"),
    "gemeente_wijkteam": ("wijkteam", "WT"),
    "vrouwenopvang": ("vrouwenopvang", "VO"),
    "jeugdbescherming": ("jeugdbescherming", "JB"),
}
_NATIONAL = (
    ("hulplijn-landelijk", "Landelijke hulplijn huiselijk geweld 24/7", "hulplijn", "HL-NL"),
    (
        "expertisecentrum-landelijk",
        "Landelijk expertisecentrum femicide",
        "expertisecentrum",
        "EC-NL",
    ),
)
_ROUND_THE_CLOCK = frozenset({"politie", "seh_ziekenhuis", "hulplijn", "vrouwenopvang"})
ROLES = ("victim", "alleged_perpetrator", "child", "reporter", "witness")


def _organisation_rows() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for region, slug, short, names in _REGIONS:
        for kind, name in names.items():
            kind_slug, ref = _KIND_SLUG[kind]
            rows.append((f"{kind_slug}-{slug}", f"{name} (demo)", kind, region, f"{ref}-{short}"))
    for code, name, kind, ref in _NATIONAL:
        rows.append((code, f"{name} (demo)", kind, "landelijk", ref))
    return rows


ORGANISATIONS: tuple[dict, ...] = tuple(
    {"code": c, "name": n, "kind": k, "region": r} for c, n, k, r, _ in _organisation_rows()
)


class _Org:
    __slots__ = (
        "idx",
        "code",
        "name",
        "kind",
        "region",
        "ref",
        "justice",
        "office",
        "fresh",
        "rates",
        "typo_rate",
    )

    def __init__(self, idx: int, code: str, name: str, kind: str, region: str, ref: str) -> None:
        self.idx = idx
        self.code = code
        self.name = name
        self.kind = kind
        self.region = region
        self.ref = ref
        self.justice = kind in P.JUSTICE_KINDS
        self.office = kind not in _ROUND_THE_CLOCK
        self.fresh = kind in ("hulplijn", "expertisecentrum")  # no file: every contact anew
        base = P.VICTIM_PROFILE[kind]
        perpetrator = base if self.justice else _scaled(base, P.PERPETRATOR_FACTOR)
        self.rates = {
            "victim": base,
            "alleged_perpetrator": perpetrator,
            "child": _scaled(base, P.CHILD_FACTOR),
            "reporter": _scaled(base, P.OTHER_FACTOR),
            "witness": _scaled(base, P.OTHER_FACTOR),
        }
        self.typo_rate = P.TYPO_RATE.get(kind, P.TYPO_RATE_DEFAULT)


def _scaled(base: tuple[float, ...], factor: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(b * f for b, f in zip(base, factor, strict=True))


# -- channels: which organisations record an incident, and when ----------------------------------
# (kind, probability). If none is drawn, the first kind records the incident.
_CHANNELS: dict[str, tuple[tuple[str, float], ...]] = {
    "moderate": (
        ("politie", 0.45),
        ("hulplijn", 0.18),
        ("huisarts", 0.15),
        ("gemeente_wijkteam", 0.12),
        ("veilig_thuis", 0.08),
        ("seh_ziekenhuis", 0.06),
        ("vrouwenopvang", 0.02),
    ),
    "control": (
        ("huisarts", 0.35),
        ("gemeente_wijkteam", 0.30),
        ("hulplijn", 0.30),
        ("veilig_thuis", 0.10),
        ("politie", 0.08),
        ("vrouwenopvang", 0.03),
        ("expertisecentrum", 0.03),
    ),
    "acute": (
        ("politie", 0.75),
        ("seh_ziekenhuis", 0.25),
        ("huisarts", 0.20),
        ("hulplijn", 0.10),
    ),
    "separation": (
        ("hulplijn", 0.35),
        ("gemeente_wijkteam", 0.30),
        ("huisarts", 0.15),
        ("veilig_thuis", 0.08),
    ),
    "stalking": (
        ("politie", 0.70),
        ("hulplijn", 0.25),
        ("veilig_thuis", 0.08),
        ("gemeente_wijkteam", 0.08),
        ("expertisecentrum", 0.03),
    ),
    "strangulation": (
        ("politie", 0.80),
        ("seh_ziekenhuis", 0.50),
        ("huisarts", 0.15),
    ),
    "honour_control": (
        ("gemeente_wijkteam", 0.35),
        ("hulplijn", 0.30),
        ("huisarts", 0.25),
        ("expertisecentrum", 0.25),
        ("veilig_thuis", 0.15),
    ),
    "honour_threat": (
        ("politie", 0.75),
        ("veilig_thuis", 0.25),
        ("expertisecentrum", 0.20),
        ("vrouwenopvang", 0.20),
    ),
    "family": (
        ("politie", 0.50),
        ("gemeente_wijkteam", 0.35),
        ("huisarts", 0.25),
        ("veilig_thuis", 0.10),
    ),
}
# After a police signal: Veilig Thuis (zorgmelding), OM (prosecution); probabilities by channel.
_VT_AFTER_POLICE = {
    "moderate": 0.6,
    "acute": 0.7,
    "stalking": 0.5,
    "strangulation": 0.85,
    "honour_threat": 0.85,
    "family": 0.6,
    "control": 0.5,
}
_OM_AFTER_POLICE = {
    "moderate": 0.05,
    "acute": 0.2,
    "stalking": 0.3,
    "strangulation": 0.5,
    "honour_threat": 0.4,
    "family": 0.1,
    "control": 0.02,
}
_VT_AFTER_PROFESSIONAL = 0.3
_RECLASSERING_AFTER_OM = 0.35
_JB_AFTER_VT = 0.12
# Reporting delay in days after the incident (min, max) per organisation kind.
_DELAY = {
    "politie": (0.003, 0.12),
    "seh_ziekenhuis": (0.01, 0.2),
    "huisarts": (0.5, 12),
    "gemeente_wijkteam": (2, 40),
    "hulplijn": (0.0, 4),
    "veilig_thuis": (0.2, 8),
    "vrouwenopvang": (0.0, 3),
    "expertisecentrum": (2, 25),
    "om": (10, 70),
    "reclassering": (20, 120),
    "jeugdbescherming": (20, 120),
}
_INJURY = frozenset({"physical_violence", "non_fatal_strangulation", "sexual_violence"})
_SEH_KEEP = frozenset(
    {
        "physical_violence",
        "non_fatal_strangulation",
        "sexual_violence",
        "pregnancy",
        "threat_with_weapon",
    }
)
_ONGOING = frozenset(
    {
        "coercive_control",
        "isolation",
        "financial_control",
        "digital_control",
        "stalking",
        "jealousy_possessiveness",
        "psychological_violence",
        "honour_related_violence",
    }
)
_APPROXIMATE_KINDS = frozenset(
    {
        "huisarts",
        "gemeente_wijkteam",
        "hulplijn",
        "expertisecentrum",
        "vrouwenopvang",
        "veilig_thuis",
    }
)
_PERPETRATOR_INCLUDED = {
    "politie": 0.99,
    "om": 1.0,
    "reclassering": 1.0,
    "veilig_thuis": 0.95,
    "jeugdbescherming": 0.95,
    "hulplijn": 0.6,
    "expertisecentrum": 0.7,
}


def _draw(rng: random.Random, table) -> list[str]:
    """Behaviours drawn independently from ((code, probability), ...)."""
    rnd = rng.random
    return [code for code, p in table if rnd() < p]


_MODERATE = (
    ("physical_violence", 0.55),
    ("psychological_violence", 0.5),
    ("jealousy_possessiveness", 0.15),
    ("substance_abuse", 0.15),
    ("coercive_control", 0.06),
    ("threat_to_kill", 0.06),
    ("financial_control", 0.04),
    ("sexual_violence", 0.03),
    ("digital_control", 0.03),
)
_CONTROL = (
    ("coercive_control", 0.55),
    ("jealousy_possessiveness", 0.45),
    ("psychological_violence", 0.45),
    ("isolation", 0.3),
    ("digital_control", 0.25),
    ("financial_control", 0.25),
    ("substance_abuse", 0.12),
)
_THREAT = (
    ("physical_violence", 0.8),
    ("threat_to_kill", 0.4),
    ("psychological_violence", 0.3),
    ("jealousy_possessiveness", 0.25),
    ("substance_abuse", 0.2),
    ("weapon_access", 0.1),
    ("perpetrator_suicide_threat", 0.1),
    ("violence_against_pets", 0.08),
    ("sexual_violence", 0.06),
)
_STALKING = (
    ("stalking", 0.85),
    ("digital_control", 0.3),
    ("threat_to_kill", 0.3),
    ("perpetrator_suicide_threat", 0.2),
    ("physical_violence", 0.15),
    ("psychological_violence", 0.2),
)
_FAMILY = (
    ("physical_violence", 0.5),
    ("psychological_violence", 0.6),
    ("financial_control", 0.35),
    ("substance_abuse", 0.35),
    ("threat_to_kill", 0.12),
    ("coercive_control", 0.1),
)
_HONOUR_CONTROL = (
    ("coercive_control", 0.6),
    ("isolation", 0.5),
    ("digital_control", 0.3),
    ("psychological_violence", 0.4),
)
_HONOUR_THREAT = (
    ("threat_to_kill", 0.6),
    ("physical_violence", 0.5),
    ("stalking", 0.2),
    ("digital_control", 0.2),
)


# -- internal records ----------------------------------------------------------------------------
class _Household:
    __slots__ = (
        "index",
        "pattern",
        "relationship",
        "victim",
        "perpetrators",
        "children",
        "others",
        "regions",
        "outcome",
        "flags",
        "open_signals",
    )

    def __init__(self, index: int, pattern: str, region: int) -> None:
        self.index = index
        self.pattern = pattern
        self.relationship = "partner"
        self.victim: Person | None = None
        self.perpetrators: list[Person] = []
        self.children: list[Person] = []
        self.others: list[tuple[Person, str]] = []
        self.regions: list[tuple[int, int]] = [(-(10**9), region)]
        self.outcome: list | None = None
        self.flags: dict[str, bool] = {}

    def region_at(self, minute: int) -> int:
        regions = self.regions
        index = len(regions) - 1
        while index > 0 and regions[index][0] > minute:
            index -= 1
        return regions[index][1]


class _Incident:
    """Something that happened at ``minute``; recorded by one or more organisations."""

    __slots__ = ("minute", "behaviours", "channel", "relationship", "final")

    def __init__(self, minute, behaviours, channel, relationship, final=None) -> None:
        self.minute = minute
        self.behaviours = behaviours
        self.channel = channel
        self.relationship = relationship
        self.final = final


class _Spec:
    """One signal to emit: everything decided except the rendering of persons and text."""

    __slots__ = (
        "household",
        "org",
        "report",
        "occurred_start",
        "occurred_end",
        "approximate",
        "behaviours",
        "relationship",
        "persons",
        "final",
        "confidentiality",
        "narrative_relationship",
        "opener",
    )


class _Truth:
    """Compact ground truth, filled while signals are emitted."""

    def __init__(self, orgs: list[_Org], households: int) -> None:
        self.org_codes = [o.code for o in orgs]
        self.org_refs = [o.ref for o in orgs]
        self.signal_org = array("H")
        self.signal_year = array("H")
        self.signal_seq = array("L")
        self.signal_mentions = array("B")  # number of persons listed in each signal
        self.mention_person = array("L")  # true person number of each listed person, in order
        self.household_rows: list = [None] * households
        self.household_signals = array("L", [0]) * households
        self.household_orgs = array("Q", [0]) * households

    def reference(self, signal: int) -> str:
        org = self.signal_org[signal]
        return f"{self.org_refs[org]}-{self.signal_year[signal]}-{self.signal_seq[signal]:06d}"


# -- the generator -------------------------------------------------------------------------------
class _Run:
    """One deterministic generation pass."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = random.Random(world.seed)
        self.clock = world.clock
        self.pool = name_pool()
        self.narrator = Narrator()
        places = _places()
        self.regions = [code for code, *_ in _REGIONS]
        self.region_weights = [places["regions"][code]["weight"] for code in self.regions]
        self.cities = [places["regions"][code]["cities"] for code in self.regions]
        self.city_totals = [sum(c["weight"] for c in cities) for cities in self.cities]
        self.streets = places["streets"]
        self.orgs = [_Org(i, *row) for i, row in enumerate(_organisation_rows())]
        self.org_by_region_kind: dict[tuple[str, str], _Org] = {}
        for org in self.orgs:
            self.org_by_region_kind[(org.region, org.kind)] = org
        self.today_ordinal = world.end.toordinal() - 1
        self.persons = 0
        self.bsn_salt = self.rng.randrange(_BSN_SALT_SPACE)
        self.truth = _Truth(self.orgs, world.households)
        self.counters: dict[tuple[int, int], int] = {}
        self.heap: list = []
        self.pushed = 0

    # -- helpers ---------------------------------------------------------------------------------
    def pick(self, table) -> str:
        """Weighted choice from ((value, weight), ...) whose weights sum to 1."""
        x = self.rng.random()
        for value, weight in table:
            x -= weight
            if x < 0:
                return value
        return table[-1][0]

    def org_for(self, kind: str, region: int) -> _Org:
        if kind in ("hulplijn", "expertisecentrum"):
            return self.org_by_region_kind[("landelijk", kind)]
        return self.org_by_region_kind[(self.regions[region], kind)]

    def new_person(self, sex: str, dob_ordinal: int) -> Person:
        number = self.persons
        self.persons += 1
        dob_ordinal = min(dob_ordinal, self.today_ordinal)
        person = Person(number, sex, dob_ordinal, date.fromordinal(dob_ordinal).isoformat())
        rnd = self.rng.random
        if rnd() >= P.NO_BSN_PERSON_RATE:
            person.bsn = make_bsn(number, self.bsn_salt)
        pool = self.pool.male if sex == "M" else self.pool.female
        position = int(rnd() * len(pool))
        first = pool[position]
        names = [first.official]
        extra = 0 if rnd() < 0.45 else (1 if rnd() < 0.75 else 2)
        for _ in range(extra):
            # further given names from nearby entries of the same list, so they read naturally
            other = pool[(position + int(rnd() * 13) - 6) % len(pool)].official
            if other not in names:
                names.append(other)
        person.given = tuple(names)
        person.given_variants = first.variants
        return person

    def set_surname(self, person: Person, surname) -> None:
        person.prefix = surname.prefix
        person.surname = surname.name
        person.surname_variants = surname.variants

    def copy_surname(self, person: Person, source: Person) -> None:
        person.prefix = source.prefix
        person.surname = source.surname
        person.surname_variants = source.surname_variants

    def contact(self, person: Person, minute: int, email: float = 0.35) -> None:
        rnd = self.rng.random
        person.phones.append((minute, f"06{10_000_000 + int(rnd() * 89_999_999):08d}"))
        if rnd() < email:
            domain = ("example.org", "example.com", "example.net")[int(rnd() * 3)]
            local = f"{ascii_slug(person.given[0])}.{ascii_slug(person.surname)}"
            if rnd() < 0.5:
                local += str(10 + int(rnd() * 89))
            person.email = f"{local}@{domain}"

    def address(self, region: int, near: tuple | None = None) -> tuple:
        rnd = self.rng.random
        if near is not None:  # a neighbour: same street, another number
            street, _, postcode, city = near
            return street, str(1 + int(rnd() * 180)), postcode, city
        cities = self.cities[region]
        x = rnd() * self.city_totals[region]
        city = cities[-1]
        for candidate in cities:
            x -= candidate["weight"]
            if x < 0:
                city = candidate
                break
        low, high = city["pc4"][int(rnd() * len(city["pc4"]))]
        letters = _POSTCODE_LETTERS
        pair = "SA"
        while pair in ("SA", "SD", "SS"):
            pair = letters[int(rnd() * len(letters))] + letters[int(rnd() * len(letters))]
        number = str(1 + int(rnd() * 220))
        if rnd() < 0.08:
            number += "ABC"[int(rnd() * 3)]
        street = self.streets[int(rnd() * len(self.streets))]
        return street, number, f"{low + int(rnd() * (high - low + 1))}{pair}", city["name"]

    def dob(self, minute: int, age_years: float) -> int:
        """Date-of-birth ordinal for someone aged ``age_years`` at ``minute``."""
        day = self.clock.day_of(minute)
        return self.clock.ordinal_of_day(day) - int(age_years * YEAR_DAYS)

    def incident_time(self, base: int, min_days: float, max_days: float) -> int:
        """An incident ``min..max`` days after ``base``, with a realistic hour (evening-heavy)."""
        rnd = self.rng.random
        minute = base + int((min_days + rnd() * (max_days - min_days)) * DAY)
        day, _ = self.clock.local(minute)
        evening = rnd() < 0.55
        local_minute = (18 * 60 + int(rnd() * 8 * 60)) % DAY if evening else int(rnd() * DAY)
        return max(base + 60, self.clock.to_utc(day, local_minute))

    def other_person(self, household: _Household, role: str) -> Person:
        """A reporter or witness: a neighbour, friend or relative; reused within a household."""
        rnd = self.rng.random
        used = [kind for _, kind in household.others]
        free = [kind for kind in _OTHER_KINDS if kind not in used]
        if household.others and (not free or rnd() < 0.5):
            return household.others[int(rnd() * len(household.others))][0]
        victim = household.victim
        kind = free[int(rnd() * len(free))]
        sex = "F" if kind in ("sister", "mother") or rnd() < 0.6 else "M"
        age = {"neighbour": 30 + rnd() * 40, "friend": 0, "sister": 0, "mother": 0}[kind]
        victim_age = (self.world.end.toordinal() - victim.dob_ordinal) / YEAR_DAYS
        if kind == "friend":
            age = max(18.0, victim_age - 5 + rnd() * 10)
        elif kind == "sister":
            age = max(16.0, victim_age - 8 + rnd() * 16)
        elif kind == "mother":
            age = min(95.0, victim_age + 20 + rnd() * 15)
        ordinal = self.world.end.toordinal() - int(age * YEAR_DAYS) - int(rnd() * 365)
        person = self.new_person(sex, ordinal)
        if kind == "sister":
            self.copy_surname(person, victim)
        else:
            self.set_surname(person, self.pool.surname(self.rng))
        victim_address = victim.addresses[0][1] if victim.addresses else None
        if kind == "neighbour" and victim_address is not None:
            person.addresses.append((-(10**9), self.address(0, near=victim_address)))
        else:
            person.addresses.append((-(10**9), self.address(household.region_at(0))))
        self.contact(person, -(10**9), email=0.1)
        household.others.append((person, kind))
        return person

    # -- schedule --------------------------------------------------------------------------------
    def schedule(self) -> list[tuple[int, int, tuple]]:
        world = self.world
        rnd = self.rng.random
        total = world.households
        shares = P.PATTERN_MIX
        exact = [share * total for _, share in shares]
        counts = [int(x) for x in exact]
        order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - counts[i]), i))
        for i in order[: total - sum(counts)]:
            counts[i] += 1
        patterns = [name for (name, _), n in zip(shares, counts, strict=True) for _ in range(n)]
        self.rng.shuffle(patterns)
        w0, w1 = self.clock.start_minute, self.clock.end_minute
        span = w1 - w0
        entries = []
        for index, pattern in enumerate(patterns):
            meta: tuple = ()
            if pattern == "single_incident":
                start = w0 + int(rnd() * span)
            elif pattern in ("femicide", "attempted_femicide"):
                thin = rnd() < P.LETHAL_THIN_HISTORY
                history = (30 + rnd() * 400) if thin else (120 + rnd() * 900)
                # the final event falls late enough for most of the history to be visible
                earliest = w0 + min(int(0.8 * history * DAY), span // 2)
                final = earliest + int(rnd() * max(DAY, w1 - 2 * DAY - earliest))
                start = final - int(history * DAY)
                relationship = self.pick(P.LETHAL_RELATIONSHIP)
                meta = (thin, final, relationship)
            else:
                start = w0 - 365 * DAY + int(rnd() * (span + 365 * DAY - DAY))
            entries.append((start, index, (pattern, meta)))
        entries.sort(key=lambda e: (e[0], e[1]))
        return entries

    # -- households ------------------------------------------------------------------------------
    def build(self, index: int, start: int, pattern: str, meta: tuple) -> None:
        region = _weighted_index(self.rng, self.region_weights)
        household = _Household(index, pattern, region)
        lethal = pattern if pattern in ("femicide", "attempted_femicide") else None
        relationship = meta[2] if lethal else None
        if pattern == "honour" or relationship == "honour_context":
            incidents, events = self.honour(household, start, lethal)
        elif pattern == "family_violence" or relationship == "family_member":
            incidents, events = self.family(household, start, lethal)
        else:
            incidents, events = self.partner(household, start, pattern, lethal, relationship, meta)
        if lethal:
            _, final, _ = meta
            incidents, events = self.lethal_end(household, start, final, incidents, events, lethal)
        self.apply_events(household, events)
        for incident in incidents:
            self.record_incident(household, incident)
        if household.flags.get("separated") and household.relationship == "partner":
            household.relationship = "ex_partner"
        self.record_household(household)

    def people_for_partners(self, household: _Household, start: int, lethal: str | None) -> None:
        rnd = self.rng.random
        victim_sex = "F" if lethal or rnd() >= P.MALE_VICTIM_SHARE else "M"
        same_sex = rnd() < P.SAME_SEX_SHARE
        perpetrator_sex = victim_sex if same_sex else ("M" if victim_sex == "F" else "F")
        victim_age = 18 + rnd() * 20 + rnd() * 24
        perpetrator_age = max(18.0, victim_age - 3 + rnd() * 11)
        victim = self.new_person(victim_sex, self.dob(start, victim_age) - int(rnd() * 365))
        perpetrator = self.new_person(
            perpetrator_sex, self.dob(start, perpetrator_age) - int(rnd() * 365)
        )
        self.set_surname(victim, self.pool.surname(self.rng))
        self.set_surname(perpetrator, self.pool.surname(self.rng))
        together = 0.5 + rnd() * min(victim_age - 18, perpetrator_age - 18, 20)
        married = together > 2 and rnd() < 0.45
        if married and victim_sex == "F" and not same_sex:
            victim.double_surname = f"{perpetrator.full_surname}-{victim.full_surname}"
        home = self.address(household.regions[0][1])
        victim.addresses.append((-(10**9), home))
        cohabiting = household.relationship == "partner" and rnd() < 0.8
        other_home = home if cohabiting else self.address(household.regions[0][1])
        perpetrator.addresses.append((-(10**9), other_home))
        self.contact(victim, -(10**9))
        self.contact(perpetrator, -(10**9), email=0.2)
        household.victim = victim
        household.perpetrators = [perpetrator]
        household.flags["married"] = married
        # children, born during the relationship
        p_children = P.CHILDREN_LETHAL if lethal else P.CHILDREN_OTHER
        start_ordinal = self.clock.ordinal_of_day(self.clock.day_of(start))
        relation_start = start_ordinal - int(together * YEAR_DAYS)
        earliest = max(relation_start + 270, start_ordinal - int(17 * YEAR_DAYS))
        latest = start_ordinal - 30
        if victim_age < 52 and latest - earliest > 60 and rnd() < p_children:
            n = 1 + (rnd() < 0.55) + (rnd() < 0.2)
            father_name = victim_sex == "F" and perpetrator_sex == "M" and rnd() < 0.7
            births = [earliest + int(rnd() * (latest - earliest))]
            for _ in range(n - 1):  # siblings at least about a year apart
                later = births[-1] + 365 + int(rnd() * 1100)
                earlier = births[0] - 365 - int(rnd() * 1100)
                if later <= latest:
                    births.append(later)
                elif earlier >= earliest:
                    births.insert(0, earlier)
            for birth in births:
                child = self.new_person("F" if rnd() < 0.5 else "M", birth)
                self.copy_surname(child, perpetrator if father_name else victim)
                child.addresses.append((-(10**9), home))
                household.children.append(child)

    def partner(self, household, start, pattern, lethal, relationship, meta):
        rnd = self.rng.random
        if lethal:
            thin = bool(meta and meta[0])
            household.relationship = relationship if thin else "partner"
        elif pattern == "single_incident":
            x = rnd()
            household.relationship = (
                "partner" if x < 0.65 else ("ex_partner" if x < 0.97 else "other_known")
            )
        elif pattern == "recurring":
            household.relationship = "partner" if rnd() < 0.7 else "ex_partner"
        else:
            household.relationship = "partner"
        self.people_for_partners(household, start, lethal)
        incidents: list[_Incident] = []
        events: list[tuple] = []
        rel = household.relationship
        if pattern == "single_incident":
            incidents.append(self.moderate(household, start, rel))
            return incidents, events
        if pattern == "recurring":
            t = start
            for k in range(2 + int(rnd() * 3)):
                t = t if k == 0 else self.incident_time(t, 30, 300)
                incidents.append(self.moderate(household, t, rel))
            if rnd() < 0.1:
                events.append((t + 20 * DAY, "move_all"))
            return incidents, events
        thin = bool(meta and meta[0])
        if thin:  # at most one earlier incident; it is a strangulation at the lethal rate
            strangulation = rnd() < P.STRANGULATION_LETHAL
            household.flags["prior_strangulation"] = strangulation
            if strangulation:
                incidents.append(
                    _Incident(
                        start,
                        ["non_fatal_strangulation", "physical_violence"],
                        "strangulation",
                        rel,
                    )
                )
            elif rnd() < 0.6:
                incidents.append(self.moderate(household, start, rel))
            return incidents, events
        separates = relationship == "ex_partner" if lethal else None
        self.escalation(household, start, lethal, separates, incidents, events)
        return incidents, events

    def moderate(self, household: _Household, minute: int, relationship: str) -> _Incident:
        behaviours = _draw(self.rng, _MODERATE) or ["psychological_violence"]
        if relationship == "ex_partner" and self.rng.random() < 0.5:
            behaviours.append("recent_separation")
        return _Incident(minute, behaviours, "moderate", relationship)

    def escalation(self, household, start, lethal, separates, incidents, events) -> None:
        """Control -> threats and violence -> separation -> stalking -> strangulation."""
        rnd = self.rng.random
        victim = household.victim
        if lethal:
            stop = "D" if separates else "B"
            strangulation = rnd() < P.STRANGULATION_LETHAL
        else:
            stop = self.pick((("B", 0.25), ("C", 0.15), ("D", 0.60)))
            strangulation = rnd() < P.STRANGULATION_ESCALATING
        household.flags["prior_strangulation"] = strangulation
        t = start
        pregnancy_at = None
        victim_age = self.clock.ordinal_of_day(self.clock.day_of(start)) - victim.dob_ordinal
        young = victim.sex == "F" and victim_age < 42 * YEAR_DAYS
        want_pregnancy = young and rnd() < 0.15
        # A: coercive control
        for k in range(1 + (rnd() < 0.5) + (rnd() < 0.2)):
            t = t if k == 0 else self.incident_time(t, 20, 150)
            behaviours = _draw(self.rng, _CONTROL) or ["coercive_control"]
            if want_pregnancy and pregnancy_at is None and rnd() < 0.6:
                behaviours.append("pregnancy")
                pregnancy_at = t
            incidents.append(_Incident(t, behaviours, "control", "partner"))
        # B: threats and violence
        for _ in range(1 + (rnd() < 0.5) + (rnd() < 0.2)):
            t = self.incident_time(t, 15, 120)
            behaviours = _draw(self.rng, _THREAT) or ["physical_violence"]
            if want_pregnancy and pregnancy_at is None:
                behaviours.append("pregnancy")
                pregnancy_at = t
            incidents.append(_Incident(t, behaviours, "acute", "partner"))
            if rnd() < 0.2:  # a house ban (huisverbod), then a breach
                t = self.incident_time(t, 2, 9)
                incidents.append(
                    _Incident(t, ["breach_house_ban", "threat_to_kill"], "stalking", "partner")
                )
        if pregnancy_at is not None:
            events.append((pregnancy_at + int((100 + rnd() * 100) * DAY), "birth"))
        if strangulation and stop in ("B", "C"):
            t = self.incident_time(t, 10, 90)
            behaviours = ["non_fatal_strangulation", "physical_violence"]
            if rnd() < 0.5:
                behaviours.append("threat_to_kill")
            incidents.append(_Incident(t, behaviours, "strangulation", "partner"))
        if stop == "B":
            return
        # C: separation
        t = self.incident_time(t, 10, 90)
        behaviours = ["recent_separation", "psychological_violence"]
        if rnd() < 0.2:
            behaviours.append("threat_to_kill")
        shelter = rnd() < 0.35
        incidents.append(_Incident(t, behaviours, "separation", "ex_partner"))
        events.append((t, "separate", shelter, rnd() < 0.2))
        household.flags["separated"] = True
        household.flags["shelter"] = shelter
        if stop == "C":
            return
        # D: stalking after separation, contact ban, breaches
        ban = False
        for k in range(2 + int(rnd() * 4)):
            t = self.incident_time(t, 5, 60)
            behaviours = _draw(self.rng, _STALKING) or ["stalking"]
            if household.children and rnd() < 0.25:
                behaviours.append("threats_involving_children")
            if ban:
                if rnd() < 0.6:
                    behaviours.append("breach_contact_ban")
                if rnd() < 0.2:
                    behaviours.append("breach_location_ban")
            incidents.append(_Incident(t, behaviours, "stalking", "ex_partner"))
            if k == 0 and rnd() < 0.45:
                ban = True
                household.flags["contact_ban"] = True
        if strangulation:
            t = self.incident_time(t, 5, 60)
            behaviours = ["non_fatal_strangulation", "physical_violence"]
            if rnd() < 0.5:
                behaviours.append("threat_to_kill")
            incidents.append(_Incident(t, behaviours, "strangulation", "ex_partner"))

    def family(self, household, start, lethal):
        """An adult son against his mother (relationship family_member)."""
        rnd = self.rng.random
        household.relationship = "family_member"
        mother_age = 45 + rnd() * 35
        son_age = max(18.0, mother_age - 20 - rnd() * 18)
        mother = self.new_person("F", self.dob(start, mother_age) - int(rnd() * 365))
        son = self.new_person("M", self.dob(start, son_age) - int(rnd() * 365))
        self.set_surname(mother, self.pool.surname(self.rng))
        self.set_surname(son, self.pool.surname(self.rng) if rnd() < 0.7 else _as_surname(mother))
        home = self.address(household.regions[0][1])
        mother.addresses.append((-(10**9), home))
        son_home = home if rnd() < 0.6 else self.address(household.regions[0][1])
        son.addresses.append((-(10**9), son_home))
        self.contact(mother, -(10**9), email=0.2)
        self.contact(son, -(10**9), email=0.2)
        household.victim = mother
        household.perpetrators = [son]
        incidents = []
        t = start
        count = (0 if rnd() < 0.3 else 1 + int(rnd() * 3)) if lethal else 1 + int(rnd() * 3)
        for k in range(count):
            t = t if k == 0 else self.incident_time(t, 20, 200)
            behaviours = _draw(self.rng, _FAMILY) or ["psychological_violence"]
            if lethal and k == count - 1 and "threat_to_kill" not in behaviours:
                behaviours.append("threat_to_kill")
            incidents.append(_Incident(t, behaviours, "family", "family_member"))
        return incidents, []

    def honour(self, household, start, lethal):
        """A young woman threatened by several family members (relationship honour_context)."""
        rnd = self.rng.random
        household.relationship = "honour_context"
        household.flags["honour"] = True
        victim_age = 17 + rnd() * 11
        victim = self.new_person("F", self.dob(start, victim_age) - int(rnd() * 365))
        family_name = self.pool.surname(self.rng)
        self.set_surname(victim, family_name)
        father = self.new_person("M", self.dob(start, victim_age + 22 + rnd() * 13))
        self.set_surname(father, family_name)
        perpetrators = [father]
        for _ in range(1 + (rnd() < 0.4)):
            brother = self.new_person("M", self.dob(start, max(16.0, victim_age - 6 + rnd() * 12)))
            self.set_surname(brother, family_name)
            perpetrators.append(brother)
        if rnd() < 0.3:
            uncle = self.new_person("M", self.dob(start, victim_age + 20 + rnd() * 20))
            self.set_surname(uncle, family_name)
            perpetrators.append(uncle)
        if rnd() < 0.2:
            mother = self.new_person("F", self.dob(start, victim_age + 20 + rnd() * 12))
            self.set_surname(mother, self.pool.surname(self.rng))
            perpetrators.append(mother)
        home = self.address(household.regions[0][1])
        for person in [victim, *perpetrators]:
            person.addresses.append((-(10**9), home))
            self.contact(person, -(10**9), email=0.15)
        household.victim = victim
        household.perpetrators = perpetrators
        incidents: list[_Incident] = []
        events: list[tuple] = []
        t = start
        for k in range(1 + int(rnd() * 2)):
            t = t if k == 0 else self.incident_time(t, 15, 120)
            behaviours = ["honour_related_violence", *_draw(self.rng, _HONOUR_CONTROL)]
            incidents.append(_Incident(t, behaviours, "honour_control", "honour_context"))
        for _ in range(1 + int(rnd() * 2)):
            t = self.incident_time(t, 10, 90)
            behaviours = ["honour_related_violence", *_draw(self.rng, _HONOUR_THREAT)]
            incidents.append(_Incident(t, behaviours, "honour_threat", "honour_context"))
        if rnd() < 0.6:  # she flees to a shelter, the family searches for her
            t = self.incident_time(t, 3, 40)
            events.append((t, "separate", True, rnd() < 0.3))
            household.flags["shelter"] = True
            incidents.append(
                _Incident(
                    t,
                    ["honour_related_violence", "recent_separation"],
                    "honour_threat",
                    "honour_context",
                )
            )
            t = self.incident_time(t, 10, 90)
            incidents.append(
                _Incident(
                    t,
                    ["honour_related_violence", "stalking", "threat_to_kill"],
                    "stalking",
                    "honour_context",
                )
            )
        return incidents, events

    def lethal_end(self, household, start, final, incidents, events, lethal):
        """Fit the history into [start, final) and add the (attempted) femicide at ``final``."""
        last = max([i.minute for i in incidents] + [e[0] for e in events] + [start])
        span = max(1, last - start)
        room = max(1, final - 2 * DAY - start)
        if span > room:
            scale = room / span
            for incident in incidents:
                incident.minute = start + int((incident.minute - start) * scale)
            events = [(start + int((e[0] - start) * scale), *e[1:]) for e in events]
        rnd = self.rng.random
        behaviours = ["physical_violence", "threat_with_weapon"]
        if rnd() < 0.25:
            behaviours.append("non_fatal_strangulation")
        if rnd() < 0.2:
            behaviours.append("weapon_access")
        relationship = household.relationship
        if relationship == "partner" and household.flags.get("separated"):
            relationship = "ex_partner"
        incidents.append(_Incident(final, behaviours, "final", relationship, final=lethal))
        household.outcome = [lethal, final, None, None]
        return incidents, events

    def apply_events(self, household: _Household, events: list[tuple]) -> None:
        rnd = self.rng.random
        victim = household.victim
        for event in sorted(events, key=lambda e: (e[0], e[1])):
            minute, kind = event[0], event[1]
            if kind == "birth":
                if minute >= self.clock.end_minute - DAY:
                    continue
                ordinal = self.clock.ordinal_of_day(self.clock.day_of(minute))
                child = self.new_person("F" if rnd() < 0.5 else "M", ordinal)
                child.born_minute = minute
                father = household.perpetrators[0]
                self.copy_surname(child, father if father.sex == "M" and rnd() < 0.7 else victim)
                index = victim.address_index(minute)
                child.addresses.append((minute, victim.addresses[index][1]))
                household.children.append(child)
            elif kind == "separate":
                shelter, cross = event[2], event[3]
                region = household.region_at(minute)
                if cross:
                    region = (region + 1 + int(rnd() * (len(self.regions) - 1))) % len(self.regions)
                    household.regions.append((minute, region))
                movers = [victim, *household.children]
                if shelter:
                    for person in movers:
                        person.addresses.append((minute, None))
                    minute += int((60 + rnd() * 140) * DAY)
                new_home = self.address(region)
                for person in movers:
                    person.addresses.append((minute, new_home))
                if rnd() < 0.4:
                    self.contact(victim, event[0], email=0.0)
            elif kind == "move_all":
                region = household.region_at(minute)
                new_home = self.address(region)
                old_home = victim.addresses[-1][1]
                for person in [victim, *household.perpetrators, *household.children]:
                    if person.addresses and person.addresses[-1][1] == old_home:
                        person.addresses.append((minute, new_home))

    def record_household(self, household: _Household) -> None:
        self.truth.household_rows[household.index] = (
            household.pattern,
            household.relationship,
            household.victim.num,
            tuple(p.num for p in household.perpetrators),
            tuple(c.num for c in household.children),
            tuple((p.num, kind) for p, kind in household.others),
            tuple(region for _, region in household.regions),
            household.outcome,
            tuple(sorted(key for key, value in household.flags.items() if value)),
        )

    # -- incidents -> signal specs ---------------------------------------------------------------
    def record_incident(self, household: _Household, incident: _Incident) -> None:
        rnd = self.rng.random
        region = household.region_at(incident.minute)
        behaviours = incident.behaviours
        children = [
            c
            for c in household.children
            if (c.born_minute is None or c.born_minute <= incident.minute)
            and self.clock.ordinal_of_day(self.clock.day_of(incident.minute)) - c.dob_ordinal
            < 18 * YEAR_DAYS
        ]
        if (
            children
            and incident.channel in ("acute", "strangulation", "moderate", "final")
            and "children_witnessing" not in behaviours
            and rnd() < 0.45
        ):
            behaviours = [*behaviours, "children_witnessing"]
        if incident.final:
            self.record_final(household, incident, region, behaviours, children)
            return
        channel = incident.channel
        kinds = [kind for kind, p in _CHANNELS[channel] if rnd() < p]
        if not kinds:
            kinds = [_CHANNELS[channel][0][0]]
        if "seh_ziekenhuis" in kinds and not _INJURY.intersection(behaviours):
            kinds.remove("seh_ziekenhuis")
            if not kinds:
                kinds = ["huisarts"]
        if incident.channel == "separation" and household.flags.get("shelter"):
            kinds.append("vrouwenopvang")
        for kind in kinds:
            org = self.org_for(kind, region)
            report = self.report_time(org, incident.minute)
            self.push(household, org, incident, report, behaviours, children)
            if kind == "politie":
                if rnd() < _VT_AFTER_POLICE.get(channel, 0.7):
                    vt = self.org_for("veilig_thuis", region)
                    vt_report = self.report_time(vt, report, 1, 8)
                    self.push(household, vt, incident, vt_report, behaviours, children, opener=0)
                    if children and rnd() < _JB_AFTER_VT:
                        jb = self.org_for("jeugdbescherming", region)
                        self.push(
                            household,
                            jb,
                            incident,
                            self.report_time(jb, vt_report),
                            behaviours,
                            children,
                        )
                if rnd() < _OM_AFTER_POLICE.get(channel, 0.1):
                    om = self.org_for("om", region)
                    om_report = self.report_time(om, report)
                    self.push(household, om, incident, om_report, behaviours, children)
                    if rnd() < _RECLASSERING_AFTER_OM:
                        rc = self.org_for("reclassering", region)
                        self.push(
                            household,
                            rc,
                            incident,
                            self.report_time(rc, om_report),
                            behaviours,
                            children,
                        )
            elif (
                kind in ("huisarts", "seh_ziekenhuis", "gemeente_wijkteam")
                and rnd() < _VT_AFTER_PROFESSIONAL
                and "politie" not in kinds
            ):
                vt = self.org_for("veilig_thuis", region)
                self.push(
                    household,
                    vt,
                    incident,
                    self.report_time(vt, report, 1, 10),
                    behaviours,
                    children,
                    opener=1,
                )

    def record_final(self, household, incident, region, behaviours, children) -> None:
        rnd = self.rng.random
        kind = incident.final
        police = self.org_for("politie", region)
        report = self.report_time(police, incident.minute)
        household.outcome[2] = police.idx
        self.push(
            household, police, incident, report, behaviours, children, final=kind, outcome=True
        )
        if kind == "attempted_femicide" and rnd() < 0.8:
            seh = self.org_for("seh_ziekenhuis", region)
            seh_behaviours = [b for b in behaviours if b in _SEH_KEEP] or ["physical_violence"]
            self.push(
                household,
                seh,
                incident,
                self.report_time(seh, incident.minute),
                seh_behaviours,
                children,
            )
        if rnd() < 0.8:
            om = self.org_for("om", region)
            self.push(
                household,
                om,
                incident,
                self.report_time(om, report),
                behaviours,
                children,
                final=f"{kind}_followup",
            )
        if children and rnd() < 0.6:
            vt = self.org_for("veilig_thuis", region)
            vt_report = self.report_time(vt, report, 1, 7)
            self.push(
                household,
                vt,
                incident,
                vt_report,
                ["children_witnessing"],
                children,
                final="children_after",
                opener=0,
            )
            if rnd() < 0.3:
                jb = self.org_for("jeugdbescherming", region)
                self.push(
                    household,
                    jb,
                    incident,
                    self.report_time(jb, vt_report),
                    ["children_witnessing"],
                    children,
                    final="children_after",
                )

    def report_time(
        self, org: _Org, after: int, low: float | None = None, high: float | None = None
    ) -> int:
        rnd = self.rng.random
        if low is None:
            low, high = _DELAY[org.kind]
            if org.kind == "politie" and rnd() < 0.25:  # an aangifte a few days later
                low, high = 0.5, 4
        minute = after + int((low + rnd() * (high - low)) * DAY)
        if org.office:
            day, local = self.clock.local(minute)
            weekday = self.clock.weekday(day)
            if weekday >= 5 or local >= P.OFFICE_END or local < P.OFFICE_START:
                if local >= P.OFFICE_START or weekday >= 5:
                    day += 1
                while self.clock.weekday(day) >= 5:
                    day += 1
                local = P.OFFICE_START + int(rnd() * (P.OFFICE_END - P.OFFICE_START))
                minute = max(minute, self.clock.to_utc(day, local))
        return max(minute, after + 1)

    def push(
        self,
        household,
        org,
        incident,
        report,
        behaviours,
        children,
        final=None,
        outcome=False,
        opener=None,
    ) -> None:
        clock = self.clock
        if report >= clock.end_minute or report < clock.start_minute:
            return
        rnd = self.rng.random
        kind = org.kind
        # behaviours this organisation writes down
        if final:
            kept = list(behaviours)
        else:
            kept = []
            for code in behaviours:
                if kind == "seh_ziekenhuis" and code not in _SEH_KEEP:
                    continue
                if code == "stalking" and kind == "politie":
                    if rnd() < P.POLICE_STALKING_RECORDED:
                        kept.append(code)
                elif (
                    code
                    in (
                        "honour_related_violence",
                        "pregnancy",
                        "breach_contact_ban",
                        "breach_house_ban",
                        "non_fatal_strangulation",
                    )
                    or rnd() < 0.85
                ):
                    kept.append(code)
            if not kept:
                kept = [behaviours[0]] if kind != "seh_ziekenhuis" else ["physical_violence"]
        # occurred
        incident_day = clock.day_of(incident.minute)
        occurred_start, occurred_end, approximate = incident_day, None, False
        if kind in _APPROXIMATE_KINDS and not final and _ONGOING.intersection(kept):
            if rnd() < 0.5:
                occurred_start = incident_day - int(7 + rnd() * 170)
                occurred_end = incident_day
                approximate = True
        elif kind == "politie" and "stalking" in kept and rnd() < 0.6:
            occurred_start = incident_day - int(3 + rnd() * 60)
            occurred_end = incident_day
            approximate = rnd() < 0.5
        # intake compares occurred.start with the UTC date of reported_at: a report made just
        # after local midnight must not fall on the previous UTC day
        if report < occurred_start * DAY:
            report = occurred_start * DAY + int(rnd() * 90)
            if report >= clock.end_minute:
                return
        # relationship as written down
        relationship = incident.relationship
        if not org.justice and rnd() < P.RELATIONSHIP_UNKNOWN_RATE:
            relationship = "unknown"
        elif (
            relationship == "honour_context"
            and kind not in ("politie", "expertisecentrum")
            and rnd() < 0.25
        ):
            relationship = "family_member"
        # persons
        persons: list[tuple[Person, str]] = [(household.victim, "victim")]
        perpetrators = household.perpetrators
        if rnd() < _PERPETRATOR_INCLUDED.get(kind, 0.8):
            if len(perpetrators) > 1:
                chosen = [p for p in perpetrators if rnd() < 0.7] or [perpetrators[0]]
            else:
                chosen = perpetrators
            persons.extend((p, "alleged_perpetrator") for p in chosen)
        if children:
            if "children_witnessing" in kept or "threats_involving_children" in kept:
                include = 0.95
            elif kind in ("veilig_thuis", "jeugdbescherming"):
                include = 0.9
            else:
                include = 0.15
            if rnd() < include:
                persons.extend((c, "child") for c in children)
                if "children_witnessing" not in kept and kind == "jeugdbescherming":
                    kept.append("children_witnessing")
        if kind == "hulplijn" and rnd() < 0.25:
            persons.append((self.other_person(household, "reporter"), "reporter"))
        elif kind == "politie" and not final:
            x = rnd()
            if x < 0.12:
                persons.append((self.other_person(household, "witness"), "witness"))
            elif x < 0.2:
                persons.append((self.other_person(household, "reporter"), "reporter"))
        elif kind == "veilig_thuis" and rnd() < 0.08:
            persons.append((self.other_person(household, "reporter"), "reporter"))
        if kind in ("vrouwenopvang",):
            confidentiality = "restricted" if rnd() < 0.5 else "normal"
        elif kind == "expertisecentrum":
            confidentiality = "restricted" if rnd() < 0.8 else "normal"
        elif incident.relationship == "honour_context":
            confidentiality = "restricted" if rnd() < 0.7 else "normal"
        else:
            confidentiality = "restricted" if rnd() < 0.02 else "normal"

        spec = _Spec()
        spec.household = household
        spec.org = org
        spec.report = report
        spec.occurred_start = occurred_start
        spec.occurred_end = occurred_end
        spec.approximate = approximate
        spec.behaviours = kept
        spec.relationship = relationship
        spec.persons = persons
        spec.final = (final, outcome) if final else None
        spec.confidentiality = confidentiality
        spec.narrative_relationship = incident.relationship
        if opener is None:
            if kind == "politie":
                opener = 1 if report - incident.minute > DAY // 3 else (0, 2, 3)[int(rnd() * 3)]
            elif kind == "veilig_thuis":
                opener = 2 + int(rnd() * 2)
        spec.opener = opener
        self.pushed += 1
        heapq.heappush(self.heap, (report, self.pushed, spec))

    # -- emission --------------------------------------------------------------------------------
    def emit(self, spec: _Spec) -> tuple[str, dict, list[str]]:
        rng = self.rng
        clock = self.clock
        org = spec.org
        truth = self.truth
        year = clock.year_of(spec.report)
        key = (org.idx, year)
        seq = self.counters.get(key, 0) + 1
        self.counters[key] = seq
        truth.signal_org.append(org.idx)
        truth.signal_year.append(year)
        truth.signal_seq.append(seq)
        reference = f"{org.ref}-{year}-{seq:06d}"
        household = spec.household
        report = spec.report
        day = clock.ordinal_of_day(clock.day_of(report))
        persons = [render(person, role, org, report, rng, day) for person, role in spec.persons]
        person_ids = [person.pid for person, _ in spec.persons]
        truth.signal_mentions.append(len(person_ids))
        truth.mention_person.extend([person.num for person, _ in spec.persons])
        if len(spec.persons) > 1 and rng.random() < P.WRONG_BSN_RATE:
            # the BSN of another listed person typed into the victim's record
            other = spec.persons[1 + int(rng.random() * (len(spec.persons) - 1))][0]
            if other.bsn and "bsn" in persons[0]:
                persons[0]["bsn"] = other.bsn
        truth.household_signals[household.index] += 1
        truth.household_orgs[household.index] |= 1 << org.idx
        final = spec.final
        if final and final[1]:
            household.outcome[3] = reference
        victim = household.victim
        narrative = self.narrator.build(
            rng,
            org.kind,
            victim.sex,
            spec.narrative_relationship,
            spec.behaviours,
            final=final[0] if final else None,
            opener=spec.opener,
        )
        payload = {
            "source_reference": reference,
            "reported_at": clock.format(spec.report),
            "occurred": {
                "start": clock.day_iso(spec.occurred_start),
                "end": clock.day_iso(spec.occurred_end) if spec.occurred_end is not None else None,
                "approximate": spec.approximate,
            },
            "relationship": spec.relationship,
            "behaviours": spec.behaviours,
            "persons": persons,
            "narrative": narrative,
            "confidentiality": spec.confidentiality,
        }
        return org.code, payload, person_ids

    def run(self) -> Iterator[tuple[str, dict, list[str]]]:
        heap = self.heap
        pop = heapq.heappop
        _relax_gc()
        try:
            for start, index, (pattern, meta) in self.schedule():
                while heap and heap[0][0] < start:
                    yield self.emit(pop(heap)[2])
                self.build(index, start, pattern, meta)
            while heap:
                yield self.emit(pop(heap)[2])
        finally:
            _restore_gc()
        self.world._truth = self.truth


# The generator allocates many long-lived, acyclic objects (pending signals, persons), which
# makes CPython's cyclic garbage collector run full collections often (~25 % of the run time).
# While at least one pass is active, the generation-0 threshold is raised; it is restored when
# the last pass finishes or is closed. Memory is still freed by reference counting.
_GC_GEN0 = 100_000
_gc_state = {"active": 0, "saved": None}


def _relax_gc() -> None:
    if _gc_state["active"] == 0:
        saved = gc.get_threshold()
        _gc_state["saved"] = saved
        if saved[0] and saved[0] < _GC_GEN0:
            gc.set_threshold(_GC_GEN0, *saved[1:])
    _gc_state["active"] += 1


def _restore_gc() -> None:
    _gc_state["active"] -= 1
    if _gc_state["active"] == 0 and _gc_state["saved"] is not None:
        gc.set_threshold(*_gc_state["saved"])
        _gc_state["saved"] = None


_BSN_SALT_SPACE = 9_000_000
_OTHER_KINDS = ("neighbour", "friend", "sister", "mother")
_POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"


def _as_surname(person: Person) -> Surname:
    return Surname(person.prefix, person.surname, person.surname_variants)


def _weighted_index(rng: random.Random, weights) -> int:
    x = rng.random() * sum(weights)
    for i, weight in enumerate(weights):
        x -= weight
        if x < 0:
            return i
    return len(weights) - 1


_PLACES: dict | None = None


def _places() -> dict:
    global _PLACES
    if _PLACES is None:
        _PLACES = yaml.safe_load((DATA / "places.yaml").read_text(encoding="utf-8"))
    return _PLACES


# -- public API ----------------------------------------------------------------------------------
class World:
    """A generated demo world. See the module docstring for the streaming semantics."""

    def __init__(self, households: int, years: int, seed: int, end: date) -> None:
        if households < 1:
            raise ValueError("households must be at least 1")
        if years < 1:
            raise ValueError("years must be at least 1")
        if isinstance(end, datetime):
            end = end.date()
        self.households = households
        self.years = years
        self.seed = seed
        self.end = end
        self.clock = Clock(end, years)
        self.start = self.clock.first_day
        #: ``end`` at 00:00 Europe/Amsterdam: every reported_at is before this instant.
        self.now = self.clock.aware(self.clock.end_minute)
        self.organisations: list[dict] = [dict(o) for o in ORGANISATIONS]
        self._truth: _Truth | None = None
        self._ground_truth: dict | None = None

    @property
    def signals(self) -> Iterator[tuple[str, dict]]:
        """A new generator of ``(organisation_code, payload)``, chronological by reported_at."""
        return ((code, payload) for code, payload, _ in _Run(self).run())

    def stream(self) -> Iterator[tuple[str, dict, list[str]]]:
        """Like ``signals`` but with the true person id of each entry in ``payload["persons"]``."""
        return _Run(self).run()

    def _complete_truth(self) -> _Truth:
        if self._truth is None:
            for _ in _Run(self).run():
                pass
        return self._truth

    def iter_mentions(self) -> Iterator[list]:
        """``[organisation_code, source_reference, position, true_person_id]`` per mention."""
        truth = self._complete_truth()
        codes = truth.org_codes
        signal_org = truth.signal_org
        people = truth.mention_person
        cursor = 0
        for signal, count in enumerate(truth.signal_mentions):
            code = codes[signal_org[signal]]
            reference = truth.reference(signal)
            for position in range(count):
                yield [code, reference, position, f"P{people[cursor + position]:07d}"]
            cursor += count

    def iter_households_truth(self) -> Iterator[dict]:
        """One dict per household, in household order (see docs/demo-world.md)."""
        truth = self._complete_truth()
        codes = truth.org_codes
        regions = [code for code, *_ in _REGIONS]
        for index, row in enumerate(truth.household_rows):
            (
                pattern,
                relationship,
                victim,
                perpetrators,
                children,
                others,
                path,
                outcome,
                flags,
            ) = row
            mask = truth.household_orgs[index]
            region_path = []
            for region in path:
                if not region_path or region_path[-1] != regions[region]:
                    region_path.append(regions[region])
            record = {
                "household_id": f"H{index:07d}",
                "pattern": pattern,
                "relationship": relationship,
                "victim": f"P{victim:07d}",
                "perpetrators": [f"P{n:07d}" for n in perpetrators],
                "children": [f"P{n:07d}" for n in children],
                "others": [{"person": f"P{n:07d}", "kind": kind} for n, kind in others],
                "region": region_path[0],
                "regions": region_path,
                "signals": truth.household_signals[index],
                "organisations": [codes[i] for i in range(len(codes)) if mask >> i & 1],
                "outcome": None,
            }
            record["flags"] = list(flags)
            if outcome is not None:
                kind, minute, org, reference = outcome
                record["outcome"] = {
                    "type": kind,
                    "date": self.clock.date_iso(minute),
                    "organisation": codes[org] if org is not None else None,
                    "source_reference": reference,
                }
            yield record

    @property
    def ground_truth(self) -> dict:
        """The complete ground truth as one JSON-serialisable dict (built once, then cached)."""
        if self._ground_truth is None:
            self._complete_truth()
            self._ground_truth = {
                "seed": self.seed,
                "households": self.households,
                "years": self.years,
                "end": self.end.isoformat(),
                "window_start": self.start.isoformat(),
                "mentions": list(self.iter_mentions()),
                "households_truth": list(self.iter_households_truth()),
            }
        return self._ground_truth


def generate_world(
    households: int = 200, years: int = 3, seed: int = 7, end: date = date(2026, 11, 1)
) -> World:
    """A fictional demo world; cheap to create, the work happens while iterating ``signals``."""
    return World(households, years, seed, end)
