"""The comparison structure of the linkage model, as data, rendered for both modes and paths.

One list of comparisons, each a list of levels, serves the plaintext mode (string columns,
Jaro-Winkler for fuzzy fields) and the encoded mode (keyed tokens, Bloom-filter similarity).
The same level objects render the Splink SQL (batch) and evaluate one pair in Python
(incremental), so both paths put a pair in the same level by construction.

Fuzzy thresholds are deliberately "odd" numbers: Jaro-Winkler values are rationals that
DuckDB and Python may round differently in the last bit, and a threshold no string pair can
hit exactly keeps that difference from moving a pair across a level boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

from patroon.identity.linkage.similarity import common_bits, jaro_winkler

PLAINTEXT = "plaintext"
ENCODED = "encoded"
MODES = (PLAINTEXT, ENCODED)


@dataclass(frozen=True)
class Fuzzy:
    """Similarity of one field at least a threshold: Jaro-Winkler, or shared filter bits."""

    column: str
    jaro_winkler: float
    #: share of the filter's (unbalanced) bit count: ``1 - hamming / bits`` on balanced filters
    bloom: float


@dataclass(frozen=True)
class Part:
    """One agreeing part in a counted level: equal, or similar if ``fuzzy`` is given."""

    column: str
    fuzzy: Fuzzy | None = None


@dataclass(frozen=True)
class Level:
    label: str
    #: equality alternatives: ANY alternative, in which ALL (left, right) column pairs agree
    equal: tuple[tuple[tuple[str, str], ...], ...] = ()
    fuzzy: Fuzzy | None = None
    #: or: at least ``at_least`` of these parts agree
    parts: tuple[Part, ...] = ()
    at_least: int = 0
    #: and (if set): this column is missing on at least one side
    one_side_missing: str = ""


@dataclass(frozen=True)
class Comparison:
    name: str
    #: the pair is in the null level if either side lacks all of these columns
    null_columns: tuple[str, ...]
    levels: tuple[Level, ...]


def _eq(*columns: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Alternatives "l.c = r.c" for each column."""
    return tuple(((c, c),) for c in columns)


# Given name and surname written in each other's field. For the surname one crossing
# suffices: the other crossing often fails on a second given name ("Maas" / "Wendy Demi"
# against "Wendy Maas").
_SWAPPED = (
    (("given_name", "surname"),),
    (("surname", "given_name"),),
    (("given_name", "surname_full"),),
    (("surname_full", "given_name"),),
)
# For the given name both crossings must agree. One crossing is one name found on the other
# side, and it already counts as the surname: counted as the given name too, "Kwakman" /
# "Elif" would fully match every Kwakman of her household ("Iris Kwakman").
_BOTH_SWAPPED = tuple(
    (given, surname)
    for given in (("given_name", "surname"), ("given_name", "surname_full"))
    for surname in (("surname", "given_name"), ("surname_full", "given_name"))
)

_ADDRESS = (
    Part("postcode"),
    Part("postcode_area"),
    Part("house_number"),
    Part("street", Fuzzy("street", 0.91357, 0.85547)),
    Part("city", Fuzzy("city", 0.91357, 0.80469)),
)

_NAMES_AND_DATE = (
    Comparison(
        "given_name",
        ("given_initial",),
        (
            Level("exact", _eq("given_name")),
            Level("call name of the same name", _eq("given_canon")),
            Level("swapped with surname", _BOTH_SWAPPED),
            Level("similar", fuzzy=Fuzzy("given_name", 0.91357, 0.80469)),
            Level("roughly similar", fuzzy=Fuzzy("given_name", 0.80357, 0.72266)),
            # Only when one side has just initials: "Robin" and "Ricardo" are two people.
            Level("same initial", _eq("given_initial"), one_side_missing="given_name"),
        ),
    ),
    Comparison(
        "other_given_names",
        ("given_other",),
        (Level("exact", _eq("given_other")),),
    ),
    Comparison(
        "surname",
        ("surname_full",),
        (
            Level("exact", _eq("surname", "surname_full")),
            Level("swapped with given name", _SWAPPED),
            Level(
                "shares a part of a double surname",
                (
                    (("surname", "surname2"),),
                    (("surname2", "surname"),),
                    (("surname2", "surname2"),),
                ),
            ),
            Level("similar", fuzzy=Fuzzy("surname", 0.91357, 0.80469)),
            Level("roughly similar", fuzzy=Fuzzy("surname", 0.80357, 0.72266)),
        ),
    ),
    Comparison(
        "date_of_birth",
        ("dob",),
        (
            Level("exact", _eq("dob")),
            Level("day and month swapped", ((("dob", "dob_swap"),),)),
            Level("year and month", _eq("dob_ym")),
            Level("month and day", _eq("dob_md")),
            Level("year and day", _eq("dob_yd")),
            Level("year", _eq("dob_year")),
        ),
    ),
    # Sex is cheap evidence against merging a mother with her son or a brother with a sister.
    Comparison("sex", ("sex",), (Level("exact", _eq("sex")),)),
)
_JOINT_ADDRESS = (
    # One comparison for the address, counting agreeing parts: the parts can be strongly
    # dependent (a Dutch postcode fixes street and city) or not (FEBRL), and u of "all parts
    # agree" measured on random pairs captures which. Summing them as separate comparisons
    # would count one shared address four times and link household members.
    Comparison(
        "address",
        ("postcode", "street", "city"),
        tuple(
            Level(f"{n} of {len(_ADDRESS)} parts agree", parts=_ADDRESS, at_least=n)
            for n in range(len(_ADDRESS), 0, -1)
        ),
    ),
)
_SEPARATE_ADDRESS = (
    Comparison(
        "postcode",
        ("postcode",),
        (Level("exact", _eq("postcode")), Level("same area", _eq("postcode_area"))),
    ),
    Comparison(
        "house_number",
        ("house_number",),
        (Level("exact", _eq("house_number")), Level("same digits", _eq("house_digits"))),
    ),
    Comparison(
        "street",
        ("street",),
        (
            Level("exact", _eq("street")),
            Level("similar", fuzzy=Fuzzy("street", 0.91357, 0.85547)),
            Level("roughly similar", fuzzy=Fuzzy("street", 0.80357, 0.78516)),
        ),
    ),
    Comparison(
        "city",
        ("city",),
        (Level("exact", _eq("city")), Level("similar", fuzzy=Fuzzy("city", 0.91357, 0.80469))),
    ),
)
_CONTACT = (
    Comparison("phone", ("phone",), (Level("exact", _eq("phone")),)),
    Comparison("bsn", ("bsn",), (Level("exact", _eq("bsn")),)),
    Comparison("email", ("email",), (Level("exact", _eq("email")),)),
)

#: Address profiles. "joint": one address comparison (real addresses, where postcode, street
#: and city depend on each other and household members share them). "separate": postcode,
#: house number, street and city as independent evidence, right only where they are
#: independent, as in FEBRL's synthetic records.
PROFILES = {
    "joint": (*_NAMES_AND_DATE, *_JOINT_ADDRESS, *_CONTACT),
    "separate": (*_NAMES_AND_DATE, *_SEPARATE_ADDRESS, *_CONTACT),
}
DEFAULT_PROFILE = "joint"
_ALL = tuple(c for profile in PROFILES.values() for c in profile)


#: Columns that the comparisons read (tokens in encoded mode).
COMPARED_COLUMNS = tuple(
    dict.fromkeys(
        column
        for comparison in _ALL
        for column in (
            *comparison.null_columns,
            *(c for level in comparison.levels for alt in level.equal for p in alt for c in p),
            *(level.fuzzy.column for level in comparison.levels if level.fuzzy),
            *(part.column for level in comparison.levels for part in level.parts),
        )
    )
)
FUZZY_COLUMNS = tuple(
    dict.fromkeys(
        fuzzy.column
        for c in _ALL
        for level in c.levels
        for fuzzy in (level.fuzzy, *(part.fuzzy for part in level.parts))
        if fuzzy
    )
)


def bloom_columns(column: str, words: int) -> list[str]:
    return [f"{column}__bf{i}" for i in range(words)]


def _similar_sql(fuzzy: Fuzzy, mode: str, bloom_bits: int, words: int) -> str:
    if mode == PLAINTEXT:
        sql = (
            f'jaro_winkler_similarity("{fuzzy.column}_l", "{fuzzy.column}_r") '
            f">= {fuzzy.jaro_winkler}"
        )
    else:
        columns = bloom_columns(fuzzy.column, words)
        shared = " + ".join(f'bit_count("{c}_l" & "{c}_r")' for c in columns)
        sql = f"({shared}) >= {bloom_threshold(fuzzy, bloom_bits)}"
    return sql


def _part_sql(part: Part, mode: str, bloom_bits: int, words: int) -> str:
    sql = f'"{part.column}_l" = "{part.column}_r"'
    if part.fuzzy:
        sql += f" OR ({_similar_sql(part.fuzzy, mode, bloom_bits, words)})"
    return f"(CASE WHEN {sql} THEN 1 ELSE 0 END)"


def bloom_threshold(fuzzy: Fuzzy, bloom_bits: int) -> int:
    """Shared set bits needed, as an integer so SQL and Python compare exactly alike."""
    return int(fuzzy.bloom * bloom_bits + 0.5)


def level_sql(level: Level, mode: str, bloom_bits: int = 0, words: int = 0) -> str:
    parts = [
        "(" + " AND ".join(f'"{a}_l" = "{b}_r"' for a, b in alternative) + ")"
        for alternative in level.equal
    ]
    if level.fuzzy:
        parts.append(f"({_similar_sql(level.fuzzy, mode, bloom_bits, words)})")
    if level.parts:
        counted = " + ".join(_part_sql(p, mode, bloom_bits, words) for p in level.parts)
        parts.append(f"({counted}) >= {level.at_least}")
    sql = " OR ".join(parts)
    if level.one_side_missing:
        column = level.one_side_missing
        sql = f'({sql}) AND ("{column}_l" IS NULL OR "{column}_r" IS NULL)'
    return sql


def null_sql(comparison: Comparison) -> str:
    sides = [
        " AND ".join(f'"{c}_{side}" IS NULL' for c in comparison.null_columns)
        for side in ("l", "r")
    ]
    return " OR ".join(f"({side})" for side in sides)


def level_matches(level: Level, mode: str, left: dict, right: dict, bloom_bits: int = 0) -> bool:
    """Python twin of ``level_sql``: does the pair (left, right) satisfy this level?"""
    column = level.one_side_missing
    if column and left.get(column) is not None and right.get(column) is not None:
        return False
    for alternative in level.equal:
        if all(left.get(a) is not None and left.get(a) == right.get(b) for a, b in alternative):
            return True
    if level.parts and level.at_least <= sum(
        _part_matches(part, mode, left, right, bloom_bits) for part in level.parts
    ):
        return True
    fuzzy = level.fuzzy
    if fuzzy is None:
        return False
    return _similar(fuzzy, mode, left, right, bloom_bits)


def _part_matches(part: Part, mode: str, left: dict, right: dict, bloom_bits: int) -> bool:
    value = left.get(part.column)
    if value is not None and value == right.get(part.column):
        return True
    return part.fuzzy is not None and _similar(part.fuzzy, mode, left, right, bloom_bits)


def _similar(fuzzy: Fuzzy, mode: str, left: dict, right: dict, bloom_bits: int) -> bool:
    column = fuzzy.column if mode == PLAINTEXT else f"{fuzzy.column}__bloom"
    lv, rv = left.get(column), right.get(column)
    if lv is None or rv is None:
        return False
    if mode == PLAINTEXT:
        return jaro_winkler(lv, rv) >= fuzzy.jaro_winkler
    return common_bits(lv, rv) >= bloom_threshold(fuzzy, bloom_bits)


def comparison_level(comparison: Comparison, mode: str, left: dict, right: dict, bits: int = 0):
    """Index into Splink's level list (0 = null, 1.. = the levels, last = else)."""
    columns = comparison.null_columns
    if all(left.get(c) is None for c in columns) or all(right.get(c) is None for c in columns):
        return 0
    for index, level in enumerate(comparison.levels, start=1):
        if level_matches(level, mode, left, right, bits):
            return index
    return len(comparison.levels) + 1
