"""Entry points: the command that adds synthetic deaths to an area."""

from __future__ import annotations

import click
from flask import current_app

from ecdop.auth.commands import areas_named
from ecdop.foundation.clock import uk_today
from ecdop.foundation.refusals import fail


@click.command("seed-synthetic")
@click.option("--cases", type=int, required=True, help="How many synthetic deaths to add")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed, the same data")
@click.option("--area", "area_code", default="DEMO", show_default=True)
@click.option("--years", type=int, default=6, show_default=True,
              help="Spread the deaths over this many years up to today")  # fmt: skip
def seed_synthetic_command(cases: int, seed: int, area_code: str, years: int) -> None:
    """Add synthetic deaths over the last six years (or --years), through every stage
    (development only)."""
    from ecdop.synthetic import SyntheticDataRefused, seed_synthetic

    if not current_app.config["SEED_DEMO_ALLOWED"]:
        fail("seed-synthetic only runs in development (ECDOP_ENV=development)")
    [area] = areas_named((area_code.upper(),))
    try:
        made = seed_synthetic(area, cases=cases, seed=seed, today=uk_today(), years=years)
    except SyntheticDataRefused as refused:
        fail(str(refused))
    click.echo(f"Added {made:,} synthetic cases to {area.name}.")
