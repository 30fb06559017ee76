"""Importing population estimates and the deprivation lookup: a bad file stores nothing."""

from __future__ import annotations

from importlib import resources

import pytest
from sqlalchemy import func, select

from ecdop.analytics.models import PopulationEstimate, PostcodeDeprivation
from ecdop.audit.models import AuditAction
from ecdop.foundation.extensions import db
from ecdop.foundation.vocabulary import AgeBand, age_band
from tests.helpers import audit_events

SAMPLES = resources.files("ecdop.analytics").joinpath("samples")


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def rows(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_the_sample_files_import_and_are_audited(app, demo):
    result = run(app, "import-populations", str(SAMPLES / "populations.csv"))
    assert result.exit_code == 0, result.output
    assert rows(PopulationEstimate) == 36
    result = run(app, "import-deprivation", str(SAMPLES / "deprivation.csv"))
    assert result.exit_code == 0, result.output
    lookup = db.session.get(PostcodeDeprivation, "SW1A 2AA")
    assert lookup.imd_decile == 7
    kinds = [e.details["kind"] for e in audit_events(AuditAction.REFERENCE_DATA_IMPORTED)]
    assert kinds == ["populations", "deprivation"]


def test_importing_a_year_again_replaces_it(app, demo, tmp_path):
    run(app, "import-populations", str(SAMPLES / "populations.csv"))
    path = write(tmp_path, "p.csv", "area_code,year,age_band,population\nDEMO,2025,1-4,90000\n")
    assert run(app, "import-populations", path).exit_code == 0
    estimate = db.session.scalar(
        select(PopulationEstimate).where(
            PopulationEstimate.year == 2025, PopulationEstimate.age_band == AgeBand.ONE_TO_FOUR
        )
    )
    assert estimate.population == 90000
    assert rows(PopulationEstimate) == 36


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("area,year\nDEMO,2025\n", "The header must be exactly"),
        ("area_code,year,age_band,population\nNOPE,2025,1-4,10\n", "no review area has the code"),
        ("area_code,year,age_band,population\nDEMO,twenty,1-4,10\n", "Line 3: the year"),
        ("area_code,year,age_band,population\nDEMO,2025,1-5,10\n", "Line 3: the age band"),
        ("area_code,year,age_band,population\nDEMO,2025,1-4,-3\n", "whole number"),
        ("area_code,year,age_band,population\nDEMO,2025,1-4,10\nDEMO,2025,1-4,11\n",
         "Line 4: this area, year and age band are already given"),
    ],
)  # fmt: skip
def test_a_bad_population_file_is_refused_whole(app, demo, tmp_path, text, message):
    # A good line first (line 2): one bad line refuses the whole file.
    good = "area_code,year,age_band,population\nDEMO,2024,5-9,1000\n"
    path = write(tmp_path, "p.csv", good + text.split("\n", 1)[1] if "population" in text
                 else text)  # fmt: skip
    result = run(app, "import-populations", path)
    assert result.exit_code != 0
    assert message in result.output and "Nothing was imported" in result.output
    assert rows(PopulationEstimate) == 0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("NOT A CODE,E01000001,3", "is not a UK postcode"),
        ("LS1 4AP,X01000001,3", "the LSOA code must look like E01000001"),
        ("LS1 4AP,E01000001,11", "the IMD decile must be a whole number from 1 to 10"),
    ],
)
def test_a_bad_lookup_is_refused_and_the_old_one_kept(app, demo, tmp_path, line, message):
    run(app, "import-deprivation", str(SAMPLES / "deprivation.csv"))
    path = write(tmp_path, "d.csv", f"postcode,lsoa_code,imd_decile\nLS2 7AA,E01000002,4\n{line}\n")
    result = run(app, "import-deprivation", path)
    assert result.exit_code != 0 and message in result.output
    assert rows(PostcodeDeprivation) == 11


def test_postcodes_are_stored_as_cases_hold_them(app, demo, tmp_path):
    path = write(tmp_path, "d.csv", "postcode,lsoa_code,imd_decile\nls14ap,e01000001,2\n")
    assert run(app, "import-deprivation", path).exit_code == 0
    assert db.session.get(PostcodeDeprivation, "LS1 4AP").lsoa_code == "E01000001"


@pytest.mark.parametrize(
    ("born", "died", "band"),
    [
        ("2026-11-01", "2026-11-28", AgeBand.NEONATAL),
        ("2026-11-01", "2026-11-29", AgeBand.POST_NEONATAL),
        ("2025-11-02", "2026-11-01", AgeBand.POST_NEONATAL),
        ("2025-11-01", "2026-11-01", AgeBand.ONE_TO_FOUR),
        ("2021-11-02", "2026-11-01", AgeBand.ONE_TO_FOUR),
        ("2016-11-01", "2026-11-01", AgeBand.TEN_TO_FOURTEEN),
        ("2008-11-02", "2026-11-01", AgeBand.FIFTEEN_TO_SEVENTEEN),
    ],
)
def test_age_bands(born, died, band):
    from datetime import date

    assert age_band(date.fromisoformat(born), date.fromisoformat(died)) is band
