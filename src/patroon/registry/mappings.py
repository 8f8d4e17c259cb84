"""Loads the importers' value mappings (``data/mappings/<format>.yaml``). Pure Python."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

MAPPINGS_DIR = Path(__file__).with_name("data") / "mappings"
FORMATS = ("es-dgvg", "ar-minjus")


class MappingError(ValueError):
    pass


@functools.cache
def mapping(fmt: str) -> dict:
    if fmt not in FORMATS:
        raise MappingError(f"unknown import format {fmt!r}; one of {', '.join(FORMATS)}")
    data = yaml.safe_load((MAPPINGS_DIR / f"{fmt}.yaml").read_text(encoding="utf-8"))
    for key in ("format", "version", "sources", "country"):
        if not data.get(key):
            raise MappingError(f"{fmt}: missing {key}")
    if data["format"] != fmt:
        raise MappingError(f"{fmt}: file says format {data['format']!r}")
    return data
