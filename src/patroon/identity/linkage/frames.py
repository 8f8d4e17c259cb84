"""Linkage rows and tables: the shape in which records enter the model, in either mode.

A *row* is one record as the Python scorer reads it: a dict of compared columns and blocking
keys (plaintext strings, or hex tokens plus Bloom filters as Python ints). A *source* is
many records as columnar arrays, the shape DuckDB reads without a per-row Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from patroon.identity.linkage.comparisons import (
    COMPARED_COLUMNS,
    ENCODED,
    FUZZY_COLUMNS,
    PLAINTEXT,
    bloom_columns,
)
from patroon.identity.linkage.fields import linkage_columns
from patroon_encode.blocking import KEYS, blocking_table, blocking_values
from patroon_encode.encoder import EncodedBatch
from patroon_encode.fields import linkage_table

#: Columns every source carries besides the Bloom filter words.
COLUMNS = tuple(dict.fromkeys((*COMPARED_COLUMNS, *KEYS)))


@dataclass
class Source:
    """Records of one source (one organisation, or all records for a dedupe) as columns."""

    ids: list
    mode: str
    columns: dict[str, list]
    #: encoded mode: field -> (n, words) uint64 Bloom filters and (n,) presence mask
    blooms: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: encoded mode: the encoding header (format, key id, parameters)
    encoding: dict | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def to_arrow(self) -> pa.Table:
        arrays = {"unique_id": pa.array([str(i) for i in self.ids], pa.string())}
        for name in COLUMNS:
            arrays[name] = pa.array(self.columns[name], pa.string())
        for name, (words, present) in self.blooms.items():
            for i, column in enumerate(bloom_columns(name, words.shape[1])):
                arrays[column] = pa.array(words[:, i], pa.uint64(), mask=~present)
        return pa.table(arrays)

    def row(self, index: int) -> dict:
        """One record as the incremental scorer reads it (see ``plaintext_row``)."""
        out = {name: self.columns[name][index] for name in COLUMNS}
        for name, (words, present) in self.blooms.items():
            out[f"{name}__bloom"] = (
                int.from_bytes(words[index].astype("<u8").tobytes(), "little")
                if present[index]
                else None
            )
        return out


def plaintext_row(identifiers: dict) -> dict:
    """Linkage columns and blocking keys of one identifiers dict (PersonInput keys)."""
    fields = linkage_columns(identifiers)
    return {**fields, **blocking_values(fields)}


def plaintext_source(records: list[dict], ids: list | None = None) -> Source:
    """A plaintext source from identifiers dicts (PersonInput keys)."""
    ids = list(range(len(records))) if ids is None else list(ids)
    fields = linkage_table(records)
    columns = {**fields, **blocking_table(fields)}
    return Source(ids, PLAINTEXT, {name: columns[name] for name in COLUMNS})


def encoded_source(encoded: EncodedBatch | list[dict], header: dict | None = None) -> Source:
    """An encoded source from an ``EncodedBatch`` or from the JSON records of patroon-encode."""
    if isinstance(encoded, EncodedBatch):
        columns = {name: list(encoded.tokens[name]) for name in COLUMNS}
        blooms = {name: (encoded.blooms[name], encoded.present[name]) for name in FUZZY_COLUMNS}
        return Source(list(encoded.ids), ENCODED, columns, blooms, encoded.header())
    if header is None:
        raise ValueError("encoded JSON records need the header line of patroon-encode")
    words = header["parameters"]["bloom_bits"] * (2 if header["parameters"]["balance"] else 1)
    words //= 64
    columns = {name: [r["tokens"].get(name) for r in encoded] for name in COLUMNS}
    blooms = {}
    for name in FUZZY_COLUMNS:
        values = [r["blooms"].get(name) for r in encoded]
        present = np.array([v is not None for v in values])
        raw = b"".join(bytes.fromhex(v) if v else bytes(8 * words) for v in values)
        blooms[name] = (np.frombuffer(raw, "<u8").reshape(len(values), words).copy(), present)
    return Source([r["id"] for r in encoded], ENCODED, columns, blooms, header)


def encoded_row(record: dict) -> dict:
    """One JSON record of patroon-encode as the incremental scorer reads it."""
    out = {name: record["tokens"].get(name) for name in COLUMNS}
    for name in FUZZY_COLUMNS:
        value = record["blooms"].get(name)
        out[f"{name}__bloom"] = int.from_bytes(bytes.fromhex(value), "little") if value else None
    return out
