"""Loading administrative divisions from the project's CSV (``data/regions/``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

REGIONS_DIR = Path(__file__).resolve().parent / "data" / "regions"
PREFIX_LENGTHS = {"province": 2, "prefecture": 4, "county": 6, "township": 9, "village": 12}


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent_code: str

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTHS[self.level]]


def read_region_rows(path: Path | None = None) -> list[RegionRow]:
    """Rows of ``guizhou.csv`` in code order (parents before children)."""
    source = path or REGIONS_DIR / "guizhou.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        rows = [
            RegionRow(row["code"], row["name"], row["level"], row["parent_code"])
            for row in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda row: (len(row.parent_code), row.code))
