"""Review: the command that writes the national return."""

from __future__ import annotations

import click

from ecdop.foundation.refusals import fail


@click.command("export-national")
@click.option(
    "--from",
    "starts_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="First day of the period (reviews signed off from this day)",
)
@click.option(
    "--to",
    "ends_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="Last day of the period, included",
)
@click.option(
    "--output",
    "path",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="The file to write; readable by its owner only",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default=None,
    help="Default: from the output file's extension, else json",
)
@click.option("--area", "area_codes", multiple=True, help="Only this review area (repeatable)")
def export_national_command(starts_on, ends_on, path, output_format, area_codes) -> None:
    """Export the national return for reviews signed off in a period, e.g.
    export-national --from 2026-04-01 --to 2027-03-31 --output return.json"""
    from ecdop.foundation.periods import DateSpan
    from ecdop.meetings.national_return import export_national_return

    output_format = output_format or ("csv" if path.lower().endswith(".csv") else "json")
    period = DateSpan(starts_on.date(), ends_on.date())
    try:
        count = export_national_return(
            period, path, output_format=output_format, area_codes=list(area_codes) or None
        )
    except ValueError as error:
        fail(str(error))
    click.echo(
        f"National return: {count} closed case{'s' if count != 1 else ''} written as "
        f"{output_format}."
    )
