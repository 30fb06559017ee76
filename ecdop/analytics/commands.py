"""Reporting: the commands that import reference data: populations, live births and
deprivation."""

from __future__ import annotations

import click

from ecdop.foundation.refusals import fail


def _import_reference_data(kind: str, path: str) -> None:
    from ecdop.analytics.reference_data import IMPORTERS, ImportRefused
    from ecdop.audit.models import AuditAction
    from ecdop.audit.services import record_event

    try:
        with open(path, encoding="utf-8-sig", newline="") as lines:
            imported = IMPORTERS[kind](lines)
    except ImportRefused as refused:
        fail("Nothing was imported:\n  " + "\n  ".join(refused.problems[:50]))
    except (OSError, UnicodeDecodeError) as error:
        fail(f"Could not read {path}: {error}")
    record_event(AuditAction.REFERENCE_DATA_IMPORTED, details={"kind": kind, "rows": imported.rows})
    click.echo(f"Imported {imported.rows} rows of {kind}.")


@click.command("import-populations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_populations_command(path: str) -> None:
    """Import child population estimates: CSV with area_code,year,age_band,population."""
    _import_reference_data("populations", path)


@click.command("import-live-births")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_live_births_command(path: str) -> None:
    """Import live births by area and year: CSV with area_code,year,live_births."""
    _import_reference_data("live-births", path)


@click.command("import-deprivation")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_deprivation_command(path: str) -> None:
    """Replace the postcode lookup: CSV with postcode,lsoa_code,imd_decile."""
    _import_reference_data("deprivation", path)
