"""Entry points: the command that seeds the demo area, its people, cases and history."""

from __future__ import annotations

import click
from flask import current_app

from ecdop.foundation.refusals import fail


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo area, organisations and one user per role (development only)."""
    from ecdop.demo import (
        DEMO_ACCOUNTS,
        seed_demo,
        seed_demo_case,
        seed_demo_history,
        seed_demo_reference_data,
    )

    if not current_app.config["SEED_DEMO_ALLOWED"]:
        fail("seed-demo only runs in development (ECDOP_ENV=development)")
    created = seed_demo(current_app.config["DEMO_PASSWORD"])
    demo_case = seed_demo_case()
    seed_demo_reference_data()
    synthetic = seed_demo_history()
    click.echo("Demo data is ready." if created else "Demo data was already there.")
    click.echo(f"Demo accounts (password: {current_app.config['DEMO_PASSWORD']}):")
    for email, role, _organisation in DEMO_ACCOUNTS:
        click.echo(f"  {email:<24} {role.label}")
    if synthetic:
        click.echo(f"Added {synthetic:,} synthetic past deaths, for the board's reports.")
    if demo_case:
        _explain_demo_case(demo_case)
        if demo_case.ready_references:
            click.echo(
                f"Demo cases {' and '.join(demo_case.ready_references)} are ready for "
                "panel: schedule a panel meeting and put them on its agenda."
            )


def _explain_demo_case(demo_case) -> None:
    from ecdop.foundation.clock import add_working_days

    due = demo_case.gp_due_on
    click.echo(
        f"Demo case {demo_case.late_reference} was notified three weeks ago: items are "
        "already overdue on the coordinator's dashboard."
    )
    click.echo(f"Demo case {demo_case.reference}: the GP's report is due on {due:%-d %B %Y}.")
    click.echo("To see its reminders and escalation, move the sweep's clock, e.g.:")
    for label, day in (
        ("1 working day before", add_working_days(due, -1)),
        ("overdue", add_working_days(due, 1)),
        ("escalated", add_working_days(due, 10)),
    ):
        click.echo(
            f"  ({label}) .venv/bin/flask --app ecdop run-job sweep-deadlines "
            f"--on {day.isoformat()}"
        )
