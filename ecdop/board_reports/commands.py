"""Command-line access to board reports."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecdop.foundation.files import write_private_file
from ecdop.foundation.refusals import fail

reports_group = AppGroup("reports", help="Board reports: generate one for a fixed period.")


def _areas(codes: tuple[str, ...]):
    from ecdop.auth.queries import all_areas, area_by_code

    if not codes:
        return all_areas()
    areas = [area_by_code(code.upper()) for code in codes]
    unknown = [code for code, area in zip(codes, areas, strict=True) if area is None]
    if unknown:
        fail(f"No review area with code {', '.join(unknown)}")
    return areas


@reports_group.command("generate")
@click.option("--kind", type=click.Choice(["annual", "quarterly"]), required=True)
@click.option("--period", "code", required=True, help="2025 for a year, 2025-Q3 for a quarter")
@click.option("--area", "area_codes", multiple=True, help="Only this review area (repeatable)")
@click.option("--output", "path", required=True, type=click.Path(dir_okay=False, writable=True))
def generate_command(kind: str, code: str, area_codes: tuple[str, ...], path: str) -> None:
    """Generate, archive and write a board report, e.g.
    reports generate --kind quarterly --period 2026-Q2 --output q2.pdf"""
    from ecdop.board_reports.models import ReportOrigin
    from ecdop.board_reports.services import generate_report, start_month
    from ecdop.foundation.periods import PeriodError, PeriodKind, parse_period
    from ecdop.foundation.refusals import ChangeRefused

    try:
        period = parse_period(PeriodKind(kind), code, start_month())
        report = generate_report(period, _areas(area_codes), origin=ReportOrigin.COMMAND_LINE)
    except (PeriodError, ChangeRefused) as refused:
        fail(str(refused))
    assert report is not None, "only a scheduled report can find itself made already"
    write_private_file(path, report.pdf)
    click.echo(f"{report.title} ({report.areas_label}): {report.pdf_bytes:,} bytes, "
               f"SHA-256 {report.sha256}, written to {path}.")  # fmt: skip
