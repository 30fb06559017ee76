"""Cases: the command that works every case's deadlines out afresh."""

from __future__ import annotations

import click


@click.command("refresh-deadlines")
def refresh_deadlines_command() -> None:
    """Work out every live case's deadlines again (after an upgrade, or to repair)."""
    from ecdop.deadlines.services import refresh_all_deadlines

    count = refresh_all_deadlines()
    click.echo(f"Deadlines refreshed for {count} cases")
