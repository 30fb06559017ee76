"""Importing the statistics' reference data from CSV: child population estimates, live
births, and the postcode → LSOA → IMD decile lookup. A file with any bad row is refused whole,
with every problem listed by line, and nothing is stored; a good file replaces what it
covers."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select

from ecdop.analytics.models import LiveBirths, PopulationEstimate, PostcodeDeprivation
from ecdop.auth.models import Area
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import AgeBand
from ecdop.notifications.rules import RuleBroken, clean_postcode

POPULATION_COLUMNS = ("area_code", "year", "age_band", "population")
DEPRIVATION_COLUMNS = ("postcode", "lsoa_code", "imd_decile")
LIVE_BIRTHS_COLUMNS = ("area_code", "year", "live_births")
LSOA_SHAPE = re.compile(r"^E01\d{6}$")
BATCH = 5000


class ImportRefused(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


@dataclass(frozen=True)
class Imported:
    rows: int


def _rows(lines: Iterable[str], columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    reader = csv.DictReader(lines)
    header = tuple(name.strip() for name in reader.fieldnames or ())
    if header != columns:
        raise ImportRefused([f"The header must be exactly: {','.join(columns)}"])
    return [(number, row) for number, row in enumerate(reader, start=2)]


def _whole_number(value: str, low: int, high: int) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def import_populations(lines: Iterable[str]) -> Imported:
    areas = {area.code: area.id for area in db.session.scalars(select(Area))}
    bands = {band.value for band in AgeBand}
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    seen = set()
    for number, row in _rows(lines, POPULATION_COLUMNS):
        area_id = areas.get((row["area_code"] or "").strip().upper())
        year = _whole_number(row["year"], 1990, 2100)
        band = (row["age_band"] or "").strip()
        population = _whole_number(row["population"], 0, 50_000_000)
        if area_id is None:
            problems.append(f"Line {number}: no review area has the code {row['area_code']!r}")
        if year is None:
            problems.append(f"Line {number}: the year must be a year, like 2025")
        if band not in bands:
            problems.append(f"Line {number}: the age band must be one of {', '.join(bands)}")
        if population is None:
            problems.append(f"Line {number}: the population must be a whole number")
        key = (area_id, year, band)
        if key in seen:
            problems.append(f"Line {number}: this area, year and age band are already given")
        seen.add(key)
        records.append({"area_id": area_id, "year": year, "age_band": band,
                        "population": population})  # fmt: skip
    if problems:
        raise ImportRefused(problems)
    for area_id, year, band in seen:
        db.session.execute(delete(PopulationEstimate).where(
            PopulationEstimate.area_id == area_id, PopulationEstimate.year == year,
            PopulationEstimate.age_band == AgeBand(band)))  # fmt: skip
    for record in records:
        record["age_band"] = AgeBand(record["age_band"])
        db.session.add(PopulationEstimate(**record))
    db.session.flush()
    return Imported(len(records))


def import_live_births(lines: Iterable[str]) -> Imported:
    """Live births by area and year; a good file replaces the years it gives."""
    areas = {area.code: area.id for area in db.session.scalars(select(Area))}
    records, problems, seen = [], [], set()
    for number, row in _rows(lines, LIVE_BIRTHS_COLUMNS):
        area_id = areas.get((row["area_code"] or "").strip().upper())
        year = _whole_number(row["year"], 1990, 2100)
        births = _whole_number(row["live_births"], 0, 5_000_000)
        if area_id is None:
            problems.append(f"Line {number}: no review area has the code {row['area_code']!r}")
        if year is None:
            problems.append(f"Line {number}: the year must be a year, like 2025")
        if births is None:
            problems.append(f"Line {number}: the live births must be a whole number")
        if (area_id, year) in seen:
            problems.append(f"Line {number}: this area and year are already given")
        seen.add((area_id, year))
        records.append({"area_id": area_id, "year": year, "births": births})
    if problems:
        raise ImportRefused(problems)
    for area_id, year in seen:
        db.session.execute(
            delete(LiveBirths).where(LiveBirths.area_id == area_id, LiveBirths.year == year)
        )
    db.session.add_all(LiveBirths(**record) for record in records)
    db.session.flush()
    return Imported(len(records))


def import_deprivation(lines: Iterable[str]) -> Imported:
    """The whole lookup is replaced: it is published as one file per IMD edition."""
    records, problems, seen = [], [], set()
    for number, row in _rows(lines, DEPRIVATION_COLUMNS):
        try:
            postcode = clean_postcode(row["postcode"])
        except RuleBroken:
            problems.append(f"Line {number}: {row['postcode']!r} is not a UK postcode")
            continue
        lsoa = (row["lsoa_code"] or "").strip().upper()
        decile = _whole_number(row["imd_decile"], 1, 10)
        if not LSOA_SHAPE.match(lsoa):
            problems.append(f"Line {number}: the LSOA code must look like E01000001")
        if decile is None:
            problems.append(f"Line {number}: the IMD decile must be a whole number from 1 to 10")
        if postcode in seen:
            problems.append(f"Line {number}: {postcode} is already given")
        seen.add(postcode)
        records.append({"postcode": postcode, "lsoa_code": lsoa, "imd_decile": decile})
    if problems:
        raise ImportRefused(problems)
    db.session.execute(delete(PostcodeDeprivation))
    for start in range(0, len(records), BATCH):
        db.session.execute(insert(PostcodeDeprivation), records[start : start + BATCH])
    db.session.flush()
    return Imported(len(records))


IMPORTERS = {
    "populations": import_populations,
    "live-births": import_live_births,
    "deprivation": import_deprivation,
}
